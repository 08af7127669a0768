"""Issue acceptance, end to end: a price crash through the simulators opens the circuit breaker,
and with auto-liquidation on, the exchanges end flat with no open orders. A risk officer then
resets it. (Recovery after recovery_time_minutes is shown with time moved, in
tests/apps/breaker.)"""

from __future__ import annotations

import ccxt
import psycopg
import pytest

from apps.venues.connectors.binance import CCXT_OPTIONS, ccxt_urls
from tests.e2e.simcontrol import prices_crash
from tests.e2e.stack import DEV_ENV, running_stack, wait_until

pytestmark = pytest.mark.e2e

DB = "riskmonitor_e2e_breaker"
SYMBOLS = ("BTCUSDT", "ETHUSDT", "SOLUSDT")
STABLE = {"USDT", "USDC", "FDUSD"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("breaker")
    with running_stack(
        tmp,
        database=DB,
        redis_db=12,
        env={"RISK_CHECK_INTERVAL_SECONDS": "2", "CIRCUIT_BREAKER_AUTO_LIQUIDATE": "true"},
    ) as running:
        yield running


def _futures_client(stack) -> ccxt.binance:
    return ccxt.binance(
        {
            "apiKey": DEV_ENV["EXCHANGE_1_FUTURES_API_KEY"],
            "secret": DEV_ENV["EXCHANGE_1_FUTURES_API_SECRET"],
            "urls": {"api": ccxt_urls(stack.sims["exchange-1"].base_url)},
            "options": dict(CCXT_OPTIONS),
            "enableRateLimit": False,
            "timeout": 10000,
        }
    )


def _snapshot_id(officer, stack) -> int:
    response = officer.get(f"{stack.web_url}/api/v1/risk/status", timeout=10)
    return int(response.json()["snapshot_id"]) if response.status_code == 200 else 0


def _exposure_left(stack) -> list[str]:
    left = []
    for name in ("exchange-1", "exchange-2"):
        state = stack.sims[name].control("GET", "/_sim/state").json()
        for account in state["accounts"]:
            left += [
                f"{name}:{account['label']}:{p['symbol']}"
                for p in account["futures"]["positions"]
                if float(p["amount"]) != 0
            ]
            left += [
                f"{name}:{account['label']}:order:{o['symbol']}" for o in account["open_orders"]
            ]
            left += [
                f"{name}:{account['label']}:{asset}"
                for asset, b in account["spot_balances"].items()
                if asset not in STABLE and _worth(state, asset, b) > 50
            ]
    return left


def _worth(state, asset: str, balance: dict) -> float:
    price = float(state["prices"].get(f"{asset}USDT", {}).get("spot_last", 0))
    return (float(balance["free"]) + float(balance["locked"])) * price


def test_it_opens_on_a_crash_and_flattens_the_book(stack):
    officer = stack.api(stack.token_for("oscar", "risk_officer"))
    first = wait_until(lambda: _snapshot_id(officer, stack), 90, what="a first snapshot")
    client = _futures_client(stack)
    client.load_markets()
    mark = float(client.fetch_ticker("BTC/USDT:USDT")["last"])
    client.create_order("BTC/USDT:USDT", "limit", "buy", 0.01, round(mark * 0.5, 1))
    # Two more cycles: the resting order is now in a stored snapshot.
    wait_until(lambda: _snapshot_id(officer, stack) >= first + 2, 60, what="two more cycles")
    assert _exposure_left(stack)  # the default fund holds positions and now an order

    prices_crash(stack, SYMBOLS)

    breaker_url = f"{stack.web_url}/api/v1/emergency/circuit-breaker"
    opened = wait_until(
        lambda: (b := officer.get(breaker_url, timeout=10).json())["state"] == "open" and b,
        60,
        what="the breaker to open",
    )
    assert opened["reason"] in {"portfolio_loss_limit", "rapid_drawdown", "critical_alert_cascade"}
    wait_until(lambda: not _exposure_left(stack), 90, what="the book to be flat")
    plan = wait_until(
        lambda: (
            (p := officer.get(breaker_url, timeout=10).json()["plan"])
            and p["status"] in {"done", "partially_failed", "failed"}
            and p
        ),
        60,
        what="the plan to finish",
    )
    assert plan["status"] == "done", plan

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DB}") as conn:
        events = {row[0] for row in conn.execute("SELECT event_type FROM audit_auditevent")}
    assert {"circuit_breaker_tripped", "liquidation_order_placed"} <= events

    response = officer.post(
        breaker_url, json={"action": "reset", "reason": "book is flat"}, timeout=10
    )
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "closed"
