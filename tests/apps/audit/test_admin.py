from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> AuditEvent:
    return audit_record(
        event_type="limit_change_approved",
        actor="olivia",
        payload={"limit": "max_long", "new_value": "12.5", "note": "<b>desk</b>"},
        correlation_id="risk-admin-001",
    )


def _client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_shows_events_read_only_to_an_auditor(
    role_user: Callable[..., Any], event: AuditEvent
) -> None:
    client = _client_for(role_user("auditor"))

    listing = client.get(reverse("admin:audit_auditevent_changelist"))
    detail = client.get(reverse("admin:audit_auditevent_change", args=[event.sequence]))

    assert listing.status_code == 200
    assert "risk-admin-001" in listing.content.decode()
    assert detail.status_code == 200
    page = detail.content.decode()
    assert "&quot;new_value&quot;: &quot;12.5&quot;" in page
    assert "&lt;b&gt;desk&lt;/b&gt;" in page  # payload text is escaped
    assert 'name="_save"' not in page


def test_it_refuses_add_change_and_delete_even_to_a_superuser(
    django_user_model: Any, event: AuditEvent
) -> None:
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "pw-long-1")
    client = _client_for(admin)

    add = client.get(reverse("admin:audit_auditevent_add"))
    delete = client.post(reverse("admin:audit_auditevent_delete", args=[event.sequence]))
    change = client.post(
        reverse("admin:audit_auditevent_change", args=[event.sequence]), {"actor": "mallory"}
    )

    assert (add.status_code, delete.status_code, change.status_code) == (403, 403, 403)
    assert AuditEvent.objects.get().actor == "olivia"


def test_it_finds_events_by_correlation_id(
    role_user: Callable[..., Any], event: AuditEvent
) -> None:
    audit_record(event_type="other", actor="system:test", payload={}, correlation_id="risk-x")
    client = _client_for(role_user("risk_officer"))

    found = client.get(reverse("admin:audit_auditevent_changelist"), {"q": "risk-admin-001"})

    assert list(found.context["cl"].result_list) == [event]


def test_it_hides_the_trail_from_a_trader(role_user: Callable[..., Any], event: AuditEvent) -> None:
    client = _client_for(role_user("trader"))

    response = client.get(reverse("admin:audit_auditevent_changelist"))

    assert response.status_code == 302  # traders are not staff: sent to the login page
