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


def source_ages(
    as_of: datetime, input_as_of: Mapping[str, Any], stale: Any = None
) -> list[StaleSource]:
    """Every data source's age at ``as_of`` from the snapshot's ``input_as_of`` (source -> ISO
    time), fresh ones included so a staleness alert can resolve. A source never seen (no time)
    has no age and gives no reading; the risk snapshot's flags report it."""
    ages: dict[str, float] = {}
    for name, at in input_as_of.items():
        if isinstance(at, str):
            ages[name] = max((as_of - _aware(datetime.fromisoformat(at))).total_seconds(), 0.0)
    for item in stale if isinstance(stale, list) else ():
        if not isinstance(item, dict):
            continue
        source, age = item.get("source") or item.get("name"), item.get("age_seconds")
        if isinstance(source, str) and isinstance(age, int | float) and source not in ages:
            ages[source] = float(age)
    return [StaleSource(name, age) for name, age in sorted(ages.items())]


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
