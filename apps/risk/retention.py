"""Which risk snapshots the history keeps (plain Python, no Django).

Full rate for the last `full_rate_hours`; then one per 5 minutes up to 7 days old; then one per
hour. In each bucket the latest snapshot stays. Never dropped: each portfolio's latest
snapshot, each day's 00:00 UTC equity mark (the last complete snapshot at or before
midnight: what daily P&L starts from) and each UTC day's closing record (its last complete
snapshot: the VaR backtest's P&L and VaR of the day, apps.risk.evaluation.backtest). The two differ
only when a complete snapshot falls exactly on midnight.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

FIVE_MINUTES = 300
HOUR = 3600
DAY = 86_400
THINNED_FOR = timedelta(days=7)

Row = tuple[int, int, datetime, bool]  # (id, portfolio id, as_of, equity complete)


def snapshots_to_drop(rows: Iterable[Row], *, now: datetime, full_rate_hours: float) -> list[int]:
    """Ids to delete among `rows` (any order)."""
    full_rate_from = now - timedelta(hours=full_rate_hours)
    hourly_before = now - THINNED_FOR
    keep: dict[tuple[int, int, int], tuple[datetime, int]] = {}
    day_marks: dict[tuple[int, int], tuple[datetime, int]] = {}
    closings: dict[tuple[int, int], tuple[datetime, int]] = {}
    latest: dict[int, tuple[datetime, int]] = {}
    candidates: list[int] = []
    for snapshot_id, portfolio, as_of, complete in rows:
        key = (as_of, snapshot_id)
        latest[portfolio] = max(latest.get(portfolio, key), key)
        if complete:
            midnight = (portfolio, _next_midnight(as_of))
            day_marks[midnight] = max(day_marks.get(midnight, key), key)
            day = (portfolio, int(as_of.timestamp() // DAY))
            closings[day] = max(closings.get(day, key), key)
        if as_of >= full_rate_from:
            continue
        width = HOUR if as_of < hourly_before else FIVE_MINUTES
        bucket = (portfolio, width, int(as_of.timestamp()) // width)
        keep[bucket] = max(keep.get(bucket, key), key)
        candidates.append(snapshot_id)
    protected = (*keep.values(), *day_marks.values(), *closings.values(), *latest.values())
    kept = {i for _, i in protected}
    return [i for i in candidates if i not in kept]


def _next_midnight(moment: datetime) -> int:
    """The 00:00 UTC (epoch day) this moment is the equity mark candidate of: itself when
    exactly midnight, else the following one."""
    seconds = moment.timestamp()
    return -int(-seconds // DAY)
