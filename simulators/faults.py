"""Fault injection shared by both simulators.

A fault matches requests by path prefix, fires with a probability, and may expire. Faults never
apply to `/_sim/` (the control API must keep working while the venue misbehaves).
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulators.server import Response

KINDS = (
    "http_500",
    "timeout",
    "latency",
    "garbage_json",
    "html_200",
    "truncated",
    "nan_price",
    "negative_price",
    "stale_timestamp",
    "down",
    "rate_limit",
)
_TIMEOUT_HOLD_MS = 30_000  # longer than any sane client timeout
_STALE_SHIFT_MS = 3_600_000  # an hour old: well past any staleness threshold


@dataclass
class Fault:
    id: int
    kind: str
    endpoint: str | None
    probability: float
    expires_at: float | None  # time.time() seconds
    latency_ms: int | None
    created_at: float

    def matches(self, path: str, now: float) -> bool:
        if self.expires_at is not None and now >= self.expires_at:
            return False
        return self.endpoint is None or path.startswith(self.endpoint)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "endpoint": self.endpoint,
            "probability": self.probability,
            "expires_at": self.expires_at,
            "latency_ms": self.latency_ms,
        }


@dataclass(frozen=True)
class Mutators:
    """How a venue spoils its own payloads for the value faults."""

    nan: Callable[[Any], Any]
    negative: Callable[[Any], Any]
    stale: Callable[[Any, int], Any]
    rate_limited: Callable[[], Response]
    server_error: Callable[[], Response]


class FaultRegistry:
    def __init__(self, rng_seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)
        self._cleared = threading.Event()
        self._rng = random.Random(rng_seed)
        self.fired: dict[str, int] = {}

    def add(
        self,
        kind: str,
        endpoint: str | None,
        probability: float,
        duration_s: float | None,
        latency_ms: int | None,
    ) -> Fault:
        now = time.time()
        expires = now + duration_s if duration_s is not None else None
        fault = Fault(next(self._ids), kind, endpoint, probability, expires, latency_ms, now)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults = []
            cleared, self._cleared = self._cleared, threading.Event()
        cleared.set()  # releases requests held by a `timeout` fault

    def snapshot(self) -> list[dict[str, Any]]:
        now = time.time()
        with self._lock:
            return [f.as_dict() for f in self._faults if f.matches(f.endpoint or "", now)]

    def _firing(self, path: str) -> list[Fault]:
        now = time.time()
        with self._lock:
            live = [f for f in self._faults if f.expires_at is None or now < f.expires_at]
            self._faults = live
            firing = [
                f for f in live if f.matches(path, now) and self._rng.random() < f.probability
            ]
            for f in firing:
                self.fired[f.kind] = self.fired.get(f.kind, 0) + 1
            return firing

    def apply(self, path: str, serve: Callable[[], Response], mutators: Mutators) -> Response:
        firing = self._firing(path)
        if not firing:
            return serve()
        delay = sum((f.latency_ms or 1000) for f in firing if f.kind == "latency")
        if delay:
            time.sleep(delay / 1000.0)
        others = [f for f in firing if f.kind != "latency"]
        if not others:
            return serve()
        return self._apply_one(others[0], serve, mutators)

    def _apply_one(self, fault: Fault, serve: Callable[[], Response], m: Mutators) -> Response:
        kind = fault.kind
        if kind == "down":
            return Response(action="drop")
        if kind == "timeout":
            self._cleared.wait((fault.latency_ms or _TIMEOUT_HOLD_MS) / 1000.0)
            return Response(action="drop")
        if kind == "http_500":
            return m.server_error()
        if kind == "rate_limit":
            return m.rate_limited()
        if kind == "garbage_json":
            return Response(200, raw=b'{"symbol":"BTCUSDT","lastPrice":"9\x00\xff}{,,]', headers={})
        if kind == "html_200":
            page = (
                b"<!DOCTYPE html><html><body><h1>Service Temporarily Unavailable</h1></body></html>"
            )
            return Response(200, raw=page, content_type="text/html")
        response = serve()
        if kind == "truncated":
            response.action = "truncate"
        elif response.status == 200 and response.payload is not None:
            response.payload = _mutate(kind, response.payload, m)
        return response


def _mutate(kind: str, payload: Any, m: Mutators) -> Any:
    if kind == "nan_price":
        return m.nan(payload)
    if kind == "negative_price":
        return m.negative(payload)
    if kind == "stale_timestamp":
        return m.stale(payload, _STALE_SHIFT_MS)
    return payload


def map_keys(payload: Any, keys: frozenset[str], fn: Callable[[Any], Any]) -> Any:
    """Apply `fn` to every value under one of `keys`, at any depth."""
    if isinstance(payload, dict):
        return {
            k: fn(v) if k in keys and not isinstance(v, dict | list) else map_keys(v, keys, fn)
            for k, v in payload.items()
        }
    if isinstance(payload, list):
        return [map_keys(v, keys, fn) for v in payload]
    return payload


def negate(value: Any) -> Any:
    text = str(value)
    if text.startswith("-"):
        return text[1:]
    return "-" + text if isinstance(value, str) else -value
