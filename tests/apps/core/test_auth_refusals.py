"""A request without valid credentials gets 401 with ``WWW-Authenticate: Token``; an
authenticated user whose role lacks the permission gets 403. Checked over every API operation
the URLconf routes (so a door added later is covered), and for a sample of role refusals."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from drf_spectacular.generators import EndpointEnumerator
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PUBLIC = {("/health", "GET")}
# A page for people: without a session it sends them to log in (test_api_docs.py).
BROWSER = {("/api/docs/", "GET")}
# Open to any authenticated user by design (docs/api.md): the schema of the API.
ANY_ROLE = {("/api/v1/schema", "GET")}


def operations() -> list[tuple[str, str]]:
    found = []
    for path, _regex, method, _view in EndpointEnumerator().get_api_endpoints():
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        if (concrete, method) not in PUBLIC | BROWSER:
            found.append((concrete, method))
    return sorted(set(found))


def call(client: APIClient, path: str, method: str) -> Any:
    return getattr(client, method.lower())(path)


def test_it_finds_the_api_operations() -> None:
    assert {("/api/v1/risk/status", "GET"), ("/api/v1/limits/update", "POST")} <= set(operations())


@pytest.mark.parametrize(("path", "method"), operations())
def test_it_answers_401_with_the_scheme_without_credentials(path: str, method: str) -> None:
    response = call(APIClient(), path, method)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.data["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(("path", "method"), operations())
def test_it_answers_401_to_a_token_that_is_not_valid(path: str, method: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    response = call(client, path, method)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.data["error"]["code"] == "authentication_failed"


@pytest.mark.parametrize(("path", "method"), [op for op in operations() if op not in ANY_ROLE])
def test_it_answers_403_to_a_user_without_a_role(path: str, method: str) -> None:
    from django.contrib.auth.models import User

    from apps.core.services import api_token_issue

    client = APIClient()
    user = User.objects.create_user("no-role", password="Long-enough-pw-1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user)}")
    response = call(client, path, method)
    assert response.status_code == 403
    assert response.data["error"]["code"] == "permission_denied"


@pytest.mark.parametrize(
    ("role", "method", "path"),
    [
        ("trader", "POST", "/api/v1/limits/update"),
        ("trader", "POST", "/api/v1/alerts/acknowledge"),
        ("trader", "POST", "/api/v1/emergency/circuit-breaker"),
        ("trader", "GET", "/debug/risk-calculations"),
        ("integration", "GET", "/debug/data-sources/status"),
        ("auditor", "POST", "/api/v1/limits/requests/1/approve"),
    ],
)
def test_it_answers_403_to_a_role_without_the_permission(
    api_client_for: Callable[[str], APIClient], role: str, method: str, path: str
) -> None:
    response = call(api_client_for(role), path, method)
    assert response.status_code == 403
    assert "WWW-Authenticate" not in response


def test_it_keeps_sessions_working_for_the_browser(role_user: Callable[..., Any]) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(role_user("risk_officer"))
    assert client.get("/api/v1/system/status").status_code == 200
    # A session's unsafe request still needs its CSRF token: refused, not unauthenticated.
    refused = client.post("/api/v1/alerts/acknowledge", {"alert_id": 1, "comment": "seen"})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["error"]["message"]
