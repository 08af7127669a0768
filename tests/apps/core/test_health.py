from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import override_settings

from apps.core import selectors
from apps.core.services import SCHEDULER_TICK_KEY, scheduler_tick_record

pytestmark = pytest.mark.django_db


def test_it_answers_200_without_authentication_when_all_is_up(client):
    scheduler_tick_record()
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["mode"] == "stack"
    assert set(body["checks"]) == {"database", "redis", "broker", "scheduler"}
    assert all(check["status"] == "up" for check in body["checks"].values())


def test_it_answers_503_naming_a_stalled_scheduler(client, monkeypatch):
    monkeypatch.setattr(selectors, "PROCESS_STARTED", time.time() - 3600)
    cache.set(SCHEDULER_TICK_KEY, time.time() - 3600)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["down"] == ["scheduler"]
    assert "last tick" in response.json()["checks"]["scheduler"]["detail"]


def test_it_treats_a_fresh_process_without_a_tick_as_starting(client, monkeypatch):
    monkeypatch.setattr(selectors, "PROCESS_STARTED", time.time())
    cache.delete(SCHEDULER_TICK_KEY)
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["checks"]["scheduler"]["detail"].startswith("starting")


def test_it_names_redis_and_the_broker_when_they_are_unreachable(client):
    scheduler_tick_record()
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["down"] == ["broker", "redis"]


def test_it_reports_the_scheduler_tick_written_by_the_heartbeat_task(client):
    from apps.core.tasks import heartbeat

    cache.delete(SCHEDULER_TICK_KEY)
    heartbeat.apply()
    assert time.time() - cache.get(SCHEDULER_TICK_KEY) < 5


def test_it_sends_a_visitor_of_the_root_to_log_in_to_the_dashboard(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/dashboard/"
