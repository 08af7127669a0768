"""In-process cache of the daily closes one evaluation reads (500 days x 500 symbols is the
largest read of a cycle, and completed daily candles do not change).

An entry is used while (a) its key matches: same instruments and the same day window, so a
new UTC day is a new key; (b) the fingerprint of the last few days' candles matches (count
and max id), so a closed candle that arrives late - yesterday's, just after midnight - is seen
at once; (c) it is younger than the TTL, which bounds how long a backfill of older days can
go unseen.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from apps.risk.selectors import sources

TTL_SECONDS = 600.0
MAX_ENTRIES = 16  # a few portfolios; each entry is one portfolio's history
RECENT_DAYS = 3

Key = tuple[tuple[int, ...], int, int]


class Closes(NamedTuple):
    """One instrument's closes, ascending: as read, and as arrays converted once per entry."""

    days: list[int]  # days since the epoch
    closes: list[float]
    day_array: np.ndarray
    close_array: np.ndarray


@dataclass(frozen=True)
class _Entry:
    fingerprint: tuple[int, int]
    expires: float
    value: dict[int, Closes]


_lock = threading.Lock()
_entries: OrderedDict[Key, _Entry] = OrderedDict()


def daily_closes_cached(
    instrument_ids: Sequence[int], first_day: int, end_day: int
) -> dict[int, Closes]:
    """`sources.daily_closes`, from the cache when still valid. Treat the result as
    read-only: it is shared between calls."""
    key = (tuple(sorted(instrument_ids)), first_day, end_day)
    fingerprint = sources.recent_candles_fingerprint(key[0], end_day - RECENT_DAYS, end_day)
    now = time.monotonic()
    with _lock:
        entry = _entries.get(key)
    if entry is not None and entry.fingerprint == fingerprint and entry.expires > now:
        return entry.value
    value = {
        instrument: Closes(
            days, closes, np.asarray(days, dtype=np.int64), np.asarray(closes, dtype=np.float64)
        )
        for instrument, (days, closes) in sources.daily_closes(key[0], first_day, end_day).items()
    }
    with _lock:
        _entries[key] = _Entry(fingerprint, now + TTL_SECONDS, value)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _entries.clear()
