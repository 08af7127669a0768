"""The four-eyes flow over the REST API: propose, approve, reject, expire; every step audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.limits.models import Limit, LimitChangeRequest, LimitSource, RequestStatus
from apps.limits.services import limit_requests_expire, limits_load_from_config
from tests.apps.limits.conftest import shipped_limits_file

pytestmark = pytest.mark.django_db

MAX_LONG = "position_limits.BTC-USD.max_long"
UPDATE = "/api/v1/limits/update"


def _approve(client: Any, request_id: int, **body: str) -> Any:
    return client.post(f"/api/v1/limits/requests/{request_id}/approve", body, format="json")


def _reject(client: Any, request_id: int, **body: str) -> Any:
    return client.post(f"/api/v1/limits/requests/{request_id}/reject", body, format="json")


def _propose(client: Any, **body: object) -> Any:
    payload = {"limit_key": MAX_LONG, "value": "12", "reason": "desk grows"} | body
    return client.post(UPDATE, payload, format="json")


def _value(key: str = MAX_LONG) -> Decimal:
    return Limit.objects.get(key=key).value


def _event(event_type: str) -> dict[str, Any]:
    return AuditEvent.objects.get(event_type=event_type).payload


@pytest.fixture
def officers(shipped_limits: None, api_client_for: Callable[[str], Any]) -> tuple[Any, Any]:
    return api_client_for("risk_officer"), api_client_for("risk_officer")


def test_it_changes_nothing_until_a_second_officer_approves(officers: tuple[Any, Any]) -> None:
    proposer, approver = officers

    proposed = _propose(proposer, warn_at_utilization="0.9")

    assert proposed.status_code == 201, proposed.json()
    body = proposed.json()
    assert body["status"] == "proposed"
    assert body["limit_key"] == MAX_LONG
    assert body["before"] == {"value": "10", "warn_at_utilization": "0.8", "enabled": True}
    assert body["after"] == {"value": "12", "warn_at_utilization": "0.9", "enabled": True}
    assert _value() == Decimal("10")

    approved = _approve(approver, body["id"], comment="agreed")

    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"
    assert approved.json()["decided_by"] != body["proposed_by"]
    limit = Limit.objects.get(key=MAX_LONG)
    assert (limit.value, limit.warn_at_utilization, limit.source) == (
        Decimal("12"), Decimal("0.9"), LimitSource.ADMIN,
    )  # fmt: skip


def test_it_audits_each_step_with_before_and_after(officers: tuple[Any, Any]) -> None:
    proposer, approver = officers
    request_id = _propose(proposer).json()["id"]
    _approve(approver, request_id, comment="agreed")

    proposed, approved = _event("limit_change_proposed"), _event("limit_change_approved")
    for payload in (proposed, approved):
        assert payload["request_id"] == request_id
        assert payload["limit_key"] == MAX_LONG
        assert payload["before"] == {"value": "10", "warn_at_utilization": "0.8", "enabled": True}
        assert payload["after"] == {"value": "12", "warn_at_utilization": "0.8", "enabled": True}
    assert proposed["reason"] == "desk grows"
    assert approved["decided_by"] != approved["proposed_by"]
    assert approved["comment"] == "agreed"
    actors = AuditEvent.objects.filter(event_type__startswith="limit_change").values_list(
        "actor", flat=True
    )
    assert list(actors) == [proposed["proposed_by"], approved["decided_by"]]


def test_it_refuses_the_proposer_approving_their_own_change(officers: tuple[Any, Any]) -> None:
    proposer, _ = officers
    request_id = _propose(proposer).json()["id"]

    response = _approve(proposer, request_id)

    assert response.status_code == 403
    assert "four-eyes" in response.json()["error"]["message"]
    assert "another risk officer" in response.json()["error"]["message"]
    assert _value() == Decimal("10")
    assert LimitChangeRequest.objects.get(pk=request_id).status == RequestStatus.PROPOSED
    assert not AuditEvent.objects.filter(event_type="limit_change_approved").exists()


def test_it_refuses_a_trader_proposing_or_approving(
    officers: tuple[Any, Any], api_client_for: Callable[[str], Any]
) -> None:
    trader = api_client_for("trader")
    assert _propose(trader).status_code == 403
    request_id = _propose(officers[0]).json()["id"]
    assert _approve(trader, request_id).status_code == 403
    assert _reject(trader, request_id).status_code == 403
    assert _value() == Decimal("10")


def test_it_keeps_a_rejected_request_and_leaves_the_limit(officers: tuple[Any, Any]) -> None:
    proposer, checker = officers
    request_id = _propose(proposer).json()["id"]

    rejected = _reject(checker, request_id, comment="not now")

    assert rejected.status_code == 200
    assert (rejected.json()["status"], rejected.json()["decision_comment"]) == (
        "rejected", "not now",
    )  # fmt: skip
    assert _value() == Decimal("10")
    assert LimitChangeRequest.objects.get(pk=request_id).status == RequestStatus.REJECTED
    payload = _event("limit_change_rejected")
    assert (payload["before"]["value"], payload["after"]["value"]) == ("10", "12")
    assert _approve(checker, request_id).status_code == 409


def test_it_expires_an_unapproved_request_after_a_day_and_keeps_it(
    officers: tuple[Any, Any],
) -> None:
    proposer, approver = officers
    request_id = _propose(proposer).json()["id"]

    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert limit_requests_expire() == 1
        assert limit_requests_expire() == 0
        late = _approve(approver, request_id)

    assert late.status_code == 409
    request = LimitChangeRequest.objects.get(pk=request_id)
    assert (request.status, request.decided_by) == (RequestStatus.EXPIRED, None)
    assert _value() == Decimal("10")
    payload = _event("limit_change_expired")
    assert (payload["request_id"], payload["before"]["value"], payload["after"]["value"]) == (
        request_id, "10", "12",
    )  # fmt: skip
    assert AuditEvent.objects.get(event_type="limit_change_expired").actor == "system:limits"


def test_it_allows_one_open_request_per_limit(officers: tuple[Any, Any]) -> None:
    proposer, other = officers
    first = _propose(proposer).json()["id"]

    second = _propose(other, value="11")

    assert second.status_code == 409
    assert f"#{first}" in second.json()["error"]["message"]


def test_it_proposes_by_limit_id_and_can_disable_a_limit(officers: tuple[Any, Any]) -> None:
    proposer, approver = officers
    limit = Limit.objects.get(key="delta_limits.BTC.max_net_exposure")
    body = {"limit_key": None, "limit_id": limit.pk, "enabled": False, "reason": "hedged"}
    proposed = proposer.post(
        UPDATE, {k: v for k, v in body.items() if v is not None}, format="json"
    )
    assert proposed.status_code == 201, proposed.json()
    assert proposed.json()["after"] == {
        "value": "15",
        "warn_at_utilization": None,
        "enabled": False,
    }

    _approve(approver, proposed.json()["id"])

    assert Limit.objects.get(pk=limit.pk).enabled is False


# 400: wrong whatever the limits are; 409: does not fit the stored limit (its kind's sign
# rule, its paired limit, no change); 404: no such limit.
@pytest.mark.parametrize(
    ("body", "status", "field", "reason"),
    [
        ({"limit_key": "position_limits.DOGE-USD.max_long"}, 404, None, "unknown limit key"),
        ({"limit_key": "portfolio_limits.max_daily_loss", "value": "400000"}, 404, None,
         "drawdown_limits.daily_loss"),
        ({"value": "0"}, 409, "value", "must be a positive number"),
        ({"value": "-12"}, 409, "value", "must be a positive number"),
        ({"limit_key": "position_limits.BTC-USD.max_short", "value": "5"}, 409, "value",
         "must be a negative number"),
        ({"limit_key": "drawdown_limits.daily_loss", "value": "500000"}, 409, "value",
         "must be a negative number"),
        ({"limit_key": "drawdown_limits.max_drawdown", "value": "-1.5"}, 409, "value",
         "must be a negative fraction"),
        ({"limit_key": "position_limits.BTC-USD.concentration_limit", "value": "1.2"}, 409,
         "value", "must be a fraction"),
        ({"limit_key": "operational_limits.position_staleness_minutes", "value": "2.5"}, 409,
         "value", "must be a positive whole number"),
        ({"limit_key": "notional_limits.per_symbol", "value": "20000000"}, 409, "value",
         "must not be above notional_limits.total_portfolio"),
        ({"value": "10"}, 409, "value", "changes nothing"),
        ({"warn_at_utilization": "1.5"}, 400, "warn_at_utilization", "fraction"),
        ({"warn_at_utilization": 0.9}, 400, "warn_at_utilization", "as text"),
        ({"value": "ten"}, 400, "value", "a decimal number (up to 10 decimals), as text"),
        ({"value": 12}, 400, "value", "a decimal number (up to 10 decimals), as text"),
        ({"enabled": 0}, 400, "enabled", "JSON boolean"),
        ({"reason": ""}, 400, "reason", "blank"),
        ({"reason": "   "}, 400, "reason", "blank"),
        ({"limit_id": 1}, 400, "limit_key", "exactly one of limit_key and limit_id"),
    ],
)  # fmt: skip
def test_it_refuses_bad_input_naming_the_field(
    officers: tuple[Any, Any], body: dict[str, object], status: int, field: str | None, reason: str
) -> None:
    response = _propose(officers[0], **body)

    assert response.status_code == status, response.json()
    error = response.json()["error"]
    if field is None:
        assert reason in error["message"]
    else:
        assert list(error["fields"]) == [field]
        assert reason in " ".join(error["fields"][field])
    assert not LimitChangeRequest.objects.exists()
    assert not AuditEvent.objects.filter(event_type__startswith="limit_change").exists()


def test_it_answers_404_for_an_unknown_request(officers: tuple[Any, Any]) -> None:
    assert _approve(officers[1], 999_999).status_code == 404


def test_it_does_not_let_the_yaml_load_overwrite_an_approved_change(
    officers: tuple[Any, Any],
) -> None:
    proposer, approver = officers
    _approve(approver, _propose(proposer).json()["id"])

    report = limits_load_from_config(limits_file=shipped_limits_file())

    assert report.kept == [MAX_LONG]
    assert (report.created, report.updated) == ([], [])
    assert _value() == Decimal("12")


def test_it_refuses_a_self_approval_in_the_database_too(officers: tuple[Any, Any]) -> None:
    proposer, _ = officers
    request = LimitChangeRequest.objects.get(pk=_propose(proposer).json()["id"])

    with pytest.raises(IntegrityError), transaction.atomic():
        LimitChangeRequest.objects.filter(pk=request.pk).update(
            status=RequestStatus.APPROVED, decided_by=request.proposed_by, decided_at=timezone.now()
        )
