"""Request-weight limits on our side of the wire, shared by every worker process.

A sliding-window log per (venue, key): the weight spent in any 60-second window never exceeds
the venue's budget. That is stricter than Binance's fixed calendar minute (every calendar minute
is one such window), so we can never be refused for weight while our table of weights is right.
A 429 sets a venue-wide pause (its ``Retry-After``) that every process honours.

Stack mode keeps the log in Redis (one Lua script: atomic across processes); embedded mode keeps
it in memory (one process, threads).
"""

from __future__ import annotations

import os
import random
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from apps.venues.connectors.base import ErrorKind, SourceError
from apps.venues.connectors.store import redis_client, uses_redis

WINDOW_MS = 60_000

# Several requests of one venue in one round trip. KEYS[1] is the venue's pause key, KEYS[i+1]
# the window of request i (keys repeat); ARGV: window, limit, then weight and member of each.
# Returns per request 0 when its weight was granted, else the milliseconds to wait.
_ACQUIRE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local paused = redis.call('PTTL', KEYS[1])
local used, entries, results = {}, {}, {}
for i = 2, #KEYS do
  local key = KEYS[i]
  local weight = tonumber(ARGV[2 * i - 1])
  local member = ARGV[2 * i]
  if paused > 0 then
    results[i - 1] = paused
  else
    if used[key] == nil then
      redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
      entries[key] = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
      local sum = 0
      for j = 1, #entries[key], 2 do
        sum = sum + tonumber(string.match(entries[key][j], ':(%d+)$'))
      end
      used[key] = sum
    end
    if used[key] + weight <= limit then
      redis.call('ZADD', key, now, member .. ':' .. weight)
      redis.call('PEXPIRE', key, window)
      used[key] = used[key] + weight
      results[i - 1] = 0
    else
      -- Wait until enough of the oldest entries leave the window (those granted in this
      -- call are the newest: if they are needed too, wait a whole window).
      local wait, freed = window, 0
      for j = 1, #entries[key], 2 do
        freed = freed + tonumber(string.match(entries[key][j], ':(%d+)$'))
        if used[key] + weight - freed <= limit then
          wait = math.max(1, tonumber(entries[key][j + 1]) + window - now + 1)
          break
        end
      end
      results[i - 1] = wait
    end
  end
end
return results
"""


class _Window(Protocol):
    def acquire(self, key: str, pause_key: str, limit: int, weight: int) -> int: ...

    def pause(self, pause_key: str, seconds: float) -> None: ...

    def used(self, key: str) -> int: ...

    def paused_for(self, pause_key: str) -> float: ...

    def resume(self, pause_key: str) -> None: ...


@dataclass
class _Ask:
    key: str
    weight: int
    answered: threading.Event = field(default_factory=threading.Event)
    wait_ms: int = 0
    error: BaseException | None = None


class _RedisWindow:
    """Asks that arrive together (a wave of calls) go to Redis in one round trip.

    The first asker of a venue becomes its leader: it sends every ask queued for that venue,
    again until none is left, and answers each; the others wait for their answer. A lone ask
    costs one round trip as before; a wave of twenty costs one or two instead of twenty.
    """

    def __init__(self) -> None:
        self._script: Any = None
        self.reset()

    def reset(self) -> None:
        """A fresh queue and lock (a forked child must not inherit its parent's)."""
        self._lock = threading.Lock()
        self._queued: dict[tuple[str, int], list[_Ask]] = {}
        self._leading: set[tuple[str, int]] = set()

    def acquire(self, key: str, pause_key: str, limit: int, weight: int) -> int:
        ask, venue = _Ask(key, weight), (pause_key, limit)
        with self._lock:
            self._queued.setdefault(venue, []).append(ask)
            leader = venue not in self._leading
            self._leading.add(venue)
        if leader:
            self._lead(venue)
        ask.answered.wait()
        if ask.error is not None:
            raise ask.error
        return ask.wait_ms

    def _lead(self, venue: tuple[str, int]) -> None:
        while True:
            with self._lock:
                batch = self._queued.pop(venue, [])
                if not batch:
                    self._leading.discard(venue)
                    return
            self._send(venue, batch)

    def _send(self, venue: tuple[str, int], batch: list[_Ask]) -> None:
        pause_key, limit = venue
        try:
            if self._script is None:
                self._script = redis_client().register_script(_ACQUIRE)
            args: list[Any] = [WINDOW_MS, limit]
            for ask in batch:
                args += [ask.weight, uuid.uuid4().hex]
            waits = self._script(keys=[pause_key, *(a.key for a in batch)], args=args)
            for ask, wait in zip(batch, waits, strict=True):
                ask.wait_ms = int(wait)
        except Exception as exc:  # Redis down: every ask of the batch fails alike
            for ask in batch:
                ask.error = exc
        for ask in batch:
            ask.answered.set()

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
# A forked worker child starts with no queue, leader or lock of its parent's.
os.register_at_fork(after_in_child=_redis.reset)


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
