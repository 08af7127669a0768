"""Breaker transitions on the live stream (docs/websocket.md): ``breaker.changed`` after every
committed transition, and the breakers part of the state a client gets on connect."""

from __future__ import annotations

from typing import Any

from apps.breaker.models import CircuitBreaker
from apps.core.live import live_publish_on_commit
from apps.positions.models import Portfolio


def breaker_publish_on_commit(breaker: CircuitBreaker) -> None:
    """Queue ``breaker.changed`` with the breaker as it is now."""
    live_publish_on_commit(
        event="breaker.changed",
        portfolio_id=breaker.portfolio_id,
        data=breaker_live_payload(breaker),
    )


def breaker_live_payload(breaker: CircuitBreaker) -> dict[str, Any]:
    return {
        "portfolio_id": breaker.portfolio_id,
        "portfolio": breaker.portfolio.name,
        "state": breaker.state,
        "reason": breaker.reason,
        "reason_detail": breaker.reason_detail,
        "trigger_value": breaker.trigger_value,
        "tripped_at": breaker.tripped_at.isoformat() if breaker.tripped_at else None,
        "tripped_by": breaker.tripped_by,
    }


def breakers_live_state() -> list[dict[str, Any]]:
    """Every portfolio's breaker; closed for one that never tripped (no row yet)."""
    stored = {b.portfolio_id: b for b in CircuitBreaker.objects.select_related("portfolio")}
    return [
        breaker_live_payload(stored.get(portfolio.pk) or CircuitBreaker(portfolio=portfolio))
        for portfolio in Portfolio.objects.order_by("name")
    ]
