"""Pydantic validation errors rewritten as the project's configuration messages.

Our own field types already fail with our wording (error type ``config``); this module covers
pydantic's structural errors (missing and unknown keys, wrong container types, choices).
"""

from __future__ import annotations

import difflib
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from riskmonitor.conf.errors import Hidden, Problem, join_path
from riskmonitor.conf.expand import Expansion

_REASONS = {
    "missing": "is required",
    "extra_forbidden": "unknown key",
    "dict_type": "must be a mapping (key: value)",
    "model_type": "must be a mapping (key: value)",
    "model_attributes_type": "must be a mapping (key: value)",
    "list_type": "must be a list",
    "too_short": "must list at least one entry",
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "float_type": "must be a number",
    "int_type": "must be a whole number",
}
_WITHOUT_VALUE = frozenset({"missing", "extra_forbidden"})


def translate(
    error: ValidationError, model: type[BaseModel], expansion: Expansion
) -> list[Problem]:
    problems = (_problem(detail, model, expansion) for detail in error.errors(include_url=False))
    return [p for p in problems if p.path not in expansion.failed]


def _problem(detail: ErrorDetails, model: type[BaseModel], expansion: Expansion) -> Problem:
    loc = tuple(detail["loc"])
    if loc and loc[-1] == "[key]":
        # A bad mapping key (e.g. a symbol): the key itself is the offending value.
        return Problem(expansion.file, join_path(loc[:-1]), detail["msg"], detail["input"])
    path = join_path(loc)
    reason = _reason(detail, model, loc)
    if detail["type"] in _WITHOUT_VALUE:
        return Problem(expansion.file, path, reason)
    return Problem(expansion.file, path, reason, _value(detail["input"], path, expansion))


def _reason(detail: ErrorDetails, model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    kind = detail["type"]
    if kind == "config":
        return detail["msg"]
    if kind == "extra_forbidden":
        return "unknown key" + _suggestion(str(loc[-1]), _allowed_keys(model, loc[:-1]))
    if kind == "literal_error":
        return f"must be one of {(detail.get('ctx') or {}).get('expected', '')}"
    return _REASONS.get(kind, "is not valid")


def _value(value: Any, path: str, expansion: Expansion) -> object:
    """Show a value as written; one that came from ``${VAR}`` is shown as its reference, so an
    error message never prints what the environment holds."""
    template = expansion.templates.get(path)
    if template is None:
        return value
    return Hidden(f'"{template}" (from the environment)')


def _suggestion(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.7)
    return f" (did you mean {close[0]}?)" if close else ""


def _allowed_keys(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """Field names of the model found at ``loc`` (for "did you mean" hints)."""
    annotation: Any = model
    for part in loc:
        annotation = _step(_unwrap(annotation), part)
        if annotation is None:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _step(annotation: Any, part: str | int) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field else None
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is dict and len(args) == 2:
        return args[1]
    if origin is list and args:
        return args[0]
    return None


def _unwrap(annotation: Any) -> Any:
    """``Annotated[X, ...]`` and ``X | None`` -> ``X``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            options = [a for a in get_args(annotation) if a is not type(None)]
            annotation = options[0]
        else:
            return annotation
