"""ccxt URL mapping, scenario loading and the harness."""

from __future__ import annotations

from decimal import Decimal

import ccxt
import pytest

from simulators import ccxt_urls
from simulators.harness import DEFAULT_SCENARIO as DEFAULT
from simulators.harness import MINIMAL_SCENARIO as MINIMAL
from simulators.harness import start_exchange
from simulators.scenario import ScenarioError, expand_env, load_scenario


def test_it_maps_every_ccxt_binance_api_group() -> None:
    urls = ccxt_urls("http://127.0.0.1:9101/")
    assert set(urls) >= set(ccxt.binance().urls["api"])
    assert urls["public"] == "http://127.0.0.1:9101/api/v3"
    assert urls["fapiPrivateV3"] == "http://127.0.0.1:9101/fapi/v3"
    assert all(u.startswith("http://127.0.0.1:9101/") for u in urls.values())


def test_it_expands_environment_variables_with_defaults() -> None:
    env = {"SET": "value"}
    assert expand_env("a ${SET} b ${UNSET:-fallback}", env) == "a value b fallback"
    with pytest.raises(ScenarioError, match="UNSET"):
        expand_env("${UNSET}", env)


def test_it_takes_account_secrets_from_the_environment() -> None:
    scenario = load_scenario(DEFAULT, env={"EXCHANGE_1_SPOT_API_SECRET": "from-env"})
    account = scenario.exchange("exchange-1").accounts[0]
    assert (account.api_key, account.api_secret) == ("ex1-spot-key-dev", "from-env")


def test_it_sizes_the_default_fund_inside_the_risk_limits() -> None:
    scenario = load_scenario(DEFAULT, env={})
    net: dict[str, Decimal] = {}
    for exchange in scenario.exchanges.values():
        for account in exchange.accounts:
            for asset, amount in account.spot_balances.items():
                net[asset] = net.get(asset, Decimal(0)) + amount
            for position in account.positions:
                base = position.symbol.removesuffix("USDT")
                net[base] = net.get(base, Decimal(0)) + position.amount
    assert scenario.custodian is not None
    for client in scenario.custodian.clients:
        for rows in (client.master, client.segregated):
            for asset, amount in rows.items():
                net[asset] = net.get(asset, Decimal(0)) + amount
    assert Decimal(0) < net["BTC"] <= 10 and Decimal(0) < net["ETH"] <= 200
    accounts = [a for e in scenario.exchanges.values() for a in e.accounts]
    assert all(a.fills for a in accounts) and len(accounts) == 4


def test_it_refuses_an_unknown_exchange_name() -> None:
    with pytest.raises(RuntimeError, match="exchange-9"):
        start_exchange("exchange-9", MINIMAL)


def test_it_exits_cleanly_on_sigterm() -> None:
    sim = start_exchange("exchange-1", MINIMAL)
    sim.process.terminate()
    assert sim.process.wait(timeout=5) == 0
    sim.stop()
