"""Errors of the breaker's services that doors turn into answers."""

from __future__ import annotations


class BreakerConflict(Exception):
    """The request does not fit the current state (trip an open breaker, approve a done plan)."""
