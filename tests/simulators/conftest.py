"""Fixtures: simulators run as real processes (through the harness) and ccxt talks to them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import ccxt
import pytest

from simulators import ccxt_urls
from simulators.harness import MINIMAL_SCENARIO as MINIMAL
from simulators.harness import SimProcess, start_custodian, start_exchange

KEY, SECRET = "min-key", "min-secret"


@pytest.fixture(scope="session")
def exchange_sim() -> Iterator[SimProcess]:
    with start_exchange("exchange-1", MINIMAL, seed=42) as sim:
        yield sim


@pytest.fixture
def sim(exchange_sim: SimProcess) -> Iterator[SimProcess]:
    """The shared exchange, back at the scenario's initial state for every test."""
    assert exchange_sim.control("POST", "/_sim/reset").status_code == 200
    yield exchange_sim
    exchange_sim.control("DELETE", "/_sim/faults")


@pytest.fixture(scope="session")
def custodian_process() -> Iterator[SimProcess]:
    with start_custodian(MINIMAL) as sim:
        yield sim


@pytest.fixture
def custodian(custodian_process: SimProcess) -> Iterator[SimProcess]:
    assert custodian_process.control("POST", "/_sim/reset").status_code == 200
    yield custodian_process
    custodian_process.control("DELETE", "/_sim/faults")


def make_binance(
    base_url: str, key: str = KEY, secret: str = SECRET, **options: Any
) -> ccxt.binance:
    """ccxt's binance exactly as the monitor's connector configures it, pointed at `base_url`."""
    exchange = ccxt.binance(
        {
            "apiKey": key,
            "secret": secret,
            "enableRateLimit": False,  # the simulator's limiter is what we test, not ccxt's
            "timeout": options.pop("timeout", 10_000),
            "options": {"fetchMarkets": ["spot", "linear"], "fetchCurrencies": False},
        }
    )
    exchange.urls["api"] = ccxt_urls(base_url)
    return exchange


@pytest.fixture
def binance(sim: SimProcess) -> ccxt.binance:
    exchange = make_binance(sim.base_url)
    exchange.load_markets()
    return exchange


@pytest.fixture
def binance_factory(sim: SimProcess) -> Callable[..., ccxt.binance]:
    return lambda **kw: make_binance(sim.base_url, **kw)
