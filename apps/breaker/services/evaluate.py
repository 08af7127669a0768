"""Automatic decisions: ``breaker_evaluate`` on each risk snapshot, ``breaker_recover_due`` on a
timer. Both do nothing while ``CIRCUIT_BREAKER_ENABLED`` is off (manual trips still work)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.alerts.selectors import critical_alert_count
from apps.audit.services import correlation_id_new
from apps.breaker.config import BreakerSettings, breaker_enabled, breaker_settings
from apps.breaker.models import BreakerState, CircuitBreaker
from apps.breaker.rules import Action, Decision, breaker_decide
from apps.breaker.services.common import ACTOR, breaker_locked
from apps.breaker.services.transitions import Trip, breaker_close, breaker_open
from apps.limits.kinds import DATA_QUALITY_BREACH_TYPES


@dataclass(frozen=True)
class Evaluation:
    portfolio_id: int
    action: str  # none / trip / recover / disabled
    state: str
    reason: str | None = None
    plan_id: int | None = None


def _figure(figures: Mapping[str, Any], section: str, name: str) -> float | None:
    value = (figures.get(section) or {}).get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _threshold_sentence(reason: str, value: float, cfg: BreakerSettings) -> str:
    limits = {
        "portfolio_loss_limit": ("total P&L", cfg.thresholds.portfolio_loss),
        "rapid_drawdown": ("10-minute drawdown", cfg.thresholds.rapid_drawdown),
        "critical_alert_cascade": ("active critical alerts", cfg.thresholds.critical_alerts),
    }
    what, limit = limits[reason]
    return f"{what} {value:,.2f} beyond the threshold {limit:,.2f}"


def cascade_alert_count(portfolio_id: int) -> int:
    """The critical alerts the cascade counts: limit breaches only. Data-quality alerts (stale
    data) say the figures cannot be trusted; a liquidation on them would act on exactly the
    data that is in doubt, so they never trip the breaker (docs/circuit-breaker.md)."""
    return critical_alert_count(portfolio_id, excluding=DATA_QUALITY_BREACH_TYPES)


def _decide(breaker: CircuitBreaker, cfg: BreakerSettings, now: datetime) -> Decision:
    return breaker_decide(
        state=breaker.state, total_pnl=breaker.last_total_pnl,
        rapid_drawdown=breaker.last_rapid_drawdown,
        critical_alerts=breaker.last_critical_alerts or 0, thresholds=cfg.thresholds, now=now,
        tripped_at=breaker.tripped_at, recovery_minutes=cfg.recovery_minutes,
        conditions_clear_since=breaker.conditions_clear_since, trip_reason=breaker.reason,
    )  # fmt: skip


def _apply(
    breaker: CircuitBreaker, decision: Decision, cfg: BreakerSettings, now: datetime, cid: str
) -> Evaluation:
    pid = breaker.portfolio_id
    if decision.action == Action.TRIP:
        assert decision.reason is not None and decision.value is not None
        figures = {"total_pnl": breaker.last_total_pnl,
                   "rapid_drawdown": breaker.last_rapid_drawdown,
                   "critical_alerts": breaker.last_critical_alerts}  # fmt: skip
        detail = _threshold_sentence(decision.reason, decision.value, cfg)
        plan = breaker_open(
            breaker, Trip(decision.reason, decision.value, detail, ACTOR, cid, figures), now
        )
        return Evaluation(pid, "trip", breaker.state, decision.reason, plan.pk)
    if decision.action == Action.RECOVER:
        detail = f"conditions clear for {cfg.recovery_minutes} minutes"
        breaker_close(breaker, kind="recovered", actor=ACTOR, detail=detail,
                      correlation_id=cid, now=now)  # fmt: skip
        return Evaluation(pid, "recover", breaker.state)
    breaker.conditions_clear_since = decision.conditions_clear_since
    breaker.recovery_due_at = decision.recovery_due_at
    breaker.save()
    return Evaluation(pid, "none", breaker.state, breaker.reason or None)


def breaker_evaluate(
    *,
    portfolio_id: int,
    figures: Mapping[str, Any],
    correlation_id: str | None = None,
    now: datetime | None = None,
) -> Evaluation:
    """Decide on one risk snapshot's figures (``figures["pnl"]["total_pnl"]``,
    ``figures["drawdown"]["rapid_drawdown"]``) and the portfolio's active critical alerts."""
    if not breaker_enabled():
        return Evaluation(portfolio_id, "disabled", BreakerState.CLOSED)
    cfg, moment = breaker_settings(), now or timezone.now()
    critical = cascade_alert_count(portfolio_id)
    with transaction.atomic():
        breaker = breaker_locked(portfolio_id)
        breaker.last_total_pnl = _figure(figures, "pnl", "total_pnl")
        breaker.last_rapid_drawdown = _figure(figures, "drawdown", "rapid_drawdown")
        breaker.last_critical_alerts, breaker.last_evaluated_at = critical, moment
        decision = _decide(breaker, cfg, moment)
        return _apply(breaker, decision, cfg, moment, correlation_id or correlation_id_new())


def breaker_recover_due(*, now: datetime | None = None) -> list[int]:
    """Close open breakers whose recovery time has come (between evaluations); returns their
    portfolio ids. Decides on the latest evaluation's figures with the critical alert count of
    now, and only while that evaluation is fresh: stale figures never close a breaker."""
    if not breaker_enabled():
        return []
    cfg, moment = breaker_settings(), now or timezone.now()
    due = CircuitBreaker.objects.filter(
        state=BreakerState.OPEN, recovery_due_at__lte=moment,
        last_evaluated_at__gte=moment - timedelta(minutes=cfg.staleness_minutes),
    ).values_list("portfolio_id", flat=True)  # fmt: skip
    closed = []
    for portfolio_id in list(due):
        critical = cascade_alert_count(portfolio_id)
        with transaction.atomic():
            breaker = breaker_locked(portfolio_id)
            if breaker.state != BreakerState.OPEN:
                continue  # closed by someone else meanwhile
            breaker.last_critical_alerts = critical
            outcome = _apply(breaker, _decide(breaker, cfg, moment), cfg, moment,
                             correlation_id_new())  # fmt: skip
        if outcome.action == "recover":
            closed.append(portfolio_id)
    return closed
