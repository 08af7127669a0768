"""Volatility per symbol from daily log returns, annualized with sqrt(365).

Crypto trades every day, so a year is 365 daily returns. Missing returns (NaN) are skipped:
each symbol uses the returns it has within the window.
"""

from __future__ import annotations

import math

import numpy as np

from riskmonitor.engine._arrays import FloatArray
from riskmonitor.engine.inputs import PriceHistory

ANNUALIZATION = math.sqrt(365.0)


def ewma_weights(n: int, decay: float) -> FloatArray:
    """Weights (1 - decay) * decay**k normalized to sum 1, oldest first (k = 0 is the last row)."""
    k = np.arange(n - 1, -1, -1, dtype=np.float64)
    weights = (1.0 - decay) * decay**k
    return weights / weights.sum()


def realized_vol(log_returns: FloatArray, window: int) -> FloatArray:
    """Sample standard deviation (ddof 1) of the last `window` returns, annualized;
    NaN where a symbol has fewer than 2 returns in the window."""
    recent = log_returns[-window:]
    valid = np.isfinite(recent)
    count = valid.sum(axis=0)
    filled = np.where(valid, recent, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = filled.sum(axis=0) / count
        squares = np.where(valid, (recent - mean) ** 2, 0.0).sum(axis=0)
        variance = squares / (count - 1)
    return np.where(count >= 2, np.sqrt(variance) * ANNUALIZATION, np.nan)


def ewma_vol(prices: PriceHistory, decay: float, window: int) -> FloatArray:
    """RiskMetrics EWMA volatility of log returns, zero mean, last `window` days, annualized.

    sigma^2 = sum_k w_k r_{t-k}^2 with w_k = (1 - decay) decay^k normalized over the returns
    the symbol has; NaN where it has none.
    """
    squares = prices.log_returns_squared[-window:]
    weights = ewma_weights(squares.shape[0], decay)
    weighted_squares = weights @ squares
    weight_present = weights @ prices.returns_present[-window:]
    with np.errstate(invalid="ignore", divide="ignore"):
        variance = weighted_squares / weight_present
    return np.where(weight_present > 0, np.sqrt(variance) * ANNUALIZATION, np.nan)
