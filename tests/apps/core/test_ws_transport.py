"""The probe of daphne's transport buffer that paces each connection's sender, against the
installed Twisted (it reads a buffer Twisted has no public accessor for)."""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from twisted.internet.abstract import FileDescriptor

from apps.core.ws_transport import buffered_bytes, transport_probe, transport_writable


class Unsendable(FileDescriptor):
    """A Twisted transport whose peer reads nothing: writes stay in its buffer."""

    connected = 1

    def startWriting(self) -> None:
        pass

    def stopWriting(self) -> None:
        pass

    def writeSomeData(self, data: bytes) -> int:
        return min(len(data), 10)  # the kernel takes ten bytes per write, no more


class Protocol:
    def __init__(self, transport: Any) -> None:
        self.transport = transport


def test_it_counts_what_twisted_has_not_written_yet() -> None:
    transport = Unsendable()
    transport.write(b"x" * 100)
    transport.write(b"y" * 50)
    assert buffered_bytes(transport) == 150

    transport.doWrite()

    assert buffered_bytes(transport) == 140


def test_it_counts_nothing_once_the_transport_is_gone() -> None:
    assert buffered_bytes(None) == 0


def test_it_finds_the_transport_behind_daphnes_send() -> None:
    transport = Unsendable()
    transport.write(b"z" * 70)

    async def handle_reply(protocol: Any, message: dict[str, Any]) -> None:
        pass

    probe = transport_probe(functools.partial(handle_reply, Protocol(transport)))

    assert probe is not None and probe() == 70


def test_it_has_no_probe_for_another_servers_send() -> None:
    async def send(message: dict[str, Any]) -> None:
        pass

    assert transport_probe(send) is None


def test_it_waits_until_the_buffer_drains_below_the_high_water_mark() -> None:
    readings = iter([500, 300, 100, 0])
    seen: list[int] = []

    def probe() -> int:
        seen.append(next(readings))
        return seen[-1]

    asyncio.run(transport_writable(probe, high_water=200))

    assert seen == [500, 300, 100]
