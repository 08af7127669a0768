"""Reads of the alerts app."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet

from apps.alerts.filters import AlertFilter
from apps.alerts.models import ACTIVE_STATUSES, Alert, Severity
from apps.audit.models import AuditEvent


def alerts_active(
    *,
    severity: str | None = None,
    breach_type: str | None = None,
    portfolio_id: int | None = None,
) -> QuerySet[Alert]:
    """Open and acknowledged alerts, most severe first, then newest."""
    alerts = Alert.objects.filter(status__in=ACTIVE_STATUSES).select_related("acknowledged_by")
    if severity:
        alerts = alerts.filter(severity=severity)
    if breach_type:
        alerts = alerts.filter(breach_type=breach_type)
    if portfolio_id is not None:
        alerts = alerts.filter(portfolio_id=portfolio_id)
    return alerts.order_by("-utilization", "-opened_at")


def critical_alert_count(portfolio_id: int, *, excluding: Sequence[str] = ()) -> int:
    """Active critical alerts of a portfolio (the circuit breaker's cascade condition), leaving
    out the breach types named in ``excluding``."""
    return (
        Alert.objects.filter(
            portfolio_id=portfolio_id, status__in=ACTIVE_STATUSES, severity=Severity.CRITICAL
        )
        .exclude(breach_type__in=excluding)
        .count()
    )


class AlertFilterInvalid(DjangoValidationError):
    """A filter of the alert list is invalid; ``message_dict`` names each bad one and why."""


def alerts_filtered(
    *, filters: Mapping[str, Any] | None = None, active_only: bool = False
) -> QuerySet[Alert]:
    """Alerts matching ``filters`` (the ``AlertFilter`` names: severity, status, breach_type,
    scope_kind, scope, portfolio_id, opened_after, opened_before; values as strings or typed),
    newest first; ``active_only``: open and acknowledged ones, most utilized first (the
    active list's order). Raises ``AlertFilterInvalid`` naming every bad filter."""
    alerts = Alert.objects.select_related("acknowledged_by")
    if active_only:
        alerts = alerts.filter(status__in=ACTIVE_STATUSES).order_by("-utilization", "-opened_at")
    else:
        alerts = alerts.order_by("-opened_at", "-id")
    filterset = AlertFilter(data=_as_query(filters or {}), queryset=alerts)
    if not filterset.is_valid():
        raise AlertFilterInvalid({name: list(errors) for name, errors in filterset.errors.items()})
    return cast(QuerySet[Alert], filterset.qs)


def _as_query(filters: Mapping[str, Any]) -> dict[str, str]:
    return {
        name: value.isoformat() if isinstance(value, datetime) else str(value)
        for name, value in filters.items()
        if value is not None
    }


# The audit events of an alert's life, by the kind the history names them.
HISTORY_KINDS: Final[dict[str, str]] = {
    "risk_limit_breach": "opened",
    "alert_updated": "updated",
    "alert_escalated": "escalated",
    "alert_acknowledged": "acknowledged",
    "alert_resolved": "resolved",
    "notification_delivered": "notification_delivered",
    "notification_failed": "notification_failed",
}


@dataclass(frozen=True)
class AlertHistoryEvent:
    sequence: int  # the audit trail's position: the order of the events
    timestamp: datetime
    kind: str  # a value of HISTORY_KINDS
    event_type: str  # the audit event type
    actor: str
    severity: str | None
    status: str | None
    utilization: float | None
    details: dict[str, Any]  # the audit payload, without its audit_trail block


@dataclass(frozen=True)
class AlertHistory:
    alert: Alert
    events: list[AlertHistoryEvent]


def alert_history(*, alert_id: int) -> AlertHistory:
    """The alert and every audit event of its life, oldest first (opened, updated, escalated,
    acknowledged, resolved, notifications). Raises ``Alert.DoesNotExist``."""
    alert = Alert.objects.select_related("acknowledged_by").get(pk=alert_id)
    rows = AuditEvent.objects.filter(
        event_type__in=list(HISTORY_KINDS), payload__alert_id=alert.public_id
    ).order_by("sequence")
    return AlertHistory(alert=alert, events=[_history_event(row) for row in rows])


def _history_event(row: AuditEvent) -> AlertHistoryEvent:
    payload = row.payload if isinstance(row.payload, dict) else {}
    utilization = payload.get("utilization")
    return AlertHistoryEvent(
        sequence=row.sequence,
        timestamp=row.timestamp,
        kind=HISTORY_KINDS[row.event_type],
        event_type=row.event_type,
        actor=row.actor,
        severity=payload.get("breach_severity"),
        status=payload.get("status"),
        utilization=float(utilization) if isinstance(utilization, int | float) else None,
        details={key: value for key, value in payload.items() if key != "audit_trail"},
    )


Interval = tuple[datetime, datetime]
# The events that set or end an alert's severity; acknowledging or escalating changes neither.
_SEVERITY_EVENTS: Final = ("risk_limit_breach", "alert_updated", "alert_resolved")


def breach_intervals(
    *, portfolio_id: int, start: datetime, end: datetime, severity: str = Severity.CRITICAL
) -> dict[int, list[Interval]]:
    """Per limit id, the spans within [start, end) during which an alert of the portfolio was
    at ``severity``, from the audit trail's open, update and resolve events; an alert still at
    it counts up to ``end``. Spans of several scopes of one limit may overlap."""
    alerts = Alert.objects.filter(portfolio_id=portfolio_id, opened_at__lt=end).exclude(
        resolved_at__lt=start
    )
    limit_of = {alert.public_id: alert.limit_id for alert in alerts.only("id", "limit_id")}
    events = AuditEvent.objects.filter(
        event_type__in=_SEVERITY_EVENTS, payload__alert_id__in=list(limit_of)
    ).order_by("sequence")
    since: dict[str, datetime] = {}
    found: dict[int, list[Interval]] = {}
    for event in events.only("timestamp", "event_type", "payload"):
        alert_id = event.payload.get("alert_id")
        at_severity = (
            event.event_type != "alert_resolved"
            and event.payload.get("breach_severity") == severity
        )
        if at_severity:
            since.setdefault(alert_id, event.timestamp)
        elif alert_id in since:
            _add_clipped(
                found, limit_of[alert_id], (since.pop(alert_id), event.timestamp), start, end
            )
    for alert_id, began in since.items():
        _add_clipped(found, limit_of[alert_id], (began, end), start, end)
    return found


def _add_clipped(
    found: dict[int, list[Interval]], limit_id: int, span: Interval, start: datetime, end: datetime
) -> None:
    clipped = (max(span[0], start), min(span[1], end))
    if clipped[0] < clipped[1]:
        found.setdefault(limit_id, []).append(clipped)
