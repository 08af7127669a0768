"""Start-of-day equity across a simulated midnight, against the simulators over real HTTP.

The simulators are served from this process (threads, real sockets, ccxt as the client), so
that time-machine moves their clock with ours: their fills, transfers and candles are stamped
on the same side of the simulated 00:00 UTC as our cycles. Their prices are held still (a
volatility of 1e-9 a year after a jump to round prices), so that an equity valued just
before midnight and one valued at 00:00 can be compared to the cent.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import ccxt
import pytest
import requests
import time_machine
from django.utils import timezone

from apps.limits.evaluation import LimitSpec, limits_evaluate
from apps.marketdata.models import Candle
from apps.monitoring.cycle import portfolio_cycle_run
from apps.positions.models import Fill, Portfolio
from apps.risk.evaluation.config import risk_settings
from apps.risk.evaluation.load_context import LoadContext
from apps.risk.evaluation.start_of_day import (
    PRICE_MISSING,
    RECONSTRUCTED,
    VENUE_MARK_MISSING,
    reconstruct_start_of_day,
)
from apps.risk.models import RiskSnapshot
from apps.risk.selectors import sources
from simulators import ccxt_urls
from simulators.control import TOKEN_HEADER, control_token
from simulators.custodian.app import CustodianApp
from simulators.exchange.app import ExchangeApp
from simulators.exchange.venue import Venue as SimVenue
from simulators.scenario import load_scenario
from simulators.server import make_server
from tests.apps.venues.conftest import DEV_CREDENTIALS

pytestmark = pytest.mark.django_db

SCENARIO = Path(__file__).resolve().parents[3] / "simulators" / "scenarios" / "default.yaml"
CREDENTIALS = DEV_CREDENTIALS  # the simulators' development keys, never real ones
MIDNIGHT = datetime(2026, 12, 2, tzinfo=UTC)
# Every symbol the default scenario holds (its BNB and XRP perpetuals too), at prices whose
# perpetual prices on both venues (basis +3 and -2 bps) fall on the tick: a perpetual's candle
# is printed on the tick, its venue mark with more decimals, and at these prices they agree.
CALM = {"BTCUSDT": "100000", "ETHUSDT": "2500", "SOLUSDT": "150", "BNBUSDT": "900",
        "XRPUSDT": "2"}  # fmt: skip
CENT = 0.005  # "to the cent": within half a cent


@dataclass
class Sim:
    name: str
    base_url: str

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = requests.request(
            method, self.base_url + path, json=body, headers={TOKEN_HEADER: control_token()},
            timeout=10,
        )  # fmt: skip
        response.raise_for_status()
        return response.json()

    def trader(self, key: str) -> ccxt.binance:
        client = ccxt.binance({
            "apiKey": CREDENTIALS[f"{key}_API_KEY"], "secret": CREDENTIALS[f"{key}_API_SECRET"],
            "enableRateLimit": False,
            "options": {"fetchMarkets": ["spot", "linear"], "fetchCurrencies": False},
        })  # fmt: skip
        client.urls["api"] = ccxt_urls(self.base_url)
        return client


@dataclass
class Stack:
    clock: Any  # time_machine's traveller
    sims: dict[str, Sim]
    portfolio: Portfolio
    cycles: int = 0

    def at(self, moment: datetime) -> None:
        self.clock.move_to(moment)

    def cycle(self) -> RiskSnapshot:
        """One ingest of every venue, then the portfolio's evaluation, at the clock's now."""
        from apps.venues.ingest.cycle import ingest_all

        ingest_all(timezone.now().replace(microsecond=0))
        return self.evaluate()

    def evaluate(self) -> RiskSnapshot:
        self.cycles += 1
        start = timezone.now() + timedelta(microseconds=self.cycles)  # a distinct cycle each
        return portfolio_cycle_run(portfolio_id=self.portfolio.pk, cycle_start=start)


def _serve(app: Any) -> tuple[str, Any]:
    server = make_server(app, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()  # fmt: skip
    return f"http://127.0.0.1:{server.server_address[1]}", server


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    from apps.positions.services import portfolio_default
    from apps.venues.models import Venue
    from apps.venues.services import venues_sync_from_config
    from riskmonitor.conf import get_config
    from tests.apps.venues.conftest import clear_wire_state

    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    scenario = load_scenario(SCENARIO)
    with time_machine.travel(MIDNIGHT - timedelta(minutes=10), tick=True) as clock:
        apps: dict[str, Any] = {
            name: ExchangeApp(SimVenue(scenario, name, 42)) for name in ("exchange-1", "exchange-2")
        }
        assert scenario.custodian is not None
        apps["custodian-1"] = CustodianApp(scenario.custodian, 42)
        served = {name: _serve(app) for name, app in apps.items()}
        try:
            clear_wire_state()
            venues_sync_from_config(apis=get_config().monitor.external_apis)
            for name, (url, _) in served.items():
                Venue.objects.filter(name=name).update(
                    base_url=url, timeout_seconds=5.0, retry_attempts=1, backfill_daily_days=3,
                    backfill_minute_hours=1, backfill_fills_hours=72,
                )  # fmt: skip
            sims = {name: Sim(name, url) for name, (url, _) in served.items()}
            for name in ("exchange-1", "exchange-2"):
                for symbol, price in CALM.items():
                    sims[name].control(
                        "POST", "/_sim/volatility", {"symbol": symbol, "annual_vol": "0.000000001"}
                    )
                    sims[name].control("POST", "/_sim/prices", {"symbol": symbol, "price": price})
            yield Stack(clock, sims, portfolio_default())
        finally:
            for _, server in served.values():
                server.shutdown()
                server.server_close()
            clear_wire_state()


def _trade_after_midnight(stack: Stack) -> None:
    """Spot and futures trades of every kind (increase, reduce, flip) and two transfers."""
    ex1, ex2 = stack.sims["exchange-1"], stack.sims["exchange-2"]
    ex1.trader("EXCHANGE_1_SPOT").create_order("BTC/USDT", "market", "buy", 0.5)
    ex2.trader("EXCHANGE_2_SPOT").create_order("ETH/USDT", "market", "sell", 5)
    basis = ex1.trader("EXCHANGE_1_FUTURES")
    basis.create_order("BTC/USDT:USDT", "market", "buy", 1.0)  # reduces a -2.5 short
    momentum = ex2.trader("EXCHANGE_2_FUTURES")
    momentum.create_order("BTC/USDT:USDT", "market", "buy", 0.5)  # adds to a 1.0 long
    momentum.create_order("ETH/USDT:USDT", "market", "sell", 30)  # flips a 20 long to -10
    momentum.create_order("SOL/USDT:USDT", "market", "sell", 1000)  # reduces a 5000 long
    custodian = stack.sims["custodian-1"]
    for direction, asset, amount in (("deposit", "USDC", "250000"), ("withdrawal", "BTC", "0.2")):
        custodian.control("POST", "/_sim/transfers", {
            "client_id": "fund-1", "asset": asset, "amount": amount, "direction": direction,
            "counterparty": "bank-1",
        })  # fmt: skip


def _venue_mark(sim: Sim, venue_symbol: str) -> float:
    """The mark price the venue's margin engine uses for a perpetual, from its premium index."""
    public = sim.trader("EXCHANGE_1_FUTURES")  # a public endpoint: any client will do
    return float(public.fapipublic_get_premiumindex({"symbol": venue_symbol})["markPrice"])


