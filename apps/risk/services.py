"""Writes of the risk app: one RiskSnapshot per (portfolio, cycle), and the history thinning."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.db import Error as DbError
from django.db import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from apps.audit.services import audit_record, system_actor
from apps.core.metrics import risk_monitor_latency_seconds
from apps.risk.equity import running_hwm, with_carried_drawdown
from apps.risk.figures import headline_columns
from apps.risk.loaders import SourceData, build_inputs, load_sources
from apps.risk.models import RiskSnapshot, RiskTrace
from apps.risk.publish import snapshot_publish_on_commit
from apps.risk.retention import snapshots_to_drop
from apps.risk.selectors.snapshots import trace_written_since
from apps.risk.selectors.sources import portfolios_with_accounts
from apps.risk.settings import risk_settings
from apps.risk.trace import calculation_trace
from riskmonitor.engine import EngineInputs, RiskAssessment, assess

ACTOR = system_actor("risk-engine")
# Failures that running again a moment later can cure: the database or Redis (broker, channel
# layer) unreachable or the connection dropped. Anything else is a bug or bad data.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError,
    KombuOperationalError,
)  # fmt: skip
log = logging.getLogger(__name__)


class StageTimer:
    """Milliseconds per stage; each stage is also observed in the latency histogram."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.ms: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self._record(name, time.perf_counter() - began)

    def finish(self) -> dict[str, float]:
        self._record("total", time.perf_counter() - self.started)
        return self.ms

    def _record(self, name: str, seconds: float) -> None:
        self.ms[name] = round(seconds * 1000.0, 3)
        risk_monitor_latency_seconds.labels(name).observe(seconds)


def evaluate_risk(*, portfolio_id: int, cycle_start: datetime) -> RiskSnapshot:
    """The portfolio's risk snapshot of the cycle: computed and stored once, then returned as
    stored (a second call for the same cycle, or a concurrent one, returns the first's row)."""
    existing = _snapshot_of(portfolio_id, cycle_start)
    if existing is not None:
        return existing
    timer = StageTimer()
    settings = risk_settings()
    as_of = timezone.now()
    with timer.stage("load"):
        data = load_sources(portfolio_id=portfolio_id, as_of=as_of, settings=settings)
    with timer.stage("build"):
        inputs = build_inputs(data, settings)
    with timer.stage("engine"):
        assessment = with_carried_drawdown(assess(inputs, settings.params), data.equity_state)
    try:
        with transaction.atomic():
            with timer.stage("store"):
                snapshot = _store(portfolio_id, cycle_start, as_of, data, inputs, assessment)
                if _trace_due(portfolio_id, as_of, settings.trace_interval_seconds):
                    trace = calculation_trace(data, inputs, assessment, settings.params)
                    _trace_replace(portfolio_id, snapshot, trace)
                _audit(snapshot)
            snapshot.compute_ms = timer.finish()
            RiskSnapshot.objects.filter(pk=snapshot.pk).update(compute_ms=snapshot.compute_ms)
            snapshot_publish_on_commit(snapshot)
    except IntegrityError:
        # Another worker stored this cycle between our check and our insert: theirs stands.
        return RiskSnapshot.objects.get(portfolio_id=portfolio_id, cycle_start=cycle_start)
    return snapshot


def _snapshot_of(portfolio_id: int, cycle_start: datetime) -> RiskSnapshot | None:
    return RiskSnapshot.objects.filter(portfolio_id=portfolio_id, cycle_start=cycle_start).first()


def _store(
    portfolio_id: int,
    cycle_start: datetime,
    as_of: datetime,
    data: SourceData,
    inputs: EngineInputs,
    assessment: RiskAssessment,
) -> RiskSnapshot:
    figures: dict[str, Any] = assessment.to_dict()
    mark_sources = {n: r["mark_source"] for n, r in figures["symbols"].items()}
    figures["inputs"] = {
        "cost_basis_assumed": data.notes.cost_basis_assumed,
        "unmapped_symbols": data.notes.unmapped_symbols,
        "unpriced_transfers": data.notes.unpriced_transfers,
        "missing_accounts": data.notes.missing_accounts,
        "par_priced": sorted(n for n, source in mark_sources.items() if source == "par"),
        "history_instruments": data.notes.history_instruments,
        "hedge_fee_unknown": data.notes.hedge_fee_unknown,
        "open_orders": data.notes.open_orders,
    }
    flags = [*assessment.flags, *data.notes.flags()]
    if data.stale_sources:
        flags.append("stale_sources")
    return RiskSnapshot.objects.create(
        portfolio_id=portfolio_id, cycle_start=cycle_start, as_of=as_of,
        engine_version=assessment.engine_version, figures=figures, **headline_columns(figures),
        input_as_of=data.input_as_of, stale_sources=data.stale_sources, flags=flags,
        running_hwm=running_hwm(inputs.history.equity, assessment.pnl.equity, data.as_of),
        running_max_drawdown=assessment.drawdown.max_drawdown,
    )  # fmt: skip


