"""Celery door of the monitoring cycle: parse the arguments, call one service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from celery import shared_task
from django.conf import settings

from apps.monitoring.cycle import CycleRetry, cycle_run

# Retry delays as fractions of the cycle interval (0.5 s, 1 s, 2 s for 5 s): all within the
# cycle, whose message also expires before the next one (apps.venues.ingest.fanin).
RETRY_FRACTIONS = (0.1, 0.2, 0.4)


@shared_task(
    bind=True, name="risk.evaluate_cycle", ignore_result=True, acks_late=True,
    max_retries=len(RETRY_FRACTIONS),
)  # fmt: skip
def evaluate_cycle(
    self: Any, cycle_start: str, portfolio_ids: list[int] | None = None
) -> list[int]:
    """Idempotent per (portfolio, cycle): a redelivered or retried run returns the stored
    snapshots. Portfolios that failed for a transient reason are retried, alone, after a
    short backoff; other failures are logged by the service and not retried."""
    try:
        return cycle_run(cycle_start=datetime.fromisoformat(cycle_start),
                         portfolio_ids=portfolio_ids)  # fmt: skip
    except CycleRetry as retry:
        again = {"cycle_start": cycle_start, "portfolio_ids": retry.portfolio_ids}
        delay = retry_delay(self.request.retries)
        raise self.retry(exc=retry, kwargs=again, countdown=delay) from retry


def retry_delay(retries: int) -> float:
    """Seconds before retry number `retries` + 1."""
    interval = float(settings.RISK_MONITOR["CHECK_INTERVAL_SECONDS"])
    return interval * RETRY_FRACTIONS[min(retries, len(RETRY_FRACTIONS) - 1)]
