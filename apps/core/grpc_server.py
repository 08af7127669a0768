"""The gRPC server: standard health checking (a serving status per service), reflection, and token
authentication for every other method.

The product services are registered by the app that serves them (apps.grpcapi, from its
``AppConfig.ready()``), so core builds the server without importing the apps above it. An
authenticated call runs with its user in ``grpc_user()``; the servicer decides what it may do.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from concurrent import futures
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
_TOKEN_PREFIX = "Token "  # noqa: S105 - the scheme word, not a secret

_user: contextvars.ContextVar[User | None] = contextvars.ContextVar("grpc_user", default=None)


@dataclass(frozen=True)
class GrpcService:
    """A product service: its full name (``riskmonitor.v1.RiskMonitoringService``) and how to
    add it to a server (the generated ``add_<Service>Servicer_to_server`` with a servicer)."""

    name: str
    add_to: Callable[[grpc.Server], None]


_SERVICES: dict[str, GrpcService] = {}


def grpc_service_register(service: GrpcService) -> None:
    """Serve ``service`` from every server built afterwards; a name registered again is
    replaced (``ready()`` may run twice)."""
    _SERVICES[service.name] = service


def grpc_services() -> list[GrpcService]:
    return list(_SERVICES.values())


def grpc_user() -> User:
    """The user of the call being served (set by the interceptor after it checked the token)."""
    user = _user.get()
    if user is None:
        raise RuntimeError("grpc_user() outside an authenticated call")
    return user


class TokenAuthInterceptor(_Interceptor):
    """Refuses calls without ``authorization: Token <key>`` metadata of an active user; runs the
    others with that user in ``grpc_user()``."""

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
        if not isinstance(header, str) or not header.startswith(_TOKEN_PREFIX):
            return _deny()
        handler = continuation(details)
        if handler is None or handler.unary_unary is None:
            return handler  # unknown (UNIMPLEMENTED); every product method is unary
        return _authenticated(handler, header[len(_TOKEN_PREFIX) :].strip())


def _authenticated(handler: Handler, key: str) -> Handler:
    behaviour = handler.unary_unary
    assert behaviour is not None

    def call(request: object, context: grpc.ServicerContext) -> object:
        with _django_call():
            user = _user_for_key(key)
            if user is None:
                context.abort(grpc.StatusCode.UNAUTHENTICATED, "unknown or inactive API token")
            reset = _user.set(user)
            try:
                return behaviour(request, context)
            finally:
                _user.reset(reset)

    return grpc.unary_unary_rpc_method_handler(
        call,
        request_deserializer=handler.request_deserializer,
        response_serializer=handler.response_serializer,
    )


@contextmanager
def _django_call() -> Iterator[None]:
    """What Django does around a request: drop connections that broke or outlived their age.
    The server's threads keep theirs between calls as a web worker does."""
    from django.db import close_old_connections

    close_old_connections()
    try:
        yield
    finally:
        close_old_connections()


def _user_for_key(key: str) -> User | None:
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user").filter(key=key).first()
    return token.user if token and token.user.is_active else None


def _deny() -> Handler:
    def abort(request: object, context: grpc.ServicerContext) -> None:
        context.abort(grpc.StatusCode.UNAUTHENTICATED, "authorization: Token <api token> required")

    return grpc.unary_unary_rpc_method_handler(abort)


@dataclass
class GrpcServer:
    """A built server and its health servicer (so a shutdown can report NOT_SERVING first)."""

    server: grpc.Server
    health: health.HealthServicer
    services: list[str]

    def start(self) -> None:
        self.server.start()

    def stop(self, grace: float) -> None:
        """Stop gracefully: health says NOT_SERVING, new calls are refused, calls in flight get
        ``grace`` seconds to finish; returns when the server has stopped."""
        self.health.enter_graceful_shutdown()
        self.server.stop(grace=grace).wait()


def build_server(
    port: int, host: str = "127.0.0.1", workers: int = 8, **options: Any
) -> GrpcServer:
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=workers),
        interceptors=[TokenAuthInterceptor()],
        **options,
    )
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = []
    for service in grpc_services():
        service.add_to(server)
        names.append(service.name)
    for name in ["", *names]:  # "" is the server as a whole
        health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    health_name = health_pb2.DESCRIPTOR.services_by_name["Health"].full_name
    reflection.enable_server_reflection([*names, health_name, reflection.SERVICE_NAME], server)
    server.add_insecure_port(f"{host}:{port}")
    return GrpcServer(server=server, health=health_servicer, services=names)
