"""Who may open ``/ws/risk-updates``: a token (header or ``?token=``) or a session of a user who
may view risk; anyone else is closed with 4401/4403; a foreign Origin is refused at the
handshake."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from apps.core.services import api_token_issue

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

ORIGIN = (b"origin", b"http://127.0.0.1:8080")
PATH = "/ws/risk-updates"


def _app() -> Any:
    from riskmonitor.asgi import application

    return application


async def _token(role_user: Any, role: str) -> str:
    user = await database_sync_to_async(role_user)(role)
    return str(await database_sync_to_async(api_token_issue)(user=user))


async def _first(path: str, headers: list[tuple[bytes, bytes]]) -> tuple[bool, dict[str, Any]]:
    communicator = WebsocketCommunicator(_app(), path, headers=headers)
    connected, _ = await communicator.connect()
    if not connected:
        return False, {}
    output = await communicator.receive_output(timeout=5)
    await communicator.disconnect()
    return True, output


async def test_it_closes_an_anonymous_connection_with_4401() -> None:
    connected, output = await _first(PATH, [ORIGIN])

    assert connected
    assert (output["type"], output["code"]) == ("websocket.close", 4401)


async def test_it_closes_an_unknown_token_with_4401() -> None:
    _, output = await _first(f"{PATH}?token=not-a-token", [ORIGIN])

    assert output["code"] == 4401


async def test_it_closes_a_user_who_may_not_view_risk_with_4403() -> None:
    user = await database_sync_to_async(User.objects.create_user)("no-role", password="x" * 16)
    token = await database_sync_to_async(api_token_issue)(user=user)

    _, output = await _first(PATH, [ORIGIN, (b"authorization", f"Token {token}".encode())])

    assert output["code"] == 4403


async def test_it_refuses_a_foreign_origin_at_the_handshake(role_user: Any) -> None:
    token = await _token(role_user, "trader")
    headers = [
        (b"origin", b"http://evil.example.com"),
        (b"authorization", f"Token {token}".encode()),
    ]

    connected, _ = await _first(PATH, headers)

    assert not connected


async def test_it_refuses_a_connection_without_an_origin(role_user: Any) -> None:
    token = await _token(role_user, "trader")

    connected, _ = await _first(f"{PATH}?token={token}", [])

    assert not connected


@pytest.mark.parametrize("way", ["query", "header"])
async def test_it_streams_to_a_token_holder(role_user: Any, way: str) -> None:
    token = await _token(role_user, "integration")
    path, headers = (
        (f"{PATH}?token={token}", [ORIGIN])
        if way == "query"
        else (PATH, [ORIGIN, (b"authorization", f"Token {token}".encode())])
    )

    _, output = await _first(path, headers)

    assert output["type"] == "websocket.send"
    assert '"type": "risk.state"' in output["text"]


async def test_it_streams_to_a_logged_in_session(role_user: Any) -> None:
    user = await database_sync_to_async(role_user)("risk_officer")
    client = Client()
    await database_sync_to_async(client.force_login)(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    _, output = await _first(PATH, [ORIGIN, (b"cookie", cookie.encode())])

    assert '"type": "risk.state"' in output["text"]