def _reconstruction_now(portfolio: Portfolio) -> Any:
    """The reconstruction from the latest stored state (what a first start would compute)."""
    settings = risk_settings()
    now = timezone.now()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    ctx = LoadContext(settings=settings, as_of=now, day_start=day_start)
    accounts = sources.portfolio_accounts(portfolio.pk)
    snapshots = [a.snapshot_id for a in accounts if a.snapshot_id is not None]
    return reconstruct_start_of_day(
        accounts=accounts, balances=sources.balance_lines(snapshots), day_start=day_start,
        settings=settings, canonical=ctx.canonical,
        instrument_ids=sources.latest_prices().instrument_id,
    )  # fmt: skip


def test_it_reconstructs_the_stored_midnight_equity_to_the_cent(stack: Stack) -> None:
    stack.at(MIDNIGHT - timedelta(seconds=40))
    stack.cycle()
    stack.at(MIDNIGHT - timedelta(seconds=10))
    mark = stack.cycle()
    stack.at(MIDNIGHT + timedelta(seconds=30))
    _trade_after_midnight(stack)
    stack.at(MIDNIGHT + timedelta(seconds=90))  # the 00:00 minute candle has closed

    after = stack.cycle()

    today = Fill.objects.filter(timestamp__gt=MIDNIGHT)
    assert today.count() == 6 and all(f.fee > 0 for f in today)
    assert today.filter(market="linear").exclude(realized_pnl=0).count() == 3
    assert after.figures["pnl"]["start_of_day_source"] == "stored"
    assert after.figures["pnl"]["equity_start_of_day"] == pytest.approx(mark.equity, abs=1e-9)
    assert mark.equity_complete and after.equity_complete
    rebuilt = _reconstruction_now(stack.portfolio)
    assert rebuilt.source == RECONSTRUCTED and rebuilt.reason is None
    # Fees are unwound with their fill, so nothing is left over; the prices did not move.
    assert rebuilt.equity == pytest.approx(mark.equity, abs=CENT)


