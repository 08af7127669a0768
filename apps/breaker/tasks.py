"""Celery doors of the breaker: load by id, call one service, return a summary."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from celery import shared_task

from apps.breaker.selectors import snapshot_figures
from apps.breaker.services import breaker_evaluate, breaker_recover_due, plan_execute


# Retries and backoff run inside the service; a plan of many steps may outlast the default
# two-minute limit, hence a longer one.
@shared_task(
    name="breaker.execute_plan", ignore_result=True, acks_late=True,
    time_limit=900, soft_time_limit=840,
)  # fmt: skip
def breaker_execute_plan(plan_id: int) -> dict[str, Any]:
    return asdict(plan_execute(plan_id=plan_id))


@shared_task(name="breaker.recover", ignore_result=True)
def breaker_recover() -> list[int]:
    return breaker_recover_due()


@shared_task(name="breaker.evaluate_snapshot", ignore_result=True, acks_late=True)
def breaker_evaluate_snapshot(snapshot_id: int) -> dict[str, Any] | None:
    found = snapshot_figures(snapshot_id)
    if found is None:
        return None
    portfolio_id, figures = found
    return asdict(
        breaker_evaluate(
            portfolio_id=portfolio_id, figures=figures, correlation_id=f"risk-snap-{snapshot_id}"
        )
    )
