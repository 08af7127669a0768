"""The venue's trading fees through ccxt's `fetch_trading_fees` / `fetch_trading_fee`, served
from the scenario (default.yaml's exchange-2: spot 0.075%, futures maker 0.02% taker 0.04%, which
differ from ccxt's built-in Binance tiers)."""

from __future__ import annotations

from collections.abc import Iterator

import ccxt
import pytest

from simulators.harness import DEFAULT_SCENARIO, SimProcess, start_exchange
from tests.simulators.conftest import make_binance


@pytest.fixture(scope="module")
def exchange_2() -> Iterator[SimProcess]:
    with start_exchange("exchange-2", DEFAULT_SCENARIO, seed=42) as sim:
        yield sim


def test_it_serves_the_spot_fees_of_every_symbol_to_fetch_trading_fees(
    exchange_2: SimProcess,
) -> None:
    client = make_binance(exchange_2.base_url, "ex2-spot-key-dev", "ex2-spot-secret-dev")

    fees = client.fetch_trading_fees()

    spot = {symbol for symbol, market in client.load_markets().items() if market["spot"]}
    assert set(fees) == spot
    assert {(f["maker"], f["taker"]) for f in fees.values()} == {(0.00075, 0.00075)}


def test_it_serves_one_perpetuals_fees_to_fetch_trading_fee(exchange_2: SimProcess) -> None:
    client = make_binance(exchange_2.base_url, "ex2-futures-key-dev", "ex2-futures-secret-dev")

    fee = client.fetch_trading_fee("BTC/USDT:USDT")

    # ccxt 4.5.90 names the result by the spot market of the same id: read info's symbol
    assert (fee["info"]["symbol"], fee["maker"], fee["taker"]) == ("BTCUSDT", 0.0002, 0.0004)


def test_it_answers_ccxts_linear_fetch_trading_fees_with_fee_tier_zero(
    exchange_2: SimProcess,
) -> None:
    client = make_binance(exchange_2.base_url, "ex2-futures-key-dev", "ex2-futures-secret-dev")

    fees = client.fetch_trading_fees({"type": "future"})

    # ccxt maps feeTier onto its own table (tier 0: 0.02% / 0.05%): why the connector asks
    # commissionRate per perpetual instead
    assert fees["BTC/USDT:USDT"]["info"] == {"feeTier": 0}


def test_it_refuses_a_commission_rate_without_a_symbol(exchange_2: SimProcess) -> None:
    client = make_binance(exchange_2.base_url, "ex2-futures-key-dev", "ex2-futures-secret-dev")

    with pytest.raises(ccxt.ExchangeError, match="-1102"):
        client.fapiprivate_get_commissionrate()
