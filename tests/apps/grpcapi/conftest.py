"""A real gRPC server on a free port, in this process, over the test database (committed
transactions: the server's threads read through connections of their own)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import grpc
import pytest

from apps.core.grpc_server import build_server
from apps.core.services import api_token_issue

# The risk book and its frozen clock, shared with the REST tests of the same figures.
from tests.apps.risk.conftest import book, frozen  # noqa: F401

Caller = Callable[..., Any]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def grpc_channel(transactional_db: None, settings: Any) -> Iterator[grpc.Channel]:
    # Each call closes its connection at the end, so none outlives the test database.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    port = _free_port()
    server = build_server(port, workers=4)
    server.start()
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    yield channel
    channel.close()
    server.stop(grace=1)


@pytest.fixture
def token_for(role_user: Callable[..., Any]) -> Callable[[str], str]:
    def make(role: str) -> str:
        return api_token_issue(user=role_user(role))

    return make


def metadata(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Token {token}"),)
