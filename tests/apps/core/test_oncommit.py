"""task_send_on_commit against the real broker: a message lands in the queue only after commit."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.conf import settings
from django.db import transaction

from apps.core.oncommit import task_send_on_commit

pytestmark = pytest.mark.django_db

KICK = "alerts.notifications_deliver"  # takes no arguments
EXECUTE = "breaker.execute_plan"  # takes plan_id


@pytest.fixture
def queue() -> Iterator[str]:
    """A queue of its own on the real Redis broker, so only this test's sends land in it."""
    name = f"oncommit-test-{uuid.uuid4().hex}"
    yield name
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(name)


def sent(queue: str) -> list[dict[str, Any]]:
    """The task messages waiting in ``queue``: their task names and keyword arguments."""
    raw = redis.Redis.from_url(settings.CELERY_BROKER_URL).lrange(queue, 0, -1)
    messages = [json.loads(item) for item in reversed(raw)]  # the broker pushes on the left
    return [
        {
            "task": m["headers"]["task"],
            "kwargs": json.loads(base64.b64decode(m["body"]))[1],
            "expires": m["headers"]["expires"],
        }
        for m in messages
    ]


def test_it_sends_only_once_the_transaction_commits(
    queue: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        task_send_on_commit(EXECUTE, kwargs={"plan_id": 7}, queue=queue, expires=60)
        assert sent(queue) == []

    [message] = sent(queue)
    assert message["task"] == EXECUTE and message["kwargs"] == {"plan_id": 7}
    assert message["expires"] is not None


def test_it_sends_nothing_when_the_transaction_rolls_back(
    queue: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        task_send_on_commit(KICK, queue=queue)
        transaction.set_rollback(True)

    assert sent(queue) == []


def test_it_sends_once_per_transaction_with_once(
    queue: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            task_send_on_commit(KICK, queue=queue, once=True)

    assert len(sent(queue)) == 1


def test_it_sends_each_call_without_once_and_each_distinct_call_with_it(
    queue: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        task_send_on_commit(KICK, queue=queue)
        task_send_on_commit(KICK, queue=queue)
        task_send_on_commit(EXECUTE, kwargs={"plan_id": 1}, queue=queue, once=True)
        task_send_on_commit(EXECUTE, kwargs={"plan_id": 2}, queue=queue, once=True)
        task_send_on_commit(EXECUTE, kwargs={"plan_id": 2}, queue=queue, once=True)

    kwargs = [m["kwargs"] for m in sent(queue)]
    assert kwargs == [{}, {}, {"plan_id": 1}, {"plan_id": 2}]
