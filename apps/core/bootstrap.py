"""What ``manage.py bootstrap`` loads, in order. Each step is idempotent and returns one line
for the operator. Apps append their loaders here (venues, limits)."""

from __future__ import annotations

from collections.abc import Callable

from apps.core.services import roles_sync


def _roles() -> str:
    roles_sync()
    return "roles: risk_officer, trader, auditor, integration"


BOOTSTRAP_STEPS: list[Callable[[], str]] = [_roles]
