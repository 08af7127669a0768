"""Celery doors of the risk app: parse the arguments, call one service."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from apps.risk.services import risk_cycle, risk_history_downsample


@shared_task(name="risk.evaluate_cycle", ignore_result=True, acks_late=True)
def evaluate_cycle(cycle_start: str) -> list[int]:
    """Idempotent per (portfolio, cycle): a redelivered run returns the stored snapshots."""
    return risk_cycle(cycle_start=datetime.fromisoformat(cycle_start))


@shared_task(name="risk.history_downsample", ignore_result=True)
def history_downsample() -> int:
    return risk_history_downsample()
