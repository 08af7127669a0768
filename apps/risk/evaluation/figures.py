"""Headline figures picked out of `RiskAssessment.to_dict()`: the snapshot's columns and the
what-if comparison use the same names."""

from __future__ import annotations

from typing import Any

from apps.risk.evaluation.config import RiskSettings
from riskmonitor.engine import utilization

HEADLINE_NUMBERS = (
    "equity", "total_pnl", "unrealized_pnl", "realized_today", "daily_pnl", "gross_notional",
    "net_notional", "total_notional", "leverage", "var_hist_99", "var_param_99", "es_99",
    "drawdown", "hwm",
)  # fmt: skip


def headline_columns(figures: dict[str, Any]) -> dict[str, Any]:
    """The RiskSnapshot headline columns from an assessment's JSON."""
    pnl, exposure, var = figures["pnl"], figures["exposure"], figures["var"]
    drawdown = figures["drawdown"]
    return {
        "equity": pnl["equity"],
        "equity_complete": pnl["equity_complete"],
        "total_pnl": pnl["total_pnl"],
        "unrealized_pnl": pnl["unrealized_pnl"],
        "realized_today": pnl["realized_today"],
        "daily_pnl": pnl["daily_pnl"],
        "gross_notional": exposure["gross_notional"],
        "net_notional": exposure["net_notional"],
        "total_notional": exposure["total_notional"],
        "leverage": exposure["leverage"],
        "var_hist_99": var["historical_var"],
        "var_param_99": var["parametric_var"],
        "es_99": var["expected_shortfall"],
        "drawdown": drawdown["drawdown"],
        "hwm": drawdown["high_water_mark"],
    }


def headline_change(before: dict[str, Any], after: dict[str, Any]) -> dict[str, float | None]:
    """after - before per headline number; None when either side is None."""
    return {
        name: None if before[name] is None or after[name] is None else after[name] - before[name]
        for name in HEADLINE_NUMBERS
    }


def config_limit_utilization(figures: dict[str, Any], settings: RiskSettings) -> dict[str, Any]:
    """Utilization of the config's delta and notional limits (docs/risk-methodology.md 16):
    |delta units| against max_net_exposure per asset, total notional against the portfolio
    limit, each symbol's notional against the per-symbol limit. None where a figure is."""
    deltas = figures["deltas"]
    per_asset = {
        asset: _reading(abs(deltas[asset]["units"]) if asset in deltas else 0.0, limit)
        for asset, limit in settings.delta_limits.items()
    }
    per_symbol = {
        symbol: _reading(row["notional"], settings.notional_per_symbol_limit)
        for symbol, row in figures["symbols"].items()
        if row["net_size"]
    }
    total = figures["exposure"]["total_notional"]
    return {
        "delta": per_asset,
        "notional_total": _reading(total, settings.notional_total_limit),
        "notional_per_symbol": per_symbol,
    }


def _reading(current: float | None, limit: float) -> dict[str, float | None]:
    value = None if current is None else utilization(current, limit)
    return {"current": current, "limit": limit, "utilization": value}
