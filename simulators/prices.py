"""Deterministic price paths: geometric Brownian motion on an absolute UTC time grid.

Why absolute: two simulator processes with the same seed must quote the same price for the same
timestamp, whenever they were started. So the path is anchored at a reference time and price from
the scenario, and the increments of each UTC day (1440 one-minute log returns) come from a
generator seeded by (seed, symbol, day). Inside a minute, a Brownian bridge (seeded the same way)
gives per-second prices that end exactly on the minute's close.

Control events (a price jump, a volatility change) happen "now" and apply to every later moment:
the adjusted log price is `base + k * (raw - raw_at_event)` per segment, so the path continues from
the jump with its own shape, scaled by new/old volatility.
"""

from __future__ import annotations

import math
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

SECOND_MS = 1000
MINUTE_MS = 60 * SECOND_MS
DAY_MS = 1440 * MINUTE_MS
_YEAR_MINUTES = 365.0 * 1440.0
_DAY_CACHE = 96  # days of minute detail kept per symbol (a 1000 x 1h request needs 42)
_BRIDGE_CACHE = 4  # days of per-second detail (1m candles cover the last 48 hours)


@dataclass
class _Segment:
    start_ms: int
    base: float  # adjusted log price at start_ms
    raw_at_start: float
    scale: float  # new vol / scenario vol


