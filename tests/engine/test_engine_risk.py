"""Volatility and VaR against independent recomputations (loops, scipy.stats)."""

import itertools
import math
import statistics

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from riskmonitor.engine import EngineInputs
from tests.engine.enginecases import PRICES, QUICK, make_inputs, perp, random_closes, run

SYMBOLS = ["BTC-USD", "ETH-USD", "SOL-USD"]
SIZES = {"BTC-USD": 2.0, "ETH-USD": -30.0, "SOL-USD": 500.0}


def _closes() -> dict[str, list[float | None]]:
    closes = random_closes(SYMBOLS, days=150, seed=3)
    closes["SOL-USD"][:40] = [None] * 40  # listed late: its missing returns count as no move
    return closes


def _inputs(scale: float = 1.0, sizes: dict[str, float] = SIZES) -> EngineInputs:
    rows = [perp("exchange-1", s, size * scale, PRICES[s]) for s, size in sizes.items()]
    return make_inputs(rows, closes=_closes(), extra_symbols=SYMBOLS)


def _returns(series: list[float | None], log: bool) -> list[float | None]:
    out: list[float | None] = []
    for prev, cur in itertools.pairwise(series):
        if prev is None or cur is None:
            out.append(None)
        else:
            out.append(math.log(cur / prev) if log else cur / prev - 1.0)
    return out


def _scenarios(lookback: int) -> list[float]:
    closes = _closes()
    per_symbol = {s: _returns(closes[s], log=False)[-lookback:] for s in SYMBOLS}
    days = len(per_symbol["BTC-USD"])
    pnl = []
    for t in range(days):
        total = 0.0
        for s in SYMBOLS:
            r = per_symbol[s][t]
            total += SIZES[s] * PRICES[s] * (0.0 if r is None else r)
        pnl.append(total)
    return pnl


def _linear_quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    h = (len(ordered) - 1) * q
    low = math.floor(h)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


def test_it_computes_realized_vol_as_annualized_sample_std_of_log_returns() -> None:
    result = run(_inputs(), vol_window_days=20)
    for s in SYMBOLS:
        window = [r for r in _returns(_closes()[s], log=True)[-20:] if r is not None]
        assert result.symbols.row(s)["vol_realized"] == pytest.approx(
            statistics.stdev(window) * math.sqrt(365)
        )


def test_it_computes_ewma_vol_with_normalized_riskmetrics_weights() -> None:
    result = run(_inputs(), var_lookback_days=100)
    for s in SYMBOLS:
        window = _returns(_closes()[s], log=True)[-100:]
        num = den = 0.0
        for k, r in enumerate(reversed(window)):
            if r is not None:
                num += 0.06 * 0.94**k * r * r
                den += 0.06 * 0.94**k
        assert result.symbols.row(s)["vol_ewma"] == pytest.approx(
            math.sqrt(num / den) * math.sqrt(365)
        )


def test_it_computes_historical_var_and_es_on_the_lookback_window() -> None:
    result = run(_inputs(), var_lookback_days=100)
    pnl = _scenarios(100)
    var = -_linear_quantile(pnl, 0.01)
    assert var == pytest.approx(-stats.scoreatpercentile(pnl, 1.0, interpolation_method="fraction"))
    tail = [p for p in pnl if p <= -var]
    assert result.var.scenarios == 100
    assert result.var.historical_var == pytest.approx(var)
    assert result.var.expected_shortfall == pytest.approx(-sum(tail) / len(tail))


def test_it_computes_parametric_var_from_the_ewma_covariance() -> None:
    lookback = 100
    result = run(_inputs(), var_lookback_days=lookback)
    closes = _closes()
    returns = np.array(
        [[r or 0.0 for r in _returns(closes[s], log=False)[-lookback:]] for s in SYMBOLS]
    ).T
    weights = np.array([0.06 * 0.94 ** (lookback - 1 - t) for t in range(lookback)])
    weights /= weights.sum()
    cov = sum(w * np.outer(r, r) for w, r in zip(weights, returns, strict=True))
    exposure = np.array([SIZES[s] * PRICES[s] for s in SYMBOLS])
    sigma = math.sqrt(exposure @ cov @ exposure)
    assert result.var.sigma_p == pytest.approx(sigma)
    assert result.var.parametric_var == pytest.approx(stats.norm.ppf(0.99) * sigma, rel=1e-4)
    assert result.var.parametric_var == pytest.approx(2.3263 * sigma)


def test_it_reports_no_var_without_two_scenarios() -> None:
    rows = [perp("exchange-1", "BTC-USD", 1.0, 40_000.0)]
    result = run(make_inputs(rows, closes={"BTC-USD": [40_000.0, 41_000.0]}))
    assert result.var.historical_var is None and result.var.parametric_var is None
    assert "var_insufficient_history" in result.flags


@QUICK
@given(
    sizes=st.tuples(*[st.floats(-100, 100).filter(lambda x: abs(x) > 1e-3)] * 3),
    scale=st.floats(0.01, 1_000),
)
def test_it_scales_var_and_es_linearly_and_keeps_es_above_var(
    sizes: tuple[float, float, float], scale: float
) -> None:
    book = dict(zip(SYMBOLS, sizes, strict=True))
    base = run(_inputs(sizes=book)).var
    scaled = run(_inputs(scale=scale, sizes=book)).var
    assert scaled.historical_var == pytest.approx(scale * (base.historical_var or 0.0), rel=1e-9)
    assert scaled.expected_shortfall == pytest.approx(
        scale * (base.expected_shortfall or 0.0), rel=1e-9
    )
    assert scaled.parametric_var == pytest.approx(scale * (base.parametric_var or 0.0), rel=1e-9)
    assert (base.expected_shortfall or 0.0) >= (base.historical_var or 0.0) >= 0.0
