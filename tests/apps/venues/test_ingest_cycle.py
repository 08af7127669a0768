"""One cycle against the default scenario stores what the simulators hold, to the cent."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import requests

from apps.marketdata.models import Candle, Instrument, Price
from apps.positions.models import AccountSnapshot, Fill, FillCursor, Settlement, Transfer
from apps.venues.models import Account, Quarantine

CENT = Decimal("0.01")
# config label -> simulator account label (the simulators know accounts by their API keys)
SIM_LABEL = {
    ("exchange-1", "spot"): "ex1-spot-treasury",
    ("exchange-1", "futures"): "ex1-futures-basis",
    ("exchange-2", "spot"): "ex2-spot-basis",
    ("exchange-2", "futures"): "ex2-futures-momentum",
}


def _sim_account(state: dict[str, Any], label: str) -> dict[str, Any]:
    return next(a for a in state["accounts"] if a["label"] == label)


def _latest(account: Account) -> AccountSnapshot:
    return AccountSnapshot.objects.filter(account=account).latest()


def _cents(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


@pytest.mark.django_db
def test_it_stores_every_accounts_state_as_the_simulators_hold_it(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    reports = cycle(1)

    assert all(not r.errors for r in reports), [r.errors for r in reports]
    assert not Quarantine.objects.exists()
    for (venue, label), sim_label in SIM_LABEL.items():
        state = _sim_account(venues[venue].state(), sim_label)
        snapshot = _latest(Account.objects.get(venue__name=venue, label=label))
        if label == "spot":
            held = {b.asset: (_cents(b.free), _cents(b.locked)) for b in snapshot.balances.all()}
            expected = {
                asset: (_cents(b["free"]), _cents(b["locked"]))
                for asset, b in state["spot_balances"].items()
                if Decimal(b["free"]) or Decimal(b["locked"])
            }
            assert held == expected
        else:
            wallet = snapshot.balances.get(wallet="futures", asset="USDT")
            assert _cents(wallet.total) == _cents(state["futures"]["wallet_balance"])
            positions = {p.venue_symbol: (p.size, p.entry_price) for p in snapshot.positions.all()}
            assert positions == {
                p["symbol"]: (Decimal(p["amount"]), Decimal(p["entry_price"]))
                for p in state["futures"]["positions"]
            }
            assert {p.symbol for p in snapshot.positions.all()} <= {
                "BTC-USD",
                "ETH-USD",
                "SOL-USD",
                "BNB-USD",
                "XRP-USD",
            }
        assert snapshot.orders.count() == len(state["open_orders"])
        fills = Fill.objects.filter(account=snapshot.account)
        assert sorted(f.trade_id for f in fills) == sorted(str(f["id"]) for f in state["fills"])
        for f in state["fills"]:
            stored = fills.get(trade_id=str(f["id"]))
            assert (stored.price, stored.amount, stored.fee) == (
                Decimal(f["price"]),
                Decimal(f["qty"]),
                Decimal(f["commission"]),
            )


@pytest.mark.django_db
def test_it_stores_custodian_balances_settlements_and_transfers(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    cycle(1)

    state = venues["custodian-1"].state()
    snapshot = _latest(Account.objects.get(venue__name="custodian-1"))
    held = {(b.wallet, b.asset): b.total for b in snapshot.balances.all()}
    expected = {
        (kind, asset): Decimal(amount)
        for kind, rows in state["clients"]["fund-1"].items()
        for asset, amount in rows.items()
    }
    assert held == expected
    assert {s.settlement_id: s.status for s in Settlement.objects.all()} == {
        s["id"]: s["status"] for s in state["settlements"]
    }
    assert sorted(Transfer.objects.values_list("transfer_id", flat=True)) == sorted(
        t["id"] for t in state["transfers"]
    )


@pytest.mark.django_db
def test_it_stores_prices_and_closed_candles_of_every_instrument(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    cycle(1)

    state = venues["exchange-1"].state()
    instruments = Instrument.objects.filter(venue__name="exchange-1")
    assert {(i.kind, i.venue_symbol, i.symbol) for i in instruments} == {
        (kind, f"{base}USDT", f"{base}-USD")
        for kind in ("spot", "perpetual")
        for base in ("BTC", "ETH", "SOL", "BNB", "XRP")
    }
    for symbol, sim in state["prices"].items():
        spot = Price.objects.get(
            instrument__venue__name="exchange-1",
            instrument__kind="spot",
            instrument__venue_symbol=symbol,
        )
        perp = Price.objects.get(
            instrument__venue__name="exchange-1",
            instrument__kind="perpetual",
            instrument__venue_symbol=symbol,
        )
        # Prices move between our read and the state call: equal within a few basis points.
        assert abs(spot.last / Decimal(sim["spot_last"]) - 1) < Decimal("0.002")
        assert perp.mark is not None
        assert abs(perp.mark / Decimal(sim["futures_mark"]) - 1) < Decimal("0.002")
        assert spot.bid is not None and spot.ask is not None and spot.bid < spot.ask
    btc = instruments.get(kind="spot", venue_symbol="BTCUSDT")
    daily = list(Candle.objects.filter(instrument=btc, interval="1d").order_by("open_time"))
    assert 4 <= len(daily) <= 5
    klines = requests.get(
        venues["exchange-1"].base_url + "/api/v3/klines",
        params={"symbol": "BTCUSDT", "interval": "1d", "limit": 10}, timeout=5,
    ).json()  # fmt: skip
    closes = {datetime.fromtimestamp(k[0] / 1000, tz=UTC): Decimal(k[4]) for k in klines}
    for candle in daily:
        assert candle.close == closes[candle.open_time]
    assert Candle.objects.filter(instrument=btc, interval="1m").count() >= 58


@pytest.mark.django_db
def test_it_stores_one_snapshot_and_no_fill_twice_when_a_period_runs_twice(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    cycle(1)
    fills, snapshots = Fill.objects.count(), AccountSnapshot.objects.count()
    candles = Candle.objects.count()

    cycle(1)

    assert AccountSnapshot.objects.count() == snapshots == 5
    assert Fill.objects.count() == fills > 0
    assert Candle.objects.count() == candles


@pytest.mark.django_db
def test_it_reads_a_new_fill_in_the_next_cycle(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    import ccxt

    from apps.venues.connectors.binance import ccxt_urls

    cycle(1)
    trader = ccxt.binance(
        {
            "apiKey": "ex1-spot-key-dev",
            "secret": "ex1-spot-secret-dev",
            "options": {"fetchMarkets": ["spot"], "fetchCurrencies": False},
        }
    )
    trader.urls["api"] = ccxt_urls(venues["exchange-1"].base_url)
    trader.create_order("BTC/USDT", "market", "buy", 0.01)

    cycle(2)

    account = Account.objects.get(venue__name="exchange-1", label="spot")
    sim_fills = _sim_account(venues["exchange-1"].state(), "ex1-spot-treasury")["fills"]
    assert Fill.objects.filter(account=account).count() == len(sim_fills) == 4
    assert FillCursor.objects.filter(account=account, venue_symbol="BTCUSDT").exists()


@pytest.mark.django_db
def test_it_asks_for_all_symbols_at_once_when_the_budget_allows(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    from apps.venues.models import Venue

    Venue.objects.filter(name="exchange-1").update(weight_per_minute=6000)
    cycle(1)
    venues["exchange-1"].control("POST", "/_sim/reset").raise_for_status()

    reports = cycle(2)

    assert all(not r.errors for r in reports)
    requests_seen = venues["exchange-1"].state()["requests"]["by_endpoint"]
    assert requests_seen["GET /api/v3/ticker/24hr"] == 1
    assert requests_seen["GET /api/v3/openOrders"] == 1
    assert Price.objects.filter(instrument__venue__name="exchange-1").count() == 10


@pytest.mark.django_db
def test_it_reads_settlements_only_every_settlement_check_interval(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    from apps.venues.models import DataSourceStatus, Venue

    assert Venue.objects.get(name="custodian-1").settlement_check_minutes == 60  # the config's
    source = "custodian-1:fund-1:settlements"
    cycle(1)
    first = DataSourceStatus.objects.get(source=source).last_success_at
    assert Settlement.objects.exists()

    reports = cycle(2)  # within the hour: balances and transfers only
    assert all(not r.errors for r in reports), [r.errors for r in reports]
    assert DataSourceStatus.objects.get(source=source).last_success_at == first
    snapshots = AccountSnapshot.objects.filter(account__venue__name="custodian-1")
    assert snapshots.count() == 2  # the custody snapshot is still stored every cycle

    assert first is not None
    DataSourceStatus.objects.filter(source=source).update(
        last_success_at=first - timedelta(minutes=61)
    )
    cycle(3)
    assert DataSourceStatus.objects.get(source=source).last_success_at > first


@pytest.mark.django_db
def test_one_venues_bad_write_loses_nothing_of_the_others(venues: dict[str, Any]) -> None:
    """The batch of a cycle is rolled back and each venue stored on its own: the exchange
    whose balance breaks a database rule (past validation) stores nothing, the others all."""
    from concurrent.futures import Future

    from apps.venues.ingest.cycle import _pull, _record
    from apps.venues.ingest.plan import venue_plans
    from apps.venues.models import Venue
    from riskmonitor.lib.venue_rows import BalanceRow

    from .conftest import period

    plans = venue_plans(list(Venue.objects.all()), period(1), int(time.time() * 1000))
    futures: dict[Future[Any], Any] = {}
    for plan in plans:
        harvest = _pull(plan)
        if plan.name == "exchange-2":
            for outcome in harvest.outcomes:
                if outcome.endpoint == "balances" and outcome.pulled is not None:
                    outcome.pulled.rows[0] = BalanceRow("spot", "USDT", Decimal(-1), Decimal(0))
        done: Future[Any] = Future()
        done.set_result(harvest)
        futures[done] = plan

    reports = {r.venue: r for r in _record(futures)}

    assert reports["exchange-2"].errors == ["exchange-2: internal error"]
    assert not AccountSnapshot.objects.filter(account__venue__name="exchange-2").exists()
    assert not Price.objects.filter(instrument__venue__name="exchange-2").exists()
    for name in ("exchange-1", "custodian-1"):
        assert not reports[name].errors
        stored = AccountSnapshot.objects.filter(account__venue__name=name).count()
        assert stored == Account.objects.filter(venue__name=name).count() == reports[name].snapshots
