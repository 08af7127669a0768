"""Alert changes on the live stream (docs/websocket.md): ``alert.opened|updated|resolved|
acknowledged`` events, published by the service that makes the change once it commits, and the
open alerts part of the state a client gets on connect."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.alerts.models import Alert
from apps.alerts.selectors import alerts_active
from apps.alerts.services.messages import alert_document
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
    """The alert under the field names of ``GET /api/v1/alerts/active``: the notification's
    document plus who acknowledged it."""
    return {
        **alert_document(alert),
        "acknowledged_by": alert.acknowledged_by.get_username() if alert.acknowledged_by else None,
        "acknowledged_at": _iso(alert.acknowledged_at),
        "ack_comment": alert.ack_comment,
    }


def alerts_live_state() -> list[dict[str, Any]]:
    """Every open or acknowledged alert, most severe first."""
    return [alert_live_payload(alert) for alert in alerts_active()]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
