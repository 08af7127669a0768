"""VaR backtest: exceptions, Kupiec proportion-of-failures test, Basel traffic light."""

from __future__ import annotations

import math

import numpy as np

from riskmonitor.engine.inputs import BacktestSeries
from riskmonitor.engine.outputs import BacktestSummary

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


def _xlogy(count: float, probability: float) -> float:
    return 0.0 if count == 0 else count * math.log(probability)
