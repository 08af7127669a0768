"""The VaR backtest record an evaluation feeds the engine (plain Python and numpy, no Django).

Each UTC day's closing record, the day's last complete snapshot, holds the day's realized P&L
(`daily_pnl`: equity at its time - equity at 00:00 UTC - net external transfers of the day)
and the historical VaR 99% it reported, the forecast for the next day. The engine pairs the
VaR of day t-1 with the P&L of day t (`riskmonitor.engine.backtest`) over the last
`backtest_window_days` days; a day without a closing record, or whose record has no P&L or
no VaR, is missing and its pairs are skipped, never counted as 0. docs/risk-methodology.md
section 11.2 has the definitions.
"""

from __future__ import annotations

import numpy as np

from riskmonitor.engine import BacktestSeries

SECONDS_PER_DAY = 86_400

ClosingRecord = tuple[float, float | None, float | None]  # (POSIX as_of, daily P&L, VaR), USD


def first_record_day(day_start: float, window_days: int) -> int:
    """The first day (since the epoch) whose closing record the window needs: the last pair
    is (VaR of the day before yesterday, P&L of yesterday), the first one needs the VaR of
    the day before its own."""
    return int(day_start // SECONDS_PER_DAY) - window_days - 1


def backtest_series(
    records: list[ClosingRecord], first_day: int, end_day: int
) -> BacktestSeries | None:
    """Days [first_day, end_day) aligned, NaN where a day is missing; None while no pair
    (a VaR and the next day's P&L) exists yet, so the engine says `no_backtest_record`."""
    pnl = np.full(end_day - first_day, np.nan)
    var = np.full(end_day - first_day, np.nan)
    for at, day_pnl, day_var in records:
        day = int(at // SECONDS_PER_DAY) - first_day
        if 0 <= day < len(pnl):
            pnl[day] = np.nan if day_pnl is None else day_pnl
            var[day] = np.nan if day_var is None else day_var
    if not (np.isfinite(var[:-1]) & np.isfinite(pnl[1:])).any():
        return None
    return BacktestSeries(pnl=pnl, var=var)
