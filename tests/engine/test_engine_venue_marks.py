"""Derivatives valued at their own venue's mark; spot at the pricing order's; the basis reported."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskmonitor.engine import BalanceRow, Kind, MarketRow, Trade, apply_trades, build_book
from tests.engine.enginecases import PRICES, QUICK, make_inputs, perp, run, spot

VENUES = ("exchange-1", "exchange-2", "exchange-3")
SYMBOLS = ("BTC-USD", "ETH-USD", "SOL-USD")

prices = st.floats(min_value=1.0, max_value=100_000.0, allow_nan=False)
sizes = st.floats(min_value=-50.0, max_value=50.0, allow_nan=False)
venue_rows = st.lists(
    st.tuples(st.sampled_from(VENUES), st.sampled_from(SYMBOLS), sizes, prices, prices),
    min_size=1,
    max_size=8,
)


@QUICK
@given(venue_rows)
def test_it_values_each_perpetual_at_its_venue_mark(rows: list[tuple]) -> None:
    # One mark per (venue, symbol), as a venue's margin engine has; the first one drawn wins.
    marks = {}
    for venue, symbol, _, _, mark in rows:
        marks.setdefault((venue, symbol), mark)
    positions = [
        perp(venue, symbol, size, entry, venue_mark=marks[(venue, symbol)])
        for venue, symbol, size, entry, _ in rows
    ]
    result = run(make_inputs(positions))
    expected: dict[str, float] = {}
    for venue, symbol, size, entry, _ in rows:
        expected[venue] = expected.get(venue, 0.0) + (marks[(venue, symbol)] - entry) * size
    by_venue = result.attribution.by_venue
    for venue, pnl in expected.items():
        got = float(by_venue.unrealized_pnl[by_venue.index(venue)])
        assert got == pytest.approx(pnl, rel=1e-9, abs=1e-6)
    assert result.pnl.unrealized_pnl == pytest.approx(sum(expected.values()), rel=1e-9, abs=1e-6)
    # equity = balances (none) + unrealized P&L of the derivatives
    assert result.pnl.equity == pytest.approx(result.pnl.unrealized_pnl, rel=1e-9, abs=1e-6)
    basis = result.basis.to_dict()
    for (venue, symbol), mark in marks.items():
        cell = basis[symbol][venue]
        assert isinstance(cell, dict)
        assert cell["mark"] == mark
        assert cell["headline"] == PRICES[symbol]
        assert cell["basis"] == pytest.approx(mark - PRICES[symbol])
        assert cell["basis_bps"] == pytest.approx((mark / PRICES[symbol] - 1.0) * 1e4)


@QUICK
@given(prices, sizes)
def test_it_values_spot_at_the_pricing_orders_mark_whatever_the_row_says(
    mark: float, size: float
) -> None:
    result = run(make_inputs([spot("exchange-1", "BTC-USD", size, 40_000.0, venue_mark=mark)]))
    expected = (PRICES["BTC-USD"] - 40_000.0) * size
    assert result.pnl.unrealized_pnl == pytest.approx(expected, rel=1e-9, abs=1e-6)
    assert result.basis.to_dict() == {}


def test_it_falls_back_to_the_headline_mark_without_a_venue_mark() -> None:
    result = run(make_inputs([perp("exchange-2", "ETH-USD", 2.0, 2_000.0)]))
    assert result.pnl.unrealized_pnl == pytest.approx((PRICES["ETH-USD"] - 2_000.0) * 2.0)
    assert result.basis.to_dict() == {}


def test_it_moves_the_stress_pnl_of_a_perpetual_from_its_venue_mark() -> None:
    positions = [perp("exchange-2", "BTC-USD", 1.0, 40_000.0, venue_mark=41_000.0)]
    result = run(make_inputs(positions))
    crash = next(s for s in result.stress if s.name == "crypto_crash")
    assert crash.pnl == pytest.approx(-0.30 * 41_000.0)


def test_it_values_a_what_if_perpetual_at_the_venues_existing_mark() -> None:
    inputs = make_inputs([perp("exchange-2", "BTC-USD", 1.0, 40_000.0, venue_mark=41_000.0)])
    trade = Trade("exchange-2", "main", "BTC-USD", Kind.DERIVATIVE, 1.0, 40_500.0)
    result = run(apply_trades(inputs, [trade]))
    assert result.pnl.unrealized_pnl == pytest.approx(1_000.0 + 500.0)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.inf])
def test_it_refuses_a_venue_mark_that_is_not_a_price(bad: float) -> None:
    with pytest.raises(ValueError, match="pos_venue_mark"):
        build_book(
            [perp("exchange-1", "BTC-USD", 1.0, 1.0, venue_mark=bad)],
            [BalanceRow("exchange-1", "main", "USDT", 1.0)],
        )


@QUICK
@given(
    st.floats(min_value=0.0, max_value=100.0),
    st.floats(min_value=0.0, max_value=50.0),
    st.floats(min_value=16.0, max_value=200.0),
)
def test_it_costs_a_hedge_at_fee_plus_half_spread_of_its_notional(
    fee_bps: float, half_spread_bps: float, btc: float
) -> None:
    market = {"BTC-USD": MarketRow(1e9, 0.001, fee_bps=fee_bps, half_spread_bps=half_spread_bps)}
    inputs = make_inputs([perp("exchange-1", "BTC-USD", btc, 40_000.0)], market=market)
    [hedge] = run(inputs, delta_limits={"BTC": 15.0}).hedges
    assert hedge.notional_usd == pytest.approx(hedge.size * PRICES["BTC-USD"])
    expected = hedge.notional_usd * (fee_bps + half_spread_bps) / 10_000
    assert hedge.est_cost_usd == pytest.approx(expected, rel=1e-12, abs=1e-9)
