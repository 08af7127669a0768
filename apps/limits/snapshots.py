"""The latest stored risk figures, read through the risk app's selector (limits sit above risk
in the layers). No snapshot means no figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from apps.limits.evaluation import StaleSource
from apps.risk.selectors.snapshots import latest_snapshot


@dataclass(frozen=True)
class SnapshotFigures:
    id: int
    as_of: datetime | None
    figures: Mapping[str, Any]
    sources: list[StaleSource] = field(default_factory=list)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _age_at(as_of: datetime, at: Any) -> float | None:
    if not isinstance(at, str):
        return None
    return max((as_of - _aware(datetime.fromisoformat(at))).total_seconds(), 0.0)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _name(item: Mapping[str, Any]) -> str | None:
    name = item.get("source") or item.get("name")
    return name if isinstance(name, str) else None


def _judged(name: str, item: Mapping[str, Any], age: float | None) -> StaleSource | None:
    """A ``stale_sources`` entry as a reading's source. Entries with ``overdue_seconds`` were
    judged against the source's schedule (``apps.venues.freshness``); older ones carry only
    an age, which then stands in."""
    age = _number(item.get("age_seconds")) if age is None else age
    if "overdue_seconds" not in item:
        return StaleSource(name, age) if age is not None else None
    return StaleSource(name, age, _number(item.get("overdue_seconds")), stale=True)


def source_ages(
    as_of: datetime, input_as_of: Mapping[str, Any], stale: Any = None
) -> list[StaleSource]:
    """Every data source of the snapshot's ``input_as_of`` (source -> ISO time) with its age
    at ``as_of``, fresh ones included (not overdue) so a staleness alert can resolve. The
    sources the snapshot judged stale (``stale_sources``) carry how overdue they are against
    their own refresh schedule, and are read as stale even without an age (a source whose
    every pull failed)."""
    found: dict[str, StaleSource] = {}
    for name, at in input_as_of.items():
        age = _age_at(as_of, at)
        if age is not None:
            found[name] = StaleSource(name, age, overdue_seconds=0.0)
    for item in stale if isinstance(stale, list) else ():
        source = _name(item) if isinstance(item, dict) else None
        if source is None:
            continue
        known = found.get(source)
        judged = _judged(source, item, known.age_seconds if known else None)
        if judged is not None and (known is None or "overdue_seconds" in item):
            found[source] = judged
    return [found[key] for key in sorted(found)]


def risk_snapshot_latest(*, portfolio_id: int | None = None) -> SnapshotFigures | None:
    row = latest_snapshot(portfolio_id=portfolio_id)
    if row is None:
        return None
    return SnapshotFigures(
        id=int(row.pk),
        as_of=row.as_of,
        figures=row.figures if isinstance(row.figures, dict) else {},
        sources=source_ages(row.as_of, row.input_as_of or {}, row.stale_sources),
    )
