"""The gRPC server: standard health checking and reflection, token authentication for every
product service, and each app's servicers registered from its ``rpc.py``."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from concurrent import futures
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

# Apps that expose gRPC services: each module has ``register(server) -> list[str]`` returning the
# full service names it added (for reflection and health).
RPC_MODULES: tuple[str, ...] = ("apps.risk.rpc", "apps.alerts.rpc")
_OPEN_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")


class TokenAuthInterceptor(grpc.ServerInterceptor):
    """Refuses calls without ``authorization: Token <key>`` metadata of an active user."""

    def intercept_service(self, continuation: Callable[..., Any], details: Any) -> Any:
        if details.method.startswith(_OPEN_PREFIXES):
            return continuation(details)
        metadata = dict(details.invocation_metadata or ())
        if _user_for_header(metadata.get("authorization", "")) is None:
            return _deny()
        return continuation(details)


def _user_for_header(header: str) -> Any:
    from django.db import close_old_connections
    from rest_framework.authtoken.models import Token

    if not header.startswith("Token "):
        return None
    close_old_connections()
    token = Token.objects.select_related("user").filter(key=header[6:].strip()).first()
    return token.user if token and token.user.is_active else None


def user_from_context(context: grpc.ServicerContext) -> Any:
    """The authenticated user of a call, for servicers that check permissions."""
    metadata = dict(context.invocation_metadata() or ())
    return _user_for_header(str(metadata.get("authorization", "")))


def _deny() -> grpc.RpcMethodHandler:
    def abort(request: Any, context: grpc.ServicerContext) -> None:
        context.abort(grpc.StatusCode.UNAUTHENTICATED, "authorization: Token <api token> required")

    return grpc.unary_unary_rpc_method_handler(abort)


def build_server(port: int, host: str = "127.0.0.1", workers: int = 8) -> grpc.Server:
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=workers), interceptors=[TokenAuthInterceptor()]
    )
    names = [name for module in RPC_MODULES for name in _register(module, server)]
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for name in ["", *names]:
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    reflection.enable_server_reflection(
        [
            *names,
            health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
            reflection.SERVICE_NAME,
        ],
        server,
    )
    server.add_insecure_port(f"{host}:{port}")
    return server


def _register(module_name: str, server: grpc.Server) -> list[str]:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return []  # the app has no gRPC services (yet)
        raise
    return list(module.register(server))
