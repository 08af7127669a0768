"""GET /debug/alert-processing-queue: the outbox by status, its oldest undelivered row,
retries, and the Celery queues' lengths read from the real Redis broker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis
import time_machine
from django.conf import settings

from apps.alerts.models import Notification, NotificationStatus
from apps.alerts.queue_state import CELERY_QUEUES
from apps.alerts.services import alerts_sync
from tests.apps.alerts.factories import btc_reading, evaluation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("alerting_config")]
QUEUE = "/debug/alert-processing-queue"
T0 = datetime(2025, 9, 16, 9, 0, tzinfo=UTC)
ClientFor = Callable[[str], Any]


@pytest.fixture
def broker() -> Iterator[redis.Redis]:
    """The broker's queue lists, restored afterwards (the test pushes fake messages)."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    keys = [*CELERY_QUEUES, "alerts\x06\x163"]
    saved = {key: client.lrange(key, 0, -1) for key in keys}
    client.delete(*keys)
    yield client
    client.delete(*keys)
    for key, items in saved.items():
        if items:
            client.rpush(key, *items)


def test_it_shows_the_outbox_and_the_broker_queues(
    api_client_for: ClientFor, broker: redis.Redis
) -> None:
    with time_machine.travel(T0, tick=False):
        alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
    rows = list(Notification.objects.order_by("id"))
    assert len(rows) >= 2
    Notification.objects.filter(pk=rows[0].pk).update(attempts=3, last_error="timeout")
    Notification.objects.filter(pk=rows[-1].pk).update(status=NotificationStatus.DELIVERED)
    broker.rpush("alerts", "m1", "m2")
    broker.rpush("alerts\x06\x163", "m3")  # a priority step of the same queue
    broker.rpush("risk", "m4")

    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        response = api_client_for("risk_officer").get(QUEUE)

    assert response.status_code == 200
    body = response.json()
    pending = len(rows) - 1
    assert body["outbox"] == {"pending": pending, "delivered": 1, "failed": 0, "digested": 0}
    oldest = body["oldest_undelivered"]
    assert (oldest["id"], oldest["attempts"], oldest["last_error"]) == (rows[0].pk, 3, "timeout")
    assert oldest["age_seconds"] == 120.0
    assert body["retries"] == {"pending_retrying": 1, "retry_attempts": 3, "max_attempts": 3}
    assert body["celery"] == {
        "broker": "redis", "error": None,
        "lengths": {"default": 0, "ingest": 0, "risk": 1, "alerts": 3},
    }  # fmt: skip


def test_an_empty_outbox_has_no_oldest_row(api_client_for: ClientFor) -> None:
    body = api_client_for("risk_officer").get(QUEUE).json()

    assert body["oldest_undelivered"] is None
    assert set(body["outbox"].values()) == {0}


def test_it_reports_an_unreachable_broker_instead_of_failing(
    api_client_for: ClientFor, settings: Any
) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    celery = api_client_for("risk_officer").get(QUEUE).json()["celery"]

    assert celery["lengths"] is None
    assert "ConnectionError" in celery["error"]


@pytest.mark.parametrize("role", ["trader", "auditor", "integration"])
def test_it_is_for_staff_with_the_debug_permission_only(
    api_client_for: ClientFor, role: str
) -> None:
    assert api_client_for(role).get(QUEUE).status_code == 403


def test_it_refuses_without_authentication(client: Any) -> None:
    assert client.get(QUEUE).status_code in (401, 403)
