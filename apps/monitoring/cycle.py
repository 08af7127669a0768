"""The monitoring cycle of DESIGN §4, steps 3 to 5, read top to bottom.

For each portfolio and cycle: evaluate (load the stored venue data, run the engine), then in one
transaction store the risk snapshot, check the limits and sync the alerts, so a snapshot and the
alert decisions it causes commit, with their audit events, or roll back together. After commit:
the gauges, the WebSocket push, the breaker's evaluation and the notification delivery.

The cycle is started by name (``risk.evaluate_cycle``) once every venue of the ingest period has
been stored (``apps.venues.ingest.fanin``). Every step is idempotent per (portfolio, cycle): a
second run returns the stored snapshot and decides nothing twice.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import Error as DbError
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from apps.alerts.services import SyncResult, alerts_sync
from apps.audit.services import correlation_id_new
from apps.core.oncommit import task_send_on_commit
from apps.limits.gauges import compliance_gauges_set, limit_gauges_set
from apps.limits.readings import EvaluationContext, LimitReading
from apps.limits.services import limits_check
from apps.limits.snapshots import source_ages
from apps.monitoring.publish import risk_update_push
from apps.risk.gauges import snapshot_gauges_set
from apps.risk.models import RiskSnapshot
from apps.risk.selectors.evaluation import risk_evaluation
from apps.risk.selectors.snapshots import snapshot_of_cycle
from apps.risk.selectors.sources import portfolios_with_accounts
from apps.risk.services import (
    CycleAlreadyStored,
    risk_snapshot_audit,
    risk_snapshot_store,
    risk_snapshot_timings_record,
)
from apps.risk.timing import StageTimer

# Failures that running again a moment later can cure: the database or Redis (broker, channel
# layer) unreachable or the connection dropped. Anything else is a bug or bad data.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError,
    KombuOperationalError,
)  # fmt: skip
log = logging.getLogger(__name__)


class CycleRetry(Exception):
    """Some portfolios failed for a transient reason (database or Redis connection): evaluate
    them again. `portfolio_ids` None: the portfolios could not even be listed, retry all."""

    def __init__(self, portfolio_ids: list[int] | None) -> None:
        super().__init__(f"transient failure, retry portfolios {portfolio_ids or 'all'}")
        self.portfolio_ids = portfolio_ids


def cycle_run(*, cycle_start: datetime, portfolio_ids: list[int] | None = None) -> list[int]:
    """Evaluate the cycle for the given portfolios (default: every one with an enabled
    account); returns the snapshot ids. A portfolio's failure does not stop the others: a
    programming or data error is logged and not retried (running again would fail again);
    transient ones are collected and raised at the end as `CycleRetry`."""
    try:
        ids = portfolios_with_accounts() if portfolio_ids is None else portfolio_ids
    except TRANSIENT_ERRORS as error:
        log.warning("risk cycle failed listing portfolios, transient", exc_info=error)
        _after_transient(error)
        raise CycleRetry(None) from error
    stored, failed = [], []
    for portfolio_id in ids:
        try:
            stored.append(
                portfolio_cycle_run(portfolio_id=portfolio_id, cycle_start=cycle_start).pk
            )
        except TRANSIENT_ERRORS as error:
            log.warning("risk evaluation failed, transient", extra={"portfolio": portfolio_id},
                        exc_info=error)  # fmt: skip
            _after_transient(error)
            failed.append(portfolio_id)
        except Exception:
            log.exception("risk evaluation failed", extra={"portfolio": portfolio_id})
    if failed:
        raise CycleRetry(failed)
    return stored


def portfolio_cycle_run(*, portfolio_id: int, cycle_start: datetime) -> RiskSnapshot:
    """The portfolio's snapshot of the cycle: computed, stored and acted on once, then returned
    as stored (a second call for the same cycle, or a concurrent one, returns the first's)."""
    stored = snapshot_of_cycle(portfolio_id=portfolio_id, cycle_start=cycle_start)
    if stored is not None:
        return stored
    timer = StageTimer()
    evaluation = risk_evaluation(portfolio_id=portfolio_id, as_of=timezone.now(), timer=timer)
    try:
        with transaction.atomic():
            snapshot = risk_snapshot_store(
                evaluation=evaluation, cycle_start=cycle_start, timer=timer
            )
            context = evaluation_context(snapshot)
            with timer.stage("limits"):
                readings = limits_check(
                    portfolio_id=portfolio_id,
                    figures=snapshot.figures,
                    stale_sources=source_ages(
                        snapshot.as_of, snapshot.input_as_of or {}, snapshot.stale_sources
                    ),
                    context=context,
                )
            with timer.stage("alerts"):
                synced = alerts_sync(readings=readings, context=context)
            risk_snapshot_audit(snapshot=snapshot)  # last: it takes the audit chain's lock
            risk_snapshot_timings_record(snapshot=snapshot, timer=timer)
            _after_commit(snapshot, readings, synced)
    except CycleAlreadyStored:
        # Another worker stored this cycle between our check and our insert: theirs stands.
        return RiskSnapshot.objects.get(portfolio_id=portfolio_id, cycle_start=cycle_start)
    return snapshot


def evaluation_context(snapshot: RiskSnapshot) -> EvaluationContext:
    """Where the snapshot's readings came from, for the alerts' audit events."""
    inputs: dict[str, Any] = snapshot.input_as_of or {}
    return EvaluationContext(
        portfolio_id=snapshot.portfolio_id,
        snapshot_id=snapshot.pk,
        as_of=snapshot.as_of,
        engine_version=snapshot.engine_version,
        correlation_id=correlation_id_new(),
        data_sources_checked=sorted({_venue_of(name) for name in inputs}),
        input_timestamps={name: str(at) for name, at in inputs.items() if at},
    )


def _venue_of(source: str) -> str:
    # "account:exchange-1:spot", "prices:exchange-2", "source:custodian-1:balances" -> venue
    parts = source.split(":")
    return parts[1] if len(parts) > 1 else parts[0]


def _after_commit(
    snapshot: RiskSnapshot, readings: Sequence[LimitReading], synced: SyncResult
) -> None:
    """Step 5, queued now, run once the transaction commits (never for a rolled-back one)."""
    transaction.on_commit(functools.partial(snapshot_gauges_set, snapshot), robust=True)
    transaction.on_commit(functools.partial(limit_gauges_set, readings), robust=True)
    transaction.on_commit(functools.partial(compliance_gauges_set, readings), robust=True)
    transaction.on_commit(functools.partial(risk_update_push, snapshot), robust=True)
    task_send_on_commit(
        "breaker.evaluate_snapshot", kwargs={"snapshot_id": snapshot.pk}, expires=60.0
    )
    if synced.notifications:
        task_send_on_commit("alerts.notifications_deliver", queue="alerts", expires=60.0, once=True)


def _after_transient(error: BaseException) -> None:
    """Drop a database connection the error left broken, so the next query (the next
    portfolio, or the retry when it runs in this process) opens a fresh one."""
    if isinstance(error, DbError) and not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()
