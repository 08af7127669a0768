from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from apps.alerts.models import Alert, AlertStatus, Notification
from apps.alerts.services import alerts_sync
from apps.audit.models import AuditEvent
from tests.apps.alerts.factories import btc_reading, eth_reading, evaluation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("alerting_config")]


def _active() -> list[Alert]:
    return list(Alert.objects.filter(status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED]))


def test_it_opens_one_critical_alert_for_the_briefs_btc_breach() -> None:
    result = alerts_sync(readings=[btc_reading(15.0)], context=evaluation())

    [alert] = _active()
    assert result.opened == [alert.pk]
    assert (alert.breach_type, alert.scope, alert.severity) == (
        "position_limit_long",
        "BTC-USD",
        "critical",
    )
    assert (alert.current, alert.limit_value, alert.utilization) == (15.0, 10.0, 1.5)
    assert alert.fingerprint == "position_limits.BTC-USD.max_long|BTC-USD"
    assert alert.notified_targets == ["risk_team", "head_of_trading"]


def test_it_opens_an_alert_in_five_statements_without_savepoints(
    django_assert_num_queries: Any,
) -> None:
    # Lock the active alerts, insert the alert, its notifications, then the audit chain's lock
    # and head in one round trip and the audit INSERT: 5. Plus 2: inside the test's transaction
    # the call's own atomic block is a savepoint (SAVEPOINT, RELEASE); nothing else is.
    with django_assert_num_queries(7):
        alerts_sync(readings=[btc_reading(15.0)], context=evaluation())


def test_it_appends_the_events_of_one_call_together() -> None:
    alerts_sync(readings=[btc_reading(15.0), eth_reading(260.0)], context=evaluation())

    events = list(AuditEvent.objects.order_by("sequence"))
    assert [e.event_type for e in events] == ["risk_limit_breach", "risk_limit_breach"]
    assert events[1].prev_hash == events[0].hash
    assert events[0].timestamp == events[1].timestamp  # one append, under one lock


def test_it_keeps_one_alert_when_the_same_reading_comes_again() -> None:
    alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
    result = alerts_sync(readings=[btc_reading(15.0)], context=evaluation())

    assert len(_active()) == 1
    assert result.opened == []
    assert result.unchanged == [_active()[0].pk]


def test_it_writes_the_breach_audit_event_in_the_briefs_format() -> None:
    alerts_sync(readings=[btc_reading(15.0)], context=evaluation())

    event = AuditEvent.objects.get(event_type="risk_limit_breach")
    alert = _active()[0]
    assert event.correlation_id == "risk-check-001"
    assert event.level == "critical"
    assert event.actor == "system:alert-manager"
    assert event.payload | {"audit_trail": None} == event.payload | {
        "breach_type": "position_limit_long",
        "symbol": "BTC-USD",
        "current_position": 15.0,
        "position_limit": 10.0,
        "utilization": 1.5,
        "breach_severity": "critical",
        "alert_id": f"alert-{alert.pk}",
        "compliance_action": "alert_generated",
        "audit_trail": None,
    }
    trail = event.payload["audit_trail"]
    assert trail["data_sources_checked"] == ["exchange-1", "exchange-2", "custodian-1"]
    assert trail["calculation_method"] == "net_position_aggregation"
    assert trail["price_timestamp"] == "2025-09-16T14:23:40.000Z"
    assert trail["risk_engine_version"] == "2.1.3"


def test_it_lets_severity_follow_utilization_down_and_up() -> None:
    alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
    down = alerts_sync(readings=[btc_reading(9.2)], context=evaluation())
    alert = _active()[0]

    assert down.updated == [alert.pk]
    assert (alert.severity, alert.peak_severity, alert.current) == ("high", "critical", 9.2)

    alerts_sync(readings=[btc_reading(11.0)], context=evaluation())
    assert _active()[0].severity == "critical"
    updates = AuditEvent.objects.filter(event_type="alert_updated").order_by("sequence")
    assert [(e.payload["previous_severity"], e.payload["breach_severity"]) for e in updates] == [
        ("critical", "high"),
        ("high", "critical"),
    ]


def test_it_notifies_the_new_targets_when_severity_rises() -> None:
    alerts_sync(readings=[btc_reading(9.2)], context=evaluation())
    alerts_sync(readings=[btc_reading(12.0)], context=evaluation())

    alert = _active()[0]
    assert alert.notified_targets == ["risk_team", "head_of_trading"]
    upgraded = Notification.objects.filter(alert=alert, event="upgraded")
    assert sorted(upgraded.values_list("target", flat=True)) == ["head_of_trading", "risk_team"]


def test_it_resolves_when_utilization_falls_below_the_opening_level() -> None:
    alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
    still_open = alerts_sync(readings=[btc_reading(8.0)], context=evaluation())
    assert still_open.resolved == []

    result = alerts_sync(readings=[btc_reading(7.9)], context=evaluation())

    alert = Alert.objects.get()
    assert result.resolved == [alert.pk]
    assert (alert.status, alert.resolved_at is not None) == (AlertStatus.RESOLVED, True)
    resolved = AuditEvent.objects.get(event_type="alert_resolved")
    assert resolved.payload["compliance_action"] == "alert_resolved"
    assert Notification.objects.filter(alert=alert, event="resolved").exists()


def test_it_opens_a_new_alert_after_the_old_one_resolved() -> None:
    alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
    alerts_sync(readings=[btc_reading(1.0)], context=evaluation())
    alerts_sync(readings=[btc_reading(12.0)], context=evaluation())

    assert Alert.objects.count() == 2
    assert len(_active()) == 1


def test_it_leaves_alerts_of_limits_without_a_reading_untouched() -> None:
    alerts_sync(readings=[btc_reading(15.0), eth_reading(190.0)], context=evaluation())
    result = alerts_sync(readings=[btc_reading(1.0)], context=evaluation())

    [eth] = _active()
    assert eth.scope == "ETH-USD"
    assert eth.severity == "high"
    assert len(result.resolved) == 1


def test_it_opens_nothing_for_a_reading_below_the_opening_level() -> None:
    result = alerts_sync(readings=[btc_reading(7.0)], context=evaluation())

    assert result.opened == []
    assert not Alert.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_queues_the_initial_notifications_in_the_same_transaction() -> None:
    alerts_sync(readings=[btc_reading(15.0)], context=evaluation())

    rows = Notification.objects.filter(event="opened").values_list("channel", "target")
    assert sorted(rows) == [
        ("log", "head_of_trading"),
        ("log", "risk_team"),
        ("prometheus", "risk_alert_generated_total"),
    ]


@pytest.mark.django_db(transaction=True)
def test_it_never_opens_two_active_alerts_when_two_workers_sync_at_once() -> None:
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert Alert.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="risk_limit_breach").count() == 1
    assert Notification.objects.filter(event="opened", channel="log").count() == 2
