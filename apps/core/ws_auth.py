"""WebSocket authentication: a session cookie (the dashboard) or an API token (integrations),
given as ``Authorization: Token <key>`` or, for browsers that cannot set headers, ``?token=``."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware


@database_sync_to_async
def _user_for_token(key: str) -> Any:
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user").filter(key=key).first()
    return token.user if token and token.user.is_active else None


def _token_from_scope(scope: dict[str, Any]) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization" and value.startswith(b"Token "):
            return value[6:].decode("latin-1").strip()
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return query.get("token", [None])[0]


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        key = _token_from_scope(scope)
        if key:
            user = await _user_for_token(key)
            if user is not None:
                scope["user"] = user
        return await super().__call__(scope, receive, send)


def auth_stack(inner: Any) -> Any:
    """Session auth first (sets scope['user']), then a token, when present, overrides it."""
    return AuthMiddlewareStack(TokenAuthMiddleware(inner))
