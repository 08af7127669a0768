"""EXCHANGE_API_KEYS at work: the connectors sign the simulators' requests with the map's keys,
which win over the variables the accounts name (filled with development keys by dev.env)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from apps.positions.models import AccountSnapshot
from apps.venues.connectors.base import SourceError
from apps.venues.connectors.credentials import account_credentials
from apps.venues.models import DataSourceStatus

from .conftest import period

pytestmark = pytest.mark.django_db

SPOT_PAIR = "ex1-spot-key-dev:ex1-spot-secret-dev"


def _keys(keys: dict[str, Any]) -> Any:
    return override_settings(RISK_MONITOR={**settings.RISK_MONITOR, "EXCHANGE_API_KEYS": keys})


def _stored(label: str, n: int) -> bool:
    return AccountSnapshot.objects.filter(
        account__venue__name="exchange-1", account__label=label, period_start=period(n)
    ).exists()


def _error_kind(label: str) -> str:
    return DataSourceStatus.objects.get(source=f"exchange-1:{label}:balances").last_error_kind


@pytest.fixture
def wrong_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXCHANGE_1_SPOT_API_KEY", "not-a-key-of-the-venue")
    monkeypatch.setenv("EXCHANGE_1_SPOT_API_SECRET", "not-its-secret")


def test_it_refuses_a_wrong_account_variable_without_a_map_entry(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]], wrong_variables: None
) -> None:
    cycle(1)

    assert not _stored("spot", 1)
    assert _error_kind("spot") == "auth"


def test_it_signs_with_the_accounts_map_entry_over_its_variables(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]], wrong_variables: None
) -> None:
    with _keys({"exchange-1": {"spot": SPOT_PAIR}}):
        cycle(1)

    assert _stored("spot", 1)
    assert _stored("futures", 1)  # no entry: its own variables, which are right


def test_it_gives_a_venue_wide_pair_to_every_account_of_the_venue(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]], wrong_variables: None
) -> None:
    with _keys({"exchange-1": SPOT_PAIR}):
        cycle(1)
        futures = account_credentials("exchange-1", "futures", "EXCHANGE_1_FUTURES_API_KEY")

    assert _stored("spot", 1)
    assert futures == ("ex1-spot-key-dev", "ex1-spot-secret-dev")


def test_it_reads_the_accounts_variables_for_a_venue_the_map_does_not_name(
    wrong_variables: None,
) -> None:
    with _keys({"exchange-2": "k:s"}):
        creds = account_credentials(
            "exchange-1", "spot", "EXCHANGE_1_SPOT_API_KEY", "EXCHANGE_1_SPOT_API_SECRET"
        )
    assert creds == ("not-a-key-of-the-venue", "not-its-secret")


def test_it_fails_the_venues_calls_on_a_bad_entry_naming_it() -> None:
    with _keys({"exchange-1": "no-secret"}), pytest.raises(SourceError) as raised:
        account_credentials("exchange-1", "spot", "EXCHANGE_1_SPOT_API_KEY")
    assert raised.value.kind == "auth"
    assert '"exchange-1": must be "KEY:SECRET"' in str(raised.value)
    assert "no-secret" not in str(raised.value)
