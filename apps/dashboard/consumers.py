"""WebSocket door ``/ws/risk-updates`` (docs/websocket.md): a reader of risk joins the
``risk.updates`` group, gets ``risk.state`` first, then every event, through its own bounded,
coalescing sender (apps.dashboard.stream)."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from autobahn.exception import Disconnected
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.serializers.json import DjangoJSONEncoder

from apps.core.live import LIVE_GROUP
from apps.core.ws_transport import SCOPE_KEY, transport_writable
from apps.dashboard.live_state import live_state
from apps.dashboard.stream import LiveStream, frame_of

VIEW_PERMISSION = "core.view_risk"
# 4401/4403 mirror HTTP's 401/403 in the application close-code range (RFC 6455, 7.4.2).
CLOSE_UNAUTHENTICATED, CLOSE_FORBIDDEN = 4401, 4403
CLOSE_SERVER_ERROR = 1011
CLIENT_MESSAGE_TYPES = ("resync",)
log = logging.getLogger(__name__)


# Channels ships no type hints: its consumer classes are Any to the type checker.
class RiskUpdatesConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    stream: LiveStream | None = None
    sender: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        # Accepted first, closed at once on a refusal: a refused handshake reaches the client
        # as a bare HTTP 403, which cannot say whether a credential is missing or too weak.
        await self.accept()
        refusal = await _refusal(self.scope.get("user"))
        if refusal is not None:
            await self.close(code=refusal)
            return
        probe = self.scope.get(SCOPE_KEY)
        self.stream = LiveStream(
            build_state=database_sync_to_async(live_state),
            send=self.send_json,
            writable=lambda: transport_writable(probe),
        )
        await self.channel_layer.group_add(LIVE_GROUP, self.channel_name)
        self.sender = asyncio.create_task(self._send_until_closed(self.stream))

    async def disconnect(self, code: int) -> None:
        if self.sender is not None:
            self.sender.cancel()
        await self.channel_layer.group_discard(LIVE_GROUP, self.channel_name)

    async def _send_until_closed(self, stream: LiveStream) -> None:
        try:
            await stream.run()
        except Disconnected:
            return  # the client went away between two frames: disconnect() follows
        except Exception:
            # The state could not be read (database down): close rather than stay silent;
            # the client reconnects and gets a fresh state.
            log.exception("live stream sender failed")
            await self.close(code=CLOSE_SERVER_ERROR)

    async def live_event(self, message: dict[str, Any]) -> None:
        if self.stream is not None:
            self.stream.received(frame_of(message))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.stream is None:
            return
        problem = _client_message_problem(text_data)
        if problem is not None:
            self.stream.reply(_error(problem))
        else:
            self.stream.resync()

    @classmethod
    async def encode_json(cls, content: dict[str, Any]) -> str:
        return json.dumps(content, cls=DjangoJSONEncoder)


async def _refusal(user: Any) -> int | None:
    if user is None or not user.is_authenticated:
        return CLOSE_UNAUTHENTICATED
    allowed = await database_sync_to_async(user.has_perm)(VIEW_PERMISSION)
    return None if allowed else CLOSE_FORBIDDEN


def _client_message_problem(text: str | None) -> dict[str, list[str]] | None:
    """None for a valid client message, else the error's fields."""
    if text is None:
        return {"message": ["must be a JSON text frame, got a binary one"]}
    try:
        message = json.loads(text)
    except ValueError:
        return {"message": ["must be JSON, got unparseable text"]}
    if not isinstance(message, dict):
        return {"message": [f"must be a JSON object, got {type(message).__name__}"]}
    kind = message.get("type")
    if kind not in CLIENT_MESSAGE_TYPES:
        allowed = ", ".join(CLIENT_MESSAGE_TYPES)
        return {"type": [f"must be one of: {allowed}; got {kind!r}"]}
    return None


def _error(fields: dict[str, list[str]]) -> dict[str, Any]:
    """The REST API's error body (apps/core/errors.py) as a message."""
    return {
        "type": "error",
        "error": {"code": "invalid", "message": "the message was not understood", "fields": fields},
    }
