"""JSON-safe conversion shared by every output type.

Rules: numpy scalars become Python numbers, arrays become lists, non-finite floats become None
(the engine never emits NaN; the row's status or the assessment's flags say why it is empty),
dataclasses become dicts of their fields.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from enum import Enum

import numpy as np

type JsonValue = bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None


def to_json(value: object) -> JsonValue:
    """`value` as JSON-safe Python data (see the module docstring)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, Enum):
        return to_json(value.value)
    if isinstance(value, (int, float, np.number, np.bool_)):
        return _scalar(value)
    if isinstance(value, np.ndarray):
        if value.ndim == 1 and value.dtype.kind in "biuf":
            return json_column(value)
        return [to_json(item) for item in value.tolist()]
    if is_dataclass(value) and not isinstance(value, type):
        to_dict = getattr(value, "to_dict", None)
        if callable(to_dict):
            result: JsonValue = to_dict()
            return result
        return {f.name: to_json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")


def json_column(values: np.ndarray) -> list[JsonValue]:
    """A 1-D numeric array as a JSON list, in bulk: `tolist()` gives Python numbers, and
    only the non-finite entries are then replaced by None (a table of 500 rows renders in
    a fraction of a millisecond instead of a call per value)."""
    items: list[JsonValue] = values.tolist()
    if values.dtype.kind == "f":
        for i in np.flatnonzero(~np.isfinite(values)).tolist():
            items[i] = None
    return items


def optional_float(value: float | np.floating) -> float | None:
    """A finite float, or None in place of NaN/infinity."""
    number = float(value)
    return number if math.isfinite(number) else None


def _scalar(value: int | float | np.number | np.bool_) -> JsonValue:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    return optional_float(float(value))


class JsonMixin:
    """`to_dict()` for frozen dataclasses: their fields, JSON-safe."""

    def to_dict(self) -> dict[str, JsonValue]:
        assert is_dataclass(self)
        return {f.name: to_json(getattr(self, f.name)) for f in fields(self)}
