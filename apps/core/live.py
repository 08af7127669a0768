"""The live stream's publishing primitive: one event of one portfolio, numbered and sent to the
``risk.updates`` channel group once the transaction that caused it commits (docs/websocket.md).

It sits in core so that every app publishes its own events (the cycle its snapshots, alerts
their changes, the breaker its transitions) without importing the others. The sequence number is
per portfolio and shared by every kind of event, assigned here, after commit, by an atomic
increment in the cache (Redis in stack mode, so web and worker processes count on one counter;
in embedded mode one process owns the in-memory cache). A commit always happens before its
number is taken, so a reader that takes the counters before reading the database sees every
event numbered up to them.

The state a client gets on connect is assembled from parts each app registers from its
``AppConfig.ready()`` (as the bootstrap loaders are), so the WebSocket door reads the breaker's
state without importing the breaker app, which sits beside it in the layers.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

LIVE_GROUP = "risk.updates"
# The channel-layer message type; the consumer's handler is named after it (live_event).
LIVE_MESSAGE_TYPE = "live.event"
EVENT_TYPES = (
    "risk.update",
    "alert.opened",
    "alert.updated",
    "alert.resolved",
    "alert.acknowledged",
    "breaker.changed",
)
_SEQ_KEY = "live:seq:{portfolio_id}"

log = logging.getLogger(__name__)

StatePart = Callable[[], Any]
_STATE_PARTS: dict[str, StatePart] = {}


def live_publish_on_commit(*, event: str, portfolio_id: int, data: dict[str, Any]) -> None:
    """Publish ``event`` once the current transaction commits; nothing if it rolls back.
    ``data`` is taken now: the rows it describes may change again before the commit hook runs."""
    publish = functools.partial(live_publish, event=event, portfolio_id=portfolio_id, data=data)
    transaction.on_commit(publish, robust=True)


def live_publish(*, event: str, portfolio_id: int, data: dict[str, Any]) -> int | None:
    """Number the event and send it to the group now (call only after commit); returns its
    sequence number, or None when it could not be sent. A lost event is logged, never raised:
    clients see the gap in the numbers and take the state again."""
    if event not in EVENT_TYPES:
        raise ValueError(f"event: must be one of {', '.join(EVENT_TYPES)}, got {event!r}")
    layer = get_channel_layer()
    if layer is None:
        return None
    try:
        seq = seq_next(portfolio_id)
        async_to_sync(layer.group_send)(LIVE_GROUP, live_message(event, portfolio_id, seq, data))
    except Exception:
        log.exception("live event not published", extra={"event": event, "portfolio": portfolio_id})
        return None
    return seq


def live_message(event: str, portfolio_id: int, seq: int, data: dict[str, Any]) -> dict[str, Any]:
    """The channel-layer message; ``published_at`` is when the commit's hook sent it."""
    return {
        "type": LIVE_MESSAGE_TYPE,
        "event": event,
        "portfolio_id": portfolio_id,
        "seq": seq,
        "published_at": timezone.now().isoformat(),
        "data": data,
    }


def seq_next(portfolio_id: int) -> int:
    """The portfolio's next sequence number: 1, 2, 3, ... across every process."""
    key = _SEQ_KEY.format(portfolio_id=portfolio_id)
    cache.add(key, 0, timeout=None)  # SET NX: the first event of a portfolio starts the count
    return int(cache.incr(key))


def seq_current(portfolio_ids: Iterable[int]) -> dict[int, int]:
    """The last number given to each portfolio (0 before its first event)."""
    ids = list(portfolio_ids)
    keys = {_SEQ_KEY.format(portfolio_id=pk): pk for pk in ids}
    found = cache.get_many(list(keys))
    return {pk: int(found.get(key, 0)) for key, pk in keys.items()}


def live_state_part_register(name: str, build: StatePart) -> None:
    """Add a part of the connect-time state under ``name`` (a second registration of a name
    replaces the first, so running ``ready()`` again registers nothing twice)."""
    _STATE_PARTS[name] = build


def live_state_parts() -> dict[str, Any]:
    """Every registered part, built now (one database read each), by name."""
    return {name: build() for name, build in _STATE_PARTS.items()}
