"""The hypothetical-P&L VaR backtest from stored candles: today's exposures over the past
days' returns, there on the first evaluation, in the snapshot, the status and the trace.
Checked against a day-by-day recomputation from the stored closes."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from apps.marketdata.models import Candle
from apps.monitoring.cycle import portfolio_cycle_run
from tests.apps.risk import factories as f
from tests.apps.risk.conftest import BTC_CLOSES, ETH_CLOSES, NOW, TODAY, Book

pytestmark = pytest.mark.django_db
Client = Callable[[str], Any]
EXPOSURE = {"BTC-USD": 2.5 * 62000, "ETH-USD": 10 * 3000.0}  # net size * mark of the book


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    h = (len(ordered) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo])


def _day_pnl(closes: dict[str, list[float]]) -> list[float]:
    days = len(closes["BTC-USD"])
    return [
        sum(EXPOSURE[s] * (closes[s][t] / closes[s][t - 1] - 1.0) for s in EXPOSURE)
        for t in range(1, days)
    ]


def _loop(pnl: list[float], tested: int, estimation: int) -> tuple[list[float], int]:
    var = [-_quantile(pnl[d - estimation : d], 0.01) for d in range(len(pnl) - tested, len(pnl))]
    exceptions = sum(p < -v for p, v in zip(pnl[-tested:], var, strict=True))
    return var, exceptions


def test_it_backtests_todays_exposures_on_the_first_evaluation(
    book: Book, api_client_for: Client
) -> None:
    snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    pnl = _day_pnl({"BTC-USD": BTC_CLOSES, "ETH-USD": ETH_CLOSES})  # 5 days
    var, exceptions = _loop(pnl, tested=2, estimation=3)  # half the days each, nothing padded
    hypothetical = snapshot.figures["var_backtest"]["hypothetical"]
    assert (hypothetical["history_days"], hypothetical["observations"]) == (5, 2)
    assert hypothetical["estimation_days"] == 3 and hypothetical["short_history"]
    assert hypothetical["exceptions"] == exceptions
    assert hypothetical["zone"] == "green"
    assert "hypothetical_backtest_short_history" in snapshot.flags
    assert snapshot.figures["var_backtest"]["actual"] is None

    status = api_client_for("trader").get("/api/v1/risk/status").json()
    assert status["var_backtest"]["hypothetical"] == hypothetical
    trace = api_client_for("risk_officer").get("/debug/risk-calculations").json()
    record = trace["hypothetical_backtest"]
    assert record["pnl"] == pytest.approx(pnl[-2:])
    assert record["var"] == pytest.approx(var)
    assert record["first_day"] == TODAY.timestamp() // 86_400 - 2


def test_it_takes_the_day_axis_from_the_books_own_instruments(book: Book) -> None:
    # SOL has a long history but is not in the book: its days are not the book's days
    venue = book.spot.venue
    sol = f.InstrumentFactory(venue=venue, venue_symbol="SOLUSDT", symbol="SOL-USD", base="SOL")
    f.PriceFactory(instrument=sol, last=Decimal(150), as_of=NOW - timedelta(seconds=10))
    for back in range(1, 41):
        f.CandleFactory(instrument=sol, open_time=TODAY - timedelta(days=back), close=Decimal(150))
    snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    assert "SOL-USD" not in snapshot.figures["symbols"]
    assert snapshot.figures["var"]["scenarios"] == len(BTC_CLOSES) - 1
    assert snapshot.figures["var_backtest"]["hypothetical"]["history_days"] == 5
    assert "var_short_history" in snapshot.flags


def test_it_runs_the_full_basel_window_on_a_long_history(book: Book) -> None:
    rng = np.random.default_rng(3)
    older = 760 - len(BTC_CLOSES)
    closes: dict[str, list[float]] = {}
    rows = []
    for symbol, recent in (("BTC-USD", BTC_CLOSES), ("ETH-USD", ETH_CLOSES)):
        steps = rng.normal(0.0, 0.04, older)
        walk = [round(recent[0] * float(v), 2) for v in np.exp(np.cumsum(steps))[::-1]]
        closes[symbol] = [*walk, *recent]
        instrument = book.prices["btc" if symbol == "BTC-USD" else "eth"].instrument  # type: ignore[attr-defined]
        rows += [
            f.CandleFactory.build(instrument=instrument, close=Decimal(str(close)),
                                  open_time=TODAY - timedelta(days=760 - i))
            for i, close in enumerate(walk)
        ]  # fmt: skip
    Candle.objects.bulk_create(rows)
    snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    pnl = _day_pnl(closes)[-750:]  # the 751 closes read: 250 tested days after 500
    _, exceptions = _loop(pnl, tested=250, estimation=500)
    hypothetical = snapshot.figures["var_backtest"]["hypothetical"]
    assert (hypothetical["observations"], hypothetical["estimation_days"]) == (250, 500)
    assert hypothetical["history_days"] == 750 and not hypothetical["short_history"]
    assert hypothetical["exceptions"] == exceptions
    assert "hypothetical_backtest_short_history" not in snapshot.flags
    assert snapshot.var_hist_99 == pytest.approx(-_quantile(pnl[-500:], 0.01))
