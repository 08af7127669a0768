"""Input is read exactly as the schema states it: a query parameter given empty or twice, and a
body field of the wrong JSON type, are 400s naming the field (DRF alone would let them pass)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

ClientFor = Callable[[str], APIClient]


def fields_of(response: object) -> dict[str, list[str]]:
    return response.json()["error"]["fields"]  # type: ignore[attr-defined, no-any-return]


def test_it_refuses_an_empty_query_parameter(api_client_for: ClientFor) -> None:
    response = api_client_for("trader").get("/api/v1/alerts/active?severity=")
    assert response.status_code == 400
    assert fields_of(response) == {
        "severity": ["must not be empty: leave the parameter out instead"]
    }


def test_it_refuses_a_repeated_query_parameter(api_client_for: ClientFor) -> None:
    response = api_client_for("trader").get("/api/v1/alerts/active?severity=low&severity=high")
    assert response.status_code == 400
    assert fields_of(response) == {"severity": ["give this parameter once"]}


def test_it_still_reads_a_well_formed_query(api_client_for: ClientFor) -> None:
    response = api_client_for("trader").get("/api/v1/alerts/active?severity=high")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"action": "trip", "reason": 5}, "reason", "must be a JSON string"),
        ({"action": True, "reason": "drill"}, "action", "must be a JSON string"),
        ({"action": "trip", "reason": "drill", "portfolio": 1}, "portfolio", "JSON string"),
        ({"action": "trip", "reason": "   "}, "reason", "blank"),
    ],
)  # fmt: skip
def test_it_refuses_a_body_field_of_the_wrong_json_type(
    api_client_for: ClientFor, body: dict[str, object], field: str, reason: str
) -> None:
    response = api_client_for("risk_officer").post("/api/v1/emergency/circuit-breaker", body)
    assert response.status_code == 400
    assert list(fields_of(response)) == [field]
    assert reason in fields_of(response)[field][0]


def test_it_refuses_a_form_body(api_client_for: ClientFor) -> None:
    response = api_client_for("risk_officer").post(
        "/api/v1/emergency/circuit-breaker", {"action": "trip", "reason": "x"}, format="multipart"
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
