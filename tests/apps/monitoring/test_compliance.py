"""Mandate compliance: GET /api/v1/compliance/status, its time in breach today from the alerts'
history, and the risk_compliance_status gauge the cycle sets after commit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from prometheus_client import REGISTRY

from apps.alerts.services import alerts_sync
from apps.limits.models import Limit
from apps.monitoring.compliance import compliance_status, seconds_covered
from apps.monitoring.cycle import portfolio_cycle_run
from apps.positions.models import Portfolio
from tests.apps.alerts.factories import btc_reading, eth_reading, evaluation
from tests.apps.risk.conftest import NOW, Book
from tests.limitrows import referenced_rows

pytestmark = pytest.mark.django_db
STATUS = "/api/v1/compliance/status"
DAY = datetime(2025, 9, 16, tzinfo=UTC)
ClientFor = Callable[[str], Any]


def _limit(key: str, scope: str, value: str, warn_at: str | None = None) -> Limit:
    return Limit.objects.create(
        key=key, kind="position_max_long", breach_type="position_limit_long",
        scope_kind="symbol", scope=scope, value=Decimal(value), unit="units",
        warn_at_utilization=None if warn_at is None else Decimal(warn_at),
    )  # fmt: skip


@pytest.fixture
def judged(book: Book, django_capture_on_commit_callbacks: Callable[..., Any]) -> Book:
    """The brief's book (net 2.5 BTC-USD, 10 ETH-USD) against three limits, one cycle run."""
    _limit("test.btc.tight", "BTC-USD", "2")  # 1.25: breach
    _limit("test.btc.loose", "BTC-USD", "3", warn_at="0.8")  # 0.833: warn
    _limit("test.eth", "ETH-USD", "100")  # 0.1: ok
    with django_capture_on_commit_callbacks(execute=True):
        portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    return book


def test_it_states_each_limit_and_the_worst_of_them(
    judged: Book, api_client_for: ClientFor
) -> None:
    response = api_client_for("trader").get(STATUS)

    assert response.status_code == 200
    [portfolio] = response.json()["portfolios"]
    assert portfolio["portfolio"] == "main"
    assert portfolio["status"] == "breach"
    limits = {row["limit_key"]: row for row in portfolio["limits"]}
    tight, loose, eth = limits["test.btc.tight"], limits["test.btc.loose"], limits["test.eth"]
    assert (tight["state"], tight["utilization"]) == ("breach", pytest.approx(2.5 / 2))
    assert (loose["state"], loose["utilization"]) == ("warn", pytest.approx(2.5 / 3))
    assert (loose["warn_at"], tight["warn_at"]) == (0.8, 0.5)  # its own, else the lowest
    assert (eth["state"], eth["utilization"]) == ("ok", pytest.approx(10 / 100))
    assert tight["readings"][0] | {"utilization": 0} == {
        "scope": "BTC-USD", "current": 2.5, "limit": 2.0, "utilization": 0,
        "severity": "critical", "state": "breach",
    }  # fmt: skip
    # The breach opened at this very moment (frozen time): no time in breach yet.
    assert (portfolio["breach_seconds_today"], tight["breach_seconds_today"]) == (0.0, 0.0)


def test_the_gauge_mirrors_the_states_after_the_cycle_commits(judged: Book) -> None:
    gauge = REGISTRY.get_sample_value

    btc = {"mandate": "position_limit_long", "symbol": "BTC-USD"}
    assert gauge("risk_compliance_status", btc) == 2  # worst of breach and warn
    assert gauge("risk_compliance_status", {**btc, "symbol": "ETH-USD"}) == 0


def test_it_answers_one_portfolio_by_name_and_404_for_an_unknown_one(
    judged: Book, api_client_for: ClientFor
) -> None:
    client = api_client_for("auditor")

    assert [p["portfolio"] for p in client.get(STATUS, {"portfolio": "main"}).json()[
        "portfolios"]] == ["main"]  # fmt: skip
    unknown = client.get(STATUS, {"portfolio": "nope"})
    assert unknown.status_code == 404
    for bad in ("", "no spaces", "x" * 65):
        response = client.get(STATUS, {"portfolio": bad})
        assert response.status_code == 400
        assert list(response.json()["error"]["fields"]) == ["portfolio"]


def test_a_portfolio_without_a_snapshot_is_not_judged(api_client_for: ClientFor) -> None:
    Portfolio.objects.create(name="fresh")
    _limit("test.btc.tight", "BTC-USD", "2")

    [portfolio] = api_client_for("trader").get(STATUS).json()["portfolios"]

    assert (portfolio["status"], portfolio["snapshot_id"]) == (None, None)
    assert [row["state"] for row in portfolio["limits"]] == [None]


def test_it_refuses_without_authentication(client: Any) -> None:
    assert client.get(STATUS).status_code in (401, 403)


def test_it_counts_the_time_in_breach_today_from_the_alerts_history() -> None:
    referenced_rows(portfolios=(1,), limits=(1, 2))
    steps = [
        (DAY - timedelta(hours=1), [btc_reading(15.0)]),  # critical since yesterday 23:00
        (DAY + timedelta(hours=1), [btc_reading(9.5)]),  # down to high
        (DAY + timedelta(hours=2), [btc_reading(12.0)]),  # critical again
        (DAY + timedelta(hours=2, minutes=30), [btc_reading(1.0)]),  # resolved
        (DAY + timedelta(hours=3), [btc_reading(12.0, scope="BTC-PERP")]),  # another scope
        (DAY + timedelta(hours=3, minutes=30), [btc_reading(13.0), eth_reading(250.0)]),
    ]
    for moment, readings in steps:
        with time_machine.travel(moment, tick=False):
            alerts_sync(readings=readings, context=evaluation())

    now = DAY + timedelta(hours=4)
    [portfolio] = compliance_status(portfolio_id=1, now=now)

    by_id = {row.limit_id: row for row in portfolio.limits}
    # Limit 1: 00:00-01:00, 02:00-02:30, then 03:00-04:00 (its two scopes overlap from 03:30).
    assert by_id[1].breach_seconds_today == 3600 + 1800 + 3600
    assert by_id[2].breach_seconds_today == 1800  # ETH: 03:30-04:00, still open
    assert portfolio.breach_seconds_today == 3600 + 1800 + 3600  # ETH's half hour overlaps


def test_seconds_covered_counts_overlaps_once() -> None:
    t = DAY
    hours = [(0, 2), (1, 3), (5, 6), (0, 0.5)]
    spans = [(t + timedelta(hours=a), t + timedelta(hours=b)) for a, b in hours]

    assert seconds_covered(spans) == 3 * 3600 + 3600
    assert seconds_covered([]) == 0.0
