"""Reads of the alerts app."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet

from apps.alerts.models import ACTIVE_STATUSES, Alert, Severity


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
