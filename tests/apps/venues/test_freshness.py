"""Staleness judged against each source's own refresh schedule (DESIGN §9): the pure verdict,
and the verdict on what a real cycle against the simulators stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from apps.venues.freshness import Schedule, refresh_interval_seconds, source_freshness
from apps.venues.models import DataSourceStatus
from apps.venues.selectors import source_health, stale_sources

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
HOURLY = Schedule(cycle_seconds=5.0, grace_seconds=300.0, settlements_seconds=3600.0)


def _judge(kind: str, read_ago: timedelta, failed_ago: timedelta | None = None) -> Any:
    failure = T0 - failed_ago if failed_ago is not None else None
    return source_freshness(
        kind, last_success=T0 - read_ago, last_failure=failure, schedule=HOURLY, now=T0
    )


def test_it_gives_each_kind_its_own_refresh_interval() -> None:
    schedule = Schedule(
        cycle_seconds=5.0, grace_seconds=300.0, settlements_seconds=1800.0, fills_seconds=120.0
    )
    intervals = {k: refresh_interval_seconds(k, schedule) for k in (
        "balances", "positions", "orders", "prices", "settlements", "fills", "instruments",
        "candles", "master_balances", "something_new",
    )}  # fmt: skip
    assert intervals == {
        "balances": 5.0, "positions": 5.0, "orders": 5.0, "prices": 5.0,
        "settlements": 1800.0, "fills": 120.0, "instruments": 3600.0, "candles": 60.0,
        "master_balances": 5.0, "something_new": 5.0,
    }  # fmt: skip


def test_it_keeps_settlements_read_59_minutes_ago_fresh_on_an_hourly_schedule() -> None:
    verdict = _judge("settlements", timedelta(minutes=59))

    assert (verdict.stale, verdict.overdue_seconds, verdict.reason) == (False, 0.0, None)
    assert verdict.age_seconds == 59 * 60


def test_it_keeps_settlements_fresh_within_the_grace_past_their_hour() -> None:
    verdict = _judge("settlements", timedelta(minutes=61))

    assert (verdict.stale, verdict.overdue_seconds) == (False, 60.0)


def test_it_flags_settlements_overdue_by_more_than_the_grace() -> None:
    verdict = _judge("settlements", timedelta(minutes=61 + 5, seconds=1))

    assert (verdict.stale, verdict.reason) == (True, "overdue")
    assert verdict.overdue_seconds == 6 * 60 + 1


def test_it_flags_balances_past_one_cycle_and_the_grace() -> None:
    assert _judge("balances", timedelta(seconds=300)).stale is False
    late = _judge("balances", timedelta(seconds=306))
    assert (late.stale, late.overdue_seconds) == (True, 301.0)


def test_it_flags_a_source_whose_last_pull_failed_at_once() -> None:
    verdict = _judge("settlements", timedelta(minutes=2), failed_ago=timedelta(seconds=1))

    assert (verdict.stale, verdict.failed, verdict.reason) == (True, True, "last_pull_failed")
    assert verdict.overdue_seconds == 0.0


def test_it_clears_the_failure_once_a_later_pull_succeeds() -> None:
    verdict = _judge("balances", timedelta(seconds=1), failed_ago=timedelta(seconds=6))

    assert (verdict.stale, verdict.failed) == (False, False)


def test_it_flags_a_source_that_never_succeeded() -> None:
    verdict = source_freshness(
        "balances", last_success=None, last_failure=T0, schedule=HOURLY, now=T0
    )

    assert (verdict.stale, verdict.age_seconds, verdict.reason) == (True, None, "never_succeeded")


def test_it_ages_the_data_by_its_own_time_when_known() -> None:
    verdict = source_freshness(
        "balances", last_success=T0, last_failure=None, schedule=HOURLY, now=T0,
        data_as_of=T0 - timedelta(minutes=6),
    )  # fmt: skip

    assert (verdict.stale, verdict.age_seconds) == (True, 360.0)


def _sources_of(*endpoints: str) -> set[str]:
    rows = DataSourceStatus.objects.filter(endpoint__in=endpoints)
    return set(rows.values_list("source", flat=True))


def _stale_at(moment: datetime) -> set[str]:
    return {h.source for h in stale_sources(moment)}


@pytest.mark.django_db
def test_it_judges_what_a_real_cycle_stored_against_each_schedule(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    cycle(1)
    now = timezone.now()
    every_cycle = {
        s for s, endpoint in DataSourceStatus.objects.values_list("source", "endpoint")
        if endpoint not in ("settlements", "instruments", "fills", "candles")
    }  # fmt: skip
    slow = _sources_of("settlements", "instruments")
    fills = _sources_of("fills")
    assert {s.split(":")[0] for s in slow} == {"exchange-1", "exchange-2", "custodian-1"}
    assert fills

    assert _stale_at(now) == set()
    # Six minutes without a cycle: what is due every cycle is late; fills (swept every 5
    # minutes) and the hourly sources are not.
    assert _stale_at(now + timedelta(minutes=6)) & (slow | fills) == set()
    assert every_cycle <= _stale_at(now + timedelta(minutes=6))
    assert _stale_at(now + timedelta(minutes=11)) & slow == set()
    assert fills <= _stale_at(now + timedelta(minutes=11))
    assert _stale_at(now + timedelta(minutes=59)) & slow == set()
    assert slow <= _stale_at(now + timedelta(minutes=66, seconds=5))


@pytest.mark.django_db
def test_it_flags_a_real_pull_that_failed_at_once(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    cycle(1)
    fault = {"kind": "http_500", "endpoint": "/api/v3/account"}
    venues["exchange-1"].control("POST", "/_sim/faults", fault).raise_for_status()
    cycle(2)

    health = {h.source: h for h in source_health()}

    failed = health["exchange-1:spot:balances"]
    assert (failed.stale, failed.stale_reason) == (True, "last_pull_failed")
    assert failed.age_seconds is not None and failed.age_seconds < 300
    assert [h.source for h in stale_sources()] == ["exchange-1:spot:balances"]


@pytest.mark.django_db
def test_it_shows_last_success_at_for_every_source_that_succeeded(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]], api_client_for: Callable[..., Any]
) -> None:
    cycle(1)
    cycle(2)  # settlements and instruments are not due again: their success stays shown

    body = api_client_for("trader").get("/api/v1/data-sources/connectivity").json()

    sources = [s for v in body["venues"] for s in v["sources"]]
    assert sources and all(s["last_success_at"] for s in sources)
    assert all(v["last_success_at"] for v in body["venues"])
    settlements = next(s for s in sources if s["endpoint"] == "settlements")
    assert settlements["refresh_interval_seconds"] == 3600.0
    assert (settlements["stale"], settlements["overdue_seconds"]) == (False, 0.0)
    assert all(not v["stale"] for v in body["venues"])
