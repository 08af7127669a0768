"""GET /debug/compliance-engine-state: limits loaded, each limit's last evaluation, pending
four-eyes requests, the breakers and the escalation schedule."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from apps.alerts.models import Alert
from apps.breaker.services import breaker_trip
from apps.limits.models import Limit
from apps.limits.services import limit_change_propose
from apps.monitoring.cycle import portfolio_cycle_run
from tests.apps.risk.conftest import NOW, Book

pytestmark = pytest.mark.django_db
STATE = "/debug/compliance-engine-state"
ClientFor = Callable[[str], Any]


def test_it_shows_the_compliance_engines_state(
    book: Book,
    role_user: Callable[..., Any],
    api_client_for: ClientFor,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    btc = Limit.objects.create(
        key="test.btc", kind="position_max_long", breach_type="position_limit_long",
        scope_kind="symbol", scope="BTC-USD", value=Decimal(2), unit="units",
    )  # fmt: skip
    Limit.objects.create(
        key="test.lev", kind="leverage", breach_type="leverage_limit", scope_kind="portfolio",
        scope="portfolio", value=Decimal(3), unit="ratio", enabled=False,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    officer = role_user("risk_officer", "officer-a")
    limit_change_propose(proposer=officer, reason="more room", limit_key="test.btc",
                         value=Decimal(4))  # fmt: skip
    breaker_trip(portfolio_id=book.portfolio.pk, user=officer, reason="drill")

    response = api_client_for("risk_officer").get(STATE)

    assert response.status_code == 200
    body = response.json()
    assert body["limits"] | {"last_changed_at": None} == {
        "total": 2, "enabled": 1, "by_kind": {"leverage": 1, "position_max_long": 1},
        "by_source": {"yaml": 2}, "last_changed_at": None,
    }  # fmt: skip
    [evaluation] = body["evaluations"]
    assert (evaluation["snapshot_id"], evaluation["portfolio"]) == (snapshot.pk, "main")
    states = {row["limit_key"]: (row["state"], row["readings"]) for row in evaluation["limits"]}
    assert states == {"test.btc": ("breach", 1), "test.lev": (None, 0)}
    [request] = body["pending_requests"]
    assert (request["limit_key"], request["before_value"], request["after_value"]) == (
        "test.btc", 2.0, 4.0,
    )  # fmt: skip
    assert request["proposed_by"] == "officer-a"
    [breaker] = body["breakers"]
    assert (breaker["portfolio"], breaker["state"], breaker["reason"]) == ("main", "open", "manual")
    escalation = body["escalation"]
    assert [p["severity"] for p in escalation["policies"]] == ["low", "medium", "high", "critical"]
    alert = Alert.objects.get(limit=btc)
    assert [d["alert_id"] for d in escalation["due"]] == [alert.public_id]
    assert escalation["due"][0]["severity"] == "critical"


@pytest.mark.parametrize("role", ["trader", "auditor", "integration"])
def test_it_is_for_staff_with_the_debug_permission_only(
    db: None, api_client_for: ClientFor, role: str
) -> None:
    assert api_client_for(role).get(STATE).status_code == 403


def test_it_refuses_without_authentication(client: Any) -> None:
    assert client.get(STATE).status_code in (401, 403)
