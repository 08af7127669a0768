"""Signatures, keys, timestamps and request weight, as ccxt and a raw client see them."""

from __future__ import annotations

import time
from collections.abc import Callable

import ccxt
import pytest
import requests

from simulators.exchange.signing import sign
from simulators.harness import SimProcess


def signed_get(
    sim: SimProcess,
    path: str,
    secret: str = "min-secret",
    key: str = "min-key",
    timestamp: int | None = None,
) -> requests.Response:
    query = f"timestamp={timestamp or int(time.time() * 1000)}&recvWindow=5000"
    url = f"{sim.base_url}{path}?{query}&signature={sign(query, secret)}"
    return requests.get(url, headers={"X-MBX-APIKEY": key}, timeout=5)


def test_it_raises_authentication_error_for_a_wrong_secret(
    binance_factory: Callable[..., ccxt.binance],
) -> None:
    exchange = binance_factory(secret="not-the-secret")
    with pytest.raises(ccxt.AuthenticationError, match="-1022"):
        exchange.fetch_balance()


def test_it_raises_authentication_error_for_an_unknown_key(
    binance_factory: Callable[..., ccxt.binance],
) -> None:
    exchange = binance_factory(key="nobody")
    with pytest.raises(ccxt.AuthenticationError, match="-2015"):
        exchange.fetch_balance()


def test_it_answers_binance_error_codes_with_their_http_status(sim: SimProcess) -> None:
    bad_sig = signed_get(sim, "/api/v3/account", secret="wrong")
    assert (bad_sig.status_code, bad_sig.json()["code"]) == (400, -1022)
    no_key = requests.get(f"{sim.base_url}/api/v3/account?timestamp=1&signature=x", timeout=5)
    assert (no_key.status_code, no_key.json()["code"]) == (401, -2014)
    unknown = signed_get(sim, "/api/v3/account", key="nobody")
    assert (unknown.status_code, unknown.json()["code"]) == (401, -2015)
    old = signed_get(sim, "/api/v3/account", timestamp=int(time.time() * 1000) - 60_000)
    assert (old.status_code, old.json()["code"]) == (400, -1021)
    symbol = requests.get(f"{sim.base_url}/api/v3/ticker/24hr?symbol=DOGEUSDT", timeout=5)
    assert (symbol.status_code, symbol.json()["code"]) == (400, -1121)


def test_it_signs_post_bodies_like_binance(sim: SimProcess) -> None:
    body = f"symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.001&timestamp={int(time.time() * 1000)}"
    signed = f"{body}&signature={sign(body, 'min-secret')}"
    ok = requests.post(
        f"{sim.base_url}/api/v3/order",
        data=signed,
        timeout=5,
        headers={"X-MBX-APIKEY": "min-key", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert ok.status_code == 200 and ok.json()["status"] == "FILLED"
    tampered = signed.replace("quantity=0.001", "quantity=0.002")
    bad = requests.post(
        f"{sim.base_url}/api/v3/order",
        data=tampered,
        timeout=5,
        headers={"X-MBX-APIKEY": "min-key"},
    )
    assert bad.json()["code"] == -1022


def test_it_reports_used_weight_and_limits_it_per_minute(sim: SimProcess) -> None:
    first = signed_get(sim, "/api/v3/account")
    used = int(first.headers["X-MBX-USED-WEIGHT-1M"])
    assert used >= 20  # the spot account endpoint weighs 20
    sim.control("POST", "/_sim/rate_limit", {"weight_per_minute": 50})
    statuses = [signed_get(sim, "/api/v3/account").status_code for _ in range(3)]
    assert statuses[:2] == [200, 200] and statuses[2] == 429
    limited = signed_get(sim, "/api/v3/account")
    assert limited.json()["code"] == -1003
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    public = requests.get(f"{sim.base_url}/api/v3/time", timeout=5)
    assert public.status_code == 200  # public weight counts per IP, apart from the key


def test_it_makes_ccxt_raise_on_rate_limit(binance: ccxt.binance, sim: SimProcess) -> None:
    sim.control("POST", "/_sim/rate_limit", {"weight_per_minute": 30})
    # ccxt 4.5.90 maps HTTP 429 to DDoSProtection before reading the -1003 body (it would map
    # -1003 to RateLimitExceeded); both are NetworkError, which is what a connector backs off on.
    with pytest.raises((ccxt.RateLimitExceeded, ccxt.DDoSProtection), match="-1003"):
        for _ in range(5):
            binance.fetch_balance()
