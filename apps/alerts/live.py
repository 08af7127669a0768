"""Alert changes on the live stream (docs/websocket.md): ``alert.opened|updated|resolved|
acknowledged`` events, published by the service that makes the change once it commits, and the
open alerts part of the state a client gets on connect."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.alerts.models import Alert
from apps.alerts.selectors import alerts_active
from apps.core.live import live_publish_on_commit

ALERT_EVENTS = ("opened", "updated", "resolved", "acknowledged")


def alert_publish_on_commit(alert: Alert, change: str) -> None:
    """Queue ``alert.<change>`` with the alert as it is now."""
    if change not in ALERT_EVENTS:
        raise ValueError(f"change: must be one of {', '.join(ALERT_EVENTS)}, got {change!r}")
    live_publish_on_commit(
        event=f"alert.{change}", portfolio_id=alert.portfolio_id, data=alert_live_payload(alert)
    )


def alert_live_payload(alert: Alert) -> dict[str, Any]:
    """The alert under the field names of ``GET /api/v1/alerts/active``."""
    return {
        "id": alert.pk,
        "alert_id": alert.public_id,
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
        "acknowledged_by": alert.acknowledged_by.get_username() if alert.acknowledged_by else None,
        "acknowledged_at": _iso(alert.acknowledged_at),
        "ack_comment": alert.ack_comment,
        "escalation_tier": alert.escalation_tier,
        "correlation_id": alert.correlation_id,
    }


def alerts_live_state() -> list[dict[str, Any]]:
    """Every open or acknowledged alert, most severe first."""
    return [alert_live_payload(alert) for alert in alerts_active()]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
