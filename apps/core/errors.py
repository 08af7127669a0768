"""API errors in one shape: ``{"error": ..., "fields": {name: [reasons]}}``."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data and len(data) == 1:
        response.data = {"error": str(data["detail"])}
    elif isinstance(data, dict):
        response.data = {"error": "invalid input", "fields": data}
    else:
        response.data = {"error": "invalid input", "fields": {"non_field_errors": data}}
    return response
