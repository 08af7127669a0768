"""Trading fees: read from the venue with the instruments (the slow schedule), stored on each
instrument, and used for the cost of a hedge. Real simulators (default scenario), real ingest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from apps.marketdata.models import Instrument, Price
from apps.monitoring.cycle import portfolio_cycle_run
from apps.positions.models import Portfolio

pytestmark = pytest.mark.django_db

# simulators/scenarios/default.yaml: (maker, taker) per venue and instrument kind
SCENARIO_FEES = {
    ("exchange-1", "spot"): (Decimal("0.001"), Decimal("0.001")),
    ("exchange-1", "perpetual"): (Decimal("0.0002"), Decimal("0.0005")),
    ("exchange-2", "spot"): (Decimal("0.00075"), Decimal("0.00075")),
    ("exchange-2", "perpetual"): (Decimal("0.0002"), Decimal("0.0004")),
}


def _fees() -> dict[tuple[str, str], set[tuple[Decimal | None, Decimal | None]]]:
    found: dict[tuple[str, str], set[tuple[Decimal | None, Decimal | None]]] = {}
    for i in Instrument.objects.select_related("venue"):
        found.setdefault((i.venue.name, i.kind), set()).add((i.maker_fee, i.taker_fee))
    return found


def _refresh_due() -> None:
    # the instruments (and their fees) are read again once their last read is over an hour old
    Instrument.objects.update(updated_at=datetime.now(tz=UTC) - timedelta(hours=2))


def _requests(sim: Any, endpoint: str) -> int:
    return int(sim.state()["requests"]["by_endpoint"].get(endpoint, 0))


def test_it_stores_every_instruments_fees_as_the_venue_reports_them(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    reports = cycle(1)

    assert all(not r.errors for r in reports), [r.errors for r in reports]
    assert _fees() == {key: {fees} for key, fees in SCENARIO_FEES.items()}


def test_it_reads_the_fees_on_the_instruments_schedule_not_every_cycle(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    cycle(1)
    cycle(2)
    sim = venues["exchange-1"]
    assert _requests(sim, "GET /sapi/v1/asset/tradeFee") == 1
    perpetuals = Instrument.objects.filter(venue__name="exchange-1", kind="perpetual").count()
    assert _requests(sim, "GET /fapi/v1/commissionRate") == perpetuals

    _refresh_due()
    cycle(3)

    assert _requests(sim, "GET /sapi/v1/asset/tradeFee") == 2


def test_it_keeps_the_stored_fees_and_the_instruments_when_the_fee_request_fails(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    cycle(1)
    sim = venues["exchange-1"]
    sim.control(
        "POST", "/_sim/faults", {"kind": "http_500", "endpoint": "/sapi/v1/asset/tradeFee"}
    ).raise_for_status()
    _refresh_due()

    reports = cycle(2)

    assert [r.errors for r in reports if r.venue == "exchange-1"] == [[]]
    assert _fees()[("exchange-1", "spot")] == {SCENARIO_FEES[("exchange-1", "spot")]}


def test_it_costs_a_hedge_with_the_venues_taker_fee_and_half_spread(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    # 20 more BTC long on exchange-2's perpetual: BTC delta 27 against its limit of 15
    venues["exchange-2"].control(
        "POST", "/_sim/positions",
        {"account": "ex2-futures-momentum", "symbol": "BTCUSDT", "amount": "21",
         "entry_price": "90000"},
    ).raise_for_status()  # fmt: skip
    cycle(1)
    portfolio = Portfolio.objects.get()

    figures = portfolio_cycle_run(
        portfolio_id=portfolio.pk, cycle_start=datetime.now(tz=UTC)
    ).figures

    [hedge] = [h for h in figures["hedges"] if h["asset"] == "BTC"]
    assert (hedge["symbol"], hedge["side"]) == ("BTC-USD", "sell")
    # the hedge goes on BTC-USD's history instrument: exchange-1 spot, first in pricing order
    assert figures["inputs"]["history_instruments"]["BTC-USD"] == "exchange-1:spot"
    assert "BTC-USD" not in figures["inputs"]["hedge_fee_unknown"]
    price = Price.objects.get(instrument__venue__name="exchange-1", instrument__kind="spot",
                              instrument__venue_symbol="BTCUSDT")  # fmt: skip
    assert price.bid is not None and price.ask is not None
    half_spread = float((price.ask - price.bid) / (price.ask + price.bid))
    taker = float(SCENARIO_FEES[("exchange-1", "spot")][1])
    assert hedge["est_cost_usd"] == pytest.approx(hedge["notional_usd"] * (taker + half_spread))
    assert hedge["est_cost_usd"] > hedge["notional_usd"] * taker  # the fee is in it
