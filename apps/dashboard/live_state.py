"""The ``risk.state`` message: everything a client needs to start from, numbered so that the
events after it continue it (docs/websocket.md)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from apps.core.live import live_state_parts, seq_current
from apps.positions.models import Portfolio


def live_state() -> dict[str, Any]:
    """Latest snapshot per portfolio, open alerts, breakers, and each portfolio's ``seq``.

    The counters are read before the database: an event is numbered only after its commit, so
    every event numbered up to them is in what is read next (one numbered later may be in it
    too; applying it again changes nothing)."""
    portfolios = list(Portfolio.objects.order_by("name").values_list("pk", "name"))
    seqs = seq_current(pk for pk, _ in portfolios)
    return {
        "type": "risk.state",
        "at": timezone.now().isoformat(),
        "seq": {str(pk): seq for pk, seq in seqs.items()},
        "portfolios": [{"id": pk, "name": name} for pk, name in portfolios],
        **live_state_parts(),
    }
