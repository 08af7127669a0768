"""A circuit breaker per data source (a venue), shared by every worker process.

closed: calls go through; each transport failure counts, a success resets the count.
open: after ``threshold`` consecutive failures, calls are skipped until the cooldown ends.
half-open: after the cooldown, one probe call goes through; success closes the breaker, failure
opens it again with a doubled cooldown (capped).

Only transport failures count (timeouts, connection errors, 5xx, 429): a venue that answers with
a body we refuse is reachable, so it is quarantined, not cut off.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from apps.venues.connectors.base import ErrorKind, SourceError
from apps.venues.connectors.store import redis_client, uses_redis

MAX_COOLDOWN_SECONDS = 600.0
HEALTHY_CACHE_SECONDS = 1.0
_healthy_until: dict[str, float] = {}  # this process: key -> monotonic time
_memory_lock = threading.Lock()
_memory: dict[str, dict[str, float]] = {}


def _read(key: str) -> dict[str, float]:
    if uses_redis():
        raw: dict[Any, Any] = redis_client().hgetall(key)
        return {k.decode(): float(v) for k, v in raw.items()}
    with _memory_lock:
        return dict(_memory.get(key, {}))


def _write(key: str, values: dict[str, float]) -> None:
    if uses_redis():
        redis_client().hset(key, mapping=values)  # type: ignore[arg-type]
        redis_client().expire(key, 86_400)
        return
    with _memory_lock:
        _memory.setdefault(key, {}).update(values)


def _claim_probe(key: str, seconds: float) -> bool:
    """Exactly one caller wins the half-open probe for ``seconds``."""
    if uses_redis():
        return bool(
            redis_client().set(f"{key}:probe", "1", nx=True, px=max(1, int(seconds * 1000)))
        )
    with _memory_lock:
        state = _memory.setdefault(key, {})
        now = time.time()
        if state.get("probe_until", 0.0) > now:
            return False
        state["probe_until"] = now + seconds
        return True


def _release_probe(key: str) -> None:
    if uses_redis():
        redis_client().delete(f"{key}:probe")
        return
    with _memory_lock:
        _memory.setdefault(key, {}).pop("probe_until", None)


@dataclass(frozen=True)
class BreakerState:
    state: str  # closed / open / half_open
    failures: int
    open_until: float  # epoch seconds
    opens: int


@dataclass(frozen=True)
class CircuitBreaker:
    source: str
    threshold: int
    cooldown: float
    probe_seconds: float = 10.0

    @property
    def _key(self) -> str:
        return f"riskmonitor:breaker:{self.source}"

    def state(self, *, fresh: bool = False) -> BreakerState:
        """The shared state; a healthy one is remembered for a second, so that the calls of a
        cycle do not each ask Redis (a venue failing is noticed on the next failure)."""
        cached = _healthy_until.get(self._key, 0.0)
        if not fresh and cached > time.monotonic():
            return BreakerState("closed", 0, 0.0, 0)
        raw = _read(self._key)
        failures, opens = int(raw.get("failures", 0)), int(raw.get("opens", 0))
        open_until = raw.get("open_until", 0.0)
        if opens == 0:
            if failures == 0:
                _healthy_until[self._key] = time.monotonic() + HEALTHY_CACHE_SECONDS
            return BreakerState("closed", failures, 0.0, 0)
        name = "open" if time.time() < open_until else "half_open"
        return BreakerState(name, failures, open_until, opens)

    def before_call(self) -> bool:
        """Raises while open; True when this call is the half-open probe."""
        current = self.state()
        if current.state == "open":
            left = current.open_until - time.time()
            raise SourceError(
                ErrorKind.BREAKER_OPEN, f"{self.source}: circuit open for {left:.1f}s more"
            )
        if current.state == "half_open" and not _claim_probe(self._key, self.probe_seconds):
            raise SourceError(ErrorKind.BREAKER_OPEN, f"{self.source}: half-open, probe in flight")
        return current.state == "half_open"

    def probe_done(self) -> None:
        """Let the next call probe again (a probe that neither closed nor reopened the breaker,
        e.g. refused for our own rate budget, must not block probing until it expires)."""
        _release_probe(self._key)

    def success(self) -> None:
        if _healthy_until.get(self._key, 0.0) > time.monotonic():
            return
        if _read(self._key):
            _write(self._key, {"failures": 0, "opens": 0, "open_until": 0.0})
        _healthy_until[self._key] = time.monotonic() + HEALTHY_CACHE_SECONDS

    def failure(self) -> None:
        _healthy_until.pop(self._key, None)
        current = self.state(fresh=True)
        if current.state == "open":
            return  # calls already in flight when it opened: they do not extend the cooldown
        failures = current.failures + 1
        if current.state == "half_open" or failures >= self.threshold:
            opens = current.opens + 1
            cooldown = min(self.cooldown * 2 ** (opens - 1), MAX_COOLDOWN_SECONDS)
            _write(
                self._key,
                {"failures": failures, "opens": opens, "open_until": time.time() + cooldown},
            )
            return
        _write(self._key, {"failures": failures})

    def reset(self) -> None:
        _healthy_until.pop(self._key, None)
        _write(self._key, {"failures": 0, "opens": 0, "open_until": 0.0})
