"""What every servicer method shares: the REST door's permission check, REST's rendering, and
the translation of refusals into gRPC status codes (docs/grpc.md).

A servicer method is declared as ``@door(RiskStatusApi.permission_classes)``: the same permission
classes the REST view checks, run against the call's user, so the two doors cannot drift apart.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import grpc
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from google.protobuf import json_format
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status
from rest_framework import exceptions, serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from apps.core.errors import Conflict, error_body, field_errors
from apps.core.grpc_server import grpc_user

# As an APIView's permission_classes: classes, or their `&`/`|` combinations (typed loosely by
# DRF's stubs), each instantiated per check.
PermissionClasses = Sequence[Any]

_CODES: tuple[tuple[type[exceptions.APIException], int], ...] = (
    (exceptions.ValidationError, code_pb2.INVALID_ARGUMENT),
    (exceptions.NotAuthenticated, code_pb2.UNAUTHENTICATED),
    (exceptions.AuthenticationFailed, code_pb2.UNAUTHENTICATED),
    (exceptions.PermissionDenied, code_pb2.PERMISSION_DENIED),
    (exceptions.NotFound, code_pb2.NOT_FOUND),
    (Conflict, code_pb2.FAILED_PRECONDITION),
)


def door[F: Callable[..., Message]](permission_classes: PermissionClasses) -> Callable[[F], F]:
    """Checks the call's user against ``permission_classes``, then runs the method; any refusal
    it raises (DRF's or Django's) ends the call with its gRPC status."""

    def wrap(method: F) -> F:
        @functools.wraps(method)
        def call(self: object, request: Message, context: grpc.ServicerContext) -> Message:
            try:
                permission_check(permission_classes)
                return method(self, request, context)
            except (exceptions.APIException, *_DJANGO_REFUSALS) as refusal:
                context.abort_with_status(grpc_status(as_api_exception(refusal)))

        return cast(F, call)

    return wrap


def permission_check(permission_classes: PermissionClasses) -> None:
    """Raises PermissionDenied unless the call's user passes every class, as a REST view would."""
    request = Request(HttpRequest())
    request.user = grpc_user()
    view = APIView()
    for permission_class in permission_classes:
        permission: BasePermission = permission_class()
        if not permission.has_permission(request, view):
            raise exceptions.PermissionDenied(getattr(permission, "message", None))


_DJANGO_REFUSALS = (DjangoValidationError, DjangoPermissionDenied, Http404, ObjectDoesNotExist)


def as_api_exception(exc: Exception) -> exceptions.APIException:
    """A service's Django refusal as the DRF exception REST would answer with."""
    match exc:
        case exceptions.APIException():
            return exc
        case DjangoValidationError():
            detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            return exceptions.ValidationError(detail)
        case DjangoPermissionDenied():
            return exceptions.PermissionDenied(str(exc) or None)
    return exceptions.NotFound(str(exc) or None)


def grpc_status(exc: exceptions.APIException) -> grpc.Status:
    """The gRPC status of a refusal: the code, REST's error message, and for bad input a
    ``google.rpc.BadRequest`` with one field violation per reason (field names as REST's)."""
    code = next((c for kind, c in _CODES if isinstance(exc, kind)), code_pb2.INTERNAL)
    status = status_pb2.Status(code=code, message=error_body(exc)["error"]["message"])
    if isinstance(exc, exceptions.ValidationError):
        status.details.add().Pack(bad_request(field_errors(exc.detail)))
    return rpc_status.to_status(status)


def bad_request(fields: Mapping[str, list[str]]) -> error_details_pb2.BadRequest:
    violations = [
        error_details_pb2.BadRequest.FieldViolation(field=name, description=reason)
        for name, reasons in fields.items()
        for reason in reasons
    ]
    return error_details_pb2.BadRequest(field_violations=violations)


def request_data(request: Message) -> dict[str, Any]:
    """A request message as the body or query REST's input serializer takes: the fields that
    were set, by their proto names (which are REST's)."""
    data: dict[str, Any] = json_format.MessageToDict(request, preserving_proto_field_name=True)
    return _json_integers(request, data)


# Proto3's JSON mapping writes 64-bit integers as strings; REST's bodies take JSON integers.
_INT64_TYPES = frozenset(
    {
        FieldDescriptor.TYPE_INT64,
        FieldDescriptor.TYPE_UINT64,
        FieldDescriptor.TYPE_SINT64,
        FieldDescriptor.TYPE_FIXED64,
        FieldDescriptor.TYPE_SFIXED64,
    }
)


def _json_integers(message: Message, data: dict[str, Any]) -> dict[str, Any]:
    for field in message.DESCRIPTOR.fields:
        if field.name not in data:
            continue
        if field.type in _INT64_TYPES:
            value = data[field.name]
            data[field.name] = [int(v) for v in value] if isinstance(value, list) else int(value)
        elif field.type == FieldDescriptor.TYPE_MESSAGE and isinstance(data[field.name], dict):
            _json_integers(getattr(message, field.name), data[field.name])
    return data


def valid[T](serializer: type[serializers.Serializer[T]], data: Mapping[str, Any]) -> Any:
    """REST's input serializer run on ``data``: its validated data, or its ValidationError."""
    checked = serializer(data=data)
    checked.is_valid(raise_exception=True)
    return checked.validated_data


def render[M: Message](data: Mapping[str, Any], message: type[M]) -> M:
    """REST's output (a serializer's ``.data``) as ``message``: the same fields and values;
    nulls are unset fields, date-times Timestamps. A field REST adds later is left out until the
    proto has it (a test compares the two)."""
    return cast(M, json_format.ParseDict(data, message(), ignore_unknown_fields=True))
