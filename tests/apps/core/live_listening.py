"""A channel joined to the live group, for tests that check what was published."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any

from channels.layers import get_channel_layer

from apps.core.live import LIVE_GROUP


class GroupListener:
    """Works on one event loop of its own: the Redis layer binds a channel's receive buffer to
    the loop that first received on it."""

    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self._loop = asyncio.new_event_loop()
        self.channel: str = self._run(self.layer.new_channel())

    def messages(self, *, wait: float = 0.5) -> list[dict[str, Any]]:
        """Everything received until nothing more comes for ``wait`` seconds."""
        return self._run(self._drain(wait))

    def join(self) -> None:
        self._run(self.layer.group_add(LIVE_GROUP, self.channel))

    def leave(self) -> None:
        self._run(self.layer.group_discard(LIVE_GROUP, self.channel))
        self._loop.close()

    def _run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return self._loop.run_until_complete(coroutine)

    async def _drain(self, wait: float) -> list[dict[str, Any]]:
        got = []
        while True:
            try:
                got.append(await asyncio.wait_for(self.layer.receive(self.channel), wait))
            except TimeoutError:
                return got


@contextmanager
def listening() -> Iterator[GroupListener]:
    listener = GroupListener()
    listener.join()
    try:
        yield listener
    finally:
        listener.leave()
