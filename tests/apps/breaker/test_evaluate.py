"""``breaker_evaluate`` and ``breaker_recover_due`` on the database: trips with their audit
events, counter and notification, the plan from stored state, recovery, the switch."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from prometheus_client import REGISTRY

from apps.alerts.models import Alert, Notification
from apps.audit.models import AuditEvent
from apps.breaker.models import BreakerEvent, CircuitBreaker, LiquidationPlan
from apps.breaker.services import breaker_evaluate, breaker_recover_due, breaker_trip
from apps.positions.models import Portfolio
from tests.apps.breaker import factories as f

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def counter(reason: str) -> float:
    value = REGISTRY.get_sample_value("risk_circuit_breaker_triggered_total", {"reason": reason})
    return value or 0.0


def events(event_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("sequence"))


@pytest.mark.django_db
def test_it_trips_on_a_portfolio_loss_with_audit_counter_and_notification(
    portfolio: Portfolio, switches: Callable[..., None], django_capture_on_commit_callbacks: Any
) -> None:
    before = counter("portfolio_loss_limit")

    with django_capture_on_commit_callbacks(execute=True):
        outcome = breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures(-1_200_000.0))

    breaker = CircuitBreaker.objects.get(portfolio=portfolio)
    assert (outcome.action, breaker.state, breaker.reason) == (
        "trip",
        "open",
        "portfolio_loss_limit",
    )
    assert breaker.trigger_value == -1_200_000.0 and breaker.tripped_by == "system:circuit-breaker"
    [event] = events("circuit_breaker_tripped")
    assert event.level == "critical"
    assert event.payload["reason"] == "portfolio_loss_limit"
    assert event.payload["total_pnl"] == -1_200_000.0
    assert counter("portfolio_loss_limit") == before + 1
    sent = Notification.objects.filter(event="circuit_breaker_tripped")
    assert sent.exists() and {n.severity for n in sent} == {"critical"}
    assert {"risk_team", "head_of_trading", "ceo", "board"} <= {n.target for n in sent}
    assert BreakerEvent.objects.filter(kind="tripped").count() == 1


@pytest.mark.django_db
def test_it_trips_on_a_rapid_drawdown(portfolio: Portfolio, switches: Callable[..., None]) -> None:
    outcome = breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures(0.0, -300_000.0))

    assert (outcome.action, outcome.reason) == ("trip", "rapid_drawdown")


@pytest.mark.django_db
def test_it_trips_on_the_critical_alert_cascade(
    portfolio: Portfolio, switches: Callable[..., None]
) -> None:
    f.critical_alerts(portfolio, 4)
    assert breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures()).action == "none"
    f.critical_alerts(portfolio, 1)

    outcome = breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures())

    assert (outcome.action, outcome.reason) == ("trip", "critical_alert_cascade")
    assert events("circuit_breaker_tripped")[0].payload["critical_alerts"] == 5


@pytest.mark.django_db
def test_it_never_trips_into_a_liquidation_on_a_burst_of_data_quality_alerts(
    portfolio: Portfolio, switches: Callable[..., None]
) -> None:
    switches(auto_liquidate=True)
    f.critical_alerts(portfolio, 12, breach_type="data_staleness")  # threshold: 5
    f.critical_alerts(portfolio, 4)

    outcome = breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures())

    breaker = CircuitBreaker.objects.get(portfolio=portfolio)
    assert (outcome.action, breaker.state, breaker.last_critical_alerts) == ("none", "closed", 4)
    assert LiquidationPlan.objects.count() == 0
    assert events("circuit_breaker_tripped") == []


@pytest.mark.django_db
def test_it_still_trips_when_limit_breaches_reach_the_threshold_beside_data_alerts(
    portfolio: Portfolio, switches: Callable[..., None]
) -> None:
    f.critical_alerts(portfolio, 3, breach_type="data_staleness")
    f.critical_alerts(portfolio, 5)

    outcome = breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures())

    assert (outcome.action, outcome.reason) == ("trip", "critical_alert_cascade")
    assert events("circuit_breaker_tripped")[0].payload["critical_alerts"] == 5


@pytest.mark.django_db
def test_it_recovers_while_data_quality_alerts_stay_critical(
    portfolio: Portfolio, switches: Callable[..., None]
) -> None:
    with time_machine.travel(T0, tick=False):
        f.critical_alerts(portfolio, 5)
        breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures())
        Alert.objects.update(status="resolved", resolved_at=T0)
        f.critical_alerts(portfolio, 6, breach_type="data_staleness")
        breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures())
    with time_machine.travel(T0 + timedelta(minutes=61), tick=False):
        outcome = breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures())

    assert (outcome.action, outcome.state) == ("recover", "closed")


@pytest.mark.django_db
def test_it_does_not_trip_an_open_breaker_twice(
    portfolio: Portfolio, switches: Callable[..., None]
) -> None:
    breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures(-2e6))
    breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures(-3e6))

    assert len(events("circuit_breaker_tripped")) == 1
    assert LiquidationPlan.objects.count() == 1


@pytest.mark.django_db
def test_it_builds_the_plan_from_stored_positions_and_orders(
    portfolio: Portfolio, switches: Callable[..., None]
) -> None:
    venue = f.exchange()
    spot = f.account(venue, portfolio, "spot", "spot")
    futures = f.account(venue, portfolio, "futures", "futures")
    f.snapshot(spot, balances={"BTC": "1.5", "USDT": "1000"}, orders=[("BTCUSDT", "sell", "0.2")])
    f.snapshot(futures, balances={"USDT": "5000"}, positions={"BTCUSDT": "-2.5", "ETHUSDT": "3"},
               orders=[("ETHUSDT", "buy", "1"), ("ETHUSDT", "buy", "2")])  # fmt: skip

    outcome = breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures(-2e6))

    plan = LiquidationPlan.objects.get(pk=outcome.plan_id)
    steps = [
        (s.account.label, s.kind, s.ccxt_symbol, s.side, s.amount, s.reduce_only, s.status)
        for s in plan.steps.order_by("seq")
    ]
    assert plan.status == "proposed" and not plan.auto
    assert steps == [
        ("futures", "cancel_orders", "ETH/USDT:USDT", "", Decimal(0), False, "pending"),
        ("futures", "close_position", "BTC/USDT:USDT", "buy", Decimal("2.5"), True, "pending"),
        ("futures", "close_position", "ETH/USDT:USDT", "sell", Decimal(3), True, "pending"),
        ("spot", "cancel_orders", "BTC/USDT", "", Decimal(0), False, "pending"),
        ("spot", "close_position", "BTC/USDT", "sell", Decimal("1.5"), False, "pending"),
    ]
    assert events("circuit_breaker_tripped")[0].payload["plan_id"] == plan.pk


@pytest.mark.django_db
def test_it_recovers_once_conditions_stay_clear_for_the_recovery_time(
    portfolio: Portfolio, switches: Callable[..., None]
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures(-2e6))
        clock.shift(timedelta(minutes=1))
        breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures(-10.0))
        breaker = CircuitBreaker.objects.get(portfolio=portfolio)
        assert breaker.recovery_due_at == T0 + timedelta(minutes=61)
        clock.shift(timedelta(minutes=59, seconds=59))
        assert breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures()).action == "none"
        clock.shift(timedelta(seconds=1))

        outcome = breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures())

    breaker.refresh_from_db()
    assert (outcome.action, breaker.state, breaker.reason) == ("recover", "closed", "")
    [event] = events("circuit_breaker_recovered")
    assert event.payload["tripped_reason"] == "portfolio_loss_limit"
    assert LiquidationPlan.objects.get().status == "done"  # nothing was held: an empty plan


@pytest.mark.django_db
def test_it_restarts_the_recovery_clock_when_a_condition_returns(
    portfolio: Portfolio, switches: Callable[..., None]
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures(-2e6))
        breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures())
        clock.shift(timedelta(minutes=30))
        breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures(0.0, -260_000.0))
        clock.shift(timedelta(minutes=31))
        breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures())

    breaker = CircuitBreaker.objects.get(portfolio=portfolio)
    assert breaker.state == "open"
    assert breaker.recovery_due_at == T0 + timedelta(minutes=121)


@pytest.mark.django_db
def test_it_recovers_from_the_periodic_task_between_evaluations(
    portfolio: Portfolio, switches: Callable[..., None]
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures(-2e6))
        breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures())
        clock.shift(timedelta(minutes=58))
        breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures())
        assert breaker_recover_due() == []
        clock.shift(timedelta(minutes=2))

        closed = breaker_recover_due()

    assert closed == [portfolio.pk]
    assert CircuitBreaker.objects.get(portfolio=portfolio).state == "closed"
    assert len(events("circuit_breaker_recovered")) == 1


@pytest.mark.django_db
def test_it_does_not_recover_on_stale_figures(
    portfolio: Portfolio, switches: Callable[..., None]
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures(-2e6))
        breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures())
        clock.shift(timedelta(minutes=61))  # no evaluation for an hour: data stopped coming

        assert breaker_recover_due() == []

    assert CircuitBreaker.objects.get(portfolio=portfolio).state == "open"


@pytest.mark.django_db
def test_it_does_not_recover_when_critical_alerts_appear_meanwhile(
    portfolio: Portfolio, switches: Callable[..., None]
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures(-2e6))
        breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures())
        clock.shift(timedelta(minutes=59))
        breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures())
        f.critical_alerts(portfolio, 5)
        clock.shift(timedelta(minutes=2))

        assert breaker_recover_due() == []

    assert CircuitBreaker.objects.get(portfolio=portfolio).recovery_due_at is None


@pytest.mark.django_db
def test_it_records_nothing_when_disabled_but_a_manual_trip_still_works(
    portfolio: Portfolio, switches: Callable[..., None], role_user: Callable[..., Any]
) -> None:
    switches(enabled=False)

    outcome = breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures(-5e6))

    assert outcome.action == "disabled"
    assert not CircuitBreaker.objects.exists() and not events("circuit_breaker_tripped")
    officer = role_user("risk_officer")
    breaker_trip(portfolio_id=portfolio.pk, user=officer, reason="venue outage, stop trading")
    assert CircuitBreaker.objects.get(portfolio=portfolio).state == "open"
