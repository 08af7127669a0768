"""One error body for every refusal of the REST API: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.exceptions import ErrorDetail

from apps.core.errors import field_errors

pytestmark = pytest.mark.django_db
ClientFor = Callable[[str], Any]
ACTIVE = "/api/v1/alerts/active"
ACKNOWLEDGE = "/api/v1/alerts/acknowledge"


def test_it_names_each_bad_field_with_its_reasons(api_client_for: ClientFor) -> None:
    response = api_client_for("trader").get(ACTIVE, {"severity": "apocalyptic", "portfolio_id": -1})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"severity", "portfolio_id"}
    assert all(isinstance(reason, str) for reason in error["fields"]["severity"])
    assert "severity" in error["message"] and "portfolio_id" in error["message"]


def test_it_answers_an_anonymous_request_without_fields(client: Any) -> None:
    response = client.get(ACTIVE)

    assert response.status_code in (401, 403)
    error = response.json()["error"]
    assert error["code"] == "not_authenticated"
    assert error["message"] and error["fields"] == {}


def test_it_answers_a_missing_permission(api_client_for: ClientFor) -> None:
    response = api_client_for("trader").post(
        ACKNOWLEDGE, {"alert_id": "alert-1", "comment": "x"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_it_answers_an_unknown_object_with_not_found(api_client_for: ClientFor) -> None:
    response = api_client_for("risk_officer").post(
        ACKNOWLEDGE, {"alert_id": "alert-999999", "comment": "x"}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found", "message": "alert-999999 does not exist", "fields": {},
    }  # fmt: skip


def test_it_answers_a_wrong_method(api_client_for: ClientFor) -> None:
    response = api_client_for("trader").delete(ACTIVE)

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_it_answers_malformed_json(api_client_for: ClientFor) -> None:
    response = api_client_for("risk_officer").post(
        ACKNOWLEDGE, "{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_it_answers_an_unknown_path_outside_the_api_in_the_same_shape(client: Any) -> None:
    response = client.get("/no/such/page", secure=True)

    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found", "message": "not found: /no/such/page", "fields": {},
    }  # fmt: skip


def test_it_flattens_nested_errors_to_dotted_names() -> None:
    detail = {
        "trades": [{}, {"size": [ErrorDetail("must not be 0")], "price": ["must be > 0"]}],
        "window": {"start": ["required"]},
        "reason": ["blank", "too short"],
    }

    assert field_errors(detail) == {
        "trades.1.size": ["must not be 0"],
        "trades.1.price": ["must be > 0"],
        "window.start": ["required"],
        "reason": ["blank", "too short"],
    }


def test_it_files_errors_that_name_no_field_under_non_field_errors() -> None:
    assert field_errors(["give exactly one"]) == {"non_field_errors": ["give exactly one"]}
    assert field_errors("bad") == {"non_field_errors": ["bad"]}
