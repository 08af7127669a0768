"""``/ws/risk-updates`` through the real ASGI application and the Redis channel layer: the state
first, numbered events after it, resync, errors, and a slow connection that coalesces without
holding up a fast one."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from apps.core.live import live_message, live_publish, seq_current
from apps.core.services import api_token_issue
from apps.core.ws_transport import SCOPE_KEY
from apps.positions.models import Portfolio

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

ORIGIN = (b"origin", b"http://127.0.0.1:8080")


class Transport:
    """Stands in for daphne's buffer probe: full (a client not reading) or empty."""

    def __init__(self) -> None:
        self.full = False

    def __call__(self) -> int:
        return 10**6 if self.full else 0


def _app(transport: Transport | None = None) -> Any:
    from riskmonitor.asgi import application

    async def with_probe(scope: dict[str, Any], receive: Any, send: Any) -> Any:
        return await application({**scope, SCOPE_KEY: transport}, receive, send)

    return with_probe


async def _portfolio() -> Portfolio:
    name = f"p-{secrets.token_hex(4)}"
    return await database_sync_to_async(Portfolio.objects.create)(name=name)


async def _open(role_user: Any, transport: Transport | None = None) -> WebsocketCommunicator:
    user = await database_sync_to_async(role_user)("trader")
    token = await database_sync_to_async(api_token_issue)(user=user)
    communicator = WebsocketCommunicator(
        _app(transport), f"/ws/risk-updates?token={token}", headers=[ORIGIN]
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def _next(communicator: WebsocketCommunicator, timeout: float = 5) -> dict[str, Any]:
    return dict(await communicator.receive_json_from(timeout=timeout))


async def _publish(event: str, portfolio_id: int, data: dict[str, Any] | None = None) -> int:
    seq = await sync_to_async(live_publish)(event=event, portfolio_id=portfolio_id, data=data or {})
    assert seq is not None
    return seq


async def test_it_sends_the_state_first_with_each_portfolios_seq(role_user: Any) -> None:
    portfolio = await _portfolio()
    await _publish("risk.update", portfolio.pk)
    communicator = await _open(role_user)

    state = await _next(communicator)

    assert state["type"] == "risk.state"
    assert state["reason"] == "connect"
    assert state["seq"][str(portfolio.pk)] == 1
    assert {"id": portfolio.pk, "name": portfolio.name} in state["portfolios"]
    assert {"snapshots", "alerts", "breakers"} <= set(state)
    breaker = next(b for b in state["breakers"] if b["portfolio_id"] == portfolio.pk)
    assert breaker["state"] == "closed"
    await communicator.disconnect()


async def test_it_forwards_events_numbered_after_the_state(role_user: Any) -> None:
    portfolio = await _portfolio()
    communicator = await _open(role_user)
    await _next(communicator)

    await _publish("risk.update", portfolio.pk, {"equity": 1.0})
    await _publish("alert.opened", portfolio.pk, {"id": 3})

    update, alert = await _next(communicator), await _next(communicator)
    assert (update["type"], update["seq"], update["prev_seq"]) == ("risk.update", 1, 0)
    assert update["portfolio_id"] == portfolio.pk and update["data"] == {"equity": 1.0}
    assert (alert["type"], alert["seq"], alert["prev_seq"]) == ("alert.opened", 2, 1)
    assert alert["published_at"]
    await communicator.disconnect()


async def test_it_sends_the_state_again_when_the_client_asks(role_user: Any) -> None:
    portfolio = await _portfolio()
    communicator = await _open(role_user)
    await _next(communicator)
    await _publish("risk.update", portfolio.pk)

    await _next(communicator)
    await communicator.send_json_to({"type": "resync"})
    state = await _next(communicator)

    assert (state["type"], state["reason"]) == ("risk.state", "requested")
    assert state["seq"][str(portfolio.pk)] == 1
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("text", "field"),
    [('{"type": "subscribe"}', "type"), ("not json", "message"), ("[1]", "message")],
)
async def test_it_answers_a_message_it_does_not_understand_with_an_error(
    role_user: Any, text: str, field: str
) -> None:
    communicator = await _open(role_user)
    await _next(communicator)

    await communicator.send_to(text_data=text)
    reply = await _next(communicator)

    assert reply["type"] == "error"
    assert reply["error"]["code"] == "invalid"
    assert field in reply["error"]["fields"]
    await communicator.disconnect()


