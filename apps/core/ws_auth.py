"""WebSocket authentication: a session cookie (the dashboard) or an API token (integrations),
given as ``Authorization: Token <key>`` or, for browsers that cannot set headers, ``?token=``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _user_for_token(key: str) -> User | None:
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user").filter(key=key).first()
    return token.user if token and token.user.is_active else None


def _token_from_scope(scope: dict[str, Any]) -> str | None:
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    for name, value in headers:
        if name == b"authorization" and value.startswith(b"Token "):
            return value[6:].decode("latin-1").strip()
    query_string: bytes = scope.get("query_string", b"")
    tokens = parse_qs(query_string.decode("latin-1")).get("token", [])
    return tokens[0] if tokens else None


# Channels ships no type hints: its middleware base is Any to the type checker.
class TokenAuthMiddleware(BaseMiddleware):  # type: ignore[misc]
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        key = _token_from_scope(scope)
        if key:
            # Channels' wrapper, not asgiref's: it closes stale database connections.
            user = await database_sync_to_async(_user_for_token)(key)
            if user is not None:
                scope["user"] = user
        return await super().__call__(scope, receive, send)


def auth_stack(inner: Any) -> Any:
    """Session auth first (sets scope['user']), then a token, when present, overrides it."""
    return AuthMiddlewareStack(TokenAuthMiddleware(inner))
