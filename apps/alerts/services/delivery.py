"""``notifications_deliver_due``: deliver what the outbox holds, once each, retrying the rest.

A row is claimed with a conditional UPDATE (only one worker's UPDATE matches), sent outside any
transaction, and its outcome written with an attempt row and an audit event. Transient failures
are retried with exponential backoff and jitter, without limit on attempts: a channel that is
down delays its notifications, it never loses them. Claims older than ``CLAIM_LEASE`` (a worker
died mid-delivery) are released; a webhook receiver dedupes such a retry by Idempotency-Key.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.alerts.escalation_policy import AlertPolicy
from apps.alerts.models import DeliveryAttempt, Notification, NotificationStatus
from apps.alerts.policy import policy_current
from apps.alerts.senders import PermanentDeliveryError, TransientDeliveryError, deliver
from apps.alerts.services.audit_events import notification_audit
from apps.alerts.services.budget import budget_take, digests_fold

CLAIM_LEASE = timedelta(minutes=10)
BACKOFF_BASE_SECONDS = 5.0
BACKOFF_MAX_SECONDS = 300.0
_random = secrets.SystemRandom()


@dataclass
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    digested: int = 0
    digests: int = 0


def backoff_seconds(attempts: int) -> float:
    """Exponential in the attempts made, capped, with "equal jitter" (half fixed, half random)."""
    ceiling = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return float(ceiling / 2 + _random.uniform(0, ceiling / 2))


def notifications_deliver_due(*, limit: int = 200) -> DeliveryReport:
    now = timezone.now()
    policy = policy_current()
    report = DeliveryReport()
    Notification.objects.filter(
        status=NotificationStatus.PENDING, claimed_at__lt=now - CLAIM_LEASE
    ).update(claimed_at=None)
    report.digests = digests_fold(policy, now)
    due = Notification.objects.filter(
        status=NotificationStatus.PENDING, claimed_at__isnull=True, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "id")
    for notification_id in due.values_list("id", flat=True)[:limit]:
        outcome = notification_deliver(notification_id=notification_id, policy=policy)
        if outcome in ("delivered", "retrying", "failed", "digested"):
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def notification_deliver(*, notification_id: int, policy: AlertPolicy | None = None) -> str:
    """Deliver one row if this worker wins its claim; returns the outcome (or ``skipped``)."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        id=notification_id, status=NotificationStatus.PENDING, claimed_at__isnull=True
    ).update(claimed_at=now)
    if claimed != 1:
        return "skipped"
    notification = Notification.objects.select_related("alert").get(id=notification_id)
    if not budget_take(notification, policy or policy_current(), now):
        return "digested"
    started = time.perf_counter()
    try:
        deliver(notification)
    except TransientDeliveryError as exc:
        return _failed(notification, str(exc), started, permanent=False)
    except PermanentDeliveryError as exc:
        return _failed(notification, str(exc), started, permanent=True)
    return _delivered(notification, started)


def _attempt(notification: Notification, started: float, error: str = "") -> None:
    DeliveryAttempt.objects.create(
        notification=notification,
        attempted_at=timezone.now(),
        succeeded=not error,
        error=error[:2000],
        duration_ms=(time.perf_counter() - started) * 1000,
    )


@transaction.atomic
def _delivered(notification: Notification, started: float) -> str:
    _attempt(notification, started)
    notification.attempts += 1
    Notification.objects.filter(id=notification.pk).update(
        status=NotificationStatus.DELIVERED,
        delivered_at=timezone.now(),
        attempts=F("attempts") + 1,
        claimed_at=None,
        last_error="",
    )
    notification_audit(notification, event_type="notification_delivered")
    return "delivered"


@transaction.atomic
def _failed(notification: Notification, error: str, started: float, *, permanent: bool) -> str:
    _attempt(notification, started, error)
    notification.attempts += 1
    retry_at = timezone.now() + timedelta(seconds=backoff_seconds(notification.attempts))
    Notification.objects.filter(id=notification.pk).update(
        status=NotificationStatus.FAILED if permanent else NotificationStatus.PENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=retry_at,
        claimed_at=None,
        last_error=error[:2000],
    )
    # Audited when it first fails and when it gives up: a long outage must not flood the trail
    # (every attempt is still recorded as a DeliveryAttempt).
    if permanent or notification.attempts == 1:
        notification_audit(
            notification,
            event_type="notification_failed",
            error=error,
            permanent=permanent,
            next_attempt_at=None if permanent else retry_at,
        )
    return "failed" if permanent else "retrying"
