"""Data-quality alerts have an hourly notification budget of their own: a burst of them can
no longer keep a limit breach's notification from being delivered (docs/alerts.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from apps.alerts.models import Notification, NotificationStatus
from apps.alerts.services import alerts_sync, notifications_deliver_due
from apps.limits.readings import LimitReading
from tests.apps.alerts.conftest import LOG_ONLY, ConfigureAlerting
from tests.apps.alerts.factories import btc_reading, evaluation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("alerting_config")]
T0 = datetime(2030, 1, 2, 9, 0, tzinfo=UTC)


def _stale(n: int) -> LimitReading:
    """A critical data_staleness reading: source ``n`` overdue twice the 300 s grace."""
    return LimitReading(
        limit_id=500, limit_key="operational_limits.position_staleness_minutes",
        breach_type="data_staleness", scope_kind="source", scope=f"source:exchange-{n}:balances",
        current=600.0, limit=300.0, utilization=2.0, severity="critical", opening_level=0.5,
        unit="seconds",
    )  # fmt: skip


def _risk_team(**filters: object) -> list[Notification]:
    return list(Notification.objects.filter(channel="log", target="risk_team", **filters))


def _of_breach(rows: list[Notification], breach_type: str) -> list[Notification]:
    return [r for r in rows if r.alert is not None and r.alert.breach_type == breach_type]


def test_it_delivers_a_breach_after_a_burst_of_data_quality_alerts_filled_their_budget(
    alerting_config: ConfigureAlerting,
) -> None:
    alerting_config(max_alerts_per_hour=3, alert_channels=LOG_ONLY)
    with time_machine.travel(T0, tick=False) as clock:
        alerts_sync(readings=[_stale(n) for n in range(8)], context=evaluation())
        burst = notifications_deliver_due()
        clock.shift(timedelta(minutes=5))
        alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
        after = notifications_deliver_due()

    delivered = _risk_team(status=NotificationStatus.DELIVERED)
    assert len(_of_breach(delivered, "data_staleness")) == 3  # their own budget of 3
    assert len(_of_breach(_risk_team(status=NotificationStatus.DIGESTED), "data_staleness")) == 5
    [breach] = _of_breach(delivered, "position_limit_long")
    assert breach.digest_id is None
    assert burst.digested >= 5 and after.digested == 0


def test_it_folds_each_budget_into_its_own_digest(alerting_config: ConfigureAlerting) -> None:
    alerting_config(max_alerts_per_hour=2, alert_channels=LOG_ONLY)
    breaches = [
        btc_reading(9.5, limit_id=100 + n, limit_key=f"test.{n}", scope=f"ASSET{n}-USD")
        for n in range(4)
    ]
    with time_machine.travel(T0, tick=False) as clock:
        alerts_sync(readings=[*breaches, *(_stale(n) for n in range(4))], context=evaluation())
        notifications_deliver_due()
        clock.shift(timedelta(minutes=61))
        later = notifications_deliver_due()

    mine = _risk_team(event="digest")
    digests = {d.payload["budget"]: d for d in mine}
    assert len(mine) == 2 and set(digests) == {"limits", "data_quality"}
    assert later.digests >= 2  # the other targets of the critical data alerts have theirs
    assert {i["breach_type"] for i in digests["limits"].payload["notifications"]} == {
        "position_limit_long"
    }
    assert {i["breach_type"] for i in digests["data_quality"].payload["notifications"]} == {
        "data_staleness"
    }
    assert all(d.status == NotificationStatus.DELIVERED for d in digests.values())
