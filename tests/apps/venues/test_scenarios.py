"""The shipped scenarios against the shipped limits: `default` starts healthy (no limit at or
above its alert level), `stressed` starts in breach. Real simulators, a real ingest cycle, a
real evaluation, the limits of config/risk_limits.yaml."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from apps.limits.evaluation import limits_evaluate
from apps.limits.readings import LimitReading
from apps.limits.selectors import limit_specs_enabled, severity_thresholds
from apps.limits.services import limits_load_from_config
from apps.monitoring.cycle import portfolio_cycle_run
from apps.positions.models import Portfolio
from apps.venues.models import Venue
from riskmonitor.conf import load_config
from tests.apps.venues.conftest import clear_wire_state

REPO = Path(__file__).resolve().parents[3]
STRESSED = REPO / "simulators" / "scenarios" / "stressed.yaml"
pytestmark = pytest.mark.django_db


def _readings() -> list[LimitReading]:
    """Every shipped limit read against a fresh evaluation of the ingested book. Data
    staleness is left out: this is about the book, and one cycle is fresh by construction."""
    limits_load_from_config(limits_file=load_config(REPO / "config", {}).limits)
    portfolio = Portfolio.objects.get()
    snapshot = portfolio_cycle_run(portfolio_id=portfolio.pk, cycle_start=datetime.now(tz=UTC))
    return limits_evaluate(
        limits=limit_specs_enabled(), figures=snapshot.figures, thresholds=severity_thresholds()
    )


def _table(readings: list[LimitReading]) -> str:
    return "\n".join(
        f"{r.limit_key}[{r.scope}] {r.utilization:.3f} {r.severity}"
        for r in sorted(readings, key=lambda r: -r.utilization)
    )


@pytest.fixture
def stressed_venues(db: None, dev_credentials: dict[str, str]) -> Iterator[dict[str, Any]]:
    """The three simulators on the stressed scenario, Venue rows pointed at them."""
    from apps.venues.services import venues_sync_from_config
    from riskmonitor.conf import get_config
    from simulators.harness import start_custodian, start_exchange

    sims = {
        "exchange-1": start_exchange("exchange-1", STRESSED),
        "exchange-2": start_exchange("exchange-2", STRESSED),
        "custodian-1": start_custodian(STRESSED),
    }
    try:
        clear_wire_state()
        venues_sync_from_config(apis=get_config().monitor.external_apis)
        for name, sim in sims.items():
            Venue.objects.filter(name=name).update(
                base_url=sim.base_url, timeout_seconds=2.0, retry_attempts=1,
                backfill_daily_days=510, backfill_minute_hours=1, backfill_fills_hours=72,
            )  # fmt: skip
        yield sims
    finally:
        clear_wire_state()
        for sim in sims.values():
            sim.stop()


def test_it_starts_the_default_scenario_inside_every_limit(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    # the full VaR lookback (500 days), so the VaR limit is read as in production
    Venue.objects.update(backfill_daily_days=510)
    reports = cycle(1)
    assert all(not r.errors for r in reports), [r.errors for r in reports]

    readings = _readings()

    print(_table(readings))
    assert readings
    assert [r for r in readings if r.breached] == [], _table(readings)
    assert [r for r in readings if r.severity == "critical"] == [], _table(readings)


def test_it_starts_the_stressed_scenario_in_breach(
    stressed_venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    reports = cycle(1)
    assert all(not r.errors for r in reports), [r.errors for r in reports]

    readings = _readings()

    critical = {r.limit_key for r in readings if r.severity == "critical"}
    assert len(critical) >= 3, _table(readings)
