"""Celery doors of the alerts app: call one service, return a summary."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from celery import shared_task

from apps.alerts.services import alerts_escalate_due, notifications_deliver_due


@shared_task(name="alerts.escalate", ignore_result=True)
def alerts_escalate() -> dict[str, Any]:
    return asdict(alerts_escalate_due())


@shared_task(name="alerts.notifications_deliver", ignore_result=True)
def notifications_deliver() -> dict[str, Any]:
    return asdict(notifications_deliver_due())
