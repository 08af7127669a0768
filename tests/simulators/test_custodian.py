"""The custodian API over HTTP: auth, balances, settlements, transfers, control and faults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import requests

from simulators.harness import SimProcess

HEADERS = {"X-Custodian-Api-Key": "dev-custodian-key"}


def get(sim: SimProcess, path: str, headers: dict[str, str] | None = None) -> requests.Response:
    return requests.get(
        sim.base_url + path, headers=HEADERS if headers is None else headers, timeout=5
    )


def test_it_refuses_a_missing_or_wrong_key(custodian: SimProcess) -> None:
    for headers in ({}, {"X-Custodian-Api-Key": "wrong"}):
        response = get(custodian, "/v1/clients/fund-1/master-balances", headers)
        assert response.status_code == 401 and response.json()["error"] == "unauthorized"


def test_it_returns_balances_as_decimal_strings_with_as_of(custodian: SimProcess) -> None:
    master = get(custodian, "/v1/clients/fund-1/master-balances").json()
    assert master["balances"] == [
        {"asset": "BTC", "amount": "1.5"},
        {"asset": "USDC", "amount": "100000"},
    ]
    as_of = datetime.fromisoformat(master["as_of"].replace("Z", "+00:00"))
    assert abs(datetime.now(UTC) - as_of) < timedelta(seconds=5)
    segregated = get(custodian, "/v1/clients/fund-1/segregated-balances").json()
    assert segregated["account_type"] == "segregated"
    assert segregated["balances"] == [{"asset": "USDT", "amount": "50000"}]


def test_it_answers_404_for_unknown_ids(custodian: SimProcess) -> None:
    assert get(custodian, "/v1/clients/fund-9/master-balances").status_code == 404
    assert get(custodian, "/v1/settlements/stl-9999").status_code == 404


def test_it_lists_and_filters_settlements(custodian: SimProcess) -> None:
    listed = get(custodian, "/v1/settlements?client_id=fund-1&status=pending").json()
    [row] = listed["settlements"]
    assert row["id"] == "stl-0001" and row["amount"] == "1000" and row["settled_at"] is None
    assert get(custodian, "/v1/settlements?status=settled").json()["settlements"] == []
    bad = get(custodian, "/v1/settlements?status=lost")
    assert bad.status_code == 400 and bad.json()["field"] == "status"


def test_it_updates_settlements_through_control(custodian: SimProcess) -> None:
    custodian.control("POST", "/_sim/settlements", {"id": "stl-0001", "status": "settled"})
    one = get(custodian, "/v1/settlements/stl-0001").json()
    assert one["status"] == "settled" and one["settled_at"] is not None and "as_of" in one
    created = custodian.control(
        "POST",
        "/_sim/settlements",
        {"client_id": "fund-1", "asset": "BTC", "amount": "0.25", "direction": "out"},
    ).json()
    assert get(custodian, f"/v1/settlements/{created['id']}").json()["status"] == "pending"
    bad = custodian.control("POST", "/_sim/settlements", {"client_id": "fund-1", "asset": "BTC"})
    assert bad.status_code == 400 and bad.json()["field"] == "amount"


def test_it_lists_transfers_since_a_time(custodian: SimProcess) -> None:
    everything = get(custodian, "/v1/clients/fund-1/transfers").json()["transfers"]
    assert [t["id"] for t in everything] == ["trf-0001"]
    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    assert get(custodian, f"/v1/clients/fund-1/transfers?since={since}").json()["transfers"] == []
    assert get(custodian, "/v1/clients/fund-1/transfers?since=yesterday").status_code == 400


def test_it_sets_balances_through_control(custodian: SimProcess) -> None:
    ok = custodian.control(
        "POST",
        "/_sim/balances",
        {"client_id": "fund-1", "asset": "ETH", "amount": "42.5", "account_type": "master"},
    )
    assert ok.status_code == 200
    rows = get(custodian, "/v1/clients/fund-1/master-balances").json()["balances"]
    assert {"asset": "ETH", "amount": "42.5"} in rows
    bad = custodian.control(
        "POST",
        "/_sim/balances",
        {"client_id": "fund-1", "asset": "ETH", "amount": "1", "account_type": "vault"},
    )
    assert bad.status_code == 400 and bad.json()["field"] == "account_type"


def test_it_injects_faults(custodian: SimProcess) -> None:
    custodian.control("POST", "/_sim/faults", {"kind": "negative_price"})
    rows = get(custodian, "/v1/clients/fund-1/master-balances").json()["balances"]
    assert rows[0]["amount"] == "-1.5"
    custodian.control("DELETE", "/_sim/faults")
    custodian.control("POST", "/_sim/faults", {"kind": "stale_timestamp"})
    as_of = get(custodian, "/v1/clients/fund-1/master-balances").json()["as_of"]
    age = datetime.now(UTC) - datetime.fromisoformat(as_of.replace("Z", "+00:00"))
    assert age > timedelta(minutes=59)
    custodian.control("DELETE", "/_sim/faults")
    custodian.control("POST", "/_sim/faults", {"kind": "http_500", "endpoint": "/v1/settlements"})
    assert get(custodian, "/v1/settlements").status_code == 500
    assert get(custodian, "/v1/clients/fund-1/master-balances").status_code == 200
