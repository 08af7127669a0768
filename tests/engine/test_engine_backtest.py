import math

import numpy as np
import pytest
from scipy import stats

from riskmonitor.engine import BacktestSeries, EngineInputs, History
from riskmonitor.engine.backtest import backtest_summary, basel_zone
from tests.engine.enginecases import make_inputs, perp, run


def _series(exception_days: list[int], days: int = 300) -> BacktestSeries:
    var = np.full(days, 1_000.0)
    pnl = np.full(days, -500.0)
    pnl[exception_days] = -1_500.0
    return BacktestSeries(pnl=pnl, var=var)


def _loop_kupiec(n: int, x: int, p: float) -> float:
    def loglik(rate: float) -> float:
        total = 0.0
        if n - x:
            total += (n - x) * math.log(1 - rate)
        if x:
            total += x * math.log(rate)
        return total

    return -2 * (loglik(p) - loglik(x / n))


@pytest.mark.parametrize(
    ("count", "zone"), [(0, "green"), (4, "green"), (5, "yellow"), (9, "yellow"), (10, "red")]
)
def test_it_counts_exceptions_and_picks_the_basel_zone(count: int, zone: str) -> None:
    days = list(range(299, 299 - count, -1))
    summary = backtest_summary(_series(days), 250, 0.99)
    assert (summary.observations, summary.exceptions, summary.zone) == (250, count, zone)
    lr = _loop_kupiec(250, count, 0.01)
    assert summary.kupiec_lr == pytest.approx(lr)
    assert summary.kupiec_p_value == pytest.approx(stats.chi2.sf(lr, 1))


def test_it_compares_pnl_with_the_var_of_the_day_before() -> None:
    var = np.array([100.0, 10.0, 100.0])
    pnl = np.array([0.0, -50.0, -50.0])  # day 1 vs var[0]=100: no; day 2 vs var[1]=10: yes
    summary = backtest_summary(BacktestSeries(pnl=pnl, var=var), 250, 0.99)
    assert (summary.observations, summary.exceptions) == (2, 1)


def test_it_only_looks_at_the_last_window_and_skips_missing_days() -> None:
    series = _series([5, 10, 295])
    pnl = series.pnl.copy()
    pnl[290] = np.nan
    summary = backtest_summary(BacktestSeries(pnl=pnl, var=series.var), 250, 0.99)
    assert (summary.observations, summary.exceptions) == (249, 1)
    assert basel_zone(1) == "green"


def test_it_reports_the_backtest_in_the_assessment() -> None:
    base = make_inputs([perp("exchange-1", "BTC-USD", 1.0, 40_000.0)])
    history = History(base.history.prices, base.history.equity, _series([299]))
    result = run(EngineInputs(base.book, base.marks, history, base.as_of))
    actual = result.var_backtest.actual
    assert actual is not None and actual.exceptions == 1
    figures = result.to_dict()["var_backtest"]
    assert figures["actual"]["zone"] == "green"  # type: ignore[index,call-overload]