def _trace_due(portfolio_id: int, as_of: datetime, interval_seconds: float) -> bool:
    """The trace of a 10,000-position book is ~1.5 MB of JSON, costing about a fifth of the
    evaluation: rewritten only when the stored one is older than the interval (0: every
    cycle). It names its snapshot, so it stays consistent with it, just older."""
    if interval_seconds <= 0:
        return True
    moment = as_of - timedelta(seconds=interval_seconds)
    return not trace_written_since(portfolio_id=portfolio_id, moment=moment)


def _trace_replace(portfolio_id: int, snapshot: RiskSnapshot, content: dict[str, Any]) -> None:
    trace = json.dumps(content, separators=(",", ":"), allow_nan=False)
    # An UPDATE first: update_or_create would read the previous (large) trace back.
    updated = RiskTrace.objects.filter(portfolio_id=portfolio_id).update(
        snapshot=snapshot, trace=trace, updated_at=timezone.now()
    )
    if not updated:
        RiskTrace.objects.create(portfolio_id=portfolio_id, snapshot=snapshot, trace=trace)


def _audit(snapshot: RiskSnapshot) -> None:
    audit_record(
        event_type="risk.snapshot_created",
        actor=ACTOR,
        payload={
            "snapshot_id": snapshot.pk,
            "portfolio_id": snapshot.portfolio_id,
            "cycle_start": snapshot.cycle_start.isoformat(),
            "as_of": snapshot.as_of.isoformat(),
            "engine_version": snapshot.engine_version,
            "equity": snapshot.equity,
            "total_pnl": snapshot.total_pnl,
            "var_hist_99": snapshot.var_hist_99,
            "input_as_of": snapshot.input_as_of,
            "stale_sources": snapshot.stale_sources,
            "flags": snapshot.flags,
        },
        level="warn" if snapshot.stale_sources else "info",
    )


class RiskCycleRetry(Exception):
    """Some portfolios failed for a transient reason (database or Redis connection): evaluate
    them again. `portfolio_ids` None: the portfolios could not even be listed, retry all."""

    def __init__(self, portfolio_ids: list[int] | None) -> None:
        super().__init__(f"transient failure, retry portfolios {portfolio_ids or 'all'}")
        self.portfolio_ids = portfolio_ids


def risk_cycle(*, cycle_start: datetime, portfolio_ids: list[int] | None = None) -> list[int]:
    """Evaluate the cycle for the given portfolios (default: every one with an enabled
    account); returns the snapshot ids. A portfolio's failure does not stop the others: a
    programming or data error is logged and not retried (running again would fail again);
    transient ones are collected and raised at the end as `RiskCycleRetry`. Retrying is safe:
    a snapshot already stored for the cycle is returned, never stored twice."""
    try:
        ids = portfolios_with_accounts() if portfolio_ids is None else portfolio_ids
    except TRANSIENT_ERRORS as error:
        log.warning("risk cycle failed listing portfolios, transient", exc_info=error)
        _after_transient(error)
        raise RiskCycleRetry(None) from error
    stored, failed = [], []
    for portfolio_id in ids:
        try:
            stored.append(evaluate_risk(portfolio_id=portfolio_id, cycle_start=cycle_start).pk)
        except TRANSIENT_ERRORS as error:
            log.warning("risk evaluation failed, transient", extra={"portfolio": portfolio_id},
                        exc_info=error)  # fmt: skip
            _after_transient(error)
            failed.append(portfolio_id)
        except Exception:
            log.exception("risk evaluation failed", extra={"portfolio": portfolio_id})
    if failed:
        raise RiskCycleRetry(failed)
    return stored


def _after_transient(error: BaseException) -> None:
    """Drop a database connection the error left broken, so the next query (the next
    portfolio, or the retry when it runs in this process) opens a fresh one."""
    if isinstance(error, DbError) and not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()


def risk_history_downsample(*, now: datetime | None = None) -> int:
    """Thin the snapshot history (apps.risk.retention); returns how many rows were deleted."""
    moment = now or timezone.now()
    hours = risk_settings().history_full_rate_hours
    # Only rows past the full-rate window are candidates; protecting an older row as "latest"
    # or "day mark" when a newer one exists only keeps one row more than needed.
    keys = RiskSnapshot.objects.filter(as_of__lt=moment - timedelta(hours=hours)).values_list(
        "id", "portfolio_id", "as_of", "equity_complete"
    )
    drop = snapshots_to_drop(keys.iterator(chunk_size=5000), now=moment, full_rate_hours=hours)
    if not drop:
        return 0
    with transaction.atomic():
        deleted = 0
        for start in range(0, len(drop), 5000):
            deleted += RiskSnapshot.objects.filter(pk__in=drop[start : start + 5000]).delete()[0]
        audit_record(
            event_type="risk.history_downsampled", actor=ACTOR,
            payload={"deleted": deleted, "now": moment.isoformat(), "full_rate_hours": hours},
        )  # fmt: skip
    return deleted
