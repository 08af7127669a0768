"""The request budget is shared by every process: two worker processes against one simulator
with a small weight limit never make it answer 429, and the simulator never sees more weight
than its limit allows."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from apps.venues.connectors.binance import request_weight

from .conftest import clear_wire_state

WORKER = Path(__file__).with_name("ingest_worker.py")
LIMIT = 120


def _plan(base_url: str) -> dict[str, Any]:
    symbols = ("BTCUSDT", "ETHUSDT", "SOLUSDT")
    return {
        "venue_id": 0, "name": "exchange-1", "kind": "exchange", "base_url": base_url,
        "client_id": "", "timeout": 2.0, "retries": 1, "weight_per_minute": LIMIT,
        "breaker_threshold": 1000, "breaker_cooldown": 1.0, "backfill_daily_days": 0,
        "backfill_minute_hours": 0, "backfill_fills_hours": 24, "fills_sweep_seconds": 300,
        "api_key_env": "", "refresh_instruments": False, "candle_cursors": {},
        "watermarks": {},
        "instruments": [
            {"kind": kind, "venue_symbol": s, "base": s[:-4], "quote": "USDT"}
            for kind in ("spot", "perpetual") for s in symbols
        ],
        "accounts": [
            {"account_id": 1, "label": label, "market": label,
             "api_key_env": f"EXCHANGE_1_{label.upper()}_API_KEY",
             "api_secret_env": f"EXCHANGE_1_{label.upper()}_API_SECRET",
             "previous": None, "cursors": {}}
            for label in ("spot", "futures")
        ],
    }  # fmt: skip


SIGNED = {
    "/api/v3/account": "spot", "/api/v3/openOrders": "spot", "/api/v3/myTrades": "spot",
    "/fapi/v3/account": "futures", "/fapi/v3/positionRisk": "futures",
    "/fapi/v1/openOrders": "futures", "/fapi/v1/userTrades": "futures",
}  # fmt: skip
# Our calls name a symbol wherever the endpoint takes one, except the all-symbols mark prices.
WITHOUT_SYMBOL = {"/fapi/v1/premiumIndex", "/api/v3/account", "/fapi/v3/account",
                  "/fapi/v3/positionRisk"}  # fmt: skip


def _weights_seen(state: dict[str, Any]) -> dict[str, int]:
    """Weight the simulator served per budget key: our IP (public), and each API key."""
    per_key: dict[str, int] = {}
    for endpoint, count in state["requests"]["by_endpoint"].items():
        _, path = endpoint.split(" ", 1)
        query = "" if path in WITHOUT_SYMBOL else "?symbol=X"
        key = SIGNED.get(path, "ip")
        per_key[key] = per_key.get(key, 0) + request_weight(f"http://sim{path}{query}") * count
    return per_key


def test_it_keeps_two_processes_inside_one_venue_budget(
    simulators: dict[str, Any], dev_credentials: dict[str, str]
) -> None:
    sim = simulators["exchange-1"]
    sim.control("POST", "/_sim/reset").raise_for_status()
    sim.control("POST", "/_sim/rate_limit", {"weight_per_minute": LIMIT}).raise_for_status()
    clear_wire_state()  # budgets spent by earlier tests in the last minute
    started = time.monotonic()
    try:
        workers = [
            subprocess.Popen(
                [sys.executable, str(WORKER), json.dumps(_plan(sim.base_url)), "3"],
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        outputs = [
            json.loads(w.communicate(timeout=120)[0].strip().splitlines()[-1]) for w in workers
        ]
        state = sim.state()
    finally:
        sim.control("POST", "/_sim/reset").raise_for_status()
    elapsed = time.monotonic() - started

    kinds = {k: sum(o.get(k, 0) for o in outputs) for o in outputs for k in o}
    assert elapsed < 60  # everything fell in one minute window: weights add up directly
    assert kinds.get("rate_limited", 0) == 0, kinds  # the simulator never had to say 429
    assert kinds.get("rate_budget", 0) > 0, kinds  # demand exceeded the budget: we held back
    seen = _weights_seen(state)
    assert set(seen) == {"ip", "spot", "futures"}, (seen, outputs)
    assert all(weight <= LIMIT for weight in seen.values()), seen
