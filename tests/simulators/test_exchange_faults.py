"""Every fault kind, observed through ccxt or a raw HTTP client."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import ccxt
import pytest
import requests

from simulators.harness import SimProcess

TICKER = "/api/v3/ticker/24hr?symbol=BTCUSDT"


def fault(sim: SimProcess, kind: str, **extra: Any) -> None:
    response = sim.control("POST", "/_sim/faults", {"kind": kind, **extra})
    assert response.status_code == 200, response.text


def get(sim: SimProcess, path: str = TICKER, timeout: float = 5) -> requests.Response:
    return requests.get(sim.base_url + path, timeout=timeout)


def test_it_injects_http_500(binance: ccxt.binance, sim: SimProcess) -> None:
    fault(sim, "http_500", endpoint="/api/v3/ticker")
    with pytest.raises(ccxt.ExchangeNotAvailable):
        binance.fetch_ticker("BTC/USDT")
    assert binance.fetch_ticker("BTC/USDT:USDT")["last"] > 0  # other paths unaffected


def test_it_holds_requests_past_the_client_timeout(
    binance_factory: Callable[..., ccxt.binance], sim: SimProcess
) -> None:
    exchange = binance_factory(timeout=500)
    exchange.load_markets()
    fault(sim, "timeout", endpoint="/api/v3/ticker", latency_ms=5000)
    started = time.monotonic()
    with pytest.raises(ccxt.RequestTimeout):
        exchange.fetch_ticker("BTC/USDT")
    assert time.monotonic() - started < 4


def test_it_adds_latency(sim: SimProcess) -> None:
    fault(sim, "latency", latency_ms=300)
    started = time.monotonic()
    assert get(sim).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_it_answers_garbage_json(binance: ccxt.binance, sim: SimProcess) -> None:
    fault(sim, "garbage_json")
    response = get(sim)
    assert response.status_code == 200
    with pytest.raises(requests.JSONDecodeError):
        response.json()
    # ccxt does not raise: it hands back the raw text and empty fields. Connectors must validate.
    ticker = binance.fetch_ticker("BTC/USDT")
    assert ticker["last"] is None and isinstance(ticker["info"], str)
    assert binance.fetch_balance()["total"] == {}


def test_it_answers_html_with_200(sim: SimProcess) -> None:
    fault(sim, "html_200")
    response = get(sim)
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/html"
    assert response.text.startswith("<!DOCTYPE html>")


def test_it_truncates_bodies(binance: ccxt.binance, sim: SimProcess) -> None:
    fault(sim, "truncated", endpoint="/api/v3/ticker")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        get(sim)
    with pytest.raises(ccxt.NetworkError):
        binance.fetch_ticker("BTC/USDT")


def test_it_sends_nan_prices(binance: ccxt.binance, sim: SimProcess) -> None:
    fault(sim, "nan_price")
    assert math.isnan(float(get(sim).json()["lastPrice"]))
    assert all(math.isnan(c[4]) for c in binance.fetch_ohlcv("BTC/USDT", "1d", limit=3))
    candle = get(sim, "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=2").json()[-1]
    assert candle[1:5] == ["NaN"] * 4


def test_it_sends_negative_prices(binance: ccxt.binance, sim: SimProcess) -> None:
    fault(sim, "negative_price", endpoint="/fapi/v3/positionRisk")
    [position] = binance.fetch_positions() or [None]
    assert position is None or position["markPrice"] < 0
    rows = get(sim, "/fapi/v1/premiumIndex?symbol=BTCUSDT").json()
    assert float(rows["markPrice"]) > 0  # scoped to the endpoint prefix
    sim.control("DELETE", "/_sim/faults")
    fault(sim, "negative_price")
    assert float(get(sim).json()["lastPrice"]) < 0


def test_it_sends_stale_timestamps(binance: ccxt.binance, sim: SimProcess) -> None:
    fault(sim, "stale_timestamp")
    ticker = binance.fetch_ticker("BTC/USDT")
    assert binance.milliseconds() - ticker["timestamp"] >= 3_500_000


def test_it_goes_down(binance: ccxt.binance, sim: SimProcess) -> None:
    fault(sim, "down")
    with pytest.raises(requests.ConnectionError):
        get(sim)
    with pytest.raises(ccxt.NetworkError):
        binance.fetch_ticker("BTC/USDT")
    assert sim.control("GET", "/_sim/state").status_code == 200  # control is never faulted


def test_it_fakes_rate_limiting(sim: SimProcess) -> None:
    fault(sim, "rate_limit")
    response = get(sim)
    assert response.status_code == 429 and response.json()["code"] == -1003
    assert "Retry-After" in response.headers


def test_it_honours_probability_and_duration(sim: SimProcess) -> None:
    fault(sim, "http_500", probability=0)
    assert get(sim).status_code == 200
    fault(sim, "http_500", duration_s=0.3)
    assert get(sim).status_code == 500
    time.sleep(0.4)
    assert get(sim).status_code == 200


def test_it_clears_faults(sim: SimProcess) -> None:
    fault(sim, "http_500")
    assert get(sim).status_code == 500
    assert sim.control("DELETE", "/_sim/faults").status_code == 200
    assert get(sim).status_code == 200
    assert sim.state()["faults_fired"]["http_500"] >= 1
