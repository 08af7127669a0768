"""The headline figures of a portfolio's latest risk snapshot: equity, P&L, VaR, leverage,
drawdown, the circuit breaker and how fresh the data behind them is."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.breaker.selectors import breaker_of
from apps.limits.snapshots import source_ages
from apps.positions.models import Portfolio
from apps.risk.models import RiskSnapshot
from apps.risk.selectors.snapshots import latest_snapshot


def risk_metrics(*, portfolio: Portfolio, now: datetime) -> dict[str, Any] | None:
    """None before the portfolio's first snapshot."""
    snapshot = latest_snapshot(portfolio_id=portfolio.pk)
    if snapshot is None:
        return None
    return {
        "portfolio": portfolio.name,
        "snapshot_id": snapshot.pk,
        "as_of": snapshot.as_of,
        "currency": portfolio.base_currency,
        "equity": snapshot.equity,
        "pnl": {
            "daily_pnl": snapshot.daily_pnl,
            "total_pnl": snapshot.total_pnl,
            "unrealized_pnl": snapshot.unrealized_pnl,
            "realized_today": snapshot.realized_today,
        },
        "var": {
            "historical_var_99": snapshot.var_hist_99,
            "parametric_var_99": snapshot.var_param_99,
            "expected_shortfall_99": snapshot.es_99,
        },
        "leverage": snapshot.leverage,
        "gross_notional": snapshot.gross_notional,
        "drawdown": {"drawdown": snapshot.drawdown, "high_water_mark": snapshot.hwm},
        "breaker": breaker_summary(portfolio),
        "data_freshness": data_freshness(snapshot, now),
    }


def breaker_summary(portfolio: Portfolio) -> dict[str, Any]:
    breaker = breaker_of(portfolio)
    return {
        "state": breaker.state,
        "reason": breaker.reason or None,
        "tripped_at": breaker.tripped_at,
        "recovery_due_at": breaker.recovery_due_at,
    }


def data_freshness(snapshot: RiskSnapshot, now: datetime) -> dict[str, Any]:
    """The snapshot's age now, the oldest input's age now, and the sources judged stale."""
    age = max((now - snapshot.as_of).total_seconds(), 0.0)
    sources = source_ages(snapshot.as_of, snapshot.input_as_of or {}, snapshot.stale_sources)
    input_ages = [s.age_seconds for s in sources if s.age_seconds is not None]
    stale = sorted(s.name for s in sources if s.stale)
    return {
        "snapshot_age_seconds": age,
        "oldest_input_age_seconds": age + max(input_ages) if input_ages else None,
        "stale_sources": stale,
        "stale": bool(stale),
    }
