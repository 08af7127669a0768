from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import override_settings

from apps.alerts.models import DeliveryAttempt, Notification, NotificationStatus
from apps.alerts.services import alerts_sync, notification_deliver, notifications_deliver_due
from apps.alerts.services.delivery import BACKOFF_MAX_SECONDS, backoff_seconds
from apps.audit.models import AuditEvent
from apps.core.metrics import risk_alert_generated
from tests.apps.alerts.conftest import LOG_ONLY, ConfigureAlerting
from tests.apps.alerts.factories import btc_reading, evaluation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("alerting_config")]
T0 = datetime(2030, 1, 2, 9, 0, tzinfo=UTC)


def _signal_count() -> float:
    labels = {"severity": "critical", "breach_type": "position_limit_long"}
    return float(risk_alert_generated.labels(**labels)._value.get())


def _scoped(n: int) -> object:
    """Distinct high-severity alerts (initial target: risk_team only)."""
    return btc_reading(9.5, limit_id=100 + n, limit_key=f"test.{n}", scope=f"ASSET{n}-USD")


def test_it_delivers_to_the_log_channel_and_audits_each_delivery(
    caplog: pytest.LogCaptureFixture,
) -> None:
    alerts_sync(readings=[btc_reading(15.0)], context=evaluation())

    with caplog.at_level(logging.INFO, logger="riskmonitor.alerts"):
        report = notifications_deliver_due()

    assert report.delivered == 3  # two log targets and the Prometheus signal
    assert not Notification.objects.exclude(status=NotificationStatus.DELIVERED).exists()
    assert DeliveryAttempt.objects.filter(succeeded=True).count() == 3
    lines = [r for r in caplog.records if r.name == "riskmonitor.alerts"]
    assert sorted(r.notification["target"] for r in lines) == ["head_of_trading", "risk_team"]
    delivered = AuditEvent.objects.filter(event_type="notification_delivered")
    assert delivered.count() == 3
    assert delivered.first().payload["audit_trail"]["risk_engine_version"] == "2.1.3"


def test_it_counts_each_opened_alert_once_in_the_prometheus_counter() -> None:
    before = _signal_count()

    alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
    alerts_sync(readings=[btc_reading(16.0)], context=evaluation())
    notifications_deliver_due()
    notifications_deliver_due()

    assert _signal_count() == before + 1


def test_it_emits_no_compliance_signal_when_switched_off() -> None:
    before = _signal_count()
    off = {**settings.RISK_MONITOR, "EMIT_COMPLIANCE_SIGNALS": False}

    with override_settings(RISK_MONITOR=off):
        alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
        notifications_deliver_due()

    assert not Notification.objects.filter(channel="prometheus").exists()
    assert _signal_count() == before


def test_it_lets_only_one_worker_claim_a_notification() -> None:
    alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
    row = Notification.objects.filter(channel="log").first()
    assert row is not None

    assert notification_deliver(notification_id=row.pk) == "delivered"
    assert notification_deliver(notification_id=row.pk) == "skipped"
    assert DeliveryAttempt.objects.filter(notification=row).count() == 1


def test_it_folds_notifications_over_the_hourly_budget_into_one_digest(
    alerting_config: ConfigureAlerting,
) -> None:
    alerting_config(max_alerts_per_hour=2, alert_channels=LOG_ONLY)
    with time_machine.travel(T0, tick=False) as clock:
        alerts_sync(readings=[_scoped(n) for n in range(5)], context=evaluation())
        first = notifications_deliver_due()
        clock.shift(timedelta(minutes=30))
        still_full = notifications_deliver_due()
        clock.shift(timedelta(minutes=31))
        later = notifications_deliver_due()

    assert (first.delivered, first.digested) == (2, 3)
    assert still_full.digests == 0
    assert (later.digests, later.delivered) == (1, 1)
    digest = Notification.objects.get(event="digest")
    assert digest.status == NotificationStatus.DELIVERED
    assert digest.payload["count"] == 3
    folded = Notification.objects.filter(status=NotificationStatus.DIGESTED)
    assert sorted(i["notification_id"] for i in digest.payload["notifications"]) == sorted(
        folded.values_list("id", flat=True)
    )
    assert set(folded.values_list("digest", flat=True)) == {digest.pk}


def test_it_posts_each_notification_to_the_webhook_with_an_idempotency_key(
    webhook_config: object,
) -> None:
    receiver = webhook_config
    alerts_sync(readings=[btc_reading(15.0)], context=evaluation())

    notifications_deliver_due()

    rows = Notification.objects.filter(channel="webhook")
    assert sorted(receiver.keys()) == sorted(str(pk) for pk in rows.values_list("id", flat=True))
    body = receiver.requests[0].body
    assert body["alert"]["scope"] == "BTC-USD"
    assert body["alert"]["severity"] == "critical"
    assert body["event"] == "opened"
    assert {r.body["target"] for r in receiver.requests} == {"risk_team", "head_of_trading"}


def test_it_delivers_every_notification_exactly_once_after_the_receiver_comes_back(
    webhook_config: object,
) -> None:
    receiver = webhook_config
    receiver.stop()
    with time_machine.travel(T0, tick=True) as clock:
        alerts_sync(readings=[btc_reading(15.0), _scoped(1)], context=evaluation())
        for _ in range(4):  # down for a while: several failed attempts each
            notifications_deliver_due()
            clock.shift(timedelta(minutes=10))
        pending = Notification.objects.filter(channel="webhook", status="pending")
        assert pending.count() == 3
        assert min(pending.values_list("attempts", flat=True)) == 4

        receiver.start()
        clock.shift(timedelta(minutes=10))
        notifications_deliver_due()
        clock.shift(timedelta(minutes=10))
        notifications_deliver_due()

    webhook_ids = Notification.objects.filter(channel="webhook").values_list("id", flat=True)
    assert sorted(receiver.keys()) == sorted(str(pk) for pk in webhook_ids)
    assert Notification.objects.filter(channel="webhook", status="delivered").count() == 3
    failed = AuditEvent.objects.filter(event_type="notification_failed")
    assert failed.count() == 3  # the first failure of each, not every retry


def test_it_backs_off_exponentially_with_jitter_up_to_a_maximum() -> None:
    assert 2.5 <= backoff_seconds(1) <= 5
    assert 20 <= backoff_seconds(4) <= 40
    assert all(backoff_seconds(n) <= BACKOFF_MAX_SECONDS for n in (10, 50, 500))
    assert backoff_seconds(50) >= BACKOFF_MAX_SECONDS / 2


def test_it_retries_a_5xx_and_gives_up_on_a_4xx(webhook_config: object) -> None:
    receiver = webhook_config
    receiver.status = 503
    alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
    assert notifications_deliver_due().retrying == 2

    receiver.status = 400
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=10), tick=True):
        assert notifications_deliver_due().failed == 2

    permanent = AuditEvent.objects.filter(event_type="notification_failed", level="warn")
    assert [e.payload["permanent"] for e in permanent.order_by("sequence")] == [
        False,
        False,
        True,
        True,
    ]


def test_it_sends_email_to_the_configured_recipients(alerting_config: ConfigureAlerting) -> None:
    email = {"type": "email", "enabled": True, "recipients": ["desk@example.com"]}
    alerting_config(alert_channels=[email])
    alerts_sync(readings=[btc_reading(15.0)], context=evaluation())

    notifications_deliver_due()

    assert len(mail.outbox) == 2
    assert mail.outbox[0].to == ["desk@example.com"]
    assert "CRITICAL opened position_limit_long BTC-USD" in mail.outbox[0].subject
