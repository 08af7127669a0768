"""Pieces every transition shares: the locked breaker row, its history, and the after-commit
side effect of a trip (the Prometheus counter)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from apps.audit.services import system_actor
from apps.breaker.models import BreakerEvent, CircuitBreaker
from apps.core.metrics import risk_circuit_breaker_triggered

ACTOR = system_actor("circuit-breaker")
OPERATE_PERMISSION = "core.operate_circuit_breaker"


def breaker_locked(portfolio_id: int) -> CircuitBreaker:
    """The portfolio's breaker row, created closed on first use, locked until the transaction
    ends: every transition of one portfolio is serialized on it."""
    CircuitBreaker.objects.get_or_create(portfolio_id=portfolio_id)
    return (
        CircuitBreaker.objects.select_for_update(of=("self",))
        .select_related("portfolio")
        .get(portfolio_id=portfolio_id)
    )


def event_add(
    breaker: CircuitBreaker,
    *,
    kind: str,
    reason: str,
    detail: str,
    actor: str,
    at: datetime,
    correlation_id: str,
) -> None:
    BreakerEvent.objects.create(
        breaker=breaker, kind=kind, reason=reason, detail=detail, actor=actor, at=at,
        correlation_id=correlation_id,
    )  # fmt: skip


def trip_count_after_commit(reason: str) -> None:
    """``risk_circuit_breaker_triggered_total{reason}`` counts trips that committed."""
    transaction.on_commit(lambda: risk_circuit_breaker_triggered.labels(reason).inc(), robust=True)


def breaker_payload(breaker: CircuitBreaker) -> dict[str, Any]:
    return {
        "portfolio_id": breaker.portfolio_id,
        "portfolio": breaker.portfolio.name,
        "state": breaker.state,
    }


def breakers_ensure() -> int:
    """A closed breaker row for every portfolio that has none (so the admin can trip it);
    returns how many were created. Idempotent."""
    from apps.positions.models import Portfolio

    missing = Portfolio.objects.filter(circuit_breaker__isnull=True).values_list("pk", flat=True)
    created = CircuitBreaker.objects.bulk_create(
        [CircuitBreaker(portfolio_id=pk) for pk in missing], ignore_conflicts=True
    )
    return len(created)
