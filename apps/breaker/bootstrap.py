"""The breaker app's ``manage.py bootstrap`` loader: a closed breaker for every portfolio, so the
back office can trip one that was never evaluated (a portfolio's first evaluation creates its
own after this; an admin page never writes on GET)."""

from __future__ import annotations

from apps.breaker.services import breakers_ensure


def breakers_bootstrap() -> str:
    return f"circuit breakers: {breakers_ensure()} created"
