"""What ``manage.py bootstrap`` loads, in order. Each app registers its own loader from its
``AppConfig.ready()``, so they run in ``INSTALLED_APPS`` order (roles, venues, limits) and core
knows none of the apps above it. Each loader is idempotent and returns one line for the operator."""

from __future__ import annotations

from collections.abc import Callable

from apps.core.services import roles_sync

Loader = Callable[[], str]

_LOADERS: dict[str, Loader] = {}


def bootstrap_loader_register(name: str, loader: Loader) -> None:
    """Add ``loader`` under ``name``; a second registration of a name replaces the first (and
    keeps its place), so running ``ready()`` again does not load twice."""
    _LOADERS[name] = loader


def bootstrap_loaders() -> dict[str, Loader]:
    """The registered loaders by name, in the order they run."""
    return dict(_LOADERS)


def roles_bootstrap() -> str:
    roles_sync()
    return "roles: risk_officer, trader, auditor, integration"
