"""In-process cache of the daily closes one evaluation reads (500 days x 500 symbols is the
largest read of a cycle, and completed daily candles do not change), and of the engine's
`PriceHistory` built from them (the returns derived from 500 x 500 closes cost more than the
risk computation; the engine computes them once per `PriceHistory` so that they can be reused).

An entry is used while (a) its key matches: same instruments and the same day window, so a
new UTC day is a new key; (b) the fingerprint of the last few days' candles matches (count
and max id), so a closed candle that arrives late - yesterday's, just after midnight - is seen
at once; (c) it is younger than the TTL, which bounds how long a backfill of older days can
go unseen. Each read from the database gets a new `version`; a `PriceHistory` is reused only
for the same version (and the same symbols, instruments and day window), so it is rebuilt
whenever the closes are read again.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from apps.risk.selectors import sources
from riskmonitor.engine import PriceHistory

TTL_SECONDS = 600.0
MAX_ENTRIES = 16  # a few portfolios; each entry is one portfolio's history
MAX_HISTORIES = 4  # ~14 MB each on a large book (the closes and six derived 500 x 500 arrays)
RECENT_DAYS = 3

Key = tuple[tuple[int, ...], int, int]


class Closes(NamedTuple):
    """One instrument's closes, ascending: as read, and as arrays converted once per entry."""

    days: list[int]  # days since the epoch
    closes: list[float]
    day_array: np.ndarray
    close_array: np.ndarray


class CachedCloses(NamedTuple):
    """The closes per instrument, and the version of the database read they come from."""

    version: int
    by_instrument: dict[int, Closes]


@dataclass(frozen=True)
class _Entry:
    fingerprint: tuple[int, int]
    expires: float
    value: CachedCloses


_lock = threading.Lock()
_entries: OrderedDict[Key, _Entry] = OrderedDict()
_histories: OrderedDict[Hashable, PriceHistory] = OrderedDict()
_versions = itertools.count(1)


def daily_closes_cached(
    instrument_ids: Sequence[int], first_day: int, end_day: int
) -> CachedCloses:
    """`sources.daily_closes`, from the cache when still valid. Treat the result as
    read-only: it is shared between calls."""
    key = (tuple(sorted(instrument_ids)), first_day, end_day)
    fingerprint = sources.recent_candles_fingerprint(key[0], end_day - RECENT_DAYS, end_day)
    now = time.monotonic()
    with _lock:
        entry = _entries.get(key)
    if entry is not None and entry.fingerprint == fingerprint and entry.expires > now:
        return entry.value
    read = sources.daily_closes(key[0], first_day, end_day)
    value = CachedCloses(next(_versions), {
        instrument: Closes(
            days, closes, np.asarray(days, dtype=np.int64), np.asarray(closes, dtype=np.float64)
        )
        for instrument, (days, closes) in read.items()
    })  # fmt: skip
    with _lock:
        _entries[key] = _Entry(fingerprint, now + TTL_SECONDS, value)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def price_history_cached(key: Hashable, build: Callable[[], PriceHistory]) -> PriceHistory:
    """The `PriceHistory` built for `key`, built on first use. The key must hold the closes'
    version and everything else the history depends on (symbols, instruments, day window)."""
    with _lock:
        history = _histories.get(key)
    if history is None:
        history = build()
        with _lock:
            _histories[key] = history
            _histories.move_to_end(key)
            while len(_histories) > MAX_HISTORIES:
                _histories.popitem(last=False)
    return history


def clear() -> None:
    with _lock:
        _entries.clear()
        _histories.clear()
