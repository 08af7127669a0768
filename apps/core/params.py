"""Input read exactly as the schema states it (docs/api.md).

Query parameters: DRF takes a parameter given empty (``?severity=``) as left out and the last of a
repeated one; the schema promises neither, so both are refused with the parameter's name.
JSON bodies: each field takes only its JSON type (BodyInput)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


# Base of every view's query serializer (``parameters=[TheSerializer]`` in its schema).
class QueryParams(serializers.Serializer[dict[str, Any]]):
    def to_internal_value(self, data: Any) -> dict[str, Any]:
        names = [str(name) for name in self.fields]
        errors = {name: [reason] for name in names if (reason := _misuse(data, name))}
        if errors:
            raise serializers.ValidationError(errors)
        validated: dict[str, Any] = super().to_internal_value(data)
        return validated


def _misuse(data: Any, name: str) -> str | None:
    values = data.getlist(name) if hasattr(data, "getlist") else []
    if len(values) > 1:
        return "give this parameter once"
    if values == [""]:
        return "must not be empty: leave the parameter out instead"
    return None


class PortfolioQuery(QueryParams):
    """``?portfolio=<name>``; without it the default portfolio ("main", or the only one)."""

    portfolio = serializers.SlugField(max_length=64, required=False)


# The JSON types a body field accepts, by its DRF field class (first match wins). DRF alone
# would also take 0 for false, 12 for "12" and "12" for 12; the schema promises exact types.
_JSON_TYPES: tuple[tuple[type[serializers.Field[Any, Any, Any, Any]], tuple[type, ...]], ...] = (
    (serializers.BooleanField, (bool,)),
    (serializers.ChoiceField, (str,)),
    (serializers.CharField, (str,)),
    (serializers.IntegerField, (int,)),
    (serializers.FloatField, (float, int)),
)


# Base of every JSON request body's serializer: each field takes only its JSON type. (A comment,
# not a docstring: the schema would show it as every body's description.)
class BodyInput(serializers.Serializer[dict[str, Any]]):
    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict):
            names = [str(name) for name in self.fields]
            errors = {name: [reason] for name in names if (reason := _mistyped(self, data, name))}
            if errors:
                raise serializers.ValidationError(errors)
        validated: dict[str, Any] = super().to_internal_value(data)
        return validated


def _mistyped(body: BodyInput, data: dict[str, Any], name: str) -> str | None:
    field, value = body.fields[name], data.get(name)
    if name not in data or (value is None and field.allow_null):
        return None
    for kind, accepted in _JSON_TYPES:
        if isinstance(field, kind):
            ok = isinstance(value, accepted) and (bool in accepted or not isinstance(value, bool))
            return None if ok else f"must be a JSON {_JSON_NAMES[accepted[0]]}"
    return None


_JSON_NAMES = {bool: "boolean", str: "string", int: "integer", float: "number"}
