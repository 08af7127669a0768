"""The OpenAPI schema's shared truths, declared once for every operation (docs/api.md).

Each operation's own ``extend_schema`` names its success body and the refusals only it can give
(404 for an object it looks up, 409 for a state conflict). The refusals every door gives the same
way come from here, from what the view is:

- 401 (with ``WWW-Authenticate: Token``) and 403 when the view needs an authenticated user;
- 400 when the operation validates input: a request body or query parameters; 415 when it takes
  a body (JSON only);
- 404 when its path carries a parameter (a path that does not resolve is the plain 404).

All of them carry the one error body of ``apps.core.errors``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Literal

from django.core.validators import RegexValidator
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from apps.core.errors import error_responses

NO_NUL = r"^[^\x00]*$"
# Text that is not blank (and, as all text input, without NUL).
NOT_BLANK = r"^[^\x00]*\S[^\x00]*$"
# DRF answers 401 with the first authentication class's scheme (settings.REST_FRAMEWORK).
AUTHENTICATE_HEADER = {
    "WWW-Authenticate": {
        "description": "the scheme to authenticate with: Token",
        "required": True,
        "schema": {"type": "string", "enum": ["Token"]},
    }
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema with the refusals every operation shares (module docstring)."""

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        # Here, not in get_response_serializers: extend_schema(responses=...) replaces that one.
        bodies: dict[str, Any] = super()._get_response_bodies(direction)
        for status, response in error_responses(*self._shared_refusals()).items():
            if str(status) not in bodies:
                bodies[str(status)] = self._get_response_for_code(  # type: ignore[no-untyped-call]
                    response, str(status), direction=direction
                )
        return dict(sorted(bodies.items()))

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_serializer_field(  # type: ignore[no-untyped-call]
            field, direction, bypass_extensions
        )
        # DRF refuses a NUL in any text input; a pattern of the field's own already says so.
        text = isinstance(field, serializers.CharField) and schema.get("type") == "string"
        patterned = any(isinstance(v, RegexValidator) for v in field.validators)
        if direction == "request" and text and not patterned and "pattern" not in schema:
            schema["pattern"] = NO_NUL
        return schema

    def _get_response_headers_for_code(
        self, status_code: str, direction: str = "response"
    ) -> dict[str, Any]:
        headers: dict[str, Any] = super()._get_response_headers_for_code(status_code, direction)
        return headers | AUTHENTICATE_HEADER if status_code == "401" else headers

    def _shared_refusals(self) -> set[int]:
        refusals: set[int] = set()
        if self._needs_authentication():
            refusals |= {401, 403}
        if self._validates_input():
            refusals.add(400)
        if self._has_body():
            refusals.add(415)  # a body that is not JSON (settings: JSONParser only)
        if any(p["in"] == "path" for p in self._get_parameters()):
            refusals.add(404)
        return refusals

    def _needs_authentication(self) -> bool:
        requirements = self.get_auth()
        return bool(requirements) and {} not in requirements

    def _validates_input(self) -> bool:
        has_query = any(p["in"] == "query" for p in self._get_parameters())
        return self._has_body() or has_query

    def _has_body(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH") and bool(self.get_request_serializer())


class DecimalTextField(serializers.Field[Decimal, str, str, Any]):
    """An exact decimal given as JSON text matching ``pattern`` (the schema states the same
    pattern, so every value it allows is read, and nothing else is)."""

    def __init__(self, pattern: str, *, meaning: str, **kwargs: Any) -> None:
        self.pattern = pattern
        self.meaning = meaning
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        if not isinstance(data, str) or re.fullmatch(self.pattern, data) is None:
            raise serializers.ValidationError(f"must be {self.meaning}, as text (a JSON string)")
        return Decimal(data)

    def to_representation(self, value: Decimal) -> str:
        return str(value)


class DecimalTextFieldSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    target_class = DecimalTextField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        field: DecimalTextField = self.target
        return {"type": "string", "format": "decimal", "pattern": field.pattern}


def serializer_constraints(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Postprocessing hook: a serializer's ``openapi_constraints`` (what its ``validate`` checks
    across fields, e.g. exactly one of two) joins its component, so the schema states it too."""
    schemas = result.get("components", {}).get("schemas", {})
    for component in generator.registry._components.values():
        extra = getattr(component.object, "openapi_constraints", None)
        if component.type == ResolvedComponent.SCHEMA and extra and component.name in schemas:
            schemas[component.name].update(extra)
    return result
