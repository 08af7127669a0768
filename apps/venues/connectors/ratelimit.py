"""Request-weight limits on our side of the wire, shared by every worker process.

A sliding-window log per (venue, key): the weight spent in any 60-second window never exceeds
the venue's budget. That is stricter than Binance's fixed calendar minute (every calendar minute
is one such window), so we can never be refused for weight while our table of weights is right.
A 429 sets a venue-wide pause (its ``Retry-After``) that every process honours.

Stack mode keeps the log in Redis (one Lua script: atomic across processes); embedded mode keeps
it in memory (one process, threads).
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any, Protocol, cast

from apps.venues.connectors.base import ErrorKind, SourceError
from apps.venues.connectors.store import redis_client, uses_redis

WINDOW_MS = 60_000

# Returns 0 when the weight was granted, else the milliseconds to wait before asking again.
_ACQUIRE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local weight = tonumber(ARGV[3])
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return paused end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local used = 0
for i = 1, #entries, 2 do
  used = used + tonumber(string.match(entries[i], ':(%d+)$'))
end
if used + weight <= limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4] .. ':' .. weight)
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local freed = 0
for i = 1, #entries, 2 do
  freed = freed + tonumber(string.match(entries[i], ':(%d+)$'))
  if used + weight - freed <= limit then
    return math.max(1, tonumber(entries[i + 1]) + window - now + 1)
  end
end
return window
"""


class _Window(Protocol):
    def acquire(self, key: str, pause_key: str, limit: int, weight: int) -> int: ...

    def pause(self, pause_key: str, seconds: float) -> None: ...

    def used(self, key: str) -> int: ...

    def paused_for(self, pause_key: str) -> float: ...

    def resume(self, pause_key: str) -> None: ...


class _RedisWindow:
    def __init__(self) -> None:
        self._script: Any = None

    def acquire(self, key: str, pause_key: str, limit: int, weight: int) -> int:
        if self._script is None:
            self._script = redis_client().register_script(_ACQUIRE)
        member = uuid.uuid4().hex
        return int(self._script(keys=[key, pause_key], args=[WINDOW_MS, limit, weight, member]))

    def pause(self, pause_key: str, seconds: float) -> None:
        client = redis_client()
        millis = max(1, int(seconds * 1000))
        # Never shorten a longer pause another process already set.
        if client.pttl(pause_key) < millis:
            client.set(pause_key, "1", px=millis)

    def used(self, key: str) -> int:
        client = redis_client()
        cutoff = time.time() * 1000 - WINDOW_MS
        members = cast(list[bytes], client.zrangebyscore(key, cutoff, "+inf"))
        return sum(int(m.rsplit(b":", 1)[1]) for m in members)

    def paused_for(self, pause_key: str) -> float:
        return max(0.0, int(redis_client().pttl(pause_key)) / 1000)

    def resume(self, pause_key: str) -> None:
        redis_client().delete(pause_key)


class _MemoryWindow:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._logs: dict[str, deque[tuple[float, int]]] = {}
        self._pauses: dict[str, float] = {}

    def acquire(self, key: str, pause_key: str, limit: int, weight: int) -> int:
        now = time.monotonic() * 1000
        with self._lock:
            until = self._pauses.get(pause_key, 0.0)
            if until > now:
                return int(until - now) + 1
            log = self._logs.setdefault(key, deque())
            while log and log[0][0] <= now - WINDOW_MS:
                log.popleft()
            used = sum(w for _, w in log)
            if used + weight <= limit:
                log.append((now, weight))
                return 0
            freed = 0
            for at, w in log:
                freed += w
                if used + weight - freed <= limit:
                    return max(1, int(at + WINDOW_MS - now) + 1)
            return WINDOW_MS

    def pause(self, pause_key: str, seconds: float) -> None:
        with self._lock:
            until = time.monotonic() * 1000 + seconds * 1000
            self._pauses[pause_key] = max(self._pauses.get(pause_key, 0.0), until)

    def used(self, key: str) -> int:
        now = time.monotonic() * 1000
        with self._lock:
            return sum(w for at, w in self._logs.get(key, ()) if at > now - WINDOW_MS)

    def paused_for(self, pause_key: str) -> float:
        with self._lock:
            return max(0.0, (self._pauses.get(pause_key, 0.0) - time.monotonic() * 1000) / 1000)

    def resume(self, pause_key: str) -> None:
        with self._lock:
            self._pauses.pop(pause_key, None)


_memory = _MemoryWindow()
_redis = _RedisWindow()


def _window() -> _Window:
    return _redis if uses_redis() else _memory


@dataclass(frozen=True)
class RateLimiter:
    """The budget of one venue: ``limit`` weight per minute per key (an API key or our IP)."""

    venue: str
    limit: int

    def _key(self, key: str) -> str:
        return f"riskmonitor:rl:{self.venue}:{key}"

    @property
    def _pause_key(self) -> str:
        return f"riskmonitor:rl:{self.venue}:pause"

    def acquire(self, key: str, weight: int, max_wait: float) -> None:
        """Spend ``weight`` now, or wait for it up to ``max_wait`` seconds, else SourceError."""
        if weight > self.limit:
            raise SourceError(
                ErrorKind.RATE_BUDGET, f"weight {weight} exceeds the budget {self.limit}"
            )
        deadline = time.monotonic() + max_wait
        while True:
            wait_ms = _window().acquire(self._key(key), self._pause_key, self.limit, weight)
            if wait_ms == 0:
                return
            wait = wait_ms / 1000 + random.uniform(0, 0.05)  # noqa: S311 - jitter, not crypto
            if time.monotonic() + wait > deadline:
                raise SourceError(
                    ErrorKind.RATE_BUDGET,
                    f"{self.venue}: request weight budget exhausted for {wait:.1f}s",
                    retry_after=wait,
                )
            time.sleep(wait)

    def pause(self, seconds: float) -> None:
        """A venue told us to back off (429 + Retry-After): every process waits it out."""
        _window().pause(self._pause_key, seconds)

    def used(self, key: str) -> int:
        return _window().used(self._key(key))

    def paused_for(self) -> float:
        return _window().paused_for(self._pause_key)

    def resume(self) -> None:
        """End a venue-wide pause early (an operator who knows the venue is back)."""
        _window().resume(self._pause_key)
