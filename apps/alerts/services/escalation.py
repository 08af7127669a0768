"""``alerts_escalate_due``: escalate open alerts left unacknowledged past their policy's delay,
and re-notify those still open after ``renotify_minutes``. Run every minute by the schedule.

Each alert is handled in its own transaction, locked with SKIP LOCKED and re-checked, so two
runs at once neither escalate an alert twice nor wait on each other."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.alerts.escalation_policy import (
    AlertPolicy,
    escalation_targets,
    next_escalation_at,
    renotify_due_before,
)
from apps.alerts.live import alert_publish_on_commit
from apps.alerts.models import Alert, AlertStatus
from apps.alerts.policy import policy_current
from apps.alerts.services.audit_events import alert_audit
from apps.alerts.services.messages import message_payload
from apps.alerts.services.outbox import alert_rows, notifications_insert


@dataclass
class EscalationReport:
    escalated: list[int] = field(default_factory=list)
    renotified: list[int] = field(default_factory=list)


def alerts_escalate_due(now: datetime | None = None) -> EscalationReport:
    now = now or timezone.now()
    policy = policy_current()
    report = EscalationReport()
    due = Alert.objects.filter(status=AlertStatus.OPEN, next_escalation_at__lte=now)
    for alert_id in due.order_by("next_escalation_at").values_list("id", flat=True):
        if _escalate_one(alert_id, now, policy):
            report.escalated.append(alert_id)
    stale = Alert.objects.filter(
        status=AlertStatus.OPEN, last_notified_at__lte=renotify_due_before(policy, now)
    )
    for alert_id in stale.order_by("last_notified_at").values_list("id", flat=True):
        if _renotify_one(alert_id, now, policy):
            report.renotified.append(alert_id)
    return report


def _locked(alert_id: int, **still: object) -> Alert | None:
    query = Alert.objects.select_for_update(skip_locked=True).filter(
        id=alert_id, status=AlertStatus.OPEN, **still
    )
    return query.first()


@transaction.atomic
def _escalate_one(alert_id: int, now: datetime, policy: AlertPolicy) -> bool:
    alert = _locked(alert_id, next_escalation_at__lte=now)
    if alert is None:
        return False
    targets = escalation_targets(policy, alert.severity, alert.notified_targets)
    if not targets:
        # The severity fell to one whose policy has no further tier.
        alert.next_escalation_at = None
        alert.save(update_fields=["next_escalation_at"])
        return False
    alert.escalation_tier += 1
    alert.notified_targets = [*alert.notified_targets, *targets]
    alert.next_escalation_at = next_escalation_at(
        policy, alert.severity, alert.notified_targets, now
    )
    alert.last_notified_at = now
    alert.save()
    _queue(alert, policy, "escalated", f"escalated-{alert.escalation_tier}", targets)
    alert_audit(
        alert,
        event_type="alert_escalated",
        action="alert_escalated",
        escalation_tier=alert.escalation_tier,
        escalated_to=list(targets),
        unacknowledged_minutes=round((now - alert.opened_at).total_seconds() / 60, 1),
    )
    alert_publish_on_commit(alert, "updated")  # its tier and notified targets changed
    return True


@transaction.atomic
def _renotify_one(alert_id: int, now: datetime, policy: AlertPolicy) -> bool:
    alert = _locked(alert_id, last_notified_at__lte=renotify_due_before(policy, now))
    if alert is None:
        return False
    alert.renotify_count += 1
    alert.last_notified_at = now
    alert.save(update_fields=["renotify_count", "last_notified_at"])
    _queue(alert, policy, "renotify", f"renotify-{alert.renotify_count}", alert.notified_targets)
    return True


def _queue(
    alert: Alert, policy: AlertPolicy, event: str, event_key: str, targets: Sequence[str]
) -> None:
    rows = alert_rows(
        alert,
        event=event,
        event_key=event_key,
        targets=targets,
        payload=message_payload(alert),
        policy=policy,
    )
    notifications_insert(rows)
