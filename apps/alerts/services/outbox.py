"""The outbox: notifications are rows written in the transaction of the change they announce,
and delivered after commit by ``notifications_deliver`` (see ``delivery.py``)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone

from apps.alerts.escalation_policy import AlertPolicy, ChannelSpec
from apps.alerts.models import Alert, Channel, Notification
from apps.alerts.policy import policy_current
from apps.core.oncommit import task_send_on_commit

log = logging.getLogger("riskmonitor.alerts")
SIGNAL_TARGET = "risk_alert_generated_total"


def notification_enqueue(
    *,
    alert: Alert | None = None,
    event: str,
    severity: str,
    targets: Sequence[str],
    payload: dict[str, Any],
    event_key: str | None = None,
    policy: AlertPolicy | None = None,
) -> int:
    """Queue one notification per (enabled messaging channel, target); returns how many rows.

    ``event_key`` makes the row idempotent: queuing the same (alert, event_key, channel, target)
    again adds nothing. Without an alert (e.g. the circuit breaker's emergency notice) give an
    ``event_key`` naming the occurrence; a fresh one is made up otherwise.
    """
    policy = policy or policy_current()
    key = event_key or (event if alert is not None else f"{event}-{uuid.uuid4().hex}")
    now = timezone.now()
    rows = [
        _row(alert, event, key, spec, target, severity, payload, now)
        for spec in policy.messaging_channels
        for target in targets
    ]
    return notifications_insert(rows)


def compliance_signal_row(alert: Alert, payload: dict[str, Any]) -> Notification:
    """The Prometheus counter increment of a newly opened alert, delivered like a message."""
    spec = ChannelSpec(Channel.PROMETHEUS)
    return _row(alert, "opened", "opened", spec, SIGNAL_TARGET, alert.severity, payload, None)


def alert_rows(
    alert: Alert,
    *,
    event: str,
    event_key: str,
    targets: Sequence[str],
    payload: dict[str, Any],
    policy: AlertPolicy,
) -> list[Notification]:
    return [
        _row(alert, event, event_key, spec, target, alert.severity, payload, None)
        for spec in policy.messaging_channels
        for target in targets
    ]


def notifications_insert(rows: list[Notification]) -> int:
    """Insert (skipping rows already queued) and have the deliverer run once this commits."""
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    deliver_after_commit()
    return len(rows)


def deliver_after_commit() -> None:
    """Have the deliverer run once the current transaction commits (now, in autocommit).

    One kick per transaction, however many rows it queued: each kick is a broker round trip.
    The beat entry delivers anyway within seconds: a kick that expires delays, never loses.
    """
    task_send_on_commit("alerts.notifications_deliver", queue="alerts", expires=60, once=True)


def _row(
    alert: Alert | None,
    event: str,
    event_key: str,
    spec: ChannelSpec,
    target: str,
    severity: str,
    payload: dict[str, Any],
    now: datetime | None,
) -> Notification:
    now = now or timezone.now()
    alert_part = str(alert.pk) if alert is not None else "-"
    return Notification(
        alert=alert,
        event=event,
        channel=spec.type,
        target=target,
        address=spec.address,
        severity=severity,
        payload={"event": event, "target": target, "severity": severity, **payload},
        idempotency_key=f"{alert_part}:{event_key}:{spec.type}:{target}"[:300],
        created_at=now,
        next_attempt_at=now,
    )
