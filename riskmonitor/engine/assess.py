"""The one entry point: `assess(inputs, params) -> RiskAssessment`.

Each step is a small vectorized function of the modules beside this one; this file only wires
them and collects the flags that say which figures are partial or missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from riskmonitor.engine._arrays import BoolArray, FloatArray, IntArray, frozen
from riskmonitor.engine.attribution import GroupPnl, attribution, group_pnl
from riskmonitor.engine.backtest import backtest_summary, hypothetical_backtest
from riskmonitor.engine.drawdown import drawdown_summary
from riskmonitor.engine.exposure import (
    SymbolNotionals,
    asset_deltas,
    exposure_summary,
    symbol_notionals,
)
from riskmonitor.engine.hedging import hedge_recommendations
from riskmonitor.engine.inputs import EngineInputs
from riskmonitor.engine.marks import (
    MISSING,
    STALE,
    STATUS_NAMES,
    Valuation,
    needed_symbols,
    resolve_marks,
    valuation,
    valued_rows,
    venue_basis,
)
from riskmonitor.engine.outputs import (
    BacktestSummary,
    PnlSummary,
    RiskAssessment,
    SymbolTable,
    VarBacktest,
    VarSummary,
    VenuePositions,
)
from riskmonitor.engine.params import EngineParams
from riskmonitor.engine.pnl import DailyPnl, Equity, daily_pnl, equity, row_unrealized
from riskmonitor.engine.positions import VenueCells, net_sizes, position_legs, venue_cells
from riskmonitor.engine.stress import stress_results
from riskmonitor.engine.var import exposures, history_pnl, scenario_window, var_summary
from riskmonitor.engine.volatility import ewma_vol, realized_vol

ENGINE_VERSION = "1.1.0"  # 1.1.0: figures.var_backtest (hypothetical and actual)
DEFAULT_PARAMS = EngineParams()


@dataclass(frozen=True)
class _Core:
    """Intermediate figures shared by several outputs."""

    value: Valuation
    valued: BoolArray
    net: FloatArray
    cells: VenueCells
    unrealized: FloatArray
    by_symbol: GroupPnl
    notionals: SymbolNotionals
    equity: Equity


def assess(inputs: EngineInputs, params: EngineParams = DEFAULT_PARAMS) -> RiskAssessment:
    """Every figure of DESIGN section 5 for one portfolio at `inputs.as_of`."""
    book = inputs.book
    core = _core(inputs, params)
    cells = core.cells
    history = inputs.history
    daily = daily_pnl(history.equity, core.equity.value, inputs.as_of, history.start_of_day)
    var, return_days, past_pnl = _var(inputs, params, core)
    backtest = VarBacktest(
        hypothetical=hypothetical_backtest(
            past_pnl, params.backtest_window_days, params.var_lookback_days,
            params.var_confidence,
        ),
        actual=_actual_backtest(inputs, params),
    )  # fmt: skip
    deltas = asset_deltas(book, core.value, core.valued)
    missing, stale = _mark_problems(inputs, core.value)
    return RiskAssessment(
        engine_version=ENGINE_VERSION,
        as_of=inputs.as_of,
        symbols=_symbol_table(inputs, params, core, return_days),
        venue_positions=VenuePositions(
            book.symbols, book.venues, cells.symbol, cells.venue, cells.size
        ),
        basis=venue_basis(book, core.value),
        deltas=deltas,
        pnl=_pnl_summary(book.pos_realized_today, core, daily),
        exposure=exposure_summary(core.notionals, book.symbols, core.equity.value),
        var=var,
        var_backtest=backtest,
        drawdown=drawdown_summary(
            inputs.history.equity,
            core.equity.value,
            inputs.as_of,
            params.trailing_stop_pct,
            params.rapid_drawdown_window_seconds,
        ),
        stress=stress_results(
            book, core.value, core.valued, params.stress_scenarios, core.equity.value
        ),
        attribution=attribution(book, core.unrealized, core.by_symbol),
        hedges=hedge_recommendations(book, core.value, deltas, params, inputs.market),
        missing_marks=missing,
        stale_marks=stale,
        flags=_flags(missing, stale, core, daily, var, backtest, params),
        params=params,
    )


def _core(inputs: EngineInputs, params: EngineParams) -> _Core:
    book = inputs.book
    marks = resolve_marks(
        inputs.marks, book.n_symbols, inputs.as_of, params.mark_stale_after_seconds
    )
    value = valuation(book, marks)
    legs = position_legs(book)
    net = net_sizes(legs, book.n_symbols)
    unrealized = row_unrealized(book, value)
    cells = venue_cells(legs, book.n_symbols, len(book.venues))
    return _Core(
        value=value,
        valued=valued_rows(book, value),
        net=net,
        cells=cells,
        unrealized=unrealized,
        by_symbol=group_pnl(book.pos_symbol, book.n_symbols, unrealized, book.pos_realized_today),
        notionals=symbol_notionals(net, cells, value.mark_usd),
        equity=equity(book, value, unrealized),
    )


def _var(
    inputs: EngineInputs, params: EngineParams, core: _Core
) -> tuple[VarSummary, IntArray, FloatArray]:
    """VaR on the last `var_lookback_days` of the scenario P&L, and the scenario P&L of every
    history day (one matrix product serves the VaR and the hypothetical backtest)."""
    prices = inputs.history.prices
    exposure = exposures(core.net, core.value.mark_usd)
    past_pnl = history_pnl(prices.simple_returns_filled, exposure)
    pnl = scenario_window(past_pnl, params.var_lookback_days)
    return_days = prices.valid_returns(params.var_lookback_days)
    return var_summary(pnl, params.var_confidence, params.ewma_lambda), return_days, past_pnl


def _actual_backtest(inputs: EngineInputs, params: EngineParams) -> BacktestSummary | None:
    series = inputs.history.backtest
    if series is None:
        return None
    return backtest_summary(series, params.backtest_window_days, params.var_confidence)


def _symbol_table(
    inputs: EngineInputs, params: EngineParams, core: _Core, return_days: IntArray
) -> SymbolTable:
    book, marks = inputs.book, core.value.marks
    log_returns = inputs.history.prices.log_returns
    unrealized = np.where(core.by_symbol.complete, core.by_symbol.unrealized, np.nan)
    sources = (*inputs.marks.sources, None)  # NO_INDEX (-1) picks the trailing None
    columns: dict[str, FloatArray] = {
        "net_size": core.net,
        "mark": marks.price,
        "mark_usd": core.value.mark_usd,
        "mark_age_seconds": marks.age_seconds,
        "notional": core.notionals.notional,
        "gross_notional": core.notionals.gross,
        "net_exposure": core.notionals.net_exposure,
        "concentration": core.notionals.concentration,
        "unrealized_pnl": unrealized,
        "realized_today": core.by_symbol.realized,
        "total_pnl": unrealized + core.by_symbol.realized,
        "vol_realized": realized_vol(log_returns, params.vol_window_days),
        "vol_ewma": ewma_vol(inputs.history.prices, params.ewma_lambda, params.var_lookback_days),
        "return_days": return_days.astype(np.int64),
    }
    for array in columns.values():
        frozen(array)
    return SymbolTable(
        names=book.symbols,
        mark_status=tuple(np.array(STATUS_NAMES)[marks.status].tolist()),
        mark_source=tuple(sources[i] for i in marks.source.tolist()),
        **columns,  # type: ignore[arg-type]
    )


def _pnl_summary(realized_rows: FloatArray, core: _Core, daily: DailyPnl) -> PnlSummary:
    unrealized = float(np.nansum(core.unrealized))
    realized = float(realized_rows.sum())
    return PnlSummary(
        unrealized_pnl=unrealized,
        realized_today=realized,
        total_pnl=unrealized + realized,
        equity=core.equity.value,
        equity_complete=core.equity.complete,
        equity_start_of_day=daily.equity_start_of_day,
        start_of_day_timestamp=daily.start_of_day_timestamp,
        transfers_today=daily.transfers_today,
        daily_pnl=daily.daily_pnl,
        daily_loss=None if daily.daily_pnl is None else min(daily.daily_pnl, 0.0),
        start_of_day_source=daily.source,
    )


def _mark_problems(
    inputs: EngineInputs, value: Valuation
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    needed = needed_symbols(inputs.book)
    status = value.marks.status
    names = inputs.book.symbols
    missing = tuple(names[i] for i in np.flatnonzero(needed & (status == MISSING)).tolist())
    stale = tuple(names[i] for i in np.flatnonzero(needed & (status == STALE)).tolist())
    return missing, stale


def _flags(
    missing: tuple[str, ...],
    stale: tuple[str, ...],
    core: _Core,
    daily: DailyPnl,
    var: VarSummary,
    backtest: VarBacktest,
    params: EngineParams,
) -> tuple[str, ...]:
    actual, hypothetical = backtest.actual, backtest.hypothetical
    checks = {
        "missing_marks": bool(missing),
        "stale_marks": bool(stale),
        "equity_incomplete": not core.equity.complete,
        "equity_non_positive": core.equity.value <= 0,
        "no_start_of_day_equity": daily.equity_start_of_day is None,
        **({daily.reason: True} if daily.reason else {}),
        "var_insufficient_history": var.historical_var is None,
        "var_short_history": var.scenarios < params.var_lookback_days,
        "no_backtest_record": actual is None,
        "backtest_short_window": actual is not None
        and actual.observations < params.backtest_window_days,
        "no_hypothetical_backtest": hypothetical is None,
        "hypothetical_backtest_short_history": hypothetical is not None
        and hypothetical.short_history,
    }
    return tuple(name for name, raised in checks.items() if raised)
