"""Candles and 24h statistics cut from a PricePath.

Whole past days come from the path's day table (fast for 730+ daily candles); everything else
is cut from minute samples, and 1-minute candles from per-second samples, so that highs and
lows include the moves inside each candle. The open candle ends at "now".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulators.prices import DAY_MS, MINUTE_MS, SECOND_MS, PricePath

INTERVALS_MS = {
    "1m": MINUTE_MS,
    "3m": 3 * MINUTE_MS,
    "5m": 5 * MINUTE_MS,
    "15m": 15 * MINUTE_MS,
    "30m": 30 * MINUTE_MS,
    "1h": 60 * MINUTE_MS,
    "2h": 120 * MINUTE_MS,
    "4h": 240 * MINUTE_MS,
    "6h": 360 * MINUTE_MS,
    "8h": 480 * MINUTE_MS,
    "12h": 720 * MINUTE_MS,
    "1d": DAY_MS,
}


@dataclass(frozen=True)
class Candles:
    """Prices (not logs) of consecutive candles; `volume` is in base units."""

    open_time: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray


def open_times(
    interval_ms: int, now_ms: int, limit: int, start: int | None, end: int | None
) -> np.ndarray:
    """Binance semantics: from startTime forward, else the last `limit` up to endTime or now."""
    newest = (min(now_ms, end if end is not None else now_ms) // interval_ms) * interval_ms
    if start is not None:
        first = -(-start // interval_ms) * interval_ms
        count = max(0, min(limit, (newest - first) // interval_ms + 1))
        return first + interval_ms * np.arange(count, dtype=np.int64)
    return newest - interval_ms * np.arange(limit - 1, -1, -1, dtype=np.int64)


def _windows(series: np.ndarray, per: int, count: int) -> tuple[np.ndarray, ...]:
    idx = per * np.arange(count)[:, None] + np.arange(per + 1)[None, :]
    win = series[idx]
    return win[:, 0], win.max(axis=1), win.min(axis=1), win[:, -1]


def _sampled(
    path: PricePath, opens: np.ndarray, interval_ms: int, now_ms: int
) -> tuple[np.ndarray, ...]:
    step = SECOND_MS if interval_ms == MINUTE_MS else MINUTE_MS
    per = interval_ms // step
    needed = per * len(opens) + 1
    available = min(needed, (now_ms - int(opens[0])) // step + 1)
    series = path.log_series(int(opens[0]), available, step)
    if available < needed:
        now_log = np.log(path.price_at(now_ms))
        series = np.concatenate((series, np.full(needed - available, now_log)))
    return _windows(series, per, len(opens))


def _from_day_table(path: PricePath, opens: np.ndarray) -> tuple[np.ndarray, ...]:
    first_day = int(opens[0]) // DAY_MS
    return path.daily_summary(first_day, len(opens))


def _log_ohlc(
    path: PricePath, opens: np.ndarray, interval_ms: int, now_ms: int
) -> tuple[np.ndarray, ...]:
    if interval_ms != DAY_MS:
        return _sampled(path, opens, interval_ms, now_ms)
    event = path.first_event_ms()
    settled = min(now_ms, event) if event is not None else now_ms
    cut = int(np.searchsorted(opens + DAY_MS, settled, side="right"))
    parts = []
    if cut:
        parts.append(_from_day_table(path, opens[:cut]))
    if cut < len(opens):
        parts.append(_sampled(path, opens[cut:], interval_ms, now_ms))
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(4))


def _volumes(
    path: PricePath, o: np.ndarray, c: np.ndarray, interval_ms: int, daily_volume: float
) -> np.ndarray:
    """Synthetic but deterministic: busier when the candle moved more than usual."""
    typical = path.minute_sigma() * np.sqrt(interval_ms / MINUTE_MS)
    activity = 0.5 + np.abs(c - o) / (typical * 1.6)
    volume: np.ndarray = daily_volume * (interval_ms / DAY_MS) * np.minimum(activity, 4.0)
    return volume


def candles(
    path: PricePath,
    *,
    interval_ms: int,
    now_ms: int,
    limit: int,
    start: int | None,
    end: int | None,
    factor: float,
    daily_volume: float,
) -> Candles:
    opens = open_times(interval_ms, now_ms, limit, start, end)
    if len(opens) == 0:
        empty = np.empty(0)
        return Candles(opens, empty, empty, empty, empty, empty)
    o, h, low, c = _log_ohlc(path, opens, interval_ms, now_ms)
    volume = _volumes(path, o, c, interval_ms, daily_volume)
    elapsed = np.clip((now_ms - opens) / interval_ms, 0.0, 1.0)
    return Candles(
        opens,
        np.exp(o) * factor,
        np.exp(h) * factor,
        np.exp(low) * factor,
        np.exp(c) * factor,
        volume * elapsed,
    )


def day_stats(path: PricePath, now_ms: int, factor: float, daily_volume: float) -> dict[str, float]:
    """Rolling 24h open/high/low/last/volume, from minute samples plus the current second."""
    start = now_ms - DAY_MS
    first_minute = -(-start // MINUTE_MS) * MINUTE_MS
    series = path.log_series(first_minute, (now_ms - first_minute) // MINUTE_MS + 1, MINUTE_MS)
    last = np.log(path.price_at(now_ms))
    first = np.log(path.price_at(start))
    points = np.concatenate(([first], series, [last]))
    moves = np.abs(np.diff(series)) / (path.minute_sigma() * 1.6)
    volume = daily_volume / 1440.0 * float(np.minimum(0.5 + moves, 4.0).sum())
    return {
        "open": float(np.exp(first)) * factor,
        "high": float(np.exp(points.max())) * factor,
        "low": float(np.exp(points.min())) * factor,
        "last": float(np.exp(last)) * factor,
        "volume": volume,
    }
