"""The fan-in from one period's venue pulls to that period's risk evaluation (stack mode).

Beat's dispatch sends one task per venue; the evaluation must start once, after all of them:

- a finished venue adds its id to the period's set (SADD), so a redelivered task (late
  acknowledgement after a worker restart) adds nothing and cannot make the set look complete
  early;
- the venue that completes the set claims the period's evaluation (SET NX) and starts it by name;
- a venue task that expired unrun (workers busy past the period) or failed never completes the
  set, so the next period's dispatch claims every earlier period left incomplete and starts its
  evaluation then: the missing venues keep their last good data, whose age shows it. A venue
  still pulling (its run holds the period's claim, e.g. a first contact's backfill) is waited
  for: its own finish completes the period, so an evaluation never runs on half a first cycle.

A period is claimed once whichever way comes first, so an evaluation is never started twice.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from apps.core.oncommit import task_send_on_commit
from apps.venues.connectors.store import redis_client

log = logging.getLogger(__name__)
PENDING = "riskmonitor:cycle:pending"  # sorted set: dispatched periods not yet claimed
KEY_TTL_SECONDS = 3600
# An incomplete period older than this many intervals is dropped, not evaluated: the cycles
# since have covered it.
SWEEP_INTERVALS = 3


def _interval() -> float:
    return float(settings.RISK_MONITOR["CHECK_INTERVAL_SECONDS"])


def _key(kind: str, period_start: datetime) -> str:
    return f"riskmonitor:cycle:{int(period_start.timestamp())}:{kind}"


def pull_claim_key(venue: str, period_start: datetime) -> str:
    """The key a venue's run for the period holds while it pulls and stores (one run at once)."""
    return f"riskmonitor:ingest:{venue}:{int(period_start.timestamp())}"


def period_dispatched(period_start: datetime, venues: dict[int, str]) -> list[datetime]:
    """Record that the period's tasks were sent to ``venues`` (id -> name); start the evaluation
    of every earlier period left incomplete by a lost or expired task (returns those periods)."""
    client = redis_client()
    names = _key("venues", period_start)
    with client.pipeline() as pipe:
        if venues:
            pipe.hset(names, mapping={str(pk): name for pk, name in venues.items()})
        pipe.expire(names, KEY_TTL_SECONDS)
        pipe.zadd(PENDING, {str(int(period_start.timestamp())): period_start.timestamp()})
        pipe.execute()
    return _incomplete_evaluate(before=period_start)


def venue_finished(period_start: datetime, venue_id: int, expected: int) -> bool:
    """Count the venue as done for the period; True when this call completed the period and
    started its evaluation."""
    done = _key("done", period_start)
    with redis_client().pipeline() as pipe:
        pipe.sadd(done, venue_id)
        pipe.expire(done, KEY_TTL_SECONDS)
        pipe.scard(done)
        finished = int(pipe.execute()[-1])
    return finished >= expected and _claim(period_start)


def evaluation_start(period_start: datetime) -> None:
    """Queue the period's risk evaluation by name; it expires before the next period's, which
    supersedes it (embedded mode runs it here, eagerly)."""
    task_send_on_commit(
        "risk.evaluate_cycle",
        kwargs={"cycle_start": period_start.isoformat()},
        queue="risk",
        expires=max(_interval() * 0.9, 1.0),
    )


def _claim(period_start: datetime) -> bool:
    client = redis_client()
    won = bool(client.set(_key("claimed", period_start), 1, nx=True, ex=KEY_TTL_SECONDS))
    client.zrem(PENDING, str(int(period_start.timestamp())))
    if won:
        evaluation_start(period_start)
    return won


def _incomplete_evaluate(*, before: datetime) -> list[datetime]:
    client = redis_client()
    oldest = before.timestamp() - _interval() * SWEEP_INTERVALS
    dropped = client.zremrangebyscore(PENDING, "-inf", f"({oldest}")
    if dropped:
        log.warning("ingest periods too old to evaluate dropped", extra={"count": dropped})
    started = []
    members: list[Any] = client.zrangebyscore(PENDING, oldest, f"({before.timestamp()}")
    for member in members:  # epoch seconds, as bytes
        period = datetime.fromtimestamp(int(member), tz=UTC)
        if not _pulling(period) and _claim(period):
            log.warning(
                "ingest period incomplete, evaluated without its missing venues",
                extra={"period_start": period.isoformat()},
            )
            started.append(period)
    return started


def _pulling(period_start: datetime) -> bool:
    """Whether a venue of the period that has not finished is still pulling it."""
    client = redis_client()
    names: dict[Any, Any] = client.hgetall(_key("venues", period_start))
    done_ids: set[Any] = client.smembers(_key("done", period_start))
    done = {int(pk) for pk in done_ids}
    keys = [
        pull_claim_key(name.decode(), period_start)
        for pk, name in names.items()
        if int(pk) not in done
    ]
    return bool(keys) and bool(client.exists(*keys))
