"""The `/_sim/` control API: token, validation (400 with field and reason), state and reset."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from simulators.harness import SimProcess


def test_it_requires_the_control_token(sim: SimProcess) -> None:
    response = requests.get(f"{sim.base_url}/_sim/state", timeout=5)
    assert response.status_code == 401
    assert response.json()["field"] == "X-Sim-Control-Token"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/_sim/balances", {"account": "min-1", "asset": "BTC"}, "free"),
        ("/_sim/balances", {"account": "nobody", "asset": "BTC", "free": "1"}, "account"),
        ("/_sim/balances", {"account": "min-1", "asset": "BTC", "free": "-1"}, "free"),
        ("/_sim/balances", {"account": "min-1", "asset": "BTC", "free": "abc"}, "free"),
        ("/_sim/positions", {"account": "min-1", "symbol": "DOGEUSDT", "amount": "1"}, "symbol"),
        (
            "/_sim/positions",
            {"account": "min-1", "symbol": "BTCUSDT", "amount": "1"},
            "entry_price",
        ),
        ("/_sim/prices", {"symbol": "BTCUSDT", "price": 0}, "price"),
        ("/_sim/prices", {"symbol": "BTCUSDT", "price": "NaN"}, "price"),
        ("/_sim/volatility", {"symbol": "BTCUSDT"}, "annual_vol"),
        ("/_sim/faults", {"kind": "meteor"}, "kind"),
        ("/_sim/faults", {"kind": "http_500", "probability": 2}, "probability"),
        ("/_sim/faults", {"kind": "http_500", "endpoint": "api"}, "endpoint"),
        ("/_sim/faults", [1, 2], "body"),
    ],
)
def test_it_rejects_bad_control_requests_naming_field_and_reason(
    sim: SimProcess, path: str, body: Any, field: str
) -> None:
    response = sim.control("POST", path, body)
    assert response.status_code == 400
    payload = response.json()
    assert payload["field"] == field and payload["reason"]


def test_it_rejects_a_body_that_is_not_json(sim: SimProcess) -> None:
    response = requests.post(
        f"{sim.base_url}/_sim/prices",
        data="{nope",
        timeout=5,
        headers={"X-Sim-Control-Token": sim.token},
    )
    assert response.status_code == 400 and response.json()["field"] == "body"


def test_it_sets_balances_and_positions_and_resets_them(sim: SimProcess) -> None:
    sim.control(
        "POST",
        "/_sim/balances",
        {"account": "min-1", "asset": "SOL", "free": "12.5", "locked": "1"},
    )
    sim.control(
        "POST",
        "/_sim/positions",
        {"account": "min-1", "symbol": "ETHUSDT", "amount": "-3", "entry_price": "3000"},
    )
    sim.control(
        "POST",
        "/_sim/balances",
        {"account": "min-1", "asset": "USDT", "free": "777", "market": "futures"},
    )
    [account] = sim.state()["accounts"]
    assert account["spot_balances"]["SOL"] == {"free": "12.50000000", "locked": "1.00000000"}
    assert {"symbol": "ETHUSDT", "amount": "-3.00000000", "entry_price": "3000.00000000"} in (
        account["futures"]["positions"]
    )
    assert account["futures"]["wallet_balance"] == "777.00000000"
    sim.control("POST", "/_sim/reset")
    [account] = sim.state()["accounts"]
    assert "SOL" not in account["spot_balances"]
    assert account["futures"]["wallet_balance"] == "50000.00000000"


def test_it_reports_full_state(sim: SimProcess) -> None:
    requests.get(f"{sim.base_url}/api/v3/time", timeout=5)
    state = sim.state()
    assert set(state["prices"]) == {"BTCUSDT", "ETHUSDT"}
    assert state["requests"]["by_endpoint"]["GET /api/v3/time"] >= 1
    [account] = state["accounts"]
    assert account["label"] == "min-1" and len(account["fills"]) == 2
    assert "api_secret" not in account