def test_it_reports_a_daily_pnl_from_the_first_cycle_after_a_first_start(stack: Stack) -> None:
    stack.at(MIDNIGHT + timedelta(seconds=30))
    _trade_after_midnight(stack)
    stack.at(MIDNIGHT + timedelta(seconds=90))

    first = stack.cycle()

    assert not RiskSnapshot.objects.filter(as_of__lte=MIDNIGHT).exists()
    pnl = first.figures["pnl"]
    assert pnl["start_of_day_source"] == "reconstructed"
    assert first.daily_pnl is not None
    assert pnl["start_of_day_timestamp"] == MIDNIGHT.timestamp()
    assert "no_start_of_day_equity" not in first.flags
    # Prices held still, so the day's P&L is the trades' own: each fill's price against the
    # mark it is valued at (a spot fill the headline mark; a perpetual fill the mark of its
    # own venue, read from that venue, also for a position closed today), less its fee;
    # transfers netted out.
    headline = {name: row["mark"] for name, row in first.figures["symbols"].items()}

    def valued_at(fill: Fill) -> float:
        if fill.market == "spot":
            return float(headline[fill.symbol])
        return _venue_mark(stack.sims[fill.venue.name], fill.venue_symbol)

    expected = sum(
        (1.0 if f.side == "buy" else -1.0) * float(f.amount) * (valued_at(f) - float(f.price))
        - float(f.fee)
        for f in Fill.objects.filter(timestamp__gt=MIDNIGHT).select_related("venue")
    )
    assert first.daily_pnl == pytest.approx(expected, abs=CENT)
    assert pnl["transfers_today"] == pytest.approx(250_000.0 - 0.2 * 100_000.0, rel=1e-9)
    # and the daily-loss limit reads it from this first cycle on
    spec = LimitSpec(1, "pnl_limits.daily_loss", "daily_loss", "portfolio", 100.0)
    readings = limits_evaluate(limits=[spec], figures=first.figures, thresholds={"low": 0.5})
    assert [r.current for r in readings] == [pytest.approx(-first.daily_pnl)]
    assert readings[0].utilization > 1.0


def test_it_shows_the_source_in_status_and_pnl_endpoints(stack: Stack, api_client_for: Any) -> None:
    stack.at(MIDNIGHT + timedelta(seconds=90))
    stack.cycle()
    client = api_client_for("trader")

    status = client.get("/api/v1/risk/status").json()
    pnl = client.get("/api/v1/portfolio/pnl").json()

    assert status["pnl"]["start_of_day_source"] == "reconstructed"
    assert status["pnl"]["daily_pnl"] is not None
    assert pnl["start_of_day_source"] == "reconstructed"


