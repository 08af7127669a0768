"""Pieces of the `/_sim/` control API shared by both simulators: auth, body parsing, validation."""

from __future__ import annotations

import hmac
import json
import os
from decimal import Decimal, InvalidOperation
from typing import Any

from simulators.faults import KINDS, FaultRegistry
from simulators.server import Request, Response, json_response

TOKEN_HEADER = "X-Sim-Control-Token"  # noqa: S105 - a header name, not a secret
# Development default; set SIM_CONTROL_TOKEN anywhere the simulator is reachable by others.
DEFAULT_TOKEN = "dev-sim-token"  # noqa: S105


class ControlError(Exception):
    """A bad control request: answered with 400 naming the field and the reason."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason

    def response(self) -> Response:
        return json_response(
            400, {"error": "invalid request", "field": self.field, "reason": self.reason}
        )


def control_token() -> str:
    return os.environ.get("SIM_CONTROL_TOKEN") or DEFAULT_TOKEN


def authorized(request: Request) -> bool:
    given = request.header(TOKEN_HEADER) or ""
    return hmac.compare_digest(given.encode(), control_token().encode())


def unauthorized() -> Response:
    return json_response(
        401, {"error": "unauthorized", "field": TOKEN_HEADER, "reason": "missing or wrong token"}
    )


def not_found(path: str) -> Response:
    return json_response(404, {"error": "not found", "field": "path", "reason": path})


def body(request: Request) -> dict[str, Any]:
    try:
        parsed = json.loads(request.body.decode("utf-8")) if request.body else {}
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ControlError("body", f"not valid JSON: {exc}") from exc
    if not isinstance(parsed, dict):
        raise ControlError("body", "must be a JSON object")
    return parsed


def text(data: dict[str, Any], name: str, choices: tuple[str, ...] | None = None) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise ControlError(name, "required, a non-empty string")
    if choices is not None and value not in choices:
        raise ControlError(name, f"must be one of {', '.join(choices)}")
    return value


def decimal(
    data: dict[str, Any],
    name: str,
    *,
    required: bool = True,
    minimum: Decimal | None = None,
    positive: bool = False,
) -> Decimal | None:
    if name not in data or data[name] is None:
        if required:
            raise ControlError(name, "required, a decimal number (string or number)")
        return None
    raw = data[name]
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise ControlError(name, "must be a decimal number (string or number)")
    try:
        value = Decimal(str(raw))
    except InvalidOperation as exc:
        raise ControlError(name, f"not a decimal number: {raw!r}") from exc
    if not value.is_finite():
        raise ControlError(name, "must be finite")
    if positive and value <= 0:
        raise ControlError(name, "must be greater than 0")
    if minimum is not None and value < minimum:
        raise ControlError(name, f"must be at least {minimum}")
    return value


def required_decimal(data: dict[str, Any], name: str, **kwargs: Any) -> Decimal:
    value = decimal(data, name, required=True, **kwargs)
    assert value is not None  # required=True never returns None
    return value


def add_fault(faults: FaultRegistry, data: dict[str, Any]) -> dict[str, Any]:
    kind = text(data, "kind", KINDS)
    endpoint = data.get("endpoint")
    if endpoint is not None and (not isinstance(endpoint, str) or not endpoint.startswith("/")):
        raise ControlError("endpoint", "must be a path prefix starting with '/'")
    probability = decimal(data, "probability", required=False, minimum=Decimal(0))
    if probability is not None and probability > 1:
        raise ControlError("probability", "must be between 0 and 1")
    duration = decimal(data, "duration_s", required=False, positive=True)
    latency = decimal(data, "latency_ms", required=False, minimum=Decimal(0))
    fault = faults.add(
        kind,
        endpoint,
        float(probability) if probability is not None else 1.0,
        float(duration) if duration is not None else None,
        int(latency) if latency is not None else None,
    )
    return fault.as_dict()
