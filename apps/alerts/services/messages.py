"""What a notification says about an alert (the JSON a webhook receives)."""

from __future__ import annotations

from typing import Any

from apps.alerts.models import Alert


def alert_document(alert: Alert) -> dict[str, Any]:
    return {
        "alert_id": alert.public_id,
        "id": alert.pk,
        "portfolio_id": alert.portfolio_id,
        "limit_id": alert.limit_id,
        "limit_key": alert.limit_key,
        "breach_type": alert.breach_type,
        "scope_kind": alert.scope_kind,
        "scope": alert.scope,
        "severity": alert.severity,
        "peak_severity": alert.peak_severity,
        "status": alert.status,
        "current": alert.current,
        "limit": alert.limit_value,
        "utilization": alert.utilization,
        "opening_level": alert.opening_level,
        "unit": alert.unit,
        "opened_at": _iso(alert.opened_at),
        "updated_at": _iso(alert.updated_at),
        "resolved_at": _iso(alert.resolved_at),
        "escalation_tier": alert.escalation_tier,
        "correlation_id": alert.correlation_id,
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def message_payload(alert: Alert, **extra: Any) -> dict[str, Any]:
    return {"alert": alert_document(alert), **extra}
