"""One ingest cycle: plan (database), pull (network, concurrent), record (database).

Venues are pulled at once, so a cycle lasts about as long as its slowest venue; what they read
is then stored together, in one transaction of a few statements. A venue's run is
keyed by (venue, period_start): a second run for the same period while the first is in flight is
skipped, and one after it stores nothing twice (snapshots are unique per account and period,
fills per trade id, candles per open time; prices are updated in place).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime

from celery import current_app
from django.conf import settings
from django.db import transaction

from apps.venues.connectors.store import redis_client, uses_redis
from apps.venues.ingest.fanin import (
    evaluation_start,
    period_dispatched,
    pull_claim_key,
    venue_finished,
)
from apps.venues.ingest.plan import VenuePlan, venue_plans
from apps.venues.ingest.pull import Harvest, pull_custodian, pull_exchange
from apps.venues.ingest.record import VenueReport, harvests_record
from apps.venues.models import Venue
from apps.venues.services import staleness_gauges_set
from riskmonitor.lib.clock import now_ms

log = logging.getLogger(__name__)
# Calls mostly wait on the network: enough threads that every venue's calls of one wave are in
# flight together (20 venues x about 10 calls), so a cycle lasts as long as its slowest venue.

_pool_lock = threading.Lock()
_pool: tuple[int, ThreadPoolExecutor] | None = None
_running: set[str] = set()
_running_lock = threading.Lock()


def call_pool() -> ThreadPoolExecutor:
    """The process's pool for venue calls (recreated in a forked worker child)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            size = int(settings.RISK_MONITOR["INGEST_CALL_THREADS"])
            _pool = (os.getpid(), ThreadPoolExecutor(size, thread_name_prefix="venue"))
        return _pool[1]


def period_start_for(moment: datetime, interval_seconds: float) -> datetime:
    """The start of the cycle ``moment`` falls in: the idempotency key of every ingest task."""
    epoch = moment.timestamp()
    return datetime.fromtimestamp(epoch - epoch % interval_seconds, tz=UTC)


@contextmanager
def _claimed(venue: str, period_start: datetime, ttl_seconds: float) -> Iterator[bool]:
    """True for the one run of (venue, period) in flight; released when it ends."""
    name = pull_claim_key(venue, period_start)
    if uses_redis():
        token = os.urandom(8).hex()
        won = bool(redis_client().set(name, token, nx=True, px=int(ttl_seconds * 1000)))
        try:
            yield won
        finally:
            if won and redis_client().get(name) == token.encode():
                redis_client().delete(name)
        return
    with _running_lock:
        won = name not in _running
        _running.add(name)
    try:
        yield won
    finally:
        if won:
            with _running_lock:
                _running.discard(name)


def _pull(plan: VenuePlan) -> Harvest:
    pull = pull_exchange if plan.kind == "exchange" else pull_custodian
    return pull(plan, call_pool())


def _ttl(plan: VenuePlan) -> float:
    return plan.timeout * (plan.retries + 1) * 4 + 30


def ingest_venues(venue_ids: list[int], period_start: datetime) -> list[VenueReport]:
    """Pull and store the given venues for one period; returns what each stored."""
    moment = now_ms()
    venues = list(Venue.objects.filter(pk__in=venue_ids, enabled=True))
    plans = venue_plans(venues, period_start, moment)
    drivers = ThreadPoolExecutor(max(1, len(plans)), thread_name_prefix="ingest")
    with drivers, _claims(plans, period_start) as claimed:
        futures = {drivers.submit(_pull, p): p for p in claimed}
        wait(futures)
        # Stored while the claims are held: a second run of this period waits for nothing
        # and finds the snapshots once they are committed.
        reports = _record(futures)
    staleness_gauges_set()
    return reports


@contextmanager
def _claims(plans: list[VenuePlan], period_start: datetime) -> Iterator[list[VenuePlan]]:
    with ExitStack() as stack:
        won = [p for p in plans if stack.enter_context(_claimed(p.name, period_start, _ttl(p)))]
        yield won


def _harvests(futures: dict[Future[Harvest], VenuePlan]) -> tuple[list[Harvest], list[VenueReport]]:
    harvests, failed = [], []
    for future, plan in futures.items():
        try:
            harvests.append(future.result())
        except Exception:
            # A bug in one venue's pull must not lose the others' data.
            log.exception("ingest pull failed", extra={"venue": plan.name})
            failed.append(VenueReport(plan.name, errors=[f"{plan.name}: internal error"]))
    return harvests, failed


def _record(futures: dict[Future[Harvest], VenuePlan]) -> list[VenueReport]:
    harvests, failed = _harvests(futures)
    if len(harvests) > 1:
        try:
            with transaction.atomic():
                return failed + harvests_record(harvests)
        except Exception:
            # One venue's bad write must not lose the others: store them one by one.
            log.exception("ingest batch store failed, storing venue by venue")
    return failed + [_record_one(h) for h in harvests]


def _record_one(harvest: Harvest) -> VenueReport:
    try:
        with transaction.atomic():  # a failed write must not poison the connection for others
            return harvests_record([harvest])[0]
    except Exception:
        log.exception("ingest store failed", extra={"venue": harvest.plan.name})
        return VenueReport(harvest.plan.name, errors=[f"{harvest.plan.name}: internal error"])


def enabled_venue_ids() -> list[int]:
    return list(Venue.objects.filter(enabled=True).values_list("pk", flat=True))


def ingest_all(period_start: datetime) -> list[VenueReport]:
    """Embedded mode (and tests): every enabled venue in this process, then the evaluation."""
    started = time.perf_counter()
    reports = ingest_venues(enabled_venue_ids(), period_start)
    log.info("ingest cycle done", extra={"seconds": round(time.perf_counter() - started, 3)})
    evaluation_start(period_start)
    return reports


def ingest_one(venue_id: int, period_start: datetime, expected: int) -> list[VenueReport]:
    """Stack mode: one venue per Celery task; the fan-in starts the evaluation once every
    venue of the period is done (apps.venues.ingest.fanin)."""
    reports = ingest_venues([venue_id], period_start)
    venue_finished(period_start, venue_id, expected)
    return reports


def ingest_cycle_dispatch(now: datetime | None = None) -> datetime:
    """Beat's entry: start this period's ingest of every enabled venue.

    Embedded mode pulls them here on threads; stack mode sends one task per venue to the
    ``ingest`` queue, expiring before the next cycle (a late run is superseded, not queued up),
    and starts the evaluation of any earlier period a lost or expired venue task left
    incomplete.
    """
    interval = float(settings.RISK_MONITOR["CHECK_INTERVAL_SECONDS"])
    period_start = period_start_for(now or datetime.now(tz=UTC), interval)
    if not uses_redis():
        ingest_all(period_start)
        return period_start
    venues = dict(Venue.objects.filter(enabled=True).values_list("pk", "name"))
    ids = list(venues)
    for venue_id in ids:
        current_app.send_task(
            "venues.ingest_venue",
            kwargs={"venue_id": venue_id, "period_start": period_start.isoformat(),
                    "expected": len(ids)},
            queue="ingest", expires=max(interval * 0.9, 1.0),
        )  # fmt: skip
    period_dispatched(period_start, venues)
    return period_start
