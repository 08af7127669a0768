"""One connection's side of the live stream (docs/websocket.md): events from the channel group
go into a bounded buffer, and one sender task writes them out when the transport can take them.

The group handler never waits on the client: it only files the event. The sender waits for the
transport's write buffer to drain below its high-water mark before it takes the next frame, so
while a client is slow its events coalesce here, in bounded memory, and no other connection
waits for it (each has its own sender).

Sequence numbers: each frame carries the publisher's ``seq`` and ``prev_seq``, the number of the
frame this connection sent last for that portfolio (or the state's), so a client checks
``prev_seq`` against what it holds. A gap or reordering seen here (an event lost or delayed
between processes) makes the connection send a fresh state instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from apps.dashboard.coalescing import Frame, PendingFrames

StateBuilder = Callable[[], Awaitable[dict[str, Any]]]
Sender = Callable[[dict[str, Any]], Awaitable[None]]
Writable = Callable[[], Awaitable[None]]


def frame_of(message: dict[str, Any]) -> Frame:
    """The channel-layer message of ``apps.core.live`` as a frame."""
    return Frame(
        event=str(message["event"]),
        portfolio_id=int(message["portfolio_id"]),
        seq=int(message["seq"]),
        published_at=str(message["published_at"]),
        data=dict(message["data"]),
    )


class LiveStream:
    def __init__(self, *, build_state: StateBuilder, send: Sender, writable: Writable) -> None:
        self.pending = PendingFrames()
        self._build_state, self._send, self._writable = build_state, send, writable
        self._received: dict[int, int] = {}  # highest seq filed, per portfolio
        self._sent: dict[int, int] = {}  # seq of the last frame (or state) sent, per portfolio
        self._wake = asyncio.Event()
        self.resync("connect")

    def received(self, frame: Frame) -> None:
        """File an event from the group; never waits."""
        last = self._received.get(frame.portfolio_id)
        if last is not None and frame.seq <= last:
            # Older than one already filed: a delayed update is superseded; any other event
            # may say something the newer ones do not, and the state says it all.
            if not frame.coalesces:
                self.pending.request_state("reordered")
            self._wake.set()
            return
        if last is not None and frame.seq > last + 1:
            self.pending.request_state("gap")
        self._received[frame.portfolio_id] = frame.seq
        self.pending.put(frame)
        self._wake.set()

    def resync(self, reason: str = "requested") -> None:
        self.pending.request_state(reason)
        self._wake.set()

    def reply(self, message: dict[str, Any]) -> None:
        self.pending.reply(message)
        self._wake.set()

    async def run(self) -> None:
        """The connection's only sender; runs until cancelled."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self.pending.state_reason is not None or len(self.pending):
                await self._writable()
                await self._send_next()

    async def _send_next(self) -> None:
        reason = self.pending.take_state_request()
        if reason is not None:
            await self._send(await self._state(reason))
            return
        item = self.pending.pop()
        if isinstance(item, Frame):
            await self._send(self._envelope(item))
        elif item is not None:
            await self._send(item)

    async def _state(self, reason: str) -> dict[str, Any]:
        state = await self._build_state()
        seqs = {int(pk): seq for pk, seq in state["seq"].items()}
        self.pending.discard_through(seqs)
        for pk, seq in seqs.items():
            # The state's numbers replace what was held (they restart if the counters were
            # lost); events filed while it was read and numbered after it are still waiting.
            self._sent[pk] = seq
            self._received[pk] = max(seq, self.pending.highest_seq(pk))
        return {**state, "reason": reason}

    def _envelope(self, frame: Frame) -> dict[str, Any]:
        prev = self._sent.get(frame.portfolio_id, 0)
        self._sent[frame.portfolio_id] = frame.seq
        return {
            "type": frame.event,
            "portfolio_id": frame.portfolio_id,
            "seq": frame.seq,
            "prev_seq": prev,
            "published_at": frame.published_at,
            "data": frame.data,
        }
