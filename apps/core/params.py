"""Query parameters read exactly as the schema states them (docs/api.md).

DRF takes a parameter given empty (``?severity=``) as left out and the last of a repeated one;
the schema promises neither, so both are refused with the parameter's name."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class QueryParams(serializers.Serializer[dict[str, Any]]):
    """Base of every view's query serializer (``parameters=[TheSerializer]`` in its schema)."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        errors = {name: [reason] for name in self.fields if (reason := _misuse(data, name))}
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
