"""Alert and outbox state for Prometheus, read from the database when it scrapes
(``apps.core.metrics.scrape_reader_register``): the backlog is what is in the table, even when
no worker is left to deliver it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Min, QuerySet
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from apps.alerts.models import (
    ACTIVE_STATUSES,
    Alert,
    Channel,
    Notification,
    NotificationStatus,
    Severity,
)


def alert_metrics() -> Iterator[Metric]:
    yield _active_alerts()
    yield from _backlog()


def _active_alerts() -> Metric:
    counts = _count_by(Alert.objects.filter(status__in=ACTIVE_STATUSES), "severity")
    family = GaugeMetricFamily(
        "risk_alerts_active", "Open and acknowledged alerts", labels=["severity"]
    )
    for severity in Severity.values:
        family.add_metric([severity], float(counts.get(severity, 0)))
    return family


def _backlog() -> Iterator[Metric]:
    pending = Notification.objects.filter(status=NotificationStatus.PENDING)
    counts = _count_by(pending, "channel")
    depth = GaugeMetricFamily(
        "risk_notification_backlog", "Notifications waiting for delivery", labels=["channel"]
    )
    for channel in Channel.values:
        depth.add_metric([channel], float(counts.get(channel, 0)))
    yield depth
    oldest = pending.aggregate(oldest=Min("created_at"))["oldest"]
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    yield GaugeMetricFamily(
        "risk_notification_oldest_pending_seconds",
        "Age of the oldest notification waiting for delivery (0 when none waits)",
        value=max(0.0, age),
    )


def _count_by(rows: QuerySet[Any], field: str) -> dict[str, int]:
    return {row[field]: row["n"] for row in rows.values(field).annotate(n=Count("id"))}
