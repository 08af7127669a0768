"""Data-source connectivity (API) and status (debug) doors: permissions and staleness."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from apps.venues.models import DataSourceStatus
from apps.venues.selectors import source_health


@pytest.mark.django_db
def test_it_shows_connectivity_per_venue_to_any_reader(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]], api_client_for: Callable[..., Any]
) -> None:
    cycle(1)

    body = api_client_for("trader").get("/api/v1/data-sources/connectivity").json()

    states = {v["venue"]: (v["state"], v["stale"]) for v in body["venues"]}
    assert states == {name: ("ok", False) for name in ("exchange-1", "exchange-2", "custodian-1")}


@pytest.mark.django_db
def test_it_flags_sources_older_than_the_staleness_limit(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    cycle(1)
    old = timezone.now() - timedelta(minutes=6)
    DataSourceStatus.objects.filter(source="exchange-1:spot:balances").update(data_as_of=old)

    stale = [s for s in source_health() if s.stale]

    assert [s.source for s in stale] == ["exchange-1:spot:balances"]
    assert stale[0].age_seconds is not None and stale[0].age_seconds > 300


@pytest.mark.django_db
def test_it_shows_debug_status_to_risk_officers_only(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]], api_client_for: Callable[..., Any]
) -> None:
    venues["exchange-1"].control("POST", "/_sim/faults", {"kind": "nan_price"})
    cycle(1)

    assert api_client_for("trader").get("/debug/data-sources/status").status_code == 403
    body = api_client_for("risk_officer").get("/debug/data-sources/status").json()

    assert body["quarantine"] and all(
        "NaN" in q["excerpt"] or q["reason"] for q in body["quarantine"]
    )
    wire = {w["venue"]: w for w in body["wire"]}
    assert wire["exchange-1"]["breaker"]["state"] == "closed"
    assert wire["exchange-1"]["rate_limit"]["used_last_minute"]["public"] > 0


@pytest.mark.django_db
def test_a_venue_without_a_base_url_is_loaded_for_the_adapters_own_urls() -> None:
    from apps.venues.models import Venue
    from apps.venues.services import venues_sync_from_config
    from riskmonitor.conf import get_config

    apis = get_config().monitor.external_apis
    real = apis.model_copy(
        update={"exchanges": [apis.exchanges[0].model_copy(update={"base_url": None})]}
    )
    venues_sync_from_config(apis=real)

    assert Venue.objects.get(name="exchange-1").base_url == ""
    assert Venue.objects.get(name="custodian-1").settlement_check_minutes == 60
