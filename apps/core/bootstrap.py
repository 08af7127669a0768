"""What ``manage.py bootstrap`` loads, in order. Each step is idempotent and returns one line
for the operator. Apps append their loaders here (venues, limits, breaker)."""

from __future__ import annotations

from collections.abc import Callable

from apps.core.services import roles_sync


def _roles() -> str:
    roles_sync()
    return "roles: risk_officer, trader, auditor, integration"


def _venues() -> str:
    from apps.venues.services import venues_sync_from_config
    from riskmonitor.conf import get_config

    created = venues_sync_from_config(apis=get_config().monitor.external_apis)
    return f"venues: {len(created)} created" + (f" ({', '.join(created)})" if created else "")


def _limits() -> str:
    from apps.limits.services import limits_load_from_config

    return limits_load_from_config().summary()


def _breakers() -> str:
    """A closed breaker for every portfolio, so the back office can trip one that was never
    evaluated; after this, a portfolio's first evaluation creates its own."""
    from apps.breaker.services import breakers_ensure

    return f"circuit breakers: {breakers_ensure()} created"


BOOTSTRAP_STEPS: list[Callable[[], str]] = [_roles, _venues, _limits, _breakers]
