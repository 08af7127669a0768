"""Real simulator processes (default scenario) and Venue rows pointed at them.

The simulators start once per test run on free ports; each test resets them (state, faults,
request counts) and clears the shared wire state in Redis (breakers, budgets, pauses)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

SCENARIO = Path(__file__).resolve().parents[3] / "simulators" / "scenarios" / "default.yaml"
# The scenario's development defaults (simulators/scenarios/default.yaml), never real keys.
DEV_CREDENTIALS = {
    "EXCHANGE_1_SPOT_API_KEY": "ex1-spot-key-dev",
    "EXCHANGE_1_SPOT_API_SECRET": "ex1-spot-secret-dev",
    "EXCHANGE_1_FUTURES_API_KEY": "ex1-futures-key-dev",
    "EXCHANGE_1_FUTURES_API_SECRET": "ex1-futures-secret-dev",
    "EXCHANGE_2_SPOT_API_KEY": "ex2-spot-key-dev",
    "EXCHANGE_2_SPOT_API_SECRET": "ex2-spot-secret-dev",
    "EXCHANGE_2_FUTURES_API_KEY": "ex2-futures-key-dev",
    "EXCHANGE_2_FUTURES_API_SECRET": "ex2-futures-secret-dev",
    "CUSTODIAN_API_KEY": "dev-custodian-key",
}
BASE_PERIOD = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="session")
def dev_credentials() -> Iterator[dict[str, str]]:
    saved = {k: os.environ.get(k) for k in DEV_CREDENTIALS}
    os.environ.update(DEV_CREDENTIALS)
    yield DEV_CREDENTIALS
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def simulators(dev_credentials: dict[str, str]) -> Iterator[dict[str, Any]]:
    from simulators.harness import start_custodian, start_exchange

    sims = {
        "exchange-1": start_exchange("exchange-1", SCENARIO),
        "exchange-2": start_exchange("exchange-2", SCENARIO),
        "custodian-1": start_custodian(SCENARIO),
    }
    yield sims
    for sim in sims.values():
        sim.stop()


def clear_wire_state() -> None:
    from apps.venues.connectors.store import redis_client, uses_redis

    if uses_redis():
        client = redis_client()
        for key in client.scan_iter("riskmonitor:*"):
            client.delete(key)


@pytest.fixture
def venues(db: None, simulators: dict[str, Any]) -> dict[str, Any]:
    """Venues and accounts loaded from the config, pointed at the simulators, with short
    timeouts and small backfills so that fault tests stay quick."""
    from apps.venues.models import Venue
    from apps.venues.services import venues_sync_from_config
    from riskmonitor.conf import get_config

    for sim in simulators.values():
        sim.control("POST", "/_sim/reset").raise_for_status()
    clear_wire_state()
    venues_sync_from_config(apis=get_config().monitor.external_apis)
    for name, sim in simulators.items():
        Venue.objects.filter(name=name).update(
            base_url=sim.base_url, timeout_seconds=2.0, retry_attempts=1,
            backfill_daily_days=5, backfill_minute_hours=1, backfill_fills_hours=72,
            breaker_threshold=5, breaker_cooldown_seconds=0.5,
        )  # fmt: skip
    yield simulators
    clear_wire_state()


@pytest.fixture
def cycle() -> Callable[[int], list[Any]]:
    """Runs the ingest of every enabled venue for period number ``n`` (distinct periods)."""
    from apps.venues.ingest.cycle import ingest_all

    def run(n: int) -> list[Any]:
        return ingest_all(BASE_PERIOD + timedelta(seconds=5 * n))

    return run


def period(n: int) -> datetime:
    return BASE_PERIOD + timedelta(seconds=5 * n)
