"""Stress scenarios: revalue balances and derivatives on current positions under price shocks.

An asset's factor f = 1 + relative shock, or new price / current USD price for an absolute
shock. Balances move by amount * usd_price * (f - 1). A derivative on BASE-QUOTE with
q = size * multiplier * quote_usd moves by q * (mark * (f_base - 1) - entry * (f_quote - 1)),
the change of its USD unrealized P&L when base and quote USD prices are both shocked; `mark` is
the row's own venue mark where it has one (`marks.row_prices`), as in its unrealized P&L.
Spot position rows are not revalued separately: their holdings are in the balances.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from riskmonitor.engine._arrays import BoolArray, FloatArray
from riskmonitor.engine.inputs import Book
from riskmonitor.engine.marks import Valuation, is_derivative, row_prices
from riskmonitor.engine.outputs import StressResult
from riskmonitor.engine.params import StressScenario
from riskmonitor.engine.pnl import balance_values


def shock_factors(
    scenario: StressScenario, asset_at: Mapping[str, int], asset_usd: FloatArray
) -> tuple[FloatArray, tuple[str, ...]]:
    """Price factor per asset and the shocked assets the book cannot apply (absent or
    unpriced for an absolute shock)."""
    factors = np.ones(asset_usd.shape[0])
    unmatched: list[str] = []
    for asset, shock in scenario.relative.items():
        if asset in asset_at:
            factors[asset_at[asset]] = 1.0 + shock
        else:
            unmatched.append(asset)
    for asset, price in scenario.absolute.items():
        current = asset_usd[asset_at[asset]] if asset in asset_at else np.nan
        if np.isfinite(current) and current > 0:
            factors[asset_at[asset]] = price / current
        else:
            unmatched.append(asset)
    return factors, tuple(dict.fromkeys(unmatched))


def asset_sensitivities(book: Book, value: Valuation, valued: BoolArray) -> FloatArray:
    """USD equity change per unit of (factor - 1) of each asset, so that
    scenario P&L = (factors - 1) @ sensitivities. Unpriced balances and unmarked rows are out."""
    n = len(book.assets)
    balance_usd = np.nan_to_num(balance_values(book, value), nan=0.0)
    rows = np.flatnonzero(is_derivative(book) & valued)
    s = book.pos_symbol[rows]
    q = book.pos_size[rows] * book.pos_multiplier[rows] * value.quote_usd[s]
    price = row_prices(book, value)[rows]
    base = np.bincount(book.symbol_base[s], weights=q * price, minlength=n)
    quote = np.bincount(book.symbol_quote[s], weights=q * book.pos_avg_entry[rows], minlength=n)
    held = np.bincount(book.bal_asset, weights=balance_usd, minlength=n)
    sensitivities: FloatArray = held + base - quote
    return sensitivities


def stress_results(
    book: Book,
    value: Valuation,
    valued: BoolArray,
    scenarios: Sequence[StressScenario],
    equity: float,
) -> tuple[StressResult, ...]:
    """One result per scenario: the equity change under its shocks, USD."""
    if not scenarios:
        return ()
    asset_at = {asset: i for i, asset in enumerate(book.assets)}
    shocks = [shock_factors(scenario, asset_at, value.asset_usd) for scenario in scenarios]
    moves = np.array([factors for factors, _ in shocks]) - 1.0
    pnl = (moves @ asset_sensitivities(book, value, valued)).tolist()
    return tuple(
        StressResult(scenario.name, p, p / equity if equity > 0 else None, unmatched)
        for scenario, p, (_, unmatched) in zip(scenarios, pnl, shocks, strict=True)
    )
