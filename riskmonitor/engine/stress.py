"""Stress scenarios: revalue balances and derivatives on current positions under price shocks.

An asset's factor f = 1 + relative shock, or new price / current USD price for an absolute
shock. Balances move by amount * usd_price * (f - 1). A derivative on BASE-QUOTE with
q = size * multiplier * quote_usd moves by q * (mark * (f_base - 1) - entry * (f_quote - 1)),
the change of its USD unrealized P&L when base and quote USD prices are both shocked.
Spot position rows are not revalued separately: their holdings are in the balances.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from riskmonitor.engine._arrays import BoolArray, FloatArray
from riskmonitor.engine.inputs import Book, StressScenario
from riskmonitor.engine.marks import Valuation, is_derivative
from riskmonitor.engine.outputs import StressResult
from riskmonitor.engine.pnl import balance_values


def shock_factors(
    scenario: StressScenario, assets: Sequence[str], asset_usd: FloatArray
) -> tuple[FloatArray, tuple[str, ...]]:
    """Price factor per asset and the shocked assets the book cannot apply (absent or
    unpriced for an absolute shock)."""
    at = {asset: i for i, asset in enumerate(assets)}
    factors = np.ones(len(assets))
    unmatched: list[str] = []
    for asset, shock in scenario.relative.items():
        if asset in at:
            factors[at[asset]] = 1.0 + shock
        else:
            unmatched.append(asset)
    for asset, price in scenario.absolute.items():
        current = asset_usd[at[asset]] if asset in at else np.nan
        if np.isfinite(current) and current > 0:
            factors[at[asset]] = price / current
        else:
            unmatched.append(asset)
    return factors, tuple(dict.fromkeys(unmatched))


def scenario_pnl(book: Book, value: Valuation, valued: BoolArray, factors: FloatArray) -> float:
    """Equity change (USD) under `factors`; unpriced balances and unmarked rows are left out."""
    balance_usd = np.nan_to_num(balance_values(book, value), nan=0.0)
    balances = float((factors[book.bal_asset] - 1.0) @ balance_usd)
    rows = np.flatnonzero(is_derivative(book) & valued)
    s = book.pos_symbol[rows]
    q = book.pos_size[rows] * book.pos_multiplier[rows] * value.quote_usd[s]
    base_move = value.marks.price[s] * (factors[book.symbol_base[s]] - 1.0)
    quote_move = book.pos_avg_entry[rows] * (factors[book.symbol_quote[s]] - 1.0)
    return balances + float(q @ (base_move - quote_move))


def stress_results(
    book: Book,
    value: Valuation,
    valued: BoolArray,
    scenarios: Sequence[StressScenario],
    equity: float,
) -> tuple[StressResult, ...]:
    results = []
    for scenario in scenarios:
        factors, unmatched = shock_factors(scenario, book.assets, value.asset_usd)
        pnl = scenario_pnl(book, value, valued, factors)
        share = pnl / equity if equity > 0 else None
        results.append(StressResult(scenario.name, pnl, share, unmatched))
    return tuple(results)
