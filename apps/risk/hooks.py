"""Chains risk evaluation after each ingest cycle (apps.venues.signals.ingest_cycle_completed).

The receiver only queues `risk.evaluate_cycle` for the period; in embedded mode Celery runs it
eagerly, in this process.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings

from apps.venues.signals import ingest_cycle_completed

DISPATCH_UID = "risk.evaluate_after_ingest"


def evaluate_after_ingest(sender: Any, period_start: datetime, **_: Any) -> None:
    from apps.risk.tasks import evaluate_cycle

    interval = float(settings.RISK_MONITOR["CHECK_INTERVAL_SECONDS"])
    # A run that waited past the next cycle is superseded by that cycle's run.
    evaluate_cycle.apply_async(
        kwargs={"cycle_start": period_start.isoformat()}, expires=max(interval * 0.9, 1.0)
    )


def connect() -> None:
    ingest_cycle_completed.connect(evaluate_after_ingest, dispatch_uid=DISPATCH_UID)
