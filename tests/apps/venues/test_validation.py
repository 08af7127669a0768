"""Boundary checks on venue payloads: every number a finite Decimal, or the payload is refused."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest

from apps.venues.connectors import binance_parse as parse
from apps.venues.connectors.base import PayloadRejected
from apps.venues.connectors.validation import excerpt, watermarks_regressed


def _now() -> int:
    return int(time.time() * 1000)


def _ticker(**overrides: Any) -> dict[str, Any]:
    return {
        "symbol": "BTCUSDT",
        "lastPrice": "100000.10",
        "bidPrice": "100000.00",
        "askPrice": "100000.20",
        "quoteVolume": "123.45",
        "closeTime": _now(),
        **overrides,
    }


def test_it_parses_prices_as_exact_decimals() -> None:
    row = parse.tickers(_ticker(), "spot").rows[0]

    assert row.last == Decimal("100000.10")
    assert (row.bid, row.ask) == (Decimal("100000.00"), Decimal("100000.20"))


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("lastPrice", "NaN", "not finite"),
        ("lastPrice", "Infinity", "not finite"),
        ("lastPrice", "-5", "positive"),
        ("lastPrice", "0", "positive"),
        ("lastPrice", "abc", "not a number"),
        ("lastPrice", 1.5, "decimal string"),
        ("lastPrice", None, "missing"),
        ("closeTime", _now() + 3_600_000, "future"),
        ("closeTime", _now() - 3_600_000, "old"),
        ("bidPrice", "100001", "bid"),
    ],
)
def test_it_refuses_a_ticker_with_a_bad_field(field: str, value: Any, reason: str) -> None:
    with pytest.raises(PayloadRejected, match=reason):
        parse.tickers(_ticker(**{field: value}), "spot")


def test_it_refuses_negative_balances() -> None:
    payload = {"updateTime": _now(), "balances": [{"asset": "BTC", "free": "-1", "locked": "0"}]}

    with pytest.raises(PayloadRejected, match="negative"):
        parse.spot_balances(payload)


@pytest.mark.parametrize("payload", ["<html>", None, [], {"balances": "x"}, {"nobalances": []}])
def test_it_refuses_garbage_bodies(payload: Any) -> None:
    with pytest.raises(PayloadRejected):
        parse.spot_balances(payload)


def test_it_refuses_fills_older_than_the_requested_start() -> None:
    start = _now() - 60_000
    trade = {
        "id": 1,
        "orderId": 2,
        "symbol": "BTCUSDT",
        "price": "1",
        "qty": "1",
        "quoteQty": "1",
        "commission": "0",
        "commissionAsset": "USDT",
        "time": start - 3_600_000,
        "isBuyer": True,
    }

    with pytest.raises(PayloadRejected, match="before the requested start"):
        parse.fills_windows(lambda params: [trade], "spot", "BTCUSDT", start, _now())


def test_it_refuses_a_kline_whose_high_is_below_its_close() -> None:
    with pytest.raises(PayloadRejected, match="high/low"):
        parse.candle([_now() - 120_000, "10", "10", "9", "11", "1"], "klines[0]")


def test_it_notices_a_venue_time_going_backwards() -> None:
    assert watermarks_regressed({"updateTime": 2000}, {"updateTime": 1000})
    assert watermarks_regressed({"updateTime": 2000}, {"updateTime": 2000}) is None
    assert watermarks_regressed({}, {"updateTime": 1}) is None


def test_it_bounds_and_escapes_excerpts() -> None:
    shown = excerpt(b"\x00" + b"x" * 5000)

    assert len(shown) == 2048
    assert "\x00" not in shown


def test_it_parses_trading_fees_as_exact_decimals() -> None:
    spot = [{"symbol": "BTCUSDT", "makerCommission": "0.00075", "takerCommission": "0.001"}]
    perp = {"symbol": "BTCUSDT", "makerCommissionRate": "0.0002", "takerCommissionRate": "0.0004"}

    assert parse.spot_fees(spot) == {"BTCUSDT": (Decimal("0.00075"), Decimal("0.001"))}
    assert parse.perp_fee(perp) == {"BTCUSDT": (Decimal("0.0002"), Decimal("0.0004"))}


@pytest.mark.parametrize("value", ["-0.001", "1", "NaN", "abc"])
def test_it_refuses_a_fee_that_is_not_a_fraction_of_notional(value: str) -> None:
    row = {"symbol": "BTCUSDT", "makerCommission": "0.001", "takerCommission": value}
    with pytest.raises(PayloadRejected, match="takerCommission"):
        parse.spot_fees([row])
