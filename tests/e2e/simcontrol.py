"""What the end-to-end tests do to the outside world through the simulators' control API: move
the futures BTC position that the position-limit breaches use, and crash prices."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tests.e2e.stack import Stack

FUTURES_ACCOUNT = "ex1-futures-basis"


def position_of(state: dict[str, Any], account: str, symbol: str) -> float:
    entry = next(a for a in state["accounts"] if a["label"] == account)
    found = [p for p in entry["futures"]["positions"] if p["symbol"] == symbol]
    return float(found[0]["amount"]) if found else 0.0


def futures_btc(stack: Stack) -> float:
    state = stack.sims["exchange-1"].control("GET", "/_sim/state").json()
    return position_of(state, FUTURES_ACCOUNT, "BTCUSDT")


def futures_btc_set(stack: Stack, amount: float) -> None:
    body = {"account": FUTURES_ACCOUNT, "symbol": "BTCUSDT", "amount": str(amount),
            "entry_price": "90000"}  # fmt: skip
    response = stack.sims["exchange-1"].control("POST", "/_sim/positions", body)
    assert response.status_code == 200, response.text


def prices_crash(stack: Stack, symbols: Iterable[str], factor: float = 0.7) -> None:
    """Every symbol's price on both exchanges to ``factor`` of its current path."""
    for name in ("exchange-1", "exchange-2"):
        state = stack.sims[name].control("GET", "/_sim/state").json()
        for symbol in symbols:
            crashed = float(state["prices"][symbol]["path"]) * factor
            response = stack.sims[name].control(
                "POST", "/_sim/prices", {"symbol": symbol, "price": f"{crashed:.2f}"}
            )
            assert response.status_code == 200, response.text
