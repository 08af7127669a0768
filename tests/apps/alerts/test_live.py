"""Alert changes reach the live stream once they commit: opened, updated (severity, escalation),
resolved, acknowledged, each carrying the alert as the REST API names its fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from apps.alerts.models import Alert
from apps.alerts.services import alert_acknowledge, alerts_escalate_due, alerts_sync
from tests.apps.alerts.factories import btc_reading, evaluation
from tests.apps.core.live_listening import listening

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("alerting_config")]
T0 = datetime(2030, 1, 2, 9, 0, tzinfo=UTC)


def _sync(position: float, commit: Any) -> None:
    with commit(execute=True):
        alerts_sync(readings=[btc_reading(position)], context=evaluation())


def _events(listener: Any) -> list[tuple[str, str, str]]:
    return [
        (m["event"], m["data"]["severity"], m["data"]["status"])
        for m in listener.messages()
        if m["event"].startswith("alert.") and m["portfolio_id"] == 1
    ]


def test_it_publishes_an_alert_opening_changing_severity_and_resolving(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with listening() as listener:
        _sync(15.0, django_capture_on_commit_callbacks)
        _sync(9.5, django_capture_on_commit_callbacks)
        _sync(9.6, django_capture_on_commit_callbacks)  # same severity: no event
        _sync(1.0, django_capture_on_commit_callbacks)
        events = _events(listener)

    assert events == [
        ("alert.opened", "critical", "open"),
        ("alert.updated", "high", "open"),
        ("alert.resolved", "high", "resolved"),
    ]


def test_it_numbers_one_portfolios_events_in_order(django_capture_on_commit_callbacks: Any) -> None:
    with listening() as listener:
        _sync(15.0, django_capture_on_commit_callbacks)
        _sync(1.0, django_capture_on_commit_callbacks)
        seqs = [m["seq"] for m in listener.messages() if m["portfolio_id"] == 1]

    assert len(seqs) == 2 and seqs[1] == seqs[0] + 1


def test_it_carries_the_alert_under_the_rest_field_names(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with listening() as listener:
        _sync(15.0, django_capture_on_commit_callbacks)
        [message] = [m for m in listener.messages() if m["event"] == "alert.opened"]
    alert = Alert.objects.get()

    data = message["data"]
    assert (data["id"], data["alert_id"], data["portfolio_id"]) == (alert.pk, alert.public_id, 1)
    assert (data["breach_type"], data["scope"], data["utilization"]) == (
        "position_limit_long",
        "BTC-USD",
        1.5,
    )
    assert data["limit"] == 10.0 and data["opened_at"] == alert.opened_at.isoformat()


def test_it_publishes_nothing_for_a_change_that_rolls_back() -> None:
    with listening() as listener:
        # No commit hook runs: the test's transaction never commits.
        alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
        assert [m for m in listener.messages(wait=0.3) if m["portfolio_id"] == 1] == []


def test_it_publishes_an_acknowledgement(
    django_capture_on_commit_callbacks: Any, role_user: Any
) -> None:
    _sync(15.0, django_capture_on_commit_callbacks)
    officer = role_user("risk_officer", "olivia-live")
    alert = Alert.objects.get()
    with listening() as listener:
        with django_capture_on_commit_callbacks(execute=True):
            alert_acknowledge(alert_id=alert.pk, user=officer, comment="desk is reducing")
        [message] = [m for m in listener.messages() if m["portfolio_id"] == 1]

    assert message["event"] == "alert.acknowledged"
    assert message["data"]["status"] == "acknowledged"
    assert message["data"]["acknowledged_by"] == "olivia-live"
    assert message["data"]["ack_comment"] == "desk is reducing"


def test_it_publishes_an_escalation_as_an_update(django_capture_on_commit_callbacks: Any) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        _sync(15.0, django_capture_on_commit_callbacks)
        clock.shift(timedelta(minutes=5))
        with listening() as listener:
            with django_capture_on_commit_callbacks(execute=True):
                alerts_escalate_due()
            [message] = [m for m in listener.messages() if m["portfolio_id"] == 1]

    assert message["event"] == "alert.updated"
    assert message["data"]["escalation_tier"] == 1
