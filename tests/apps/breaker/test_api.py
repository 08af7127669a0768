"""The REST doors: risk officers trip, reset and approve with a reason; traders only read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from apps.audit.models import AuditEvent
from apps.breaker.models import CircuitBreaker, LiquidationPlan, LiquidationStep
from apps.positions.models import Portfolio
from tests.apps.breaker import factories as f

URL = "/api/v1/emergency/circuit-breaker"


def approve_url(plan_id: int) -> str:
    return f"/api/v1/emergency/liquidation-plans/{plan_id}/approve"


@pytest.fixture
def held(portfolio: Portfolio) -> Portfolio:
    """One futures position stored for the portfolio, so a trip has a plan with a step."""
    venue = f.exchange()
    f.snapshot(f.account(venue, portfolio, "futures", "futures"), positions={"BTCUSDT": "1.5"})
    return portfolio


@pytest.mark.django_db
def test_it_lets_a_risk_officer_trip_and_reset_with_a_reason(
    portfolio: Portfolio, switches: Callable[..., None], api_client_for: Callable[[str], Any]
) -> None:
    client = api_client_for("risk_officer")

    tripped = client.post(URL, {"action": "trip", "reason": "exchange-2 halted"}, format="json")
    reset = client.post(URL, {"action": "reset", "reason": "venue back, desk agrees"},
                        format="json")  # fmt: skip

    assert tripped.status_code == 200, tripped.json()
    assert (tripped.json()["state"], tripped.json()["reason"]) == ("open", "manual")
    assert tripped.json()["reason_detail"] == "exchange-2 halted"
    assert reset.status_code == 200 and reset.json()["state"] == "closed"
    trip_event = AuditEvent.objects.get(event_type="circuit_breaker_tripped")
    reset_event = AuditEvent.objects.get(event_type="circuit_breaker_reset")
    assert trip_event.actor == reset_event.actor == tripped.json()["tripped_by"]
    assert trip_event.payload["detail"] == "exchange-2 halted"
    assert reset_event.payload["detail"] == "venue back, desk agrees"


@pytest.mark.django_db
def test_it_forbids_a_trader_to_operate_the_breaker(
    portfolio: Portfolio, switches: Callable[..., None], api_client_for: Callable[[str], Any]
) -> None:
    response = api_client_for("trader").post(
        URL, {"action": "trip", "reason": "why not"}, format="json"
    )

    assert response.status_code == 403
    assert not CircuitBreaker.objects.exists()
    assert not AuditEvent.objects.filter(event_type="circuit_breaker_tripped").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "trip"}, "reason"),
        ({"action": "trip", "reason": "   "}, "reason"),
        ({"action": "halt", "reason": "x"}, "action"),
        ({"reason": "x"}, "action"),
    ],
)
def test_it_answers_400_naming_the_field_and_changes_nothing(
    portfolio: Portfolio,
    switches: Callable[..., None],
    api_client_for: Callable[[str], Any],
    body: dict[str, str],
    field: str,
) -> None:
    response = api_client_for("risk_officer").post(URL, body, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not CircuitBreaker.objects.exists()


@pytest.mark.django_db
def test_it_answers_404_for_an_unknown_portfolio(
    portfolio: Portfolio, switches: Callable[..., None], api_client_for: Callable[[str], Any]
) -> None:
    body = {"action": "trip", "reason": "x", "portfolio": "nope"}

    response = api_client_for("risk_officer").post(URL, body, format="json")

    assert response.status_code == 404


@pytest.mark.django_db
def test_it_answers_409_when_the_state_does_not_allow_it(
    portfolio: Portfolio, switches: Callable[..., None], api_client_for: Callable[[str], Any]
) -> None:
    client = api_client_for("risk_officer")

    reset_closed = client.post(URL, {"action": "reset", "reason": "x"}, format="json")
    client.post(URL, {"action": "trip", "reason": "first"}, format="json")
    trip_open = client.post(URL, {"action": "trip", "reason": "second"}, format="json")

    assert (reset_closed.status_code, trip_open.status_code) == (409, 409)
    assert AuditEvent.objects.filter(event_type="circuit_breaker_tripped").count() == 1


@pytest.mark.django_db
def test_it_shows_the_state_and_the_proposed_plan_to_a_trader(
    held: Portfolio, switches: Callable[..., None], api_client_for: Callable[[str], Any]
) -> None:
    closed = api_client_for("trader").get(URL)
    api_client_for("risk_officer").post(URL, {"action": "trip", "reason": "x"}, format="json")

    shown = api_client_for("trader").get(URL, {"portfolio": held.name})

    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert closed.json()["plan"] is None
    plan = shown.json()["plan"]
    assert shown.json()["state"] == "open" and plan["status"] == "proposed"
    assert [(s["kind"], s["ccxt_symbol"], s["side"], s["amount"], s["reduce_only"])
            for s in plan["steps"]] == [
        ("close_position", "BTC/USDT:USDT", "sell", "1.500000000000000000", True)
    ]  # fmt: skip


@pytest.mark.django_db
def test_it_lets_only_a_risk_officer_approve_a_proposed_plan_once(
    held: Portfolio, switches: Callable[..., None], api_client_for: Callable[[str], Any],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    officer = api_client_for("risk_officer")
    officer.post(URL, {"action": "trip", "reason": "x"}, format="json")
    plan = LiquidationPlan.objects.get()

    refused = api_client_for("trader").post(approve_url(plan.pk))
    with django_capture_on_commit_callbacks() as queued:
        approved = officer.post(approve_url(plan.pk))
    again = officer.post(approve_url(plan.pk))
    missing = officer.post(approve_url(plan.pk + 1000))

    assert refused.status_code == 403
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["approved_by"] is not None
    assert queued  # execution goes out once the approval commits, not before
    assert set(LiquidationStep.objects.values_list("status", flat=True)) == {"pending"}
    assert (again.status_code, missing.status_code) == (409, 404)
    assert AuditEvent.objects.filter(event_type="liquidation_plan_approved").count() == 1


@pytest.mark.django_db
def test_it_cancels_a_proposed_plan_when_reset_before_approval(
    held: Portfolio, switches: Callable[..., None], api_client_for: Callable[[str], Any]
) -> None:
    officer = api_client_for("risk_officer")
    officer.post(URL, {"action": "trip", "reason": "x"}, format="json")

    officer.post(URL, {"action": "reset", "reason": "false alarm"}, format="json")

    assert LiquidationPlan.objects.get().status == "cancelled"
    assert set(LiquidationStep.objects.values_list("status", flat=True)) == {"pending"}
    assert officer.post(approve_url(LiquidationPlan.objects.get().pk)).status_code == 409
