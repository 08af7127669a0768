"""Each fault kind of the simulators: the last good data stays, what happened is named (a
quarantine row or an error status), nothing partial is stored, and a clean cycle recovers."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from apps.marketdata.models import Price
from apps.positions.models import AccountSnapshot
from apps.venues.connectors.ratelimit import RateLimiter
from apps.venues.models import Account, DataSourceStatus, Quarantine

from .conftest import period

# What each fault must be called: error kinds of DataSourceStatus, or "quarantine".
NAMED_AS = {
    "http_500": {"server_error"},
    "timeout": {"timeout"},
    "garbage_json": {"quarantine"},
    "html_200": {"quarantine"},
    "truncated": {"network", "quarantine"},
    "nan_price": {"quarantine"},
    "negative_price": {"quarantine"},
    "stale_timestamp": {"quarantine"},
    "down": {"network"},
    "rate_limit": {"rate_limited"},
}


def _named(venue: str) -> set[str]:
    kinds = set(
        DataSourceStatus.objects.filter(venue__name=venue, consecutive_failures__gt=0).values_list(
            "last_error_kind", flat=True
        )
    )
    return kinds | ({"quarantine"} if Quarantine.objects.filter(venue__name=venue) else set())


def _requests_seen(sim: Any) -> int:
    return sum(sim.state()["requests"]["by_endpoint"].values())


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(NAMED_AS))
def test_it_keeps_the_last_good_data_and_names_the_fault(
    kind: str, venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    sim = venues["exchange-1"]
    futures = Account.objects.get(venue__name="exchange-1", label="futures")
    cycle(1)
    good = AccountSnapshot.objects.filter(account=futures).latest()
    prices_before = dict(Price.objects.filter(instrument__venue__name="exchange-1")
                         .values_list("instrument_id", "as_of"))  # fmt: skip

    sim.control("POST", "/_sim/faults", {"kind": kind}).raise_for_status()
    cycle(2)

    assert AccountSnapshot.objects.filter(account=futures).latest() == good
    assert not AccountSnapshot.objects.filter(account=futures, period_start=period(2)).exists()
    assert dict(Price.objects.filter(instrument__venue__name="exchange-1")
                .values_list("instrument_id", "as_of")) == prices_before  # fmt: skip
    assert _named("exchange-1") & NAMED_AS[kind], _named("exchange-1")
    assert (
        AccountSnapshot.objects.filter(
            period_start=period(2), account__venue__name="exchange-2"
        ).count()
        == 2
    )

    sim.control("DELETE", "/_sim/faults").raise_for_status()
    if kind == "rate_limit":
        seen = _requests_seen(sim)
        cycle(3)  # the venue said "Retry-After: 60": no process may call it meanwhile
        assert _requests_seen(sim) == seen
        RateLimiter("exchange-1", 1200).resume()
    time.sleep(0.6)  # past the breaker's cooldown (0.5 s in these tests)
    cycle(4)

    assert (
        AccountSnapshot.objects.filter(
            period_start=period(4), account__venue__name="exchange-1"
        ).count()
        == 2
    )
    assert all(
        p.as_of > prices_before[p.instrument_id]
        for p in Price.objects.filter(instrument__venue__name="exchange-1")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["nan_price", "negative_price", "stale_timestamp", "http_500"])
def test_it_keeps_the_custodians_last_good_snapshot(
    kind: str, venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    sim = venues["custodian-1"]
    account = Account.objects.get(venue__name="custodian-1")
    cycle(1)
    good = AccountSnapshot.objects.filter(account=account).latest()

    sim.control("POST", "/_sim/faults", {"kind": kind}).raise_for_status()
    cycle(2)

    assert AccountSnapshot.objects.filter(account=account).latest() == good
    assert _named("custodian-1")
    sim.control("DELETE", "/_sim/faults").raise_for_status()
    time.sleep(0.6)
    cycle(3)
    assert AccountSnapshot.objects.filter(account=account, period_start=period(3)).exists()


@pytest.mark.django_db
def test_it_quarantines_a_bounded_excerpt_of_what_the_venue_sent(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    venues["exchange-1"].control("POST", "/_sim/faults", {"kind": "html_200"}).raise_for_status()

    cycle(1)

    row = Quarantine.objects.filter(venue__name="exchange-1").first()
    assert row is not None
    assert "<html>" in row.excerpt.lower() or "<!doctype html>" in row.excerpt.lower()
    assert len(row.excerpt) <= 2048
