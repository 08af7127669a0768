"""The hypothetical-P&L VaR backtest (Basel): today's exposures over the past days' returns,
each day's VaR from the days before it. Checked against a plain loop and by properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from riskmonitor.engine.backtest import hypothetical_backtest, hypothetical_split, rolling_var
from riskmonitor.engine.outputs import HypotheticalBacktest
from tests.engine.enginecases import QUICK, make_inputs, perp, random_closes, run, spot


def _type7_quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    h = (len(ordered) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo])


def _loop_backtest(
    returns: np.ndarray, exposure: list[float], window: int, lookback: int
) -> tuple[list[float], list[float], int]:
    """Per tested day, one at a time: the P&L of the fixed exposures and the VaR of the
    `lookback` days before it, from Python floats."""
    pnl = [sum(e * r for e, r in zip(exposure, row, strict=True)) for row in returns.tolist()]
    days = len(pnl)
    tested_var, tested_pnl, exceptions = [], [], 0
    for d in range(days - window, days):
        var = -_type7_quantile(pnl[d - lookback : d], 0.01)
        tested_var.append(var)
        tested_pnl.append(pnl[d])
        exceptions += pnl[d] < -var
    return tested_pnl, tested_var, exceptions


def test_it_matches_a_day_by_day_loop_on_a_full_history() -> None:
    rng = np.random.default_rng(12)
    returns = rng.standard_t(3, size=(760, 6)) * 0.02
    exposure = [1_000_000.0, -400_000.0, 250_000.0, 0.0, 75_000.0, -5_000.0]
    _, loop_var, loop_exceptions = _loop_backtest(returns, exposure, 250, 500)
    pnl = returns @ np.array(exposure)
    result = hypothetical_backtest(pnl, 250, 500, 0.99)
    assert result is not None
    assert (result.observations, result.estimation_days) == (250, 500)
    assert not result.short_history and result.history_days == 760
    np.testing.assert_allclose(rolling_var(pnl, 250, 500, 0.99), loop_var, rtol=1e-12)
    assert result.exceptions == loop_exceptions
    assert result.kupiec_lr == pytest.approx(_loop_kupiec(250, loop_exceptions))
    assert result.kupiec_p_value == pytest.approx(stats.chi2.sf(result.kupiec_lr, 1))


def _loop_kupiec(n: int, x: int, p: float = 0.01) -> float:
    observed = x / n
    null = (n - x) * math.log(1 - p) + (x * math.log(p) if x else 0.0)
    alternative = (n - x) * math.log(1 - observed) if x < n else 0.0
    alternative += x * math.log(observed) if x else 0.0
    return -2 * (null - alternative)


def test_it_shortens_both_windows_on_a_short_history_and_says_so() -> None:
    assert hypothetical_split(750, 250, 500) == (250, 500)
    assert hypothetical_split(600, 250, 500) == (250, 350)
    assert hypothetical_split(300, 250, 500) == (150, 150)
    result = hypothetical_backtest(np.linspace(-1.0, 1.0, 301), 250, 500, 0.99)
    assert result is not None and result.short_history
    assert (result.history_days, result.observations, result.estimation_days) == (301, 150, 151)


def test_it_has_no_backtest_below_three_days() -> None:
    assert hypothetical_backtest(np.array([1.0, -1.0]), 250, 500, 0.99) is None
    assert hypothetical_backtest(np.array([1.0, -1.0, 0.5]), 250, 500, 0.99) is not None


def test_it_counts_a_loss_beyond_the_var_as_an_exception() -> None:
    pnl = np.zeros(751)
    pnl[-3] = -1.0  # every VaR before it is 0 (all-zero days): a loss of 1 breaks it
    result = hypothetical_backtest(pnl, 250, 500, 0.99)
    assert result is not None and result.exceptions == 1


@QUICK
@given(
    days=st.integers(0, 900),
    seed=st.integers(0, 2**32 - 1),
    scale=st.floats(0.0, 1e7),
)
def test_it_keeps_its_statistics_in_range(days: int, seed: int, scale: float) -> None:
    pnl = np.random.default_rng(seed).standard_t(4, size=days) * scale
    result = hypothetical_backtest(pnl, 250, 500, 0.99)
    if days < 3:
        assert result is None
        return
    assert isinstance(result, HypotheticalBacktest)
    assert 1 <= result.observations <= min(250, days - result.estimation_days)
    assert 2 <= result.estimation_days <= 500
    assert 0 <= result.exceptions <= result.observations
    assert result.kupiec_lr >= 0.0
    assert 0.0 <= result.kupiec_p_value <= 1.0
    zone = "green" if result.exceptions <= 4 else "yellow" if result.exceptions <= 9 else "red"
    assert result.zone == zone
    assert result.short_history == (days < 750)


@QUICK
@given(days=st.integers(3, 800), seed=st.integers(0, 1000))
def test_it_finds_no_exception_in_a_book_without_exposure(days: int, seed: int) -> None:
    closes = random_closes(["BTC-USD", "ETH-USD"], days=days + 1, seed=seed)
    inputs = make_inputs(
        [
            perp("exchange-1", "BTC-USD", 1.0, 40_000.0),
            perp("exchange-2", "BTC-USD", -1.0, 41_000.0),
        ],
        closes=closes,
    )
    result = run(inputs).var_backtest.hypothetical
    assert result is not None
    assert result.exceptions == 0 and result.zone == "green"


def test_it_reports_both_backtests_and_flags_a_short_history() -> None:
    inputs = make_inputs(
        [spot("exchange-1", "BTC-USD", 2.0, 40_000.0)],
        closes=random_closes(["BTC-USD", "ETH-USD", "SOL-USD", "USDT-USD"], days=121),
    )
    result = run(inputs)
    hypothetical = result.var_backtest.hypothetical
    assert hypothetical is not None and hypothetical.history_days == 120
    assert (hypothetical.observations, hypothetical.estimation_days) == (60, 60)
    assert result.var_backtest.actual is None
    assert "hypothetical_backtest_short_history" in result.flags
    assert "no_hypothetical_backtest" not in result.flags
    figures = result.to_dict()["var_backtest"]
    assert figures["hypothetical"]["zone"] == hypothetical.zone  # type: ignore[index,call-overload]
    assert figures["actual"] is None  # type: ignore[index,call-overload]


def test_it_tests_the_same_pnl_the_var_is_taken_from() -> None:
    symbols = ["BTC-USD", "ETH-USD", "SOL-USD", "USDT-USD"]
    inputs = make_inputs(
        [
            spot("exchange-1", "BTC-USD", 2.0, 40_000.0),
            perp("exchange-1", "ETH-USD", -5.0, 2_000.0),
        ],
        closes=random_closes(symbols, days=801),
    )
    result = run(inputs)
    returns = inputs.history.prices.simple_returns_filled
    exposure = np.nan_to_num(result.symbols.net_size * result.symbols.mark_usd)
    pnl = returns @ exposure
    assert result.var.historical_var == pytest.approx(-np.quantile(pnl[-500:], 0.01))
    _, _, loop_exceptions = _loop_backtest(returns, exposure.tolist(), 250, 500)
    hypothetical = result.var_backtest.hypothetical
    assert hypothetical is not None and hypothetical.exceptions == loop_exceptions
    assert not hypothetical.short_history
    assert "hypothetical_backtest_short_history" not in result.flags
