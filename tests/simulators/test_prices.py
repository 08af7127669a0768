"""Price paths: deterministic per (seed, symbol) on an absolute clock; jumps move what follows."""

from __future__ import annotations

import time

import numpy as np
import pytest
import requests

from simulators.harness import MINIMAL_SCENARIO as MINIMAL
from simulators.harness import SimProcess, start_exchange
from simulators.prices import DAY_MS, MINUTE_MS, PricePath

REF = 1_793_491_200_000  # 2026-11-01T00:00:00Z, as in the scenarios


def path(seed: int = 42, vol: float = 0.5) -> PricePath:
    return PricePath(
        seed=seed,
        symbol="BTCUSDT",
        reference_time_ms=REF,
        reference_price=110_000.0,
        annual_vol=vol,
        annual_drift=0.0,
    )


def klines(sim: SimProcess, query: str) -> list[list[object]]:
    response = requests.get(f"{sim.base_url}/api/v3/klines?{query}", timeout=10)
    response.raise_for_status()
    rows: list[list[object]] = response.json()
    return rows


def test_it_is_anchored_at_the_reference_price() -> None:
    assert path().price_at(REF) == pytest.approx(110_000.0, rel=1e-12)


def test_it_gives_the_same_price_for_the_same_moment_whenever_built() -> None:
    moment = int(time.time() * 1000) - 12_345_678
    first = path().price_at(moment)
    later = path()
    later.ensure_days(moment // DAY_MS - 800, moment // DAY_MS + 1)  # a different cache history
    assert later.price_at(moment) == first
    assert path(seed=7).price_at(moment) != first


def test_it_has_plausible_daily_volatility() -> None:
    today = int(time.time() * 1000) // DAY_MS
    opens, _, _, closes = path(vol=0.5).daily_summary(today - 730, 730)
    realized = float(np.std(closes - opens, ddof=1) * np.sqrt(365))
    assert 0.4 < realized < 0.6


def test_it_ends_minute_bridges_on_the_minute_path() -> None:
    p = path()
    minute = int(time.time() * 1000) // MINUTE_MS - 10
    seconds = p.raw_seconds(minute * 60, 61)
    minutes = p.raw_minutes(minute, 2)
    assert np.allclose([seconds[0], seconds[-1]], minutes)


def test_it_quotes_the_same_klines_on_two_instances_with_the_same_seed(sim: SimProcess) -> None:
    end = int(time.time() * 1000) // MINUTE_MS * MINUTE_MS - 1
    day_query = f"symbol=BTCUSDT&interval=1d&limit=1000&endTime={end - DAY_MS}"
    minute_query = f"symbol=BTCUSDT&interval=1m&limit=1000&endTime={end}"
    with (
        start_exchange("exchange-1", MINIMAL, seed=42) as twin,
        start_exchange("exchange-1", MINIMAL, seed=43) as other,
    ):
        assert klines(twin, day_query) == klines(sim, day_query)
        assert klines(twin, minute_query) == klines(sim, minute_query)
        assert klines(other, minute_query) != klines(sim, minute_query)


def test_it_moves_every_later_candle_and_ticker_after_a_jump(sim: SimProcess) -> None:
    before_days = klines(sim, "symbol=BTCUSDT&interval=1d&limit=5")
    response = sim.control("POST", "/_sim/prices", {"symbol": "BTCUSDT", "price": 40000})
    assert response.status_code == 200
    ticker = requests.get(f"{sim.base_url}/api/v3/ticker/24hr?symbol=BTCUSDT", timeout=5).json()
    assert abs(float(ticker["lastPrice"]) - 40000) < 400
    assert float(ticker["lowPrice"]) <= float(ticker["lastPrice"])
    mark = requests.get(f"{sim.base_url}/fapi/v1/premiumIndex?symbol=BTCUSDT", timeout=5).json()
    assert abs(float(mark["markPrice"]) - 40012) < 400  # spot path times the 3 bps basis
    after_days = klines(sim, "symbol=BTCUSDT&interval=1d&limit=5")
    assert after_days[:4] == before_days[:4]  # the past stays as it was
    assert abs(float(str(after_days[-1][4])) - 40000) < 400
    assert float(str(after_days[-1][3])) <= float(str(after_days[-1][4]))
    minutes = klines(sim, "symbol=BTCUSDT&interval=1m&limit=2")
    assert abs(float(str(minutes[-1][4])) - 40000) < 400


def test_it_scales_later_moves_with_a_volatility_change(sim: SimProcess) -> None:
    response = sim.control("POST", "/_sim/volatility", {"symbol": "ETHUSDT", "annual_vol": 2.0})
    assert response.status_code == 200
    assert sim.state()["prices"]["ETHUSDT"]["annual_vol"] == 2.0