class PricePath:
    """One symbol's path. Log prices are natural logs; prices are in quote currency."""

    def __init__(
        self,
        *,
        seed: int,
        symbol: str,
        reference_time_ms: int,
        reference_price: float,
        annual_vol: float,
        annual_drift: float,
    ) -> None:
        self._key = [seed & 0xFFFFFFFF, zlib.crc32(symbol.encode())]
        self._ref_day = reference_time_ms // DAY_MS
        self._log_p0 = math.log(reference_price)
        self.annual_vol = annual_vol
        self._dt = 1.0 / _YEAR_MINUTES
        self._mu = (annual_drift - 0.5 * annual_vol**2) * self._dt
        self._sigma = annual_vol * math.sqrt(self._dt)
        self._lock = threading.RLock()
        self._lo = self._hi = self._ref_day  # days [lo, hi) have summary rows
        self._starts = np.array([0.0])  # log price (minus log_p0) at the start of day lo + i
        self._day_hi = np.empty(0)
        self._day_lo = np.empty(0)
        self._minutes: OrderedDict[int, np.ndarray] = OrderedDict()
        self._bridges: OrderedDict[int, np.ndarray] = OrderedDict()
        self._segments: list[_Segment] = [_Segment(-(2**62), 0.0, 0.0, 1.0)]

    # -- raw path -----------------------------------------------------------------------------

    def _rng(self, day: int, stream: int) -> np.random.Generator:
        return np.random.default_rng([*self._key, day + 1_000_000, stream])

    def _increments(self, day: int) -> np.ndarray:
        return self._mu + self._sigma * self._rng(day, 0).standard_normal(1440)

    def _minute_path(self, day: int) -> np.ndarray:
        """Raw log price (minus the anchor) at the 1441 minute boundaries of `day`."""
        with self._lock:
            cached = self._minutes.get(day)
            if cached is not None:
                self._minutes.move_to_end(day)
                return cached
            self.ensure_days(day, day + 1)
            path: np.ndarray = self._starts[day - self._lo] + np.concatenate(
                ([0.0], np.cumsum(self._increments(day)))
            )
            self._minutes[day] = path
            if len(self._minutes) > _DAY_CACHE:
                self._minutes.popitem(last=False)
            return path

    def ensure_days(self, first: int, last: int) -> None:
        """Make day summaries exist for days [first, last); vectorized per day, once."""
        with self._lock:
            if first < self._lo:
                self._extend_back(first)
            if last > self._hi:
                self._extend_forward(last)

    def _summaries(self, days: range) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cums = np.stack([np.cumsum(self._increments(d)) for d in days])
        zero = np.zeros(len(days))
        return cums[:, -1], np.maximum(cums.max(axis=1), zero), np.minimum(cums.min(axis=1), zero)

    def _extend_forward(self, last: int) -> None:
        sums, highs, lows = self._summaries(range(self._hi, last))
        starts = self._starts[-1] + np.concatenate(([0.0], np.cumsum(sums)))
        self._starts = np.concatenate((self._starts[:-1], starts))
        self._day_hi = np.concatenate((self._day_hi, highs))
        self._day_lo = np.concatenate((self._day_lo, lows))
        self._hi = last

    def _extend_back(self, first: int) -> None:
        sums, highs, lows = self._summaries(range(first, self._lo))
        starts = self._starts[0] - np.cumsum(sums[::-1])[::-1]
        self._starts = np.concatenate((starts, self._starts))
        self._day_hi = np.concatenate((highs, self._day_hi))
        self._day_lo = np.concatenate((lows, self._day_lo))
        self._lo = first

    def _bridge(self, day: int) -> np.ndarray:
        """Per-second offsets inside each minute of `day`: shape (1440, 61), zero at both ends."""
        with self._lock:
            cached = self._bridges.get(day)
            if cached is not None:
                return cached
            walk = np.cumsum(self._rng(day, 1).standard_normal((1440, 60)), axis=1)
            walk = np.concatenate((np.zeros((1440, 1)), walk), axis=1)
            frac = np.arange(61) / 60.0
            bridge = (walk - frac * walk[:, -1:]) * (self._sigma / math.sqrt(60.0))
            self._bridges[day] = bridge
            if len(self._bridges) > _BRIDGE_CACHE:
                self._bridges.popitem(last=False)
            return bridge

    def raw_minutes(self, first_minute: int, count: int) -> np.ndarray:
        """Raw log prices at `count` consecutive minute boundaries from epoch minute `first`."""
        out = np.empty(count)
        done = 0
        while done < count:
            minute = first_minute + done
            day, offset = divmod(minute, 1440)
            take = min(count - done, 1441 - offset)
            out[done : done + take] = self._minute_path(day)[offset : offset + take]
            done += take
        return out + self._log_p0

    def raw_seconds(self, first_second: int, count: int) -> np.ndarray:
        """Raw log prices at `count` consecutive whole seconds from epoch second `first`."""
        first_minute = first_second // 60
        last_minute = (first_second + count - 1) // 60
        minutes = self.raw_minutes(first_minute, last_minute - first_minute + 2)
        seconds = np.arange(first_second, first_second + count)
        idx = seconds // 60 - first_minute
        frac = (seconds % 60) / 60.0
        linear = minutes[idx] + frac * (minutes[idx + 1] - minutes[idx])
        noise = np.empty(count)
        for day in np.unique(seconds // 86400):
            mask = seconds // 86400 == day
            rows = (seconds[mask] // 60) % 1440
            noise[mask] = self._bridge(int(day))[rows, seconds[mask] % 60]
        sampled: np.ndarray = linear + noise
        return sampled

    # -- adjustments --------------------------------------------------------------------------

    def adjust(self, times_ms: np.ndarray, raw: np.ndarray) -> np.ndarray:
        """Apply jumps and volatility changes to raw log prices sampled at `times_ms`."""
        with self._lock:
            segments = list(self._segments)
        if len(segments) == 1:
            return raw
        starts = np.array([s.start_ms for s in segments])
        idx = np.searchsorted(starts, times_ms, side="right") - 1
        base = np.array([s.base for s in segments])[idx]
        anchor = np.array([s.raw_at_start for s in segments])[idx]
        scale = np.array([s.scale for s in segments])[idx]
        adjusted: np.ndarray = base + scale * (raw - anchor)
        return adjusted

    def _log_now(self, now_ms: int) -> tuple[float, float]:
        second = now_ms // SECOND_MS
        raw = float(self.raw_seconds(second, 1)[0])
        adjusted = float(self.adjust(np.array([second * SECOND_MS]), np.array([raw]))[0])
        return raw, adjusted

    def jump_to(self, price: float, now_ms: int) -> None:
        """From `now_ms` on, the path starts again at `price` and keeps its volatility."""
        start = now_ms // SECOND_MS * SECOND_MS  # prices are per second: the jump owns this one
        raw, _ = self._log_now(start)
        with self._lock:
            scale = self._segments[-1].scale
            self._segments.append(_Segment(start, math.log(price), raw, scale))

    def set_volatility(self, annual_vol: float, now_ms: int) -> None:
        start = now_ms // SECOND_MS * SECOND_MS
        raw, adjusted = self._log_now(start)
        with self._lock:
            scale = annual_vol / self.annual_vol if self.annual_vol else 1.0
            self._segments.append(_Segment(start, adjusted, raw, scale))

    def current_vol(self) -> float:
        with self._lock:
            return self.annual_vol * self._segments[-1].scale

    def reset(self) -> None:
        with self._lock:
            self._segments = [_Segment(-(2**62), 0.0, 0.0, 1.0)]

    # -- what the routes use ------------------------------------------------------------------

    def price_at(self, t_ms: int) -> float:
        """Price at `t_ms`, per-second granularity."""
        return math.exp(self._log_now(t_ms)[1])

    def log_series(self, start_ms: int, count: int, step_ms: int) -> np.ndarray:
        """Adjusted log prices at start, start + step, ... (step is one second or one minute)."""
        times = start_ms + step_ms * np.arange(count, dtype=np.int64)
        if step_ms == SECOND_MS:
            raw = self.raw_seconds(start_ms // SECOND_MS, count)
        else:
            raw = self.raw_minutes(start_ms // MINUTE_MS, count)
        return self.adjust(times, raw)

    def daily_summary(self, first_day: int, count: int) -> tuple[np.ndarray, ...]:
        """Raw (open, high, low, close) log prices of whole days, from the day table."""
        with self._lock:  # the table may grow (and shift its index) on another thread
            self.ensure_days(first_day, first_day + count)
            i = first_day - self._lo
            opens = self._starts[i : i + count] + self._log_p0
            closes = self._starts[i + 1 : i + count + 1] + self._log_p0
            highs = opens + self._day_hi[i : i + count]
            lows = opens + self._day_lo[i : i + count]
        return opens, highs, lows, closes

    def first_event_ms(self) -> int | None:
        with self._lock:
            return self._segments[1].start_ms if len(self._segments) > 1 else None

    def minute_sigma(self) -> float:
        return self._sigma
