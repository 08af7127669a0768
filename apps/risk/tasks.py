"""Celery doors of the risk app: parse the arguments, call one service. The cycle's own task,
``risk.evaluate_cycle``, is the monitoring cycle's door (``apps.monitoring.tasks``)."""

from __future__ import annotations

from celery import shared_task

from apps.risk.services import risk_history_downsample


@shared_task(name="risk.history_downsample", ignore_result=True)
def history_downsample() -> int:
    return risk_history_downsample()
