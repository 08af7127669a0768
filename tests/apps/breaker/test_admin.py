"""The back office: risk officers see breakers and trip them with a reason; traders see nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from apps.audit.models import AuditEvent
from apps.breaker.models import CircuitBreaker
from apps.breaker.services import breakers_ensure
from apps.positions.models import Portfolio

CHANGELIST = "/admin/breaker/circuitbreaker/"


def _logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_it_lists_every_portfolios_breaker_and_trips_one_with_a_reason(
    portfolio: Portfolio, switches: Callable[..., None], role_user: Callable[..., Any]
) -> None:
    breakers_ensure()  # as bootstrap does: the admin's reads create nothing
    client = _logged_in(role_user("risk_officer"))

    listed = client.get(CHANGELIST, secure=True)
    breaker = CircuitBreaker.objects.get(portfolio=portfolio)
    asked = client.post(CHANGELIST, {"action": "trip", "_selected_action": [breaker.pk]},
                        secure=True)  # fmt: skip
    done = client.post(
        CHANGELIST,
        {"action": "trip", "_selected_action": [breaker.pk], "apply": "1", "reason": "drill"},
        secure=True,
    )

    assert listed.status_code == 200
    assert asked.status_code == 200 and b"reason" in asked.content  # the form, nothing done yet
    assert done.status_code == 302
    breaker.refresh_from_db()
    assert (breaker.state, breaker.reason_detail) == ("open", "drill")
    assert AuditEvent.objects.filter(event_type="circuit_breaker_tripped").count() == 1


@pytest.mark.django_db
def test_it_keeps_the_pages_from_a_trader(
    portfolio: Portfolio, role_user: Callable[..., Any]
) -> None:
    response = _logged_in(role_user("trader")).get(CHANGELIST, secure=True)

    assert response.status_code in (302, 403)
