from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from apps.alerts.models import Alert, Notification
from apps.alerts.services import alert_acknowledge, alerts_escalate_due, alerts_sync
from apps.alerts.tasks import alerts_escalate
from apps.audit.models import AuditEvent
from riskmonitor.schedule import schedule_table
from tests.apps.alerts.factories import btc_reading, evaluation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("alerting_config")]
T0 = datetime(2030, 1, 2, 9, 0, tzinfo=UTC)


def _targets(alert: Alert, event: str) -> list[str]:
    rows = Notification.objects.filter(alert=alert, event=event, channel="log")
    return sorted(rows.values_list("target", flat=True))


def test_it_escalates_a_critical_alert_after_five_unacknowledged_minutes() -> None:
    with time_machine.travel(T0, tick=False) as clock:
        alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
        alert = Alert.objects.get()
        clock.shift(timedelta(minutes=4, seconds=59))
        assert alerts_escalate_due().escalated == []

        clock.shift(timedelta(seconds=1))
        report = alerts_escalate_due()

    alert.refresh_from_db()
    assert report.escalated == [alert.pk]
    assert alert.escalation_tier == 1
    assert alert.notified_targets == ["risk_team", "head_of_trading", "ceo", "board"]
    assert alert.next_escalation_at is None
    assert _targets(alert, "escalated") == ["board", "ceo"]
    event = AuditEvent.objects.get(event_type="alert_escalated")
    assert event.payload["escalated_to"] == ["ceo", "board"]
    assert event.payload["compliance_action"] == "alert_escalated"
    assert event.payload["audit_trail"]["data_sources_checked"][0] == "exchange-1"


def test_it_escalates_a_high_alert_on_its_own_fifteen_minute_delay() -> None:
    with time_machine.travel(T0, tick=False) as clock:
        alerts_sync(readings=[btc_reading(9.5)], context=evaluation())
        clock.shift(timedelta(minutes=14))
        assert alerts_escalate_due().escalated == []
        clock.shift(timedelta(minutes=1))
        assert len(alerts_escalate_due().escalated) == 1

    assert _targets(Alert.objects.get(), "escalated") == ["cro", "head_of_trading"]


def test_it_escalates_once_per_tier_however_often_the_task_runs() -> None:
    with time_machine.travel(T0, tick=False) as clock:
        alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
        clock.shift(timedelta(minutes=6))
        alerts_escalate_due()
        alerts_escalate_due()
        clock.shift(timedelta(minutes=30))
        alerts_escalate_due()

    assert AuditEvent.objects.filter(event_type="alert_escalated").count() == 1


def test_it_does_not_escalate_an_acknowledged_alert(role_user: object) -> None:
    officer = role_user("risk_officer")  # type: ignore[operator]
    with time_machine.travel(T0, tick=False) as clock:
        alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
        alert_acknowledge(alert_id=Alert.objects.get().pk, user=officer, comment="flattening")
        clock.shift(timedelta(hours=3))
        report = alerts_escalate_due()

    assert (report.escalated, report.renotified) == ([], [])


def test_it_renotifies_an_open_alert_every_renotify_interval() -> None:
    low = btc_reading(6.0, opening_level=0.5)  # low severity: its policy never escalates
    with time_machine.travel(T0, tick=False) as clock:
        alerts_sync(readings=[low], context=evaluation())
        alert = Alert.objects.get()
        clock.shift(timedelta(minutes=59))
        assert alerts_escalate_due().renotified == []
        clock.shift(timedelta(minutes=1))
        assert alerts_escalate_due().renotified == [alert.pk]
        assert alerts_escalate_due().renotified == []
        clock.shift(timedelta(minutes=60))
        assert alerts_escalate_due().renotified == [alert.pk]

    keys = Notification.objects.filter(alert=alert, event="renotify", channel="log")
    assert sorted(keys.values_list("idempotency_key", flat=True)) == [
        f"{alert.pk}:renotify-1:log:risk_team",
        f"{alert.pk}:renotify-2:log:risk_team",
    ]


def test_it_runs_escalation_from_the_scheduled_task() -> None:
    with time_machine.travel(T0, tick=False) as clock:
        alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
        clock.shift(timedelta(minutes=5))
        summary = alerts_escalate.apply().get()

    assert summary["escalated"] == [Alert.objects.get().pk]
    entry = next(e for e in schedule_table() if e.task == "alerts.escalate")
    assert entry.every_seconds == 60
