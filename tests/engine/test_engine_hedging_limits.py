import math

import pytest

from riskmonitor.engine import (
    BalanceRow,
    EngineInputs,
    EngineParams,
    History,
    MarketRow,
    QuoteRow,
    assess,
    build_book,
    build_equity_series,
    build_market_info,
    build_marks,
    build_price_history,
    opening_level,
    severity,
    utilization,
)
from riskmonitor.engine.hedging import round_to_lot
from tests.engine.enginecases import T0, make_inputs, perp, random_closes, run

MARKET = {
    "BTC-USD": MarketRow(liquidity=5e9, lot_size=0.001, fee_bps=2.0, half_spread_bps=0.5),
    "WBTC-USD": MarketRow(liquidity=1e9, lot_size=0.01, fee_bps=5.0, half_spread_bps=3.0),
    "ETH-USD": MarketRow(liquidity=2e9, lot_size=0.01, fee_bps=2.0, half_spread_bps=1.0),
}


def _inputs(market: dict[str, MarketRow]) -> EngineInputs:
    rows = [
        perp("exchange-1", "BTC-USD", 3.0004, 40_000.0),
        perp("exchange-1", "ETH-USD", 10.0, 2_000.0),
    ]
    balances = [BalanceRow("exchange-1", "main", "WBTC", 0.5)]
    aliases = {"USDT": "USD", "WBTC": "BTC"}
    book = build_book(rows, balances, asset_aliases=aliases)
    prices = {"BTC-USD": 42_000.0, "ETH-USD": 2_100.0, "WBTC-USD": 41_900.0}
    marks = build_marks([QuoteRow(s, "exchange-1", p, T0) for s, p in prices.items()], book.symbols)
    history = History(
        build_price_history(book.symbols, random_closes(book.symbols)), build_equity_series([])
    )
    return EngineInputs(book, marks, history, T0, build_market_info(book.symbols, market))


def test_it_hedges_an_asset_over_its_limit_on_the_most_liquid_instrument() -> None:
    params = EngineParams(delta_limits={"BTC": 1.0, "ETH": 50.0}, hedge_target_fraction=0.5)
    hedges = assess(_inputs(MARKET), params).hedges
    assert len(hedges) == 1  # ETH is inside its limit
    hedge = hedges[0]
    assert hedge.asset == "BTC" and hedge.delta_units == pytest.approx(3.5004)
    assert hedge.target_units == 0.5
    assert (hedge.symbol, hedge.side) == ("BTC-USD", "sell")
    assert hedge.size == pytest.approx(3.0)  # 3.0004 rounded to the 0.001 lot
    assert hedge.notional_usd == pytest.approx(3.0 * 42_000.0)
    assert hedge.est_cost_usd == pytest.approx(3.0 * 42_000.0 * 2.5 / 10_000)


def test_it_hedges_to_an_explicit_target_on_request() -> None:
    params = EngineParams(hedge_targets={"ETH": 15.0})
    (hedge,) = assess(_inputs(MARKET), params).hedges
    assert (hedge.symbol, hedge.side, hedge.reason) == ("ETH-USD", "buy", "explicit_target")
    assert hedge.size == pytest.approx(5.0)


def test_it_says_why_there_is_no_order() -> None:
    no_btc = {k: v for k, v in MARKET.items() if "BTC" not in k}
    (hedge,) = assess(_inputs(no_btc), EngineParams(delta_limits={"BTC": 1.0})).hedges
    assert (hedge.symbol, hedge.side, hedge.reason) == (None, None, "no_liquid_instrument")
    (tiny,) = assess(_inputs(MARKET), EngineParams(hedge_targets={"ETH": 10.004})).hedges
    assert tiny.reason == "below_lot_size" and tiny.size == 0.0
    assert run(
        make_inputs([perp("exchange-1", "BTC-USD", 1.0, 1.0)]), delta_limits={"BTC": 0.5}
    ).hedges[0].reason == ("no_liquid_instrument")


def test_it_rounds_to_the_nearest_lot() -> None:
    assert round_to_lot(-2.26, 0.5) == 2.5
    assert round_to_lot(0.123, 0.0) == 0.123


@pytest.mark.parametrize(
    ("current", "limit", "expected"),
    [
        (-3.0, -5.0, 0.6),
        (3.0, -5.0, 0.0),
        (12.5, 10.0, 1.25),
        (-1.0, 10.0, 0.0),
        (0.0, 0.0, 0.0),
        (1.0, 0.0, math.inf),
    ],
)
def test_it_measures_utilization_on_the_limits_side(
    current: float, limit: float, expected: float
) -> None:
    assert utilization(current, limit) == pytest.approx(expected)


def test_it_refuses_nan_utilization() -> None:
    with pytest.raises(ValueError, match="NaN"):
        utilization(math.nan, 1.0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, None),
        (0.49, None),
        (0.5, "low"),
        (0.8, "medium"),
        (0.9, "high"),
        (1.0, "critical"),
        (1.25, "critical"),
    ],
)
def test_it_maps_utilization_to_severity(value: float, expected: str | None) -> None:
    assert severity(value) == expected


def test_it_opens_alerts_at_warn_level_or_the_lowest_threshold() -> None:
    assert opening_level(0.8) == 0.8
    assert opening_level(None) == 0.5
    assert opening_level(None, {"high": 0.9, "medium": 0.7}) == 0.7
