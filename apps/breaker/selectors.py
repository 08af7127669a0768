"""Reads of the breaker app: a portfolio's breaker (closed when it never tripped), its current
plan, and the figures of a stored risk snapshot."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Prefetch

from apps.breaker.models import CircuitBreaker, LiquidationPlan, LiquidationStep
from apps.positions.models import Portfolio
from apps.positions.selectors import portfolio_default_get


def portfolio_find(ref: str | int | None) -> Portfolio | None:
    """By id or name; the default portfolio when ``ref`` is None."""
    if ref is None or ref == "":
        return portfolio_default_get()
    if isinstance(ref, int) or str(ref).isdigit():
        return Portfolio.objects.filter(pk=int(ref)).first()
    return Portfolio.objects.filter(name=str(ref)).first()


def breaker_of(portfolio: Portfolio) -> CircuitBreaker:
    """The stored breaker, or an unsaved closed one when it never tripped (reads write nothing)."""
    found = CircuitBreaker.objects.filter(portfolio=portfolio).select_related("portfolio").first()
    return found or CircuitBreaker(portfolio=portfolio)


def plan_current(breaker: CircuitBreaker) -> LiquidationPlan | None:
    """The newest plan of the breaker, steps prefetched; None before the first trip."""
    if breaker.pk is None:
        return None
    steps = LiquidationStep.objects.select_related("venue", "account").order_by("seq")
    return (
        breaker.plans.select_related("approved_by")
        .prefetch_related(Prefetch("steps", queryset=steps))
        .first()
    )


def switches() -> dict[str, bool]:
    return {
        "enabled": bool(settings.RISK_MONITOR["CIRCUIT_BREAKER_ENABLED"]),
        "auto_liquidate": bool(settings.RISK_MONITOR["CIRCUIT_BREAKER_AUTO_LIQUIDATE"]),
    }


def snapshot_figures(snapshot_id: int) -> tuple[int, dict[str, Any]] | None:
    """(portfolio id, engine figures) of a stored risk snapshot; None when it is gone."""
    if not apps.is_installed("apps.risk"):
        return None
    model = apps.get_model("risk", "RiskSnapshot")
    row = model.objects.filter(pk=snapshot_id).values_list("portfolio_id", "figures").first()
    return (int(row[0]), dict(row[1])) if row else None
