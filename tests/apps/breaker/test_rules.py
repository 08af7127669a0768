"""The decision function alone: each trigger, recovery only when clear, manual trips."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

from apps.breaker.rules import Action, Thresholds, breaker_decide

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LIMITS = Thresholds(portfolio_loss=-1_000_000.0, rapid_drawdown=-250_000.0, critical_alerts=5)


def decide(**overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "state": "closed", "total_pnl": 0.0, "rapid_drawdown": 0.0, "critical_alerts": 0,
        "thresholds": LIMITS, "now": T0, "tripped_at": None, "recovery_minutes": 60,
        "conditions_clear_since": None,
    }  # fmt: skip
    return breaker_decide(**(fields | overrides))


def test_it_trips_on_a_portfolio_loss_below_the_threshold() -> None:
    decision = decide(total_pnl=-1_000_000.01)

    assert (decision.action, decision.reason, decision.value) == (
        Action.TRIP,
        "portfolio_loss_limit",
        -1_000_000.01,
    )


def test_it_does_not_trip_at_exactly_the_threshold() -> None:
    assert decide(total_pnl=-1_000_000.0, rapid_drawdown=-250_000.0).action == Action.NONE


def test_it_trips_on_a_rapid_drawdown() -> None:
    decision = decide(rapid_drawdown=-300_000.0)

    assert (decision.action, decision.reason) == (Action.TRIP, "rapid_drawdown")


def test_it_trips_when_critical_alerts_reach_the_threshold() -> None:
    assert decide(critical_alerts=4).action == Action.NONE
    decision = decide(critical_alerts=5)

    assert (decision.action, decision.reason, decision.value) == (
        Action.TRIP,
        "critical_alert_cascade",
        5.0,
    )


def test_it_names_the_loss_first_when_several_conditions_hold() -> None:
    decision = decide(total_pnl=-2e6, rapid_drawdown=-3e5, critical_alerts=9)

    assert decision.reason == "portfolio_loss_limit"


def test_it_never_trips_nor_counts_clear_on_missing_figures() -> None:
    for pnl, drop in ((None, 0.0), (float("nan"), 0.0), (0.0, None)):
        decision = decide(total_pnl=pnl, rapid_drawdown=drop)
        assert (decision.action, decision.conditions_clear) == (Action.NONE, False)


def test_it_starts_the_recovery_clock_when_conditions_clear() -> None:
    decision = decide(state="open", tripped_at=T0, now=T0 + timedelta(minutes=5))

    assert decision.action == Action.NONE
    assert decision.conditions_clear_since == T0 + timedelta(minutes=5)
    assert decision.recovery_due_at == T0 + timedelta(minutes=65)


def test_it_recovers_only_after_recovery_minutes_of_clear_conditions() -> None:
    since = T0 + timedelta(minutes=5)
    common = {"state": "open", "tripped_at": T0, "conditions_clear_since": since}

    early = decide(**common, now=since + timedelta(minutes=59, seconds=59))
    due = decide(**common, now=since + timedelta(minutes=60))

    assert early.action == Action.NONE
    assert due.action == Action.RECOVER


def test_it_restarts_the_clock_when_a_condition_returns() -> None:
    decision = decide(
        state="open", tripped_at=T0, conditions_clear_since=T0 + timedelta(minutes=1),
        now=T0 + timedelta(minutes=90), rapid_drawdown=-260_000.0,
    )  # fmt: skip

    assert decision.action == Action.NONE
    assert decision.conditions_clear_since is None and decision.recovery_due_at is None


def test_it_does_not_trip_an_open_breaker_again() -> None:
    decision = decide(state="open", tripped_at=T0, total_pnl=-5e6)

    assert decision.action == Action.NONE


def test_it_never_recovers_a_manual_trip_by_itself() -> None:
    decision = decide(
        state="open", tripped_at=T0, conditions_clear_since=T0, trip_reason="manual",
        now=T0 + timedelta(days=1),
    )  # fmt: skip

    assert decision.action == Action.NONE


def test_it_is_importable_without_django() -> None:
    code = "import sys, apps.breaker.rules; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.strip() == "False"
