"""Epoch milliseconds, the unit venues speak, and aware UTC datetimes, the unit we store."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def now_ms() -> int:
    return int(time.time() * 1000)


def to_datetime(moment_ms: int) -> datetime:
    return datetime.fromtimestamp(moment_ms / 1000, tz=UTC)


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)
