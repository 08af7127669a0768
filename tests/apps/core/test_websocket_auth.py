from __future__ import annotations

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from apps.core.services import api_token_issue

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

ORIGIN = (b"origin", b"http://127.0.0.1:8080")


def _app():
    from riskmonitor.asgi import application

    return application


async def _connect(path: str, headers: list[tuple[bytes, bytes]]) -> tuple[bool, object]:
    communicator = WebsocketCommunicator(_app(), path, headers=headers)
    connected, code = await communicator.connect()
    return connected, (communicator if connected else code)


async def test_it_refuses_an_anonymous_connection():
    connected, code = await _connect("/ws/risk-updates", [ORIGIN])
    assert not connected
    assert code == 4401


async def test_it_refuses_a_foreign_origin(role_user):
    from channels.db import database_sync_to_async

    user = await database_sync_to_async(role_user)("trader")
    token = await database_sync_to_async(api_token_issue)(user=user)
    headers = [
        (b"origin", b"http://evil.example.com"),
        (b"authorization", f"Token {token}".encode()),
    ]
    connected, _ = await _connect("/ws/risk-updates", headers)
    assert not connected


async def test_it_streams_group_updates_to_a_token_holder(role_user):
    from channels.db import database_sync_to_async

    user = await database_sync_to_async(role_user)("trader")
    token = await database_sync_to_async(api_token_issue)(user=user)
    connected, communicator = await _connect(f"/ws/risk-updates?token={token}", [ORIGIN])
    assert connected
    await get_channel_layer().group_send(
        "risk.updates", {"type": "risk.update", "seq": 7, "data": {"total_pnl": "12.50"}}
    )
    message = await communicator.receive_json_from(timeout=5)
    assert message == {"type": "risk.update", "seq": 7, "data": {"total_pnl": "12.50"}}
    await communicator.disconnect()
