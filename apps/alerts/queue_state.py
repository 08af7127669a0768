"""What the alert pipeline has in hand: the notification outbox by status, its oldest
undelivered row, retries, and the Celery queues in the Redis broker (a read, for /debug)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from django.conf import settings
from django.db.models import Count, Max, Sum

from apps.alerts.models import Notification, NotificationStatus

# The worker's queues (Procfile: -Q default,ingest,risk,alerts).
CELERY_QUEUES: Final = ("default", "ingest", "risk", "alerts")
# kombu's Redis transport keeps a list per priority step: "<queue>", "<queue>\x06\x163", ...
_PRIORITY_STEPS: Final = (3, 6, 9)
_PRIORITY_SEP: Final = "\x06\x16"


def alert_queue_state(*, now: datetime) -> dict[str, Any]:
    return {
        "checked_at": now,
        "outbox": outbox_depth(),
        "oldest_undelivered": oldest_undelivered(now),
        "retries": retry_counts(),
        "celery": celery_queue_lengths(),
    }


def outbox_depth() -> dict[str, int]:
    """Notifications per status, every status listed (0 when none)."""
    counts = dict(Notification.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {status: int(counts.get(status, 0)) for status in NotificationStatus.values}


def oldest_undelivered(now: datetime) -> dict[str, Any] | None:
    row = Notification.objects.filter(status=NotificationStatus.PENDING).order_by(
        "created_at", "id"
    )
    oldest = row.first()
    if oldest is None:
        return None
    return {
        "id": oldest.pk,
        "alert_id": None if oldest.alert_id is None else f"alert-{oldest.alert_id}",
        "event": oldest.event,
        "channel": oldest.channel,
        "target": oldest.target,
        "created_at": oldest.created_at,
        "age_seconds": max((now - oldest.created_at).total_seconds(), 0.0),
        "attempts": oldest.attempts,
        "next_attempt_at": oldest.next_attempt_at,
        "last_error": oldest.last_error,
    }


def retry_counts() -> dict[str, int]:
    """Pending rows already tried at least once, and the attempts they took."""
    retrying = Notification.objects.filter(status=NotificationStatus.PENDING, attempts__gt=0)
    totals = retrying.aggregate(rows=Count("id"), tries=Sum("attempts"), most=Max("attempts"))
    return {
        "pending_retrying": int(totals["rows"] or 0),
        "retry_attempts": int(totals["tries"] or 0),
        "max_attempts": int(totals["most"] or 0),
    }


def celery_queue_lengths() -> dict[str, Any]:
    """Messages waiting per queue in the Redis broker; ``lengths`` null when the broker is not
    Redis (embedded mode runs tasks in process) or cannot be read (``error`` says why)."""
    url = str(settings.CELERY_BROKER_URL)
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return {"broker": url.split(":", 1)[0], "lengths": None, "error": None}
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=2)
        return {"broker": "redis", "lengths": _lengths(client), "error": None}
    except redis.RedisError as error:
        return {"broker": "redis", "lengths": None, "error": f"{type(error).__name__}: {error}"}


def _lengths(client: Any) -> dict[str, int]:
    pipe = client.pipeline()
    for queue in CELERY_QUEUES:
        for key in (queue, *(f"{queue}{_PRIORITY_SEP}{step}" for step in _PRIORITY_STEPS)):
            pipe.llen(key)
    counts = pipe.execute()
    per = 1 + len(_PRIORITY_STEPS)
    return {q: int(sum(counts[i * per : (i + 1) * per])) for i, q in enumerate(CELERY_QUEUES)}
