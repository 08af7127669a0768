"""Liquidation against a real exchange simulator: the plan is built from what a real ingest
stored, sent through ccxt, and the simulator ends flat with no open orders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

import ccxt
import pytest

from apps.alerts.models import Notification
from apps.audit.models import AuditEvent
from apps.breaker.models import LiquidationPlan
from apps.breaker.services import breaker_trip, plan_execute
from apps.positions.models import Portfolio
from apps.venues.ingest.cycle import ingest_venues
from apps.venues.models import Venue
from simulators import ccxt_urls

SPOT, FUTURES = "ex1-spot-treasury", "ex1-futures-basis"
BASE_ASSETS = ("BTC", "ETH", "SOL")
_period = count(1)


def _client(sim: Any, key: str, secret: str) -> ccxt.binance:
    client = ccxt.binance({"apiKey": key, "secret": secret, "enableRateLimit": False,
                           "options": {"fetchMarkets": ["spot", "linear"],
                                       "fetchCurrencies": False}})  # fmt: skip
    client.urls["api"] = ccxt_urls(sim.base_url)
    return client


def _account(sim: Any, label: str) -> dict[str, Any]:
    return next(a for a in sim.state()["accounts"] if a["label"] == label)


def _prepare(sim: Any) -> None:
    """An extra futures position, a resting spot sell and a resting futures buy; then one real
    ingest of exchange-1 stores them as the monitor sees them."""
    sim.control("POST", "/_sim/positions",
                {"account": FUTURES, "symbol": "SOLUSDT", "amount": "100",
                 "entry_price": "150"}).raise_for_status()  # fmt: skip
    spot = _client(sim, "ex1-spot-key-dev", "ex1-spot-secret-dev")
    futures = _client(sim, "ex1-futures-key-dev", "ex1-futures-secret-dev")
    btc = float(spot.fetch_ticker("BTC/USDT")["last"])
    eth = float(futures.fetch_ticker("ETH/USDT:USDT")["last"])
    spot.create_order("BTC/USDT", "limit", "sell", 0.1, round(btc * 2, 2))
    futures.create_order("ETH/USDT:USDT", "limit", "buy", 1, round(eth / 2, 2))
    assert (
        len(_account(sim, SPOT)["open_orders"]) == len(_account(sim, FUTURES)["open_orders"]) == 1
    )
    venue = Venue.objects.get(name="exchange-1")
    period = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=5 * next(_period))
    [report] = ingest_venues([venue.pk], period)
    assert not report.errors, report.errors


def _assert_flat(sim: Any) -> None:
    spot, futures = _account(sim, SPOT), _account(sim, FUTURES)
    assert spot["open_orders"] == [] and futures["open_orders"] == []
    for asset in BASE_ASSETS:
        held = spot["spot_balances"].get(asset, {"free": "0", "locked": "0"})
        assert Decimal(held["free"]) + Decimal(held["locked"]) == 0, (asset, held)
    assert all(Decimal(p["amount"]) == 0 for p in futures["futures"]["positions"])


def _events(event_type: str) -> int:
    return AuditEvent.objects.filter(event_type=event_type).count()


@pytest.mark.django_db
def test_it_liquidates_on_the_simulator_when_auto_liquidate_is_on(
    exchange_1: Any, portfolio: Portfolio, switches: Callable[..., None], eager_tasks: None,
    role_user: Callable[..., Any], django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    switches(auto_liquidate=True)
    _prepare(exchange_1)

    with django_capture_on_commit_callbacks(execute=True):
        outcome = breaker_trip(portfolio_id=portfolio.pk, user=role_user("risk_officer"),
                               reason="rapid loss on exchange-1")  # fmt: skip

    plan = LiquidationPlan.objects.get(pk=outcome.plan_id)
    steps = list(plan.steps.order_by("seq"))
    assert plan.auto and plan.status == "done", [(s, s.last_error) for s in steps]
    assert {s.status for s in steps} == {"done"}
    closes = [s for s in steps if s.kind == "close_position"]
    assert {(s.ccxt_symbol, s.side, s.amount) for s in closes} == {
        ("BTC/USDT:USDT", "buy", Decimal("2.5")), ("ETH/USDT:USDT", "buy", Decimal(35)),
        ("SOL/USDT:USDT", "sell", Decimal(100)), ("BTC/USDT", "sell", Decimal("3.5")),
        ("ETH/USDT", "sell", Decimal(50)), ("SOL/USDT", "sell", Decimal(1200)),
    }  # fmt: skip
    assert all(s.venue_order_id for s in closes)
    _assert_flat(exchange_1)
    assert _events("liquidation_order_placed") == len(closes) == 6
    assert _events("liquidation_orders_cancelled") == len(steps) - len(closes) == 2
    assert _events("liquidation_plan_finished") == 1
    fills = [len(a["fills"]) for a in exchange_1.state()["accounts"]]
    assert plan_execute(plan_id=plan.pk).status == "done"  # a redelivered task sends nothing
    assert [len(a["fills"]) for a in exchange_1.state()["accounts"]] == fills


@pytest.mark.django_db
def test_it_leaves_a_failing_step_failed_after_retries_and_reports_it(
    exchange_1: Any, portfolio: Portfolio, switches: Callable[..., None], eager_tasks: None,
    role_user: Callable[..., Any], django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    switches(auto_liquidate=True)
    _prepare(exchange_1)
    exchange_1.control(
        "POST", "/_sim/faults", {"kind": "http_500", "endpoint": "/fapi/v1/order"}
    ).raise_for_status()

    with django_capture_on_commit_callbacks(execute=True):
        outcome = breaker_trip(portfolio_id=portfolio.pk, user=role_user("risk_officer"),
                               reason="test")  # fmt: skip

    plan = LiquidationPlan.objects.get(pk=outcome.plan_id)
    failed = list(plan.steps.filter(status="failed"))
    assert plan.status == "partially_failed"
    assert {s.ccxt_symbol for s in failed} == {"BTC/USDT:USDT", "ETH/USDT:USDT", "SOL/USDT:USDT"}
    assert all(s.attempts == 3 and "ExchangeNotAvailable" in s.last_error for s in failed)
    assert set(plan.steps.exclude(status="failed").values_list("status", flat=True)) == {"done"}
    futures = _account(exchange_1, FUTURES)
    assert {p["symbol"] for p in futures["futures"]["positions"] if Decimal(p["amount"])} == {
        "BTCUSDT",
        "ETHUSDT",
        "SOLUSDT",
    }
    assert futures["open_orders"] == []  # the cancel went through another endpoint
    assert _events("liquidation_order_failed") == 3
    finished = AuditEvent.objects.get(event_type="liquidation_plan_finished")
    assert finished.level == "error" and len(finished.payload["failures"]) == 3
    reported = Notification.objects.filter(event="liquidation_failed")
    assert reported.exists() and {n.severity for n in reported} == {"critical"}


@pytest.mark.django_db
def test_it_sends_nothing_until_a_risk_officer_approves(
    exchange_1: Any, portfolio: Portfolio, switches: Callable[..., None], eager_tasks: None,
    api_client_for: Callable[[str], Any], django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    _prepare(exchange_1)
    before = exchange_1.state()["accounts"]
    officer = api_client_for("risk_officer")
    url = "/api/v1/emergency/circuit-breaker"

    with django_capture_on_commit_callbacks(execute=True):
        officer.post(url, {"action": "trip", "reason": "drawdown"}, format="json")

    plan = LiquidationPlan.objects.get()
    assert plan.status == "proposed"
    assert set(plan.steps.values_list("status", flat=True)) == {"pending"}
    after = exchange_1.state()["accounts"]
    assert [a["open_orders"] for a in after] == [a["open_orders"] for a in before]
    assert [a["futures"]["positions"] for a in after] == [a["futures"]["positions"] for a in before]

    with django_capture_on_commit_callbacks(execute=True):
        approved = officer.post(f"/api/v1/emergency/liquidation-plans/{plan.pk}/approve")

    assert approved.status_code == 200
    plan.refresh_from_db()
    assert plan.status == "done" and plan.approved_by is not None
    _assert_flat(exchange_1)
