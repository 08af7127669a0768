"""The audit payloads of alert decisions, in the brief's audit event format."""

from __future__ import annotations

from typing import Any

from apps.alerts.models import Alert, Notification
from apps.audit.services import AuditEntry, audit_record, audit_record_many, system_actor
from apps.limits.readings import EvaluationContext

ALERT_ACTOR = system_actor("alert-manager")
NOTIFIER_ACTOR = system_actor("alert-notifier")
_PRICE_KEYS = ("price_timestamp", "prices", "price")


def audit_trail_of(context: EvaluationContext) -> dict[str, Any]:
    """The ``audit_trail`` block: which inputs, of what age, which engine produced the reading."""
    return {
        "data_sources_checked": list(context.data_sources_checked),
        "calculation_method": context.calculation_method,
        "price_timestamp": _price_timestamp(context),
        "risk_engine_version": context.engine_version,
        "input_timestamps": dict(context.input_timestamps),
        "as_of": context.as_of.isoformat(),
        "snapshot_id": context.snapshot_id,
    }


def _price_timestamp(context: EvaluationContext) -> str | None:
    stamps = context.input_timestamps
    for key in _PRICE_KEYS:
        if stamps.get(key):
            return stamps[key]
    # Without a price entry the oldest input is the honest age of the figure.
    return min(stamps.values()) if stamps else None


def alert_payload(alert: Alert, action: str, **extra: Any) -> dict[str, Any]:
    position = alert.breach_type.startswith("position_limit") and alert.unit == "units"
    current_key, limit_key = (
        ("current_position", "position_limit") if position else ("current_value", "limit_value")
    )
    return {
        "breach_type": alert.breach_type,
        "symbol": alert.scope,
        current_key: alert.current,
        limit_key: alert.limit_value,
        "utilization": alert.utilization,
        "breach_severity": alert.severity,
        "alert_id": alert.public_id,
        "compliance_action": action,
        "portfolio_id": alert.portfolio_id,
        "limit_key": alert.limit_key,
        "unit": alert.unit,
        "status": alert.status,
        **extra,
        "audit_trail": alert.audit_trail,
    }


def alert_audit(
    alert: Alert, *, event_type: str, action: str, actor: str = ALERT_ACTOR, **extra: Any
) -> None:
    entry = alert_audit_entry(alert, event_type=event_type, action=action, actor=actor, **extra)
    audit_record_many(entries=[entry])


def alert_audit_entry(
    alert: Alert, *, event_type: str, action: str, actor: str = ALERT_ACTOR, **extra: Any
) -> AuditEntry:
    """The event of one alert decision, for ``audit_record_many`` (several in one append)."""
    return AuditEntry(
        event_type=event_type,
        actor=actor,
        payload=alert_payload(alert, action, **extra),
        correlation_id=alert.correlation_id or None,
        level=_level(event_type, alert.severity),
    )


def _level(event_type: str, severity: str) -> str:
    if event_type in ("alert_resolved", "alert_acknowledged"):
        return "info"
    return "critical" if severity == "critical" else "warn"


def notification_audit(notification: Notification, *, event_type: str, **extra: Any) -> None:
    alert = notification.alert
    payload: dict[str, Any] = {
        "notification_id": notification.pk,
        "alert_id": alert.public_id if alert else None,
        "event": notification.event,
        "channel": notification.channel,
        "target": notification.target,
        "attempts": notification.attempts,
        "breach_severity": notification.severity,
        "compliance_action": event_type,
        **extra,
    }
    if alert is not None:
        payload |= {"breach_type": alert.breach_type, "symbol": alert.scope}
        payload["audit_trail"] = alert.audit_trail
    audit_record(
        event_type=event_type,
        actor=NOTIFIER_ACTOR,
        payload=payload,
        correlation_id=(alert.correlation_id if alert else None) or None,
        level="info" if event_type == "notification_delivered" else "warn",
    )
