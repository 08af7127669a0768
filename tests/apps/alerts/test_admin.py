from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from apps.alerts.models import Alert, AlertStatus
from apps.alerts.services import alerts_sync
from apps.audit.models import AuditEvent
from tests.apps.alerts.factories import btc_reading, evaluation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("alerting_config")]
CHANGELIST = "/admin/alerts/alert/"


@pytest.fixture
def officer_client(client: Client, role_user: Any) -> Client:
    client.force_login(role_user("risk_officer"))
    return client


@pytest.fixture
def alert() -> Alert:
    alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
    return Alert.objects.get()


def _action(client: Client, alert: Alert, **extra: str) -> Any:
    data = {"action": "acknowledge", "_selected_action": [str(alert.pk)], **extra}
    return client.post(CHANGELIST, data, secure=True)


def test_it_asks_for_a_comment_before_acknowledging(officer_client: Client, alert: Alert) -> None:
    response = _action(officer_client, alert)

    assert response.status_code == 200
    assert b'name="comment"' in response.content
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_it_acknowledges_from_the_admin_with_the_comment(
    officer_client: Client, alert: Alert
) -> None:
    response = _action(officer_client, alert, apply="1", comment="hedged on exchange-2")

    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.ack_comment) == (AlertStatus.ACKNOWLEDGED, "hedged on exchange-2")
    assert AuditEvent.objects.filter(event_type="alert_acknowledged").count() == 1


def test_it_shows_the_form_again_when_the_comment_is_empty(
    officer_client: Client, alert: Alert
) -> None:
    response = _action(officer_client, alert, apply="1", comment="  ")

    assert response.status_code == 200
    assert b"This field is required" in response.content
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_it_offers_no_acknowledge_action_to_an_auditor(
    client: Client, role_user: Any, alert: Alert
) -> None:
    client.force_login(role_user("auditor"))

    response = client.get(CHANGELIST, secure=True)

    assert response.status_code == 200
    assert b'value="acknowledge"' not in response.content
