"""Fixtures of the breaker tests: the default portfolio, Celery run in-process, the breaker's
switches, and a real exchange simulator (default scenario) that ``exchange-1`` points at."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from apps.positions.models import Portfolio

SCENARIO = Path(__file__).resolve().parents[3] / "simulators" / "scenarios" / "default.yaml"
# The scenario's development defaults (simulators/scenarios/default.yaml), never real keys.
DEV_CREDENTIALS = {
    "EXCHANGE_1_SPOT_API_KEY": "ex1-spot-key-dev",
    "EXCHANGE_1_SPOT_API_SECRET": "ex1-spot-secret-dev",
    "EXCHANGE_1_FUTURES_API_KEY": "ex1-futures-key-dev",
    "EXCHANGE_1_FUTURES_API_SECRET": "ex1-futures-secret-dev",
}


@pytest.fixture
def portfolio(db: None) -> Portfolio:
    from apps.positions.services import portfolio_default

    return portfolio_default()


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Tasks queued after commit run at once, in this process (as in embedded mode)."""
    from riskmonitor.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def switches(settings: Any) -> Callable[..., None]:
    """``switches(enabled=..., auto_liquidate=...)`` sets the two environment switches."""

    def set_(*, enabled: bool = True, auto_liquidate: bool = False) -> None:
        settings.RISK_MONITOR = {
            **settings.RISK_MONITOR, "CIRCUIT_BREAKER_ENABLED": enabled,
            "CIRCUIT_BREAKER_AUTO_LIQUIDATE": auto_liquidate,
        }  # fmt: skip

    set_()
    return set_


@pytest.fixture(scope="session")
def exchange_sim() -> Iterator[Any]:
    from simulators.harness import start_exchange

    saved = {k: os.environ.get(k) for k in DEV_CREDENTIALS}
    os.environ.update(DEV_CREDENTIALS)
    sim = start_exchange("exchange-1", SCENARIO)
    yield sim
    sim.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def exchange_1(db: None, exchange_sim: Any) -> Iterator[Any]:
    """Venues from the shipped config; only exchange-1 enabled, pointed at the simulator."""
    from apps.venues.connectors.store import redis_client
    from apps.venues.models import Venue
    from apps.venues.services import venues_sync_from_config
    from riskmonitor.conf import get_config

    exchange_sim.control("POST", "/_sim/reset").raise_for_status()
    exchange_sim.control("DELETE", "/_sim/faults").raise_for_status()
    for key in redis_client().scan_iter("riskmonitor:*"):
        redis_client().delete(key)
    venues_sync_from_config(apis=get_config().monitor.external_apis)
    Venue.objects.exclude(name="exchange-1").update(enabled=False)
    Venue.objects.filter(name="exchange-1").update(
        base_url=exchange_sim.base_url, timeout_seconds=5.0, retry_attempts=1,
        backfill_daily_days=2, backfill_minute_hours=1, backfill_fills_hours=1,
    )  # fmt: skip
    yield exchange_sim
    exchange_sim.control("DELETE", "/_sim/faults")
