from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.utils import timezone

from apps.alerts.models import Alert, AlertStatus
from apps.alerts.services import alerts_sync
from tests.apps.alerts.factories import btc_reading, evaluation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("alerting_config")]


def _copy(alert: Alert, **changes: object) -> Alert:
    twin = Alert.objects.get(pk=alert.pk)
    twin.pk = None
    for name, value in changes.items():
        setattr(twin, name, value)
    return twin


def test_it_refuses_a_second_active_alert_for_a_fingerprint() -> None:
    alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
    alert = Alert.objects.get()

    with pytest.raises(IntegrityError, match="alerts_one_active_per_fingerprint"):
        _copy(alert, status=AlertStatus.ACKNOWLEDGED, acknowledged_at=timezone.now()).save()


def test_it_accepts_resolved_alerts_beside_the_active_one() -> None:
    alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
    alert = Alert.objects.get()

    _copy(alert, status=AlertStatus.RESOLVED, resolved_at=timezone.now()).save()

    assert Alert.objects.count() == 2


def test_it_refuses_a_resolved_alert_without_a_resolution_time() -> None:
    alerts_sync(readings=[btc_reading(15.0)], context=evaluation())

    with pytest.raises(IntegrityError, match="alerts_resolved_has_resolved_at"):
        Alert.objects.update(status=AlertStatus.RESOLVED)
