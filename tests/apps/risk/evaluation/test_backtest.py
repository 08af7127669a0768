"""The VaR backtest is fed from stored snapshots: each UTC day's closing record (its last
complete snapshot) gives the day's P&L and the VaR reported for the next day. Checked against
an independent computation (scipy) on stored rows with gaps, decoys and old history."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from scipy import stats

from apps.monitoring.cycle import portfolio_cycle_run
from apps.risk.models import RiskSnapshot
from tests.apps.risk import factories as f
from tests.apps.risk.conftest import NOW, TODAY, Book

Closing = dict[int, tuple[float | None, float | None]]  # days ago -> (P&L, VaR) of the record


def _store(book: Book, days_ago: int, hour: float, pnl: float | None, var: float | None,
           complete: bool = True) -> RiskSnapshot:  # fmt: skip
    at = TODAY - timedelta(days=days_ago) + timedelta(hours=hour)
    return f.RiskSnapshotFactory.build(
        portfolio=book.portfolio, as_of=at, cycle_start=at, daily_pnl=pnl, var_hist_99=var,
        equity_complete=complete, equity=700_000.0,
    )  # fmt: skip


def _history(book: Book) -> Closing:
    """260 days of records. Each day: a complete decoy at 11:00 (a huge loss, a tiny VaR)
    and an incomplete one at 23:30, both ignored; the closing record at 23:00. Gaps: no
    record 30 days ago, no P&L 45 days ago, no VaR 60 days ago. Days older than the window
    lose a million each, which must not count. Yesterday is the book's own (12:00, 23:59:
    no P&L, no VaR)."""
    rng = random.Random(5)
    closing: Closing = {1: (None, None)}
    for days_ago in range(2, 261):
        if days_ago == 30:
            continue
        pnl = -1e6 if days_ago > 250 else rng.gauss(0.0, 400.0)
        if days_ago in (3, 17, 64, 99, 140, 201):  # sure exceptions
            pnl = -5_000.0
        var = 1_000.0 + 10.0 * (days_ago % 5)
        closing[days_ago] = (None if days_ago == 45 else pnl, None if days_ago == 60 else var)
    RiskSnapshot.objects.bulk_create([
        row
        for days_ago, (pnl, var) in closing.items() if days_ago > 1
        for row in (
            _store(book, days_ago, 11, -1e9, 1.0),
            _store(book, days_ago, 23, pnl, var),
            _store(book, days_ago, 23.5, -1e9, 1.0, complete=False),
        )
    ])  # fmt: skip
    return closing


def _expected(closing: Closing, window: int = 250) -> dict[str, object]:
    pairs = []
    for days_ago in range(1, window + 1):  # P&L of that day, VaR of the day before
        pnl = closing.get(days_ago, (None, None))[0]
        var = closing.get(days_ago + 1, (None, None))[1]
        if pnl is not None and var is not None:
            pairs.append((var, pnl))
    n, x = len(pairs), sum(pnl < -var for var, pnl in pairs)
    lr = -2.0 * (stats.binom.logpmf(x, n, 0.01) - stats.binom.logpmf(x, n, x / n))
    zone = "green" if x <= 4 else "yellow" if x <= 9 else "red"
    return {"observations": n, "exceptions": x, "kupiec_lr": lr,
            "kupiec_p_value": stats.chi2.sf(lr, 1), "zone": zone}  # fmt: skip


def test_it_backtests_the_var_on_each_days_closing_record(book: Book) -> None:
    expected = _expected(_history(book))

    snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)

    backtest = snapshot.figures["var_backtest"]["actual"]
    assert backtest["window_days"] == 250
    assert backtest["observations"] == expected["observations"] == 245
    assert backtest["exceptions"] == expected["exceptions"] == 7  # 6 sure ones, 1 by chance
    assert backtest["zone"] == expected["zone"] == "yellow"
    assert backtest["expected_exceptions"] == pytest.approx(0.01 * 245)
    assert backtest["kupiec_lr"] == pytest.approx(expected["kupiec_lr"])
    assert backtest["kupiec_p_value"] == pytest.approx(expected["kupiec_p_value"])
    assert "backtest_short_window" in snapshot.flags
    assert "no_backtest_record" not in snapshot.flags


def test_it_says_no_backtest_record_until_the_first_pair_exists(book: Book) -> None:
    first = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    assert first.figures["var_backtest"]["actual"] is None
    assert "no_backtest_record" in first.flags

    # a VaR closing 03-08 and the P&L closing 03-09 (the book's 23:59 snapshot)
    _store(book, 2, 23, None, 1_000.0).save()
    RiskSnapshot.objects.filter(as_of=datetime(2026, 3, 9, 23, 59, tzinfo=UTC)).update(
        daily_pnl=-1_500.0
    )
    second = portfolio_cycle_run(
        portfolio_id=book.portfolio.pk, cycle_start=NOW + timedelta(seconds=5)
    )

    backtest = second.figures["var_backtest"]["actual"]
    assert (backtest["observations"], backtest["exceptions"]) == (1, 1)
    assert "no_backtest_record" not in second.flags
    assert "backtest_short_window" in second.flags


def test_the_snapshots_an_evaluation_stores_feed_the_next_days_backtest(book: Book) -> None:
    def evaluate_at(moment: datetime) -> RiskSnapshot:
        with time_machine.travel(moment, tick=False):
            return portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=moment)

    day_one = evaluate_at(datetime(2026, 3, 10, 23, 50, tzinfo=UTC))
    day_two = evaluate_at(datetime(2026, 3, 11, 23, 50, tzinfo=UTC))
    after = evaluate_at(datetime(2026, 3, 12, 0, 10, tzinfo=UTC))

    assert day_one.var_hist_99 is not None and day_two.daily_pnl is not None
    backtest = after.figures["var_backtest"]["actual"]
    assert backtest["observations"] == 1
    assert backtest["exceptions"] == int(day_two.daily_pnl < -day_one.var_hist_99)
