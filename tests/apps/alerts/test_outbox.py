from __future__ import annotations

from typing import Any

import pytest

from apps.alerts.models import Notification, NotificationStatus
from apps.alerts.selectors import critical_alert_count
from apps.alerts.services import alerts_sync, notification_enqueue
from apps.alerts.tasks import notifications_deliver
from apps.audit.models import AuditEvent
from riskmonitor.schedule import schedule_table
from tests.apps.alerts.conftest import LOG_ONLY, ConfigureAlerting
from tests.apps.alerts.factories import btc_reading, eth_reading, evaluation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("alerting_config")]


def test_it_queues_an_emergency_notification_without_an_alert(
    alerting_config: ConfigureAlerting,
) -> None:
    alerting_config(max_alerts_per_hour=1, alert_channels=LOG_ONLY)
    alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
    queued = notification_enqueue(
        event="emergency",
        severity="critical",
        targets=["risk_team"],  # whose hourly budget the BTC alert has used up
        payload={"reason": "circuit breaker tripped"},
        event_key="breaker-trip-1",
    )

    report = notifications_deliver.apply().get()

    assert queued == 1
    emergency = Notification.objects.get(event="emergency")
    assert emergency.status == NotificationStatus.DELIVERED  # never held back by the budget
    assert report["delivered"] >= 1
    audit = AuditEvent.objects.get(event_type="notification_delivered", payload__event="emergency")
    assert audit.payload["alert_id"] is None


def test_it_queues_an_occurrence_only_once_per_event_key() -> None:
    kwargs: dict[str, Any] = {
        "event": "emergency",
        "severity": "critical",
        "targets": ["cro", "ceo"],
        "payload": {},
        "event_key": "breaker-trip-7",
    }
    notification_enqueue(**kwargs)
    notification_enqueue(**kwargs)

    assert Notification.objects.filter(event="emergency").count() == 2


def test_it_registers_delivery_to_run_after_the_commit(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        alerts_sync(readings=[btc_reading(15.0)], context=evaluation())

    kicks = [cb for cb in callbacks if getattr(cb, "name", "") == "alerts.notifications_deliver"]
    assert len(kicks) == 1


def test_it_schedules_delivery_every_few_seconds() -> None:
    entry = next(e for e in schedule_table() if e.task == "alerts.notifications_deliver")
    assert entry.every_seconds <= 10


def test_it_counts_active_critical_alerts_of_a_portfolio() -> None:
    alerts_sync(readings=[btc_reading(15.0), eth_reading(260.0)], context=evaluation())
    alerts_sync(readings=[btc_reading(12.0, scope="SOL-USD")], context=evaluation(portfolio_id=2))

    assert critical_alert_count(1) == 2
    assert critical_alert_count(2) == 1
    assert critical_alert_count(3) == 0
