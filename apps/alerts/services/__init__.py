"""Writes of the alerts app, one use case per function (each in its own module)."""

from apps.alerts.services.acknowledge import alert_acknowledge
from apps.alerts.services.delivery import (
    DeliveryReport,
    notification_deliver,
    notifications_deliver_due,
)
from apps.alerts.services.escalate import Escalation, alert_escalate
from apps.alerts.services.escalation import EscalationReport, alerts_escalate_due
from apps.alerts.services.outbox import notification_enqueue
from apps.alerts.services.sync import SyncResult, alerts_sync

__all__ = [
    "DeliveryReport",
    "Escalation",
    "EscalationReport",
    "SyncResult",
    "alert_acknowledge",
    "alert_escalate",
    "alerts_escalate_due",
    "alerts_sync",
    "notification_deliver",
    "notification_enqueue",
    "notifications_deliver_due",
]
