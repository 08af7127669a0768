"""VaR backtests: exceptions, Kupiec proportion-of-failures test, Basel traffic light.

Two backtests share the statistics: the actual one pairs each day's realized P&L with the
VaR stored the day before (`backtest_summary`); the hypothetical one (Basel) holds today's
exposures fixed and replays the past days' returns (`hypothetical_backtest`), so it is
there on the first cycle.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from riskmonitor.engine._arrays import FloatArray
from riskmonitor.engine.inputs import BacktestSeries
from riskmonitor.engine.outputs import BacktestSummary, HypotheticalBacktest

YELLOW_FROM, RED_FROM = 5, 10  # Basel zones for 250 observations at 99%


def exceptions(series: BacktestSeries, window: int) -> tuple[int, int]:
    """(observations, exceptions) over the last `window` day pairs.

    Day t is an exception when pnl[t] < -var[t-1]; pairs with a missing value are skipped.
    """
    pnl, var = series.pnl[1:][-window:], series.var[:-1][-window:]
    ok = np.isfinite(pnl) & np.isfinite(var)
    return int(ok.sum()), int((pnl[ok] < -var[ok]).sum())


def kupiec_lr(n: int, x: int, p: float) -> float:
    """Kupiec POF likelihood ratio for x exceptions in n days at expected rate p.

    LR = -2 ln[(1-p)^(n-x) p^x] + 2 ln[(1-x/n)^(n-x) (x/n)^x], with 0 ln 0 = 0.
    """
    observed = x / n
    null = _xlogy(n - x, 1.0 - p) + _xlogy(x, p)
    alternative = _xlogy(n - x, 1.0 - observed) + _xlogy(x, observed)
    return max(0.0, -2.0 * (null - alternative))


def chi2_1_sf(statistic: float) -> float:
    """P(X > statistic) for a chi-square with 1 degree of freedom: erfc(sqrt(statistic / 2))."""
    return math.erfc(math.sqrt(statistic / 2.0))


def basel_zone(x: int) -> str:
    return "green" if x < YELLOW_FROM else "yellow" if x < RED_FROM else "red"


def backtest_summary(series: BacktestSeries, window: int, confidence: float) -> BacktestSummary:
    n, x = exceptions(series, window)
    p = 1.0 - confidence
    lr = kupiec_lr(n, x, p) if n else None
    return BacktestSummary(
        window_days=window,
        observations=n,
        exceptions=x,
        expected_exceptions=n * p,
        exception_rate=x / n if n else None,
        kupiec_lr=lr,
        kupiec_p_value=None if lr is None else chi2_1_sf(lr),
        zone=basel_zone(x),
    )


def hypothetical_split(days: int, window: int, lookback: int) -> tuple[int, int]:
    """(tested days, estimation days) out of `days` scenario days.

    Full history (days >= window + lookback): (window, lookback). Shorter: the test window
    keeps up to `window` days while every tested day still has at least as many days before
    it as there are tested days (half the history); the estimation window takes the rest,
    at most `lookback`. Nothing is padded: days that do not exist are not "no move" days.
    """
    estimation = min(lookback, max(days - window, days - days // 2))
    return min(window, days - estimation), estimation


def rolling_var(pnl: FloatArray, tested: int, estimation: int, confidence: float) -> FloatArray:
    """VaR of each of the last `tested` days (USD, positive = loss), oldest first: VaR_d =
    -quantile(pnl[d - estimation : d], 1 - confidence), linear interpolation, the historical
    VaR's method. One quantile over a (tested x estimation) strided view, no Python loop."""
    windows = sliding_window_view(pnl[:-1], estimation)[-tested:]
    var: FloatArray = -np.quantile(windows, 1.0 - confidence, axis=1)
    return var


def hypothetical_backtest(
    pnl: FloatArray, window: int, lookback: int, confidence: float
) -> HypotheticalBacktest | None:
    """Backtest of the historical VaR on the scenario P&L of every history day (`pnl`, USD,
    oldest first: the returns matrix times today's exposures). Day d is an exception when
    pnl[d] < -VaR_d. None below 3 days (a VaR needs 2 scenarios and a day to test)."""
    days = int(pnl.shape[0])
    tested, estimation = hypothetical_split(days, window, lookback)
    if estimation < 2 or tested < 1:
        return None
    var = rolling_var(pnl, tested, estimation, confidence)
    x = int((pnl[-tested:] < -var).sum())
    p = 1.0 - confidence
    lr = kupiec_lr(tested, x, p)
    return HypotheticalBacktest(
        window_days=window,
        lookback_days=lookback,
        history_days=days,
        observations=tested,
        estimation_days=estimation,
        short_history=days < window + lookback,
        exceptions=x,
        expected_exceptions=tested * p,
        exception_rate=x / tested,
        kupiec_lr=lr,
        kupiec_p_value=chi2_1_sf(lr),
        zone=basel_zone(x),
    )


def _xlogy(count: float, probability: float) -> float:
    return 0.0 if count == 0 else count * math.log(probability)
