"""``alert_acknowledge``: a risk officer takes ownership of an alert, saying what is being done."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from apps.alerts.live import alert_publish_on_commit
from apps.alerts.models import Alert, AlertStatus
from apps.alerts.services.audit_events import alert_audit
from apps.audit.services import actor_for
from apps.core.errors import StateConflict

ACKNOWLEDGE_PERMISSION = "core.acknowledge_alert"
COMMENT_MAX_LENGTH = 2000


def alert_acknowledge(*, alert_id: int, user: User, comment: str) -> Alert:
    """Acknowledge an open alert: escalation and re-notification stop; the comment is audited.

    Raises ValidationError naming the field (``comment``, ``alert_id``), PermissionDenied, or
    Alert.DoesNotExist.
    """
    text = _comment_clean(comment)
    if not user.has_perm(ACKNOWLEDGE_PERMISSION):
        raise PermissionDenied(f"acknowledging needs the {ACKNOWLEDGE_PERMISSION} permission")
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert_id)
        _check_open(alert)
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.acknowledged_by = user
        alert.acknowledged_at = timezone.now()
        alert.ack_comment = text
        alert.next_escalation_at = None
        alert.save()
        alert_audit(
            alert,
            event_type="alert_acknowledged",
            action="alert_acknowledged",
            actor=actor_for(user),
            comment=text,
            acknowledged_at=alert.acknowledged_at,
        )
        alert_publish_on_commit(alert, "acknowledged")
    return alert


def _comment_clean(comment: object) -> str:
    text = comment.strip() if isinstance(comment, str) else ""
    if not text:
        raise ValidationError({"comment": ["must not be empty: say what is being done about it"]})
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"comment": [f"must be at most {COMMENT_MAX_LENGTH} characters, got {len(text)}"]}
        )
    return text


def _check_open(alert: Alert) -> None:
    if alert.status == AlertStatus.RESOLVED:
        raise StateConflict("alert_id", f"{alert.public_id} is resolved")
    if alert.status == AlertStatus.ACKNOWLEDGED:
        by = alert.acknowledged_by.get_username() if alert.acknowledged_by else "someone"
        raise StateConflict("alert_id", f"{alert.public_id} is already acknowledged by {by}")
