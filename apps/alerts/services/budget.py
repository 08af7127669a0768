"""The hourly notification budget (``alerting.max_alerts_per_hour``), per channel and target.

A notification takes a slot when it is first sent (its retries take none). Over the budget it
is marked ``digested``, not dropped: once the last hour has a free slot again, one digest
notification lists everything folded since, and takes that slot. The Prometheus signal and the
circuit breaker's emergency notices are never held back.

Data-quality alerts (``apps.limits.kinds.DATA_QUALITY_BREACH_TYPES``: stale data) have a budget
of their own, of the same size: a burst of them fills only theirs, so it can never hold back
the notification of a limit breach (docs/alerts.md). Each budget folds into its own digests."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any, Literal

from django.db import connection, transaction
from django.db.models import Count, Q

from apps.alerts.escalation_policy import AlertPolicy, severity_rank
from apps.alerts.models import Channel, Notification, NotificationStatus
from apps.alerts.services.outbox import deliver_after_commit
from apps.limits.kinds import DATA_QUALITY_BREACH_TYPES, is_data_quality

WINDOW = timedelta(hours=1)
EXEMPT_EVENTS = ("emergency",)
DIGEST_MAX_ITEMS = 500

Budget = Literal["limits", "data_quality"]
BUDGETS: tuple[Budget, ...] = ("limits", "data_quality")
# The rows that used the data-quality budget: its alerts' notifications and its digests.
_DATA_QUALITY = Q(alert__breach_type__in=DATA_QUALITY_BREACH_TYPES) | Q(
    event="digest", payload__budget="data_quality"
)


def budget_of(notification: Notification) -> Budget:
    """Which hourly budget a notification draws on (a digest: the one it was folded from)."""
    if notification.event == "digest":
        return "data_quality" if notification.payload.get("budget") == "data_quality" else "limits"
    alert = notification.alert
    return "data_quality" if alert is not None and is_data_quality(alert.breach_type) else "limits"


def budget_take(notification: Notification, policy: AlertPolicy, now: datetime) -> bool:
    """Give a claimed row its slot; False (and the row digested) when its hour is full."""
    if notification.budgeted_at is not None or _exempt(notification):
        return True
    budget = budget_of(notification)
    with transaction.atomic():
        _lock_stream(notification.channel, notification.target)
        if _used(notification.channel, notification.target, now, budget) >= policy.max_per_hour:
            Notification.objects.filter(id=notification.pk).update(
                status=NotificationStatus.DIGESTED, claimed_at=None
            )
            return False
        Notification.objects.filter(id=notification.pk).update(budgeted_at=now)
    notification.budgeted_at = now
    return True


def _exempt(notification: Notification) -> bool:
    return notification.channel == Channel.PROMETHEUS or notification.event in EXEMPT_EVENTS


def _used(channel: str, target: str, now: datetime, budget: Budget) -> int:
    rows = Notification.objects.filter(channel=channel, target=target, budgeted_at__gt=now - WINDOW)
    found = rows.aggregate(total=Count("id"), data=Count("id", filter=_DATA_QUALITY))
    return int(found["data"] if budget == "data_quality" else found["total"] - found["data"])


def _lock_stream(channel: str, target: str) -> None:
    """Serialize budget decisions of one (channel, target) until the transaction ends.

    SQLite (embedded mode) opens every transaction with BEGIN IMMEDIATE, which already does."""
    if connection.vendor != "postgresql":
        return
    digest = hashlib.blake2b(f"alerts-budget:{channel}:{target}".encode(), digest_size=8)
    key = int.from_bytes(digest.digest(), "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def digests_fold(policy: AlertPolicy, now: datetime) -> int:
    """Queue one digest per (channel, target, budget) whose folded rows can go out now; returns
    how many."""
    streams = (
        Notification.objects.filter(status=NotificationStatus.DIGESTED, digest__isnull=True)
        .values_list("channel", "target")
        .distinct()
    )
    return sum(_digest_stream(channel, target, policy, now) for channel, target in list(streams))


@transaction.atomic
def _digest_stream(channel: str, target: str, policy: AlertPolicy, now: datetime) -> int:
    _lock_stream(channel, target)
    folded = Q(status=NotificationStatus.DIGESTED, digest__isnull=True)
    items = list(
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(folded, channel=channel, target=target)
        .select_related("alert")
        .order_by("id")[:DIGEST_MAX_ITEMS]
    )
    made = 0
    for budget in BUDGETS:
        mine = [i for i in items if budget_of(i) == budget]
        if mine and _used(channel, target, now, budget) < policy.max_per_hour:
            _digest_create(channel, target, budget, mine, now)
            made += 1
    if made:
        deliver_after_commit()
    return made


def _digest_create(
    channel: str, target: str, budget: Budget, items: list[Notification], now: datetime
) -> None:
    suffix = "" if budget == "limits" else f":{budget}"
    digest = Notification.objects.create(
        event="digest",
        channel=channel,
        target=target,
        address=items[-1].address,
        severity=max((i.severity for i in items), key=severity_rank),
        payload=_digest_payload(items, target, budget),
        idempotency_key=f"digest:{channel}:{target}:{items[0].pk}-{items[-1].pk}{suffix}",
        created_at=now,
        next_attempt_at=now,
        budgeted_at=now,  # takes the free slot now, so it is never folded itself
    )
    Notification.objects.filter(id__in=[i.pk for i in items]).update(digest=digest)


def _digest_payload(items: list[Notification], target: str, budget: Budget) -> dict[str, Any]:
    worst = max((i.severity for i in items), key=severity_rank)
    return {
        "event": "digest",
        "target": target,
        "budget": budget,
        "severity": worst,
        "count": len(items),
        "reason": "max_alerts_per_hour reached; these were held back",
        "notifications": [_digest_item(i) for i in items],
    }


def _digest_item(item: Notification) -> dict[str, Any]:
    alert = item.alert
    return {
        "notification_id": item.pk,
        "event": item.event,
        "severity": item.severity,
        "created_at": item.created_at.isoformat(),
        "alert_id": alert.public_id if alert else None,
        "breach_type": alert.breach_type if alert else None,
        "scope": alert.scope if alert else None,
        "utilization": alert.utilization if alert else None,
    }
