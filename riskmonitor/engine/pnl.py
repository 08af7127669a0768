"""Mark-to-market P&L, equity and daily P&L net of transfers (USD, float64).

Signs: P&L > 0 is a gain. Unrealized P&L of a row = (mark - avg_entry) * size * multiplier,
converted from quote currency to USD with the quote's own price; a derivative's mark is its own
venue's (`marks.row_prices`). Rows without a mark get NaN
here and are left out of every sum (the assessment lists them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from riskmonitor.engine._arrays import FloatArray
from riskmonitor.engine.inputs import Book, EquitySeries, StartOfDayEquity
from riskmonitor.engine.marks import Valuation, is_derivative, row_prices

SECONDS_PER_DAY = 86_400.0
STORED = "stored"  # the start-of-day equity is a stored sample at or before 00:00 UTC


@dataclass(frozen=True)
class Equity:
    """Equity (USD) and whether every balance and derivative could be valued."""

    value: float
    complete: bool


@dataclass(frozen=True)
class DailyPnl:
    """Equity change since 00:00 UTC net of external transfers, USD. `source`: how the
    start-of-day equity was obtained (None: it was not); `reason`: the flag naming why not,
    or a caveat on a start-of-day equity that was obtained."""

    start_of_day: float
    equity_start_of_day: float | None
    start_of_day_timestamp: float | None
    transfers_today: float
    daily_pnl: float | None
    source: str | None = None
    reason: str | None = None


def row_unrealized(book: Book, value: Valuation) -> FloatArray:
    """Unrealized P&L per position row, USD; NaN where the row has no price."""
    s = book.pos_symbol
    per_unit = row_prices(book, value) - book.pos_avg_entry
    return per_unit * book.pos_size * book.pos_multiplier * value.quote_usd[s]


def balance_values(book: Book, value: Valuation) -> FloatArray:
    """USD per balance row at the asset's own price (USDT at USDT's); NaN if unpriced."""
    return book.bal_amount * value.asset_usd[book.bal_asset]


def equity(book: Book, value: Valuation, unrealized: FloatArray) -> Equity:
    """Value of all balances (exchange and custodian) + unrealized P&L of derivatives.

    Spot rows' unrealized P&L is not added: their holdings are already in the balances.
    """
    balances = balance_values(book, value)
    derivative_pnl = unrealized[is_derivative(book)]
    complete = bool(
        np.isfinite(balances[book.bal_amount != 0]).all() and np.isfinite(derivative_pnl).all()
    )
    total = float(np.nansum(balances) + np.nansum(derivative_pnl))
    return Equity(value=total, complete=complete)


def start_of_day(as_of: float) -> float:
    """00:00 UTC of the day containing `as_of` (POSIX time has no leap seconds)."""
    return float(np.floor(as_of / SECONDS_PER_DAY) * SECONDS_PER_DAY)


def daily_pnl(
    series: EquitySeries,
    equity_now: float,
    as_of: float,
    given: StartOfDayEquity | None = None,
) -> DailyPnl:
    """equity_now - equity at 00:00 UTC - net transfers stamped in (00:00, as_of].

    Equity at 00:00 is `given` when there is one (its time is 00:00 itself), else the last
    sample at or before 00:00 (source "stored"); none -> daily P&L is None.
    """
    sod = start_of_day(as_of)
    t = series.transfer_timestamps
    transfers = float(series.transfer_amounts[(t > sod) & (t <= as_of)].sum())
    if given is not None:
        if given.equity is None:
            return DailyPnl(sod, None, None, transfers, None, None, given.reason)
        pnl = equity_now - given.equity - transfers
        return DailyPnl(sod, given.equity, sod, transfers, pnl, given.source, given.reason)
    last = int(np.searchsorted(series.timestamps, sod, side="right")) - 1
    if last < 0:
        return DailyPnl(sod, None, None, transfers, None)
    sod_equity = float(series.equity[last])
    pnl = equity_now - sod_equity - transfers
    return DailyPnl(sod, sod_equity, float(series.timestamps[last]), transfers, pnl, STORED)
