"""ccxt's binance (nothing mocked) against a running exchange simulator."""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal

import ccxt
import pytest

from simulators.harness import SimProcess

CENT = Decimal("0.01")
SPOT_TAKER = SPOT_MAKER = Decimal("0.001")  # minimal.yaml
FUTURES_TAKER = Decimal("0.0005")


def fee(price: Decimal, qty: Decimal, rate: Decimal) -> Decimal:
    return (price * qty * rate).quantize(Decimal("0.00000001"), rounding=ROUND_HALF_UP)


def spot_balance(exchange: ccxt.binance, asset: str) -> tuple[Decimal, Decimal]:
    rows = exchange.fetch_balance()["info"]["balances"]
    row = next(r for r in rows if r["asset"] == asset)
    return Decimal(row["free"]), Decimal(row["locked"])


def futures_wallet(exchange: ccxt.binance) -> Decimal:
    info = exchange.fetch_balance({"type": "future"})["info"]
    return Decimal(info["assets"][0]["walletBalance"])


def assert_cents(actual: Decimal | float, expected: Decimal) -> None:
    assert abs(Decimal(str(actual)) - expected) < CENT, (actual, expected)


def test_it_loads_spot_and_linear_markets_with_filters(binance: ccxt.binance) -> None:
    markets = binance.markets
    assert set(markets) == {"BTC/USDT", "ETH/USDT", "BTC/USDT:USDT", "ETH/USDT:USDT"}
    perp = markets["BTC/USDT:USDT"]
    assert perp["swap"] and perp["linear"] and perp["contractSize"] == 1.0
    assert perp["precision"]["price"] == 0.1 and perp["precision"]["amount"] == 0.001
    spot = markets["BTC/USDT"]
    assert spot["spot"] and spot["precision"]["amount"] == 0.00001
    assert spot["limits"]["cost"]["min"] == 5.0


def test_it_reports_spot_and_futures_balances(binance: ccxt.binance) -> None:
    spot = binance.fetch_balance()
    assert spot["total"]["BTC"] == 1.0 and spot["total"]["USDT"] == 100000.0
    futures = binance.fetch_balance({"type": "future"})
    info = futures["info"]["assets"][0]
    upnl = Decimal(info["unrealizedProfit"])
    assert Decimal(info["walletBalance"]) == Decimal(50000)
    assert_cents(futures["total"]["USDT"], Decimal(50000) + upnl)


def test_it_reports_positions_with_mark_and_unrealized_pnl(binance: ccxt.binance) -> None:
    [position] = binance.fetch_positions()
    assert position["symbol"] == "BTC/USDT:USDT" and position["side"] == "long"
    assert position["contracts"] == 0.1 and position["entryPrice"] == 90000.0
    expected = (Decimal(str(position["markPrice"])) - Decimal(90000)) * Decimal("0.1")
    assert_cents(position["unrealizedPnl"], expected)


def test_it_returns_the_scenario_fill_history(binance: ccxt.binance) -> None:
    [spot] = binance.fetch_my_trades("BTC/USDT")
    assert (spot["side"], spot["amount"], spot["price"]) == ("buy", 0.01, 90000.0)
    assert spot["fee"] == {"currency": "USDT", "cost": 0.9}
    [perp] = binance.fetch_my_trades("BTC/USDT:USDT")
    assert perp["info"]["realizedPnl"] == "0.00000000" and perp["amount"] == 0.1


def test_it_quotes_tickers_with_spread_and_basis(binance: ccxt.binance, sim: SimProcess) -> None:
    spot = binance.fetch_tickers(["BTC/USDT", "ETH/USDT"])
    btc = spot["BTC/USDT"]
    assert btc["bid"] < btc["last"] < btc["ask"]
    assert btc["low"] <= btc["last"] <= btc["high"]
    perp = binance.fetch_tickers(["BTC/USDT:USDT"])["BTC/USDT:USDT"]
    assert perp["last"] == pytest.approx(btc["last"] * 1.0003, rel=2e-4)  # 3 bps basis


def test_it_serves_730_daily_and_48h_of_minute_candles(binance: ccxt.binance) -> None:
    first = binance.fetch_ohlcv("BTC/USDT", "1d", limit=1000)
    assert len(first) == 1000
    days = [c[0] for c in first]
    assert all(b - a == 86_400_000 for a, b in itertools.pairwise(days))
    for _, o, h, low, c, v in first:
        assert low <= min(o, c) <= max(o, c) <= h and v > 0
    minutes = binance.fetch_ohlcv(
        "BTC/USDT:USDT", "1m", since=binance.milliseconds() - 48 * 3_600_000, limit=1000
    )
    assert len(minutes) == 1000 and minutes[1][0] - minutes[0][0] == 60_000


def test_it_fills_a_spot_market_buy_at_the_ask_with_the_taker_fee(binance: ccxt.binance) -> None:
    usdt_before, _ = spot_balance(binance, "USDT")
    order = binance.create_order("BTC/USDT", "market", "buy", 0.01)
    price = Decimal(order["info"]["fills"][0]["price"])
    assert order["status"] == "closed" and order["filled"] == 0.01
    usdt, _ = spot_balance(binance, "USDT")
    btc, _ = spot_balance(binance, "BTC")
    qty = Decimal("0.01")
    assert_cents(usdt, usdt_before - price * qty - fee(price, qty, SPOT_TAKER))
    assert btc == Decimal("1.01")


