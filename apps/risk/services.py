"""Writes of the risk app: a portfolio's RiskSnapshot of a cycle (step 3 of DESIGN §4, called by
``apps.monitoring.cycle``), its timings, and the history thinning."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.audit.services import audit_record, system_actor
from apps.risk.evaluation.config import risk_settings
from apps.risk.evaluation.equity import running_hwm
from apps.risk.evaluation.figures import headline_columns
from apps.risk.evaluation.trace import calculation_trace
from apps.risk.models import RiskSnapshot, RiskTrace
from apps.risk.retention import snapshots_to_drop
from apps.risk.selectors.evaluation import RiskEvaluation
from apps.risk.selectors.snapshots import trace_written_since
from apps.risk.timing import StageTimer

ACTOR = system_actor("risk-engine")


class CycleAlreadyStored(Exception):
    """Another worker stored this portfolio's snapshot of the cycle first: theirs stands."""

    def __init__(self, portfolio_id: int, cycle_start: datetime) -> None:
        super().__init__(f"portfolio {portfolio_id} already has a snapshot of {cycle_start}")
        self.portfolio_id, self.cycle_start = portfolio_id, cycle_start


def risk_snapshot_store(
    *, evaluation: RiskEvaluation, cycle_start: datetime, timer: StageTimer
) -> RiskSnapshot:
    """Store the evaluation as the portfolio's snapshot of the cycle, with its trace (when due),
    in the caller's transaction, which must then call ``risk_snapshot_audit`` before it commits.
    Raises ``CycleAlreadyStored`` when the cycle's snapshot exists; any other database error is
    raised as it is."""
    with timer.stage("store"):
        snapshot = _insert(evaluation, cycle_start)
        e = evaluation
        if _trace_due(e.portfolio_id, e.as_of, e.settings.trace_interval_seconds):
            trace = calculation_trace(e.data, e.inputs, e.assessment, e.settings.params)
            _trace_replace(e.portfolio_id, snapshot, trace)
    return snapshot


def risk_snapshot_audit(*, snapshot: RiskSnapshot) -> None:
    """The snapshot's audit event. Appending takes the audit chain's lock until commit, so a
    transaction that also locks alert rows appends last: an acknowledgement locks its alert,
    then the chain, and taking them the other way round would deadlock with it."""
    audit_record(
        event_type="risk_snapshot_created",
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


def risk_snapshot_timings_record(*, snapshot: RiskSnapshot, timer: StageTimer) -> None:
    """Keep the evaluation's stage timings (``compute_ms``) on its snapshot."""
    snapshot.compute_ms = timer.finish()
    RiskSnapshot.objects.filter(pk=snapshot.pk).update(compute_ms=snapshot.compute_ms)


def _insert(evaluation: RiskEvaluation, cycle_start: datetime) -> RiskSnapshot:
    try:
        with transaction.atomic():  # a savepoint: only this insert's own conflict is caught
            return _create(evaluation, cycle_start)
    except IntegrityError:
        if _snapshot_of(evaluation.portfolio_id, cycle_start) is None:
            raise  # not the one-per-cycle rule: a real integrity error
        raise CycleAlreadyStored(evaluation.portfolio_id, cycle_start) from None


def _create(evaluation: RiskEvaluation, cycle_start: datetime) -> RiskSnapshot:
    data, inputs, assessment = evaluation.data, evaluation.inputs, evaluation.assessment
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
        portfolio_id=evaluation.portfolio_id, cycle_start=cycle_start, as_of=evaluation.as_of,
        engine_version=assessment.engine_version, figures=figures, **headline_columns(figures),
        input_as_of=data.input_as_of, stale_sources=data.stale_sources, flags=flags,
        running_hwm=running_hwm(inputs.history.equity, assessment.pnl.equity, data.as_of),
        running_max_drawdown=assessment.drawdown.max_drawdown,
    )  # fmt: skip


def _snapshot_of(portfolio_id: int, cycle_start: datetime) -> RiskSnapshot | None:
    return RiskSnapshot.objects.filter(portfolio_id=portfolio_id, cycle_start=cycle_start).first()


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
            event_type="risk_history_downsampled", actor=ACTOR,
            payload={"deleted": deleted, "now": moment.isoformat(), "full_rate_hours": hours},
        )  # fmt: skip
    return deleted
