"""When the circuit breaker trips and when it closes again: a pure function (no Django, no I/O).

Sign conventions (USD): ``total_pnl`` is unrealized + realized today, negative for a loss;
``rapid_drawdown`` is equity now minus the highest equity of the last 10 minutes (<= 0). The
thresholds are negative too: the breaker trips when a figure falls *below* its threshold, or
when the active critical alerts reach ``critical_alerts``. That count is of limit breaches only:
data-quality alerts (stale data) are left out by the caller (``services.evaluate``), because a
liquidation must never be triggered by data the monitor itself distrusts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

PORTFOLIO_LOSS = "portfolio_loss_limit"
RAPID_DRAWDOWN = "rapid_drawdown"
CRITICAL_ALERTS = "critical_alert_cascade"
MANUAL = "manual"


class Action(StrEnum):
    NONE = "none"  # nothing changes state (the recovery clock may start or stop)
    TRIP = "trip"
    RECOVER = "recover"


@dataclass(frozen=True)
class Thresholds:
    portfolio_loss: float  # negative USD
    rapid_drawdown: float  # negative USD, within 10 minutes
    critical_alerts: int  # count of active critical limit-breach alerts


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str | None = None  # the trigger, for a trip
    value: float | None = None  # the figure that tripped it
    conditions_clear: bool = False
    conditions_clear_since: datetime | None = None  # what to store on the breaker
    recovery_due_at: datetime | None = None


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def breaker_trigger(
    *,
    total_pnl: float | None,
    rapid_drawdown: float | None,
    critical_alerts: int,
    thresholds: Thresholds,
) -> tuple[str, float] | None:
    """The first condition met, in the brief's order, with its figure; None when none is."""
    pnl, drop = _finite(total_pnl), _finite(rapid_drawdown)
    if pnl is not None and pnl < thresholds.portfolio_loss:
        return PORTFOLIO_LOSS, pnl
    if drop is not None and drop < thresholds.rapid_drawdown:
        return RAPID_DRAWDOWN, drop
    if critical_alerts >= thresholds.critical_alerts:
        return CRITICAL_ALERTS, float(critical_alerts)
    return None


def breaker_decide(
    *,
    state: str,
    total_pnl: float | None,
    rapid_drawdown: float | None,
    critical_alerts: int,
    thresholds: Thresholds,
    now: datetime,
    tripped_at: datetime | None,
    recovery_minutes: int,
    conditions_clear_since: datetime | None,
    trip_reason: str | None = None,
) -> Decision:
    """What the breaker does on one reading.

    CLOSED: trips on the first condition met. OPEN: closes once the conditions have been clear
    (every figure known and none met) for ``recovery_minutes`` without a break; any reading that
    is not clear restarts that clock. A missing figure (None or NaN) never trips and is never
    clear. A manual trip never closes by itself: only a risk officer's reset closes it.
    """
    trigger = breaker_trigger(
        total_pnl=total_pnl, rapid_drawdown=rapid_drawdown,
        critical_alerts=critical_alerts, thresholds=thresholds,
    )  # fmt: skip
    known = _finite(total_pnl) is not None and _finite(rapid_drawdown) is not None
    clear = trigger is None and known
    if state != "open":
        if trigger is None:
            return Decision(Action.NONE, conditions_clear=clear)
        return Decision(Action.TRIP, reason=trigger[0], value=trigger[1])
    if not clear or trip_reason == MANUAL:
        return Decision(Action.NONE, conditions_clear=clear)
    since = conditions_clear_since or now
    if tripped_at is not None:
        since = max(since, tripped_at)
    due = since + timedelta(minutes=recovery_minutes)
    if now >= due:
        return Decision(Action.RECOVER, conditions_clear=True)
    return Decision(
        Action.NONE, conditions_clear=True, conditions_clear_since=since, recovery_due_at=due
    )
