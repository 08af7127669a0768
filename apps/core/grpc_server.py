"""The gRPC server: standard health checking and reflection, and token authentication for every
other method. No product service is registered yet; they come with the integration surface."""

from __future__ import annotations

from collections.abc import Callable
from concurrent import futures
from typing import TYPE_CHECKING

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    # Generic only in the stubs; the interceptor passes messages of any service through.
    _Interceptor = grpc.ServerInterceptor[object, object]
    Handler = grpc.RpcMethodHandler[object, object]
else:
    _Interceptor = grpc.ServerInterceptor

_OPEN_PREFIXES = ("/grpc.health.v1.Health/", "/grpc.reflection.")


class TokenAuthInterceptor(_Interceptor):
    """Refuses calls without ``authorization: Token <key>`` metadata of an active user."""

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Handler | None],
        details: grpc.HandlerCallDetails,
    ) -> Handler | None:
        if details.method.startswith(_OPEN_PREFIXES):
            return continuation(details)
        metadata = dict(details.invocation_metadata or ())
        header = metadata.get("authorization", "")
        # Only keys ending in "-bin" carry bytes; a bytes authorization is no token.
        if not isinstance(header, str) or _user_for_header(header) is None:
            return _deny()
        return continuation(details)


def _user_for_header(header: str) -> User | None:
    from django.db import close_old_connections
    from rest_framework.authtoken.models import Token

    if not header.startswith("Token "):
        return None
    close_old_connections()
    token = Token.objects.select_related("user").filter(key=header[6:].strip()).first()
    return token.user if token and token.user.is_active else None


def _deny() -> Handler:
    def abort(request: object, context: grpc.ServicerContext) -> None:
        context.abort(grpc.StatusCode.UNAUTHENTICATED, "authorization: Token <api token> required")

    return grpc.unary_unary_rpc_method_handler(abort)


def build_server(port: int, host: str = "127.0.0.1", workers: int = 8) -> grpc.Server:
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=workers), interceptors=[TokenAuthInterceptor()]
    )
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    reflection.enable_server_reflection(
        [health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME],
        server,
    )
    server.add_insecure_port(f"{host}:{port}")
    return server