async def test_it_sends_a_state_when_it_sees_a_gap_in_the_numbers(role_user: Any) -> None:
    from channels.layers import get_channel_layer

    portfolio = await _portfolio()
    communicator = await _open(role_user)
    await _next(communicator)
    await _publish("risk.update", portfolio.pk)
    await _next(communicator)

    # Number 2 never reaches the group (lost between processes): 3 arrives after 1.
    await get_channel_layer().group_send(
        "risk.updates", live_message("alert.opened", portfolio.pk, 3, {"id": 1})
    )
    state = await _next(communicator)

    assert (state["type"], state["reason"]) == ("risk.state", "gap")
    await communicator.disconnect()


async def test_it_coalesces_updates_for_a_slow_client_and_keeps_its_alerts(role_user: Any) -> None:
    portfolio = await _portfolio()
    transport = Transport()
    slow = await _open(role_user, transport)
    await _next(slow)
    transport.full = True

    for _ in range(5):
        await _publish("risk.update", portfolio.pk)
    await _publish("alert.opened", portfolio.pk, {"id": 9})
    for _ in range(3):
        await _publish("risk.update", portfolio.pk)
    assert await slow.receive_nothing(timeout=0.5)
    transport.full = False

    frames = [await _next(slow), await _next(slow)]
    assert [(f["type"], f["seq"], f["prev_seq"]) for f in frames] == [
        ("alert.opened", 6, 0),
        ("risk.update", 9, 6),
    ]
    assert await slow.receive_nothing(timeout=0.5)
    await slow.disconnect()


async def test_it_does_not_hold_a_fast_client_behind_a_slow_one(role_user: Any) -> None:
    portfolio = await _portfolio()
    stuck = Transport()
    slow, fast = await _open(role_user, stuck), await _open(role_user)
    await _next(slow)
    await _next(fast)
    stuck.full = True

    await _publish("risk.update", portfolio.pk, {"n": 1})

    update = await _next(fast)
    assert (update["type"], update["data"]) == ("risk.update", {"n": 1})
    assert await slow.receive_nothing(timeout=0.3)
    await slow.disconnect()
    await fast.disconnect()


async def test_it_drops_frames_the_state_already_holds(role_user: Any) -> None:
    portfolio = await _portfolio()
    transport = Transport()
    communicator = await _open(role_user, transport)
    await _next(communicator)
    transport.full = True
    await _publish("alert.opened", portfolio.pk, {"id": 1})
    await communicator.send_json_to({"type": "resync"})
    assert await communicator.receive_nothing(timeout=0.3)

    transport.full = False
    state = await _next(communicator)

    assert state["type"] == "risk.state"
    assert state["seq"][str(portfolio.pk)] == 1
    assert await communicator.receive_nothing(timeout=0.5)  # alert.opened 1 is in the state
    current = await sync_to_async(seq_current)([portfolio.pk])
    assert current == {portfolio.pk: 1}
    await communicator.disconnect()


async def test_it_encodes_decimals_and_times_in_frames() -> None:
    from datetime import UTC, datetime
    from decimal import Decimal

    from apps.dashboard.consumers import RiskUpdatesConsumer

    moment = datetime(2026, 1, 1, tzinfo=UTC)
    text = await RiskUpdatesConsumer.encode_json({"at": moment, "x": Decimal("1.5")})

    assert json.loads(text) == {"at": "2026-01-01T00:00:00Z", "x": "1.5"}


async def test_it_closes_with_1011_when_the_state_cannot_be_read(
    role_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from apps.core import live

    def unreadable() -> None:
        raise RuntimeError("database gone")

    monkeypatch.setitem(live._STATE_PARTS, "unreadable", unreadable)
    communicator = await _open(role_user)

    output = await communicator.receive_output(timeout=5)

    assert (output["type"], output["code"]) == ("websocket.close", 1011)


async def test_it_reads_the_channel_layer_longer_than_its_blocking_pop() -> None:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()

    assert layer.hosts[0]["socket_timeout"] > layer.brpop_timeout
