"""WebSocket door: authenticated readers join the ``risk.updates`` group and get every push."""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from apps.monitoring.publish import RISK_UPDATES_GROUP


# Channels ships no type hints: its consumer classes are Any to the type checker.
class RiskUpdatesConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not await _can_view(user):
            # 4401/4403 mirror HTTP's 401/403 in the application close-code range.
            await self.close(code=4401 if user is None or not user.is_authenticated else 4403)
            return
        await self.channel_layer.group_add(RISK_UPDATES_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(RISK_UPDATES_GROUP, self.channel_name)

    async def risk_update(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {"type": "risk.update", "seq": event.get("seq"), "data": event["data"]}
        )


async def _can_view(user: Any) -> bool:
    from channels.db import database_sync_to_async

    return bool(await database_sync_to_async(user.has_perm)("core.view_risk"))
