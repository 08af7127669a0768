from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from apps.alerts.models import Alert, AlertStatus
from apps.alerts.services import alerts_sync
from apps.audit.models import AuditEvent
from tests.apps.alerts.factories import btc_reading, eth_reading, evaluation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("alerting_config")]
ACTIVE = "/api/v1/alerts/active"
ACKNOWLEDGE = "/api/v1/alerts/acknowledge"
ClientFor = Callable[[str], Any]


@pytest.fixture
def btc_alert() -> Alert:
    alerts_sync(readings=[btc_reading(15.0), eth_reading(190.0)], context=evaluation())
    return Alert.objects.get(scope="BTC-USD")


def test_it_lists_active_alerts_most_utilized_first(
    api_client_for: ClientFor, btc_alert: Alert
) -> None:
    response = api_client_for("trader").get(ACTIVE)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [a["scope"] for a in body["alerts"]] == ["BTC-USD", "ETH-USD"]
    assert body["alerts"][0]["alert_id"] == f"alert-{btc_alert.pk}"
    assert body["alerts"][0]["severity"] == "critical"


def test_it_filters_active_alerts_by_severity_and_breach_type(
    api_client_for: ClientFor, btc_alert: Alert
) -> None:
    client = api_client_for("trader")

    high = client.get(ACTIVE, {"severity": "high"}).json()
    assert [a["scope"] for a in high["alerts"]] == ["ETH-USD"]
    other = client.get(ACTIVE, {"breach_type": "var_limit"}).json()
    assert other["count"] == 0


def test_it_rejects_an_unknown_severity_filter_naming_the_field(
    api_client_for: ClientFor, btc_alert: Alert
) -> None:
    response = api_client_for("trader").get(ACTIVE, {"severity": "apocalyptic"})

    assert response.status_code == 400
    assert "severity" in response.json()["error"]["fields"]


def test_it_refuses_the_list_without_authentication(client: Any) -> None:
    assert client.get(ACTIVE).status_code in (401, 403)


def test_it_acknowledges_with_a_comment_and_audits_it(
    api_client_for: ClientFor, btc_alert: Alert
) -> None:
    response = api_client_for("risk_officer").post(
        ACKNOWLEDGE,
        {"alert_id": btc_alert.public_id, "comment": "reducing BTC with the desk"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    btc_alert.refresh_from_db()
    assert btc_alert.status == AlertStatus.ACKNOWLEDGED
    assert btc_alert.ack_comment == "reducing BTC with the desk"
    assert btc_alert.next_escalation_at is None
    event = AuditEvent.objects.get(event_type="alert_acknowledged")
    assert event.actor == btc_alert.acknowledged_by.get_username()
    assert event.payload["compliance_action"] == "alert_acknowledged"
    assert event.payload["comment"] == "reducing BTC with the desk"
    assert event.payload["audit_trail"]["risk_engine_version"] == "2.1.3"


@pytest.mark.parametrize("comment", ["", "   "])
def test_it_requires_a_comment_to_acknowledge(
    api_client_for: ClientFor, btc_alert: Alert, comment: str
) -> None:
    response = api_client_for("risk_officer").post(
        ACKNOWLEDGE, {"alert_id": btc_alert.pk, "comment": comment}, format="json"
    )

    assert response.status_code == 400
    assert "comment" in response.json()["error"]["fields"]
    btc_alert.refresh_from_db()
    assert btc_alert.status == AlertStatus.OPEN
    assert not AuditEvent.objects.filter(event_type="alert_acknowledged").exists()


def test_it_forbids_a_trader_to_acknowledge(api_client_for: ClientFor, btc_alert: Alert) -> None:
    response = api_client_for("trader").post(
        ACKNOWLEDGE, {"alert_id": btc_alert.pk, "comment": "mine"}, format="json"
    )

    assert response.status_code == 403
    btc_alert.refresh_from_db()
    assert btc_alert.status == AlertStatus.OPEN


def test_it_refuses_to_acknowledge_twice(api_client_for: ClientFor, btc_alert: Alert) -> None:
    client = api_client_for("risk_officer")
    client.post(ACKNOWLEDGE, {"alert_id": btc_alert.pk, "comment": "on it"}, format="json")

    again = client.post(ACKNOWLEDGE, {"alert_id": btc_alert.pk, "comment": "me too"}, format="json")

    assert again.status_code == 409
    assert "already acknowledged" in again.json()["error"]["fields"]["alert_id"][0]


def test_it_answers_404_for_an_unknown_alert(api_client_for: ClientFor) -> None:
    response = api_client_for("risk_officer").post(
        ACKNOWLEDGE, {"alert_id": "alert-999999", "comment": "x"}, format="json"
    )

    assert response.status_code == 404


def test_it_reopens_an_acknowledged_alert_whose_severity_rises(
    api_client_for: ClientFor,
) -> None:
    alerts_sync(readings=[btc_reading(9.2)], context=evaluation())
    alert = Alert.objects.get()
    api_client_for("risk_officer").post(
        ACKNOWLEDGE, {"alert_id": alert.pk, "comment": "watching"}, format="json"
    )

    alerts_sync(readings=[btc_reading(12.0)], context=evaluation())

    alert.refresh_from_db()
    assert (alert.status, alert.severity) == (AlertStatus.OPEN, "critical")
    assert alert.next_escalation_at is not None
    assert AuditEvent.objects.get(event_type="alert_updated").payload["reopened"] is True


@pytest.mark.parametrize("comment", ["   ", "\x1e", "\u3000\t", "ok\x00"])
def test_it_rejects_a_comment_of_spaces_as_the_schema_says(
    api_client_for: ClientFor, btc_alert: Alert, comment: str
) -> None:
    body = {"alert_id": btc_alert.public_id, "comment": comment}
    response = api_client_for("risk_officer").post(ACKNOWLEDGE, body, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["comment"]
