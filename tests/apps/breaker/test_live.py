"""Every committed breaker transition reaches the live stream as ``breaker.changed``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from apps.breaker.services import breaker_evaluate, breaker_reset, breaker_trip
from apps.positions.models import Portfolio
from tests.apps.breaker import factories as f
from tests.apps.core.live_listening import listening

pytestmark = pytest.mark.django_db


def _changes(listener: Any, portfolio: Portfolio) -> list[dict[str, Any]]:
    return [
        m["data"]
        for m in listener.messages()
        if m["event"] == "breaker.changed" and m["portfolio_id"] == portfolio.pk
    ]


def test_it_publishes_a_trip_and_a_reset(
    portfolio: Portfolio,
    switches: Callable[..., None],
    role_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    officer = role_user("risk_officer")
    with listening() as listener:
        with django_capture_on_commit_callbacks(execute=True):
            breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures(-1_200_000.0))
        with django_capture_on_commit_callbacks(execute=True):
            breaker_reset(portfolio_id=portfolio.pk, user=officer, reason="loss booked")
        changes = _changes(listener, portfolio)

    assert [(c["state"], c["reason"]) for c in changes] == [
        ("open", "portfolio_loss_limit"),
        ("closed", ""),
    ]
    assert changes[0]["trigger_value"] == -1_200_000.0
    assert changes[0]["portfolio"] == portfolio.name


def test_it_publishes_a_manual_trip(
    portfolio: Portfolio, role_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    officer = role_user("risk_officer")
    with listening() as listener:
        with django_capture_on_commit_callbacks(execute=True):
            breaker_trip(portfolio_id=portfolio.pk, user=officer, reason="venue outage")
        [change] = _changes(listener, portfolio)

    assert (change["state"], change["reason"]) == ("open", "manual")
    assert change["reason_detail"] == "venue outage"


def test_it_publishes_nothing_when_nothing_changes(
    portfolio: Portfolio, switches: Callable[..., None], django_capture_on_commit_callbacks: Any
) -> None:
    with listening() as listener:
        with django_capture_on_commit_callbacks(execute=True):
            breaker_evaluate(portfolio_id=portfolio.pk, figures=f.figures(0.0))
        assert _changes(listener, portfolio) == []
