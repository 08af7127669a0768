"""``alert_escalate``: a risk officer escalates an active alert to its policy's next tier now,
without waiting for the delay, saying why (the gRPC ``EscalateAlert``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.alerts.escalation_policy import escalation_targets, next_escalation_at
from apps.alerts.models import Alert, AlertStatus
from apps.alerts.policy import policy_current
from apps.alerts.services.acknowledge import ACKNOWLEDGE_PERMISSION
from apps.alerts.services.audit_events import alert_audit
from apps.alerts.services.messages import message_payload
from apps.alerts.services.outbox import alert_rows, notifications_insert
from apps.audit.services import actor_for

# Who may take ownership of an alert may also call in the next tier.
ESCALATE_PERMISSION = ACKNOWLEDGE_PERMISSION
REASON_MAX_LENGTH = 2000


@dataclass(frozen=True)
class Escalation:
    alert: Alert
    escalated_to: tuple[str, ...]


def alert_escalate(*, alert_id: int, user: User, reason: str) -> Escalation:
    """Notify the alert's next tier now and record who asked and why. An open alert keeps
    escalating on schedule from here; an acknowledged one stays acknowledged.

    Raises ValidationError naming the field (``reason``, ``alert_id``), PermissionDenied, or
    Alert.DoesNotExist.
    """
    text = _reason_clean(reason)
    if not user.has_perm(ESCALATE_PERMISSION):
        raise PermissionDenied(f"escalating needs the {ESCALATE_PERMISSION} permission")
    policy = policy_current()
    now = timezone.now()
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert_id)
        if alert.status == AlertStatus.RESOLVED:
            raise ValidationError({"alert_id": [f"{alert.public_id} is resolved"]})
        targets = escalation_targets(policy, alert.severity, alert.notified_targets)
        if not targets:
            raise ValidationError(
                {"alert_id": [f"{alert.public_id} has no further tier for {alert.severity}"]}
            )
        alert.escalation_tier += 1
        alert.notified_targets = [*alert.notified_targets, *targets]
        if alert.status == AlertStatus.OPEN:
            alert.next_escalation_at = next_escalation_at(
                policy, alert.severity, alert.notified_targets, now
            )
        alert.last_notified_at = now
        alert.save()
        rows = alert_rows(
            alert,
            event="escalated",
            event_key=f"escalated-{alert.escalation_tier}",
            targets=targets,
            payload=message_payload(alert),
            policy=policy,
        )
        notifications_insert(rows)
        alert_audit(
            alert,
            event_type="alert_escalated",
            action="alert_escalated",
            actor=actor_for(user),
            escalation_tier=alert.escalation_tier,
            escalated_to=list(targets),
            manual=True,
            reason=text,
        )
    return Escalation(alert=alert, escalated_to=targets)


def _reason_clean(reason: object) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise ValidationError({"reason": ["must not be empty: say why it cannot wait"]})
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": [f"must be at most {REASON_MAX_LENGTH} characters, got {len(text)}"]}
        )
    return text
