"""GET /api/v1/alerts, /api/v1/alerts/active (filters, strict pagination) and
/api/v1/alerts/<id>/history; the filtered-list selector the gRPC door shares."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine

from apps.alerts.models import Alert, AlertStatus
from apps.alerts.selectors import AlertFilterInvalid, alerts_filtered
from apps.alerts.services import alert_acknowledge, alerts_sync
from apps.audit.models import AuditEvent
from tests.apps.alerts.factories import btc_reading, eth_reading, evaluation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("alerting_config")]
LIST, ACTIVE = "/api/v1/alerts", "/api/v1/alerts/active"
T0 = datetime(2025, 9, 16, 9, 0, tzinfo=UTC)
ClientFor = Callable[[str], Any]


@pytest.fixture
def alerts() -> Iterator[dict[str, Alert]]:
    """BTC opened at T0 (critical) and resolved at T0+1h; ETH opened at T0+30m (high), open;
    a BTC alert of portfolio 2 opened at T0+2h."""
    with time_machine.travel(T0, tick=False) as clock:
        alerts_sync(readings=[btc_reading(15.0)], context=evaluation())
        clock.move_to(T0 + timedelta(minutes=30))
        alerts_sync(readings=[eth_reading(190.0)], context=evaluation())
        clock.move_to(T0 + timedelta(hours=1))
        alerts_sync(readings=[btc_reading(1.0)], context=evaluation())
        clock.move_to(T0 + timedelta(hours=2))
        other = btc_reading(12.0, limit_key="position_limits.BTC-USD.max_long.p2")
        alerts_sync(readings=[other], context=evaluation(portfolio_id=2))
        yield {
            "btc": Alert.objects.get(portfolio_id=1, scope="BTC-USD"),
            "eth": Alert.objects.get(scope="ETH-USD"),
            "other": Alert.objects.get(portfolio_id=2),
        }


def _ids(body: dict[str, Any]) -> list[str]:
    return [a["alert_id"] for a in body["alerts"]]


def test_it_lists_every_alert_newest_first(api_client_for: ClientFor, alerts: Any) -> None:
    response = api_client_for("trader").get(LIST)

    assert response.status_code == 200
    body = response.json()
    expected = [alerts[k].public_id for k in ("other", "eth", "btc")]
    assert _ids(body) == expected
    assert (body["count"], body["page"], body["page_size"], body["pages"]) == (3, 1, 50, 1)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "resolved"}, ["btc"]),
        ({"severity": "high"}, ["eth"]),
        ({"breach_type": "position_limit_long", "portfolio_id": 2}, ["other"]),
        ({"scope": "ETH-USD"}, ["eth"]),
        ({"scope_kind": "symbol", "portfolio_id": 1}, ["eth", "btc"]),
        ({"opened_after": "2025-09-16T09:15:00Z"}, ["other", "eth"]),
        ({"opened_before": "2025-09-16T09:30:00Z"}, ["btc"]),
        ({"opened_after": "2025-09-16T09:00:00Z", "opened_before": "2025-09-16T10:00:00Z"},
         ["eth", "btc"]),
        ({"breach_type": "var_limit"}, []),
    ],
)  # fmt: skip
def test_it_filters_the_list(
    api_client_for: ClientFor, alerts: Any, query: dict[str, Any], expected: list[str]
) -> None:
    body = api_client_for("trader").get(LIST, query).json()

    assert _ids(body) == [alerts[k].public_id for k in expected]
    assert body["count"] == len(expected)


def test_it_paginates_strictly(api_client_for: ClientFor, alerts: Any) -> None:
    client = api_client_for("trader")

    second = client.get(LIST, {"page": 2, "page_size": 2}).json()
    assert (second["count"], second["page"], second["pages"]) == (3, 2, 2)
    assert _ids(second) == [alerts["btc"].public_id]
    past = client.get(LIST, {"page": 3, "page_size": 2})
    assert past.status_code == 404
    assert "page 3" in past.json()["error"]["message"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": 0}, "page"),
        ({"page": "two"}, "page"),
        ({"page_size": 501}, "page_size"),
        ({"page_size": ""}, "page_size"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"severity": ""}, "severity"),
        ({"status": "closed"}, "status"),
        ({"breach_type": "made_up"}, "breach_type"),
        ({"scope": "BTC USD"}, "scope"),
        ({"scope": "x" * 129}, "scope"),
        ({"scope_kind": "planet"}, "scope_kind"),
        ({"portfolio_id": -1}, "portfolio_id"),
        ({"portfolio_id": 2**63}, "portfolio_id"),
        ({"opened_after": "yesterday"}, "opened_after"),
    ],
)
def test_it_rejects_a_bad_parameter_naming_it(
    api_client_for: ClientFor, query: dict[str, Any], field: str
) -> None:
    for path in (LIST, ACTIVE):
        response = api_client_for("trader").get(path, query)

        assert response.status_code == 400, (path, query)
        assert list(response.json()["error"]["fields"]) == [field]


def test_it_rejects_a_parameter_given_twice(api_client_for: ClientFor) -> None:
    response = api_client_for("trader").get(f"{LIST}?portfolio_id=1&portfolio_id=2")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"portfolio_id": ["give this parameter once"]}


def test_it_keeps_the_active_list_fields_and_order(api_client_for: ClientFor, alerts: Any) -> None:
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        alerts_sync(readings=[btc_reading(9.5)], context=evaluation())
    body = api_client_for("trader").get(ACTIVE).json()

    # Most utilized first: ETH 0.95, portfolio 2's BTC 1.2, portfolio 1's new BTC 0.95.
    scopes = [(a["portfolio_id"], a["scope"], a["utilization"]) for a in body["alerts"]]
    assert scopes == sorted(scopes, key=lambda s: -s[2])
    assert body["count"] == 3
    assert {a["status"] for a in body["alerts"]} == {"open"}
    assert {"alert_id", "severity", "utilization", "acknowledged_by"} <= set(body["alerts"][0])
    only_p2 = api_client_for("trader").get(ACTIVE, {"portfolio_id": 2}).json()
    assert _ids(only_p2) == [alerts["other"].public_id]


def test_it_refuses_the_lists_without_authentication(client: Any) -> None:
    for path in (LIST, ACTIVE, f"{LIST}/1/history"):
        assert client.get(path).status_code in (401, 403)


def test_the_selector_names_every_bad_filter() -> None:
    with pytest.raises(AlertFilterInvalid) as caught:
        list(alerts_filtered(filters={"severity": "nope", "scope": "", "portfolio_id": "x"}))

    assert set(caught.value.message_dict) == {"severity", "scope", "portfolio_id"}


def test_the_selector_takes_typed_values(alerts: Any) -> None:
    found = alerts_filtered(
        filters={"opened_after": T0 + timedelta(minutes=1), "portfolio_id": 1, "scope": None}
    )

    assert list(found) == [alerts["eth"]]


def test_it_tells_an_alerts_history_from_the_audit_trail(
    api_client_for: ClientFor, role_user: Callable[..., Any], alerts: Any
) -> None:
    eth = alerts["eth"]
    with time_machine.travel(T0 + timedelta(hours=4), tick=False):
        alerts_sync(readings=[eth_reading(205.0)], context=evaluation())  # high -> critical
        officer = role_user("risk_officer", "officer-h")
        alert_acknowledge(user=officer, alert_id=eth.pk, comment="reducing")
        alerts_sync(readings=[eth_reading(10.0)], context=evaluation())

    response = api_client_for("trader").get(f"{LIST}/{eth.pk}/history")

    assert response.status_code == 200
    body = response.json()
    assert body["alert"]["alert_id"] == eth.public_id
    assert body["alert"]["status"] == "resolved"
    kinds = [(e["kind"], e["severity"]) for e in body["events"]]
    assert kinds == [
        ("opened", "high"), ("updated", "critical"), ("acknowledged", "critical"),
        ("resolved", "critical"),  # a resolved alert keeps its last severity
    ]  # fmt: skip
    stored = AuditEvent.objects.filter(payload__alert_id=eth.public_id).order_by("sequence")
    assert [e["sequence"] for e in body["events"]] == [row.sequence for row in stored]
    assert body["events"][2]["actor"] == stored[2].actor
    assert body["events"][2]["details"]["comment"] == "reducing"
    assert "audit_trail" not in body["events"][0]["details"]


def test_it_answers_404_for_an_unknown_alerts_history(api_client_for: ClientFor) -> None:
    client = api_client_for("trader")

    for alert_id in (987654, 10**30):
        response = client.get(f"{LIST}/{alert_id}/history")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_acknowledged_alerts_are_filtered_by_status(
    api_client_for: ClientFor, role_user: Callable[..., Any], alerts: Any
) -> None:
    alert_acknowledge(user=role_user("risk_officer"), alert_id=alerts["eth"].pk, comment="on it")

    body = api_client_for("trader").get(ACTIVE, {"status": AlertStatus.ACKNOWLEDGED}).json()

    assert _ids(body) == [alerts["eth"].public_id]
