"""The back office: limits read-only, changes proposed and approved through the services."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from apps.audit.models import AuditEvent
from apps.limits.models import Limit, LimitChangeRequest, RequestStatus

pytestmark = pytest.mark.django_db

MAX_SHORT = "position_limits.BTC-USD.max_short"
ADD = "/admin/limits/limitchangerequest/add/"
REQUESTS = "/admin/limits/limitchangerequest/"


@pytest.fixture
def admin_for(role_user: Callable[..., Any]) -> Callable[[str], tuple[Client, Any]]:
    def make(role: str) -> tuple[Client, Any]:
        user = role_user(role)
        client = Client()
        client.force_login(user)
        return client, user

    return make


def _propose(client: Client, limit: Limit, value: str) -> Any:
    data = {"limit": limit.pk, "after_value": value, "after_warn_at_utilization": "0.8",
            "after_enabled": "on", "reason": "more room on the short side"}  # fmt: skip
    return client.post(ADD, data)


def test_it_shows_limits_read_only(shipped_limits: None, admin_for: Callable) -> None:
    client, _ = admin_for("risk_officer")
    limit = Limit.objects.get(key=MAX_SHORT)

    page = client.get(f"/admin/limits/limit/{limit.pk}/change/")

    assert page.status_code == 200
    assert b'name="value"' not in page.content
    assert (
        client.post(f"/admin/limits/limit/{limit.pk}/change/", {"value": "-9"}).status_code == 403
    )
    assert Limit.objects.get(pk=limit.pk).value == Decimal("-5")


def test_it_proposes_from_the_limit_list_and_applies_on_another_officers_approval(
    shipped_limits: None, admin_for: Callable
) -> None:
    (proposer, proposer_user), (approver, _) = admin_for("risk_officer"), admin_for("risk_officer")
    limit = Limit.objects.get(key=MAX_SHORT)
    action = {"action": "propose_change", "_selected_action": [limit.pk]}
    redirect = proposer.post("/admin/limits/limit/", action)
    assert redirect.status_code == 302
    assert redirect["Location"] == f"{ADD}?limit={limit.pk}"

    assert _propose(proposer, limit, "-8").status_code == 302
    request = LimitChangeRequest.objects.get()
    assert (request.proposed_by, request.after_value) == (proposer_user, Decimal("-8"))
    assert Limit.objects.get(pk=limit.pk).value == Decimal("-5")

    own = {"action": "approve", "_selected_action": [request.pk]}
    proposer.post(REQUESTS, own)
    assert LimitChangeRequest.objects.get().status == RequestStatus.PROPOSED

    approver.post(REQUESTS, own)
    assert LimitChangeRequest.objects.get().status == RequestStatus.APPROVED
    assert Limit.objects.get(pk=limit.pk).value == Decimal("-8")
    assert AuditEvent.objects.filter(event_type="limit_change_approved").count() == 1


def test_it_refuses_a_proposal_against_the_sign_rules(
    shipped_limits: None, admin_for: Callable
) -> None:
    client, _ = admin_for("risk_officer")

    page = _propose(client, Limit.objects.get(key=MAX_SHORT), "5")

    assert page.status_code == 200
    assert b"must be a negative number" in page.content
    assert not LimitChangeRequest.objects.exists()


def test_it_offers_no_proposal_form_to_an_auditor(
    shipped_limits: None, admin_for: Callable
) -> None:
    client, _ = admin_for("auditor")
    assert client.get(ADD).status_code == 403
