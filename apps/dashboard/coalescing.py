"""What one WebSocket connection still has to send, bounded whatever the client's speed
(docs/websocket.md, "Slow clients").

A ``risk.update`` replaces the one of the same portfolio still waiting (only the latest headline
matters), so a client that reads slowly gets the latest state, not a backlog. Every other event
(alerts, breaker) is kept in order; when more of them wait than the bound allows, they are all
dropped together with the updates and the connection owes the client a fresh ``risk.state``,
which holds everything they said: nothing is lost without the client being told.

Frames leave in the order they came, so each portfolio's frames leave in increasing sequence
order (a replacing update goes to the back, behind the events that came before it).
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_PENDING_EVENTS = 256
MAX_PENDING_REPLIES = 16


@dataclass(frozen=True)
class Frame:
    """One event of one portfolio, as the publisher numbered it."""

    event: str
    portfolio_id: int
    seq: int
    published_at: str
    data: dict[str, Any]

    @property
    def coalesces(self) -> bool:
        return self.event == "risk.update"


_Key = tuple[str, int, int]


class PendingFrames:
    """Frames waiting for the connection's single sender, and whether it owes a state."""

    def __init__(
        self, *, max_events: int = MAX_PENDING_EVENTS, max_replies: int = MAX_PENDING_REPLIES
    ) -> None:
        self._frames: OrderedDict[_Key, Frame] = OrderedDict()
        self._events = 0
        self._max_events = max_events
        self._replies: deque[dict[str, Any]] = deque(maxlen=max_replies)
        self.state_reason: str | None = None
        self.superseded = 0  # risk.update frames replaced before they were sent
        self.overflows = 0  # times the events were dropped for a state

    def __len__(self) -> int:
        return len(self._frames) + len(self._replies)

    def put(self, frame: Frame) -> None:
        if frame.coalesces:
            self._put_update(frame)
        elif self._events >= self._max_events:
            self._overflow()
        else:
            self._frames[("event", frame.portfolio_id, frame.seq)] = frame
            self._events += 1

    def reply(self, message: dict[str, Any]) -> None:
        """An answer to the client's own message (an error); past the bound the oldest goes:
        they answer the client's garbage, not the stream."""
        self._replies.append(message)

    def request_state(self, reason: str) -> None:
        """The next thing sent is a fresh state (the first reason given is kept)."""
        if self.state_reason is None:
            self.state_reason = reason

    def take_state_request(self) -> str | None:
        reason, self.state_reason = self.state_reason, None
        return reason

    def pop(self) -> Frame | dict[str, Any] | None:
        """The next frame, replies first; None when nothing waits."""
        if self._replies:
            return self._replies.popleft()
        if not self._frames:
            return None
        key, frame = self._frames.popitem(last=False)
        if key[0] == "event":
            self._events -= 1
        return frame

    def discard_through(self, seqs: Mapping[int, int]) -> None:
        """Drop the frames a state numbered ``seqs`` already holds (seq at or below its own)."""
        for key, frame in list(self._frames.items()):
            if frame.seq <= seqs.get(frame.portfolio_id, 0):
                del self._frames[key]
                self._events -= key[0] == "event"

    def highest_seq(self, portfolio_id: int) -> int:
        """The highest number waiting for the portfolio (0 when none waits)."""
        return max(
            (f.seq for f in self._frames.values() if f.portfolio_id == portfolio_id), default=0
        )

    def _put_update(self, frame: Frame) -> None:
        key = ("update", frame.portfolio_id, 0)
        waiting = self._frames.pop(key, None)
        if waiting is not None:
            self.superseded += 1
            if waiting.seq > frame.seq:
                frame = waiting  # arrived out of order: the newer one stays
        self._frames[key] = frame

    def _overflow(self) -> None:
        self._frames.clear()
        self._events = 0
        self.overflows += 1
        self.request_state("overflow")
