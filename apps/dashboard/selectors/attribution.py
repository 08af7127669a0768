"""P&L attribution by strategy, venue and symbol over a window ending now.

A snapshot's attribution is unrealized P&L plus realized P&L since 00:00 UTC, so over a window
that crosses midnight the realized part restarts. The P&L of a group over the window is
``U(last) - U(first) + sum over the window's UTC days of R(that day's last snapshot) - R(first)``
(``U`` unrealized, ``R`` realized today): the change of unrealized P&L plus every realized
amount booked in the window. Realized P&L of the few seconds between a day's last snapshot and
midnight is the one thing not seen."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from apps.positions.models import Portfolio
from apps.risk.models import RiskSnapshot

DIMENSIONS: Final = ("by_strategy", "by_venue", "by_symbol")
_DAY = timedelta(days=1)
Row = Mapping[str, Any]


def pnl_attribution(
    *, portfolio: Portfolio, window: timedelta, now: datetime
) -> dict[str, Any] | None:
    """None when the portfolio has no snapshot in the window."""
    start = now - window
    days = _day_lasts(portfolio, start, now)
    if not days:
        return None
    first = _first(portfolio, start, now)
    last = days[-1]
    result: dict[str, Any] = {
        "portfolio": portfolio.name,
        "window_start": start,
        "window_end": now,
        "first_snapshot": {"id": first.pk, "as_of": first.as_of},
        "last_snapshot": {"id": last.pk, "as_of": last.as_of},
    }
    for dimension in DIMENSIONS:
        result[dimension] = _dimension(dimension, first, days)
    result["total"] = _total(result["by_strategy"])
    return result


def _first(portfolio: Portfolio, start: datetime, end: datetime) -> RiskSnapshot:
    rows = RiskSnapshot.objects.filter(portfolio=portfolio, as_of__gte=start, as_of__lte=end)
    # A day's last snapshot exists, so the window holds at least one.
    return rows.order_by("as_of", "pk").only("pk", "as_of", "figures")[0]


def _day_lasts(portfolio: Portfolio, start: datetime, end: datetime) -> list[RiskSnapshot]:
    """The last snapshot of each UTC day the window touches, oldest first."""
    found = []
    day = start.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    while day <= end:
        rows = RiskSnapshot.objects.filter(
            portfolio=portfolio, as_of__gte=max(day, start), as_of__lt=day + _DAY, as_of__lte=end
        )
        latest = rows.order_by("-as_of", "-pk").only("pk", "as_of", "figures").first()
        if latest is not None:
            found.append(latest)
        day += _DAY
    return found


def _table(snapshot: RiskSnapshot, dimension: str) -> Mapping[str, Row]:
    attribution = snapshot.figures.get("attribution") or {}
    return attribution.get(dimension) or {}


def _dimension(
    dimension: str, first: RiskSnapshot, days: Sequence[RiskSnapshot]
) -> dict[str, dict[str, Any]]:
    start, end = _table(first, dimension), _table(days[-1], dimension)
    day_tables = [_table(day, dimension) for day in days]
    names = sorted({*start, *end, *(n for table in day_tables for n in table)})
    return {name: _group(name, start, end, day_tables) for name in names}


def _value(row: Row | None, column: str) -> float:
    value = None if row is None else row.get(column)
    return float(value) if isinstance(value, int | float) else 0.0


def _group(
    name: str, start: Mapping[str, Row], end: Mapping[str, Row], days: Sequence[Mapping[str, Row]]
) -> dict[str, Any]:
    unrealized = _value(end.get(name), "unrealized_pnl") - _value(start.get(name), "unrealized_pnl")
    realized = sum(_value(day.get(name), "realized_today") for day in days) - _value(
        start.get(name), "realized_today"
    )
    complete = all(
        bool(row.get("complete", True)) for row in (start.get(name), end.get(name)) if row
    )
    return {
        "pnl": unrealized + realized,
        "unrealized_change": unrealized,
        "realized": realized,
        "complete": complete,
    }


def _total(groups: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "pnl": sum(g["pnl"] for g in groups.values()),
        "unrealized_change": sum(g["unrealized_change"] for g in groups.values()),
        "realized": sum(g["realized"] for g in groups.values()),
        "complete": all(g["complete"] for g in groups.values()),
    }
