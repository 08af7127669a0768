"""The calculation trace: the rows fed to the engine and the intermediate arrays of one
evaluation, as JSON, so any stored figure can be recomputed by hand.

What a risk officer gets: every position, balance and candidate quote row; the mark chosen
per symbol; the daily closes' instruments and day window (the candles themselves are stored
data, too large to copy: 500 x 500 values) with the exposure vector and the scenario P&L
whose quantile is the VaR; the equity path, the carried state and the transfers behind HWM,
drawdown and daily P&L; both VaR backtests' day by day P&L and VaR (the hypothetical one's
from the same scenario P&L, the actual one's from the stored closing records); the hedging
facts; the parameters and the loader's notes. Columnar (one list per field) so a
10,000-row book serializes quickly.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

import numpy as np

from apps.risk.evaluation.backtest import first_record_day
from apps.risk.evaluation.loaders import SourceData, day_axis_start
from riskmonitor.engine import EngineInputs, EngineParams, RiskAssessment
from riskmonitor.engine.backtest import rolling_var
from riskmonitor.engine.serialize import to_json
from riskmonitor.engine.var import exposures, history_pnl, scenario_window


def calculation_trace(
    data: SourceData, inputs: EngineInputs, assessment: RiskAssessment, params: EngineParams
) -> dict[str, Any]:
    """Inputs (rows, quotes, history window), marks chosen and the VaR intermediates."""
    table = assessment.symbols
    exposure = exposures(table.net_size, table.mark_usd)
    returns = inputs.history.prices.simple_returns_filled
    past_pnl = history_pnl(returns, exposure)
    pnl = scenario_window(past_pnl, params.var_lookback_days)
    window = min(returns.shape[0], params.var_lookback_days)
    quantile = float(np.quantile(pnl, 1 - params.var_confidence)) if pnl.size >= 2 else None
    return {
        "as_of": data.as_of,
        "day_start": data.day_start,
        "positions": data.positions.as_json(),
        "balances": data.balances.as_json(),
        "custodians": list(data.custodians),
        "quotes": data.quotes.as_json(),
        "marks_chosen": _marks_chosen(assessment),
        "history": {
            "first_day": data.first_day, "days": data.days,
            "axis_first_day": day_axis_start(data, table.names),
            "instruments": data.notes.history_instruments,
            "closes_shape": list(inputs.history.prices.closes.shape),
            "returns_window_shape": [window, int(returns.shape[1])],
        },
        "symbols": list(table.names),
        "exposures": _finite(exposure),
        "scenario_pnl": _finite(pnl),
        "scenario_pnl_quantile": {"q": 1 - params.var_confidence, "value": quantile},
        "equity_samples": len(data.equity),
        "equity_path": [[t, e] for t, e in data.equity],
        "equity_state": None if data.equity_state is None else asdict(data.equity_state),
        "transfers": [[t, a] for t, a in data.transfers],
        "backtest_record": _backtest_record(inputs, data, params),
        "hypothetical_backtest": _hypothetical_record(assessment, past_pnl, data, params),
        "market": {symbol: asdict(row) for symbol, row in data.market.items()},
        "params": to_json(params),
        "notes": to_json(_notes(data)),
    }  # fmt: skip


def _backtest_record(
    inputs: EngineInputs, data: SourceData, params: EngineParams
) -> dict[str, Any] | None:
    """Each day's closing P&L and VaR as fed to the engine (None: missing), from `first_day`
    (days since the epoch) to yesterday."""
    series = inputs.history.backtest
    if series is None:
        return None
    first_day = first_record_day(data.day_start, params.backtest_window_days)
    return {"first_day": first_day, "pnl": _finite(series.pnl), "var": _finite(series.var)}


def _hypothetical_record(
    assessment: RiskAssessment, past_pnl: np.ndarray, data: SourceData, params: EngineParams
) -> dict[str, Any] | None:
    """The tested days' hypothetical P&L (today's exposures, that day's returns) and the VaR
    from the days before each, from `first_day` (days since the epoch) to yesterday."""
    summary = assessment.var_backtest.hypothetical
    if summary is None:
        return None
    tested, estimation = summary.observations, summary.estimation_days
    var = rolling_var(past_pnl, tested, estimation, params.var_confidence)
    return {
        "first_day": data.first_day + data.days - tested, "estimation_days": estimation,
        "pnl": _finite(past_pnl[-tested:]), "var": _finite(var),
    }  # fmt: skip


def _marks_chosen(assessment: RiskAssessment) -> dict[str, Any]:
    table = assessment.symbols
    rows = zip(
        table.names, _finite(table.mark), _finite(table.mark_usd), table.mark_source,
        table.mark_status, _finite(table.mark_age_seconds), strict=True,
    )  # fmt: skip
    return {
        name: {"mark": mark, "mark_usd": usd, "source": source, "status": status,
               "age_seconds": age}
        for name, mark, usd, source, status, age in rows
    }  # fmt: skip


def _finite(values: np.ndarray) -> list[float | None]:
    """Floats as JSON: NaN and infinities become None (as `to_json` writes them)."""
    return [v if math.isfinite(v) else None for v in values.tolist()]


def _notes(data: SourceData) -> dict[str, Any]:
    notes = data.notes
    return {
        "cost_basis_assumed": notes.cost_basis_assumed,
        "unmapped_symbols": notes.unmapped_symbols,
        "unpriced_transfers": notes.unpriced_transfers,
        "missing_accounts": notes.missing_accounts,
        "open_orders": notes.open_orders,
    }