def test_it_fills_a_spot_market_sell_at_the_bid(binance: ccxt.binance) -> None:
    ticker = binance.fetch_ticker("ETH/USDT")
    order = binance.create_order("ETH/USDT", "market", "sell", 2)
    price = Decimal(str(order["average"]))
    assert price <= Decimal(str(ticker["ask"]))
    usdt, _ = spot_balance(binance, "USDT")
    eth, _ = spot_balance(binance, "ETH")
    assert_cents(usdt, Decimal(100000) + price * 2 - fee(price, Decimal(2), SPOT_TAKER))
    assert eth == Decimal(8)


def test_it_rests_a_limit_order_locks_funds_and_cancels_all(binance: ccxt.binance) -> None:
    order = binance.create_order("BTC/USDT", "limit", "buy", 0.01, 50000)
    assert order["status"] == "open"
    [open_order] = binance.fetch_open_orders("BTC/USDT")
    assert open_order["id"] == order["id"] and open_order["price"] == 50000.0
    free, locked = spot_balance(binance, "USDT")
    assert locked == Decimal("500") * (1 + SPOT_MAKER)
    assert free + locked == Decimal(100000)
    [cancelled] = binance.cancel_all_orders("BTC/USDT")
    assert cancelled["status"] == "canceled"
    assert binance.fetch_open_orders("BTC/USDT") == []
    assert spot_balance(binance, "USDT") == (Decimal(100000), Decimal(0))


def test_it_fills_a_resting_limit_order_once_the_price_crosses(
    binance: ccxt.binance, sim: SimProcess
) -> None:
    last = binance.fetch_ticker("BTC/USDT")["last"]
    limit = round(last * 1.01, 2)
    order = binance.create_order("BTC/USDT", "limit", "sell", 0.1, limit)
    sim.control("POST", "/_sim/prices", {"symbol": "BTCUSDT", "price": last * 1.03})
    filled = binance.fetch_order(order["id"], "BTC/USDT")
    assert filled["status"] == "closed" and filled["average"] == limit
    usdt, _ = spot_balance(binance, "USDT")
    price = Decimal(str(limit))
    assert_cents(usdt, Decimal(100000) + price / 10 - fee(price, Decimal("0.1"), SPOT_MAKER))


def test_it_averages_entry_and_realizes_pnl_on_reduce_only(binance: ccxt.binance) -> None:
    buy = binance.create_order("BTC/USDT:USDT", "market", "buy", 0.05)
    p1, q1 = Decimal(str(buy["average"])), Decimal("0.05")
    [position] = binance.fetch_positions()
    entry = (Decimal("0.1") * 90000 + q1 * p1) / Decimal("0.15")
    assert position["contracts"] == 0.15
    assert_cents(position["entryPrice"], entry)
    sell = binance.create_order(
        "BTC/USDT:USDT", "market", "sell", 0.15, params={"reduceOnly": True}
    )
    assert sell["reduceOnly"] is True and sell["status"] == "closed"
    p2, q2 = Decimal(str(sell["average"])), Decimal("0.15")
    realized = (p2 - Decimal(str(position["entryPrice"]))) * q2
    expected = Decimal(50000) - fee(p1, q1, FUTURES_TAKER) + realized - fee(p2, q2, FUTURES_TAKER)
    assert_cents(futures_wallet(binance), expected)
    assert binance.fetch_positions() == []
    trade = binance.fetch_my_trades("BTC/USDT:USDT")[-1]
    assert_cents(Decimal(trade["info"]["realizedPnl"]), realized)


def test_it_rests_and_cancels_futures_limit_orders(binance: ccxt.binance) -> None:
    binance.create_order("ETH/USDT:USDT", "limit", "buy", 1, 1000)
    binance.create_order("ETH/USDT:USDT", "limit", "buy", 2, 1100)
    assert len(binance.fetch_open_orders("ETH/USDT:USDT")) == 2
    info = binance.fetch_balance({"type": "future"})["info"]["assets"][0]
    assert Decimal(info["openOrderInitialMargin"]) == Decimal("1000") / 10 + Decimal("2200") / 10
    binance.cancel_all_orders("ETH/USDT:USDT")
    assert binance.fetch_open_orders("ETH/USDT:USDT") == []


def test_it_rejects_reduce_only_that_would_increase(binance: ccxt.binance) -> None:
    # ccxt maps -2022 to InvalidOrder only for fapi.binance.com URLs; here it is the base class.
    with pytest.raises(ccxt.ExchangeError, match="-2022"):
        binance.create_order("ETH/USDT:USDT", "market", "sell", 1, params={"reduceOnly": True})


def test_it_rejects_orders_beyond_margin_or_balance(binance: ccxt.binance) -> None:
    with pytest.raises(ccxt.ExchangeError, match="-2019"):
        binance.create_order("BTC/USDT:USDT", "market", "buy", 10)
    with pytest.raises(ccxt.InsufficientFunds, match="insufficient balance"):
        binance.create_order("BTC/USDT", "market", "buy", 5)


def test_it_answers_unknown_orders_with_order_not_found(binance: ccxt.binance) -> None:
    with pytest.raises(ccxt.OrderNotFound):
        binance.cancel_order("999999", "BTC/USDT")


def test_it_reports_mark_price_and_funding(binance: ccxt.binance) -> None:
    funding = binance.fetch_funding_rate("BTC/USDT:USDT")
    assert funding["fundingRate"] == 0.0001 and funding["markPrice"] > 0
    assert funding["markPrice"] == pytest.approx(funding["indexPrice"] * 1.0003, rel=1e-9)
