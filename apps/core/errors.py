"""API errors in one shape, for every door of the REST API:

``{"error": {"code": "invalid", "message": "invalid input: trades.0.size", "fields": {...}}}``

``code`` is DRF's error code (``invalid``, ``not_found``, ``permission_denied``, ``conflict``...),
``message`` a sentence for people, ``fields`` each bad input by its dotted name
(``trades.0.size``) with its reasons; it is empty when no input field is to blame.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

FieldErrors = dict[str, list[str]]


class Conflict(exceptions.APIException):
    """The request does not fit the current state of what it acts on (HTTP 409)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "conflict with the current state"
    default_code = "conflict"

    def __init__(self, detail: str | None = None, fields: FieldErrors | None = None) -> None:
        super().__init__(detail)
        # The input that does not fit (e.g. a value of the wrong sign for the stored limit).
        self.fields = fields or {}


class StateConflict(DjangoValidationError):
    """A service's refusal of input that is well formed but does not fit the current state (an
    alert already resolved): HTTP 409 naming the field. A Django ValidationError, so the admin
    shows it like any other refusal."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__({field: [reason]})
        self.field = field
        self.reason = reason


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's ``EXCEPTION_HANDLER``: DRF's status and headers, our body."""
    api_exc = _as_api_exception(exc)
    response = exception_handler(api_exc, context)
    if response is None or not isinstance(api_exc, exceptions.APIException):
        return response
    response.data = error_body(api_exc)
    return response


def error_body(exc: exceptions.APIException) -> dict[str, Any]:
    code = exc.default_code
    if isinstance(exc, exceptions.ValidationError):
        fields = field_errors(exc.detail)
        message = "invalid input: " + ", ".join(fields) if fields else "invalid input"
        return error_document(code, message, fields)
    return error_document(code, _text(exc.detail), getattr(exc, "fields", {}))


def error_document(code: str, message: str, fields: FieldErrors) -> dict[str, Any]:
    """The error body; also used by the plain Django 404 so the shape is the same."""
    return {"error": {"code": code, "message": message, "fields": fields}}


def field_errors(detail: Any) -> FieldErrors:
    """Serializer errors flattened to dotted names: ``{"trades": [{"size": [..]}]}`` gives
    ``{"trades.0.size": [..]}``; errors that name no field go under ``non_field_errors``."""
    if not isinstance(detail, dict):
        detail = {api_settings.NON_FIELD_ERRORS_KEY: detail}
    return dict(_flatten(detail, ""))


def _flatten(detail: Any, name: str) -> Iterator[tuple[str, list[str]]]:
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from _flatten(value, f"{name}.{key}" if name else str(key))
    elif isinstance(detail, list) and not all(isinstance(item, str) for item in detail):
        for index, item in enumerate(detail):
            yield from _flatten(item, f"{name}.{index}" if name else str(index))
    elif detail:
        yield name, [str(item) for item in detail] if isinstance(detail, list) else [str(detail)]


def _as_api_exception(exc: Exception) -> Exception:
    """Django's own exceptions as DRF's, keeping their message (DRF's default drops it)."""
    if isinstance(exc, StateConflict):
        return Conflict(f"{exc.field}: {exc.reason}", fields={exc.field: [exc.reason]})
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return exceptions.ValidationError(detail)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        return exceptions.NotFound(str(exc) or None)
    return exc


def _text(detail: Any) -> str:
    if isinstance(detail, list | dict):
        return "; ".join(f"{name}: {' '.join(r)}" for name, r in field_errors(detail).items())
    return str(detail)


@extend_schema_serializer(component_name="ErrorDetail")
class _ErrorSerializer(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField()
    message = serializers.CharField()
    # A declared field, not Serializer.fields: the metaclass takes it out of the class body.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )


@extend_schema_serializer(component_name="Error")
class ErrorOutputSerializer(serializers.Serializer[dict[str, Any]]):
    """The error body, for the schema of every door."""

    error = _ErrorSerializer()


MEANING = {
    400: "invalid input: each bad field and why",
    401: "no credentials, or credentials that are not valid (see WWW-Authenticate)",
    403: "authenticated, but the role lacks the permission (or the session its CSRF token)",
    404: "no such object",
    409: "conflict with the current state",
    415: "the body is not JSON",
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """``extend_schema(responses={200: ..., **error_responses(404, 409)})``: the refusals only
    this operation gives. 401, 403, 400 and the path's 404 come from what the view is
    (``apps.core.openapi.AutoSchema``); naming them here too is harmless."""
    return {
        code: OpenApiResponse(ErrorOutputSerializer, description=MEANING[code])
        for code in sorted(statuses)
    }