def test_it_leaves_daily_pnl_null_naming_the_missing_price(stack: Stack) -> None:
    stack.at(MIDNIGHT + timedelta(seconds=90))
    stack.cycle()
    Candle.objects.filter(open_time=MIDNIGHT, instrument__base="SOL").delete()

    later = stack.evaluate()

    assert later.daily_pnl is None
    assert later.figures["pnl"]["start_of_day_source"] is None
    assert PRICE_MISSING in later.flags and "no_start_of_day_equity" in later.flags
    assert _reconstruction_now(stack.portfolio).reason == PRICE_MISSING


def test_it_values_a_perpetual_at_the_headline_flagged_without_its_venue_candle(
    stack: Stack,
) -> None:
    stack.at(MIDNIGHT + timedelta(seconds=90))
    stack.cycle()
    own = _reconstruction_now(stack.portfolio)
    Candle.objects.filter(
        open_time=MIDNIGHT, instrument__kind="perpetual", instrument__venue__name="exchange-2"
    ).delete()

    later = stack.evaluate()

    fallback = _reconstruction_now(stack.portfolio)
    assert own.reason is None and fallback.reason == VENUE_MARK_MISSING
    assert fallback.equity is not None and own.equity is not None
    # exchange-2's perpetuals trade 2 bps under spot: its longs are worth more at the headline
    assert fallback.equity > own.equity
    assert later.figures["pnl"]["start_of_day_source"] == "reconstructed"
    assert later.daily_pnl is not None and VENUE_MARK_MISSING in later.flags


def test_it_prefers_the_minute_candle_and_falls_back_to_the_daily_open(stack: Stack) -> None:
    stack.at(MIDNIGHT + timedelta(seconds=90))
    stack.cycle()
    minute = _reconstruction_now(stack.portfolio).equity
    opening = Candle.objects.filter(open_time=MIDNIGHT, interval="1m")
    for candle in opening:
        Candle.objects.create(
            instrument=candle.instrument, interval="1d", open_time=MIDNIGHT,
            open=candle.open * 2, high=candle.open * 2, low=candle.open * 2,
            close=candle.open * 2, volume=Decimal(1),
        )  # fmt: skip
    assert _reconstruction_now(stack.portfolio).equity == minute

    opening.delete()

    assert _reconstruction_now(stack.portfolio).equity != pytest.approx(minute, rel=1e-3)


def test_it_reconstructs_after_downtime_across_midnight(stack: Stack) -> None:
    stack.at(MIDNIGHT - timedelta(minutes=8))  # older than the staleness limit (5 min)
    old = stack.cycle()
    stack.at(MIDNIGHT + timedelta(seconds=30))
    _trade_after_midnight(stack)
    stack.at(MIDNIGHT + timedelta(minutes=2))

    back = stack.cycle()

    pnl = back.figures["pnl"]
    assert pnl["start_of_day_source"] == "reconstructed"
    # nothing traded between the old snapshot and 00:00, and the prices held still
    assert pnl["equity_start_of_day"] == pytest.approx(old.equity, abs=CENT)


def test_it_keeps_an_old_stored_mark_flagged_when_the_reconstruction_has_no_price(
    stack: Stack,
) -> None:
    stack.at(MIDNIGHT - timedelta(minutes=8))
    old = stack.cycle()
    stack.at(MIDNIGHT + timedelta(minutes=2))
    stack.cycle()
    Candle.objects.filter(open_time=MIDNIGHT).delete()

    back = stack.evaluate()

    assert back.figures["pnl"]["start_of_day_source"] == "stored"
    assert back.figures["pnl"]["equity_start_of_day"] == old.equity
    assert "start_of_day_mark_old" in back.flags
