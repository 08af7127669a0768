"""The manual escalation (gRPC EscalateAlert): the next tier now, audited with who and why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from apps.alerts.models import Alert, Notification
from apps.alerts.services import alert_acknowledge, alert_escalate, alerts_escalate_due, alerts_sync
from apps.audit.models import AuditEvent
from tests.apps.alerts.factories import btc_reading, evaluation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("alerting_config")]
T0 = datetime(2030, 1, 2, 9, 0, tzinfo=UTC)


def _open_critical() -> Alert:
    alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
    return Alert.objects.get()


def test_it_notifies_the_next_tier_now_and_audits_who_and_why(role_user: object) -> None:
    officer = role_user("risk_officer")  # type: ignore[operator]
    with time_machine.travel(T0, tick=False):
        alert = _open_critical()
        escalation = alert_escalate(alert_id=alert.pk, user=officer, reason="venue unreachable")

    assert escalation.escalated_to == ("ceo", "board")
    alert.refresh_from_db()
    assert alert.escalation_tier == 1
    assert alert.next_escalation_at is None  # no tier left after the board
    targets = Notification.objects.filter(alert=alert, event="escalated", channel="log")
    assert sorted(targets.values_list("target", flat=True)) == ["board", "ceo"]
    event = AuditEvent.objects.get(event_type="alert_escalated")
    assert event.actor == officer.get_username()  # type: ignore[attr-defined]
    assert event.payload["reason"] == "venue unreachable"
    assert event.payload["manual"] is True


def test_it_leaves_nothing_for_the_schedule_to_escalate_again(role_user: object) -> None:
    officer = role_user("risk_officer")  # type: ignore[operator]
    with time_machine.travel(T0, tick=False) as clock:
        alert = _open_critical()
        alert_escalate(alert_id=alert.pk, user=officer, reason="now")
        clock.shift(timedelta(minutes=10))
        assert alerts_escalate_due().escalated == []


def test_it_escalates_an_acknowledged_alert_and_keeps_it_acknowledged(role_user: object) -> None:
    officer = role_user("risk_officer")  # type: ignore[operator]
    alert = _open_critical()
    alert_acknowledge(alert_id=alert.pk, user=officer, comment="on it")
    alert_escalate(alert_id=alert.pk, user=officer, reason="needs the board")
    alert.refresh_from_db()
    assert (alert.status, alert.escalation_tier) == ("acknowledged", 1)


def test_it_refuses_a_second_escalation_with_no_tier_left(role_user: object) -> None:
    officer = role_user("risk_officer")  # type: ignore[operator]
    alert = _open_critical()
    alert_escalate(alert_id=alert.pk, user=officer, reason="first")
    with pytest.raises(ValidationError) as refused:
        alert_escalate(alert_id=alert.pk, user=officer, reason="again")
    assert "no further tier" in refused.value.message_dict["alert_id"][0]
    assert AuditEvent.objects.filter(event_type="alert_escalated").count() == 1


def test_it_requires_a_reason(role_user: object) -> None:
    officer = role_user("risk_officer")  # type: ignore[operator]
    alert = _open_critical()
    with pytest.raises(ValidationError) as refused:
        alert_escalate(alert_id=alert.pk, user=officer, reason="  ")
    assert "reason" in refused.value.message_dict


def test_it_forbids_a_trader(role_user: object) -> None:
    trader = role_user("trader")  # type: ignore[operator]
    alert = _open_critical()
    with pytest.raises(PermissionDenied):
        alert_escalate(alert_id=alert.pk, user=trader, reason="panic")
    alert.refresh_from_db()
    assert alert.escalation_tier == 0


def test_it_refuses_a_resolved_alert(role_user: object) -> None:
    officer = role_user("risk_officer")  # type: ignore[operator]
    alert = _open_critical()
    alerts_sync(readings=[btc_reading(1.0)], context=evaluation())
    with pytest.raises(ValidationError) as refused:
        alert_escalate(alert_id=alert.pk, user=officer, reason="late")
    assert "resolved" in refused.value.message_dict["alert_id"][0]
