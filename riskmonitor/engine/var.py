"""1-day Value at Risk and expected shortfall on current exposures (USD, positive = loss).

Exposure of symbol i: e_i = net size_i * USD mark_i (0 for symbols without a mark: they are
left out and listed). Scenario P&L on day t: P_t = sum_i e_i * r_i,t with simple daily
returns r over the last `lookback` completed days (missing returns count as 0).
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

from riskmonitor.engine._arrays import FloatArray
from riskmonitor.engine.outputs import VarSummary
from riskmonitor.engine.volatility import ewma_weights

Z_99 = 2.3263  # DESIGN section 5 fixes the 99% one-sided normal quantile to this rounding


def z_score(confidence: float) -> float:
    """One-sided standard normal quantile; the DESIGN's constant at 99%."""
    return Z_99 if math.isclose(confidence, 0.99) else NormalDist().inv_cdf(confidence)


def exposures(net: FloatArray, mark_usd: FloatArray) -> FloatArray:
    """e_i = net_i * mark_usd_i, USD, with unpriced symbols set to 0 (excluded)."""
    return np.nan_to_num(net * mark_usd, nan=0.0)


def scenario_window(past_pnl: FloatArray, lookback: int) -> FloatArray:
    """The last `lookback` days of `history_pnl` (all of it when shorter)."""
    return past_pnl[max(past_pnl.shape[0] - lookback, 0) :]


def history_pnl(filled_returns: FloatArray, exposure: FloatArray) -> FloatArray:
    """P&L of today's exposures on every history day (USD), oldest first: the whole returns
    matrix (T x N) @ exposures (N); the VaR takes its last `lookback` days."""
    pnl: FloatArray = filled_returns @ exposure
    return pnl


def historical_var(pnl: FloatArray, confidence: float) -> tuple[float, float]:
    """(VaR, ES): VaR = -quantile(P&L, 1 - confidence), linear interpolation (numpy default);
    ES = -mean of the scenarios at or below -VaR."""
    var = -float(np.quantile(pnl, 1.0 - confidence))
    tail = pnl[pnl <= -var]
    return var, -float(tail.mean())


def parametric_sigma(pnl: FloatArray, decay: float) -> float:
    """sigma_p = sqrt(e' S e), S the zero-mean EWMA covariance of simple returns.

    e' S e = sum_t w_t (r_t . e)^2 = sum_t w_t P_t^2, so the N x N matrix is never formed.
    """
    return math.sqrt(float(ewma_weights(pnl.shape[0], decay) @ (pnl * pnl)))


def var_summary(pnl: FloatArray, confidence: float, decay: float) -> VarSummary:
    """Historical and parametric VaR and ES from the scenario P&L; None below 2 scenarios."""
    z = z_score(confidence)
    if pnl.shape[0] < 2:
        return VarSummary(confidence, 1, int(pnl.shape[0]), None, None, None, None, z, decay)
    var, es = historical_var(pnl, confidence)
    sigma = parametric_sigma(pnl, decay)
    return VarSummary(confidence, 1, int(pnl.shape[0]), var, es, z * sigma, sigma, z, decay)
