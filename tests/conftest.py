"""Shared fixtures. The suite runs in stack mode on a real PostgreSQL and Redis (``make test`` sets
DATABASE_URL and REDIS_URL); engine, config and simulator tests need neither."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

import pytest

_serial = count(1)


@pytest.fixture
def role_user(db: None) -> Callable[..., object]:
    """Creates a user in a role: ``role_user("risk_officer")``."""
    from apps.core.services import role_user_create

    def make(role: str, username: str | None = None) -> object:
        name = username or f"{role}-{next(_serial)}"
        return role_user_create(username=name, role=role, password="Long-enough-pw-1")

    return make


@pytest.fixture
def api_client_for(role_user: Callable[..., object]) -> Callable[[str], object]:
    """An APIClient authenticated by token as a fresh user of the role."""
    from rest_framework.test import APIClient

    from apps.core.services import api_token_issue

    def make(role: str) -> APIClient:
        user = role_user(role)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user)}")
        return client

    return make


# Transactional tests end with a flush (TRUNCATE) that the audit trail's triggers refuse;
# this lets only that flush through, inside a transaction that restores the triggers.
from apps.audit.testing import audit_flush_allowed  # noqa: E402, F401
