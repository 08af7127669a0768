"""How full a WebSocket's outgoing buffer is, for the sender that must not outrun the client
(docs/websocket.md, "Slow clients").

Daphne hands every ``websocket.send`` straight to autobahn, which writes it into the Twisted
transport: ``send`` returns at once and the bytes wait in the transport's user-space buffer,
without limit, when the client reads slowly (django/daphne#170; Twisted's own signal, a
producer's ``pauseProducing`` past ``bufferSize``, is not passed to ASGI applications). So the
outermost ASGI layer puts a probe of that buffer into the scope, and the sender waits for it to
drain below a high-water mark before it writes the next frame. Under another server, or the test
communicator, there is no probe and ``send`` itself is the only backpressure.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from typing import Any

SCOPE_KEY = "transport_buffered_bytes"
# Twisted's own pause threshold (FileDescriptor.bufferSize): past it the transport is "full".
HIGH_WATER_BYTES = 64 * 1024
_POLL_FIRST, _POLL_MAX = 0.02, 0.5

Probe = Callable[[], int]
log = logging.getLogger(__name__)


def transport_probe(send: Any) -> Probe | None:
    """Bytes waiting in daphne's transport for this connection, or None when ``send`` is not
    daphne's (``functools.partial(server.handle_reply, protocol)``)."""
    if not isinstance(send, functools.partial) or not send.args:
        return None
    protocol = send.args[0]
    if not hasattr(protocol, "transport"):
        return None
    return lambda: buffered_bytes(protocol.transport)


def buffered_bytes(transport: Any) -> int:
    """Unsent bytes of a Twisted ``FileDescriptor``: its write buffer past the offset plus the
    pieces not yet joined into it (no public accessor exists); 0 once it is gone."""
    if transport is None:
        return 0
    written = len(getattr(transport, "dataBuffer", b"")) - int(getattr(transport, "offset", 0))
    return written + int(getattr(transport, "_tempDataLen", 0))


async def transport_writable(probe: Probe | None, high_water: int = HIGH_WATER_BYTES) -> None:
    """Return once the transport holds at most ``high_water`` unsent bytes; polls, backing off
    while a client stays stuck, so many stuck clients cost little."""
    delay = _POLL_FIRST
    while probe is not None and (unsent := probe()) > high_water:
        if delay == _POLL_FIRST:
            log.info("websocket client is slow: waiting to send", extra={"unsent_bytes": unsent})
        await asyncio.sleep(delay)
        delay = min(delay * 2, _POLL_MAX)


class TransportProbeMiddleware:
    """The outermost WebSocket layer: records the probe in the scope, before Channels'
    middleware wraps ``send`` and hides daphne's."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        # A probe already in the scope (an outer layer of a test) is kept when daphne is not
        # the server.
        probe = transport_probe(send) or scope.get(SCOPE_KEY)
        return await self.inner({**scope, SCOPE_KEY: probe}, receive, send)
