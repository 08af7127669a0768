"""The latest stored risk figures, read from ``apps.risk`` when that app is installed.

The limits app does not import apps.risk: it finds the RiskSnapshot model through the app
registry and reads its JSON figures (``RiskAssessment.to_dict()``), so either app can be
deployed or migrated first. No snapshot (or no risk app) means no figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps as django_apps
from django.db import models

from apps.limits.evaluation import StaleSource

_FIGURE_FIELDS = ("figures", "assessment", "result", "data", "payload")
_TIME_FIELDS = ("as_of", "computed_at", "created_at")


@dataclass(frozen=True)
class SnapshotFigures:
    id: int
    as_of: datetime | None
    figures: Mapping[str, Any]
    stale_sources: list[StaleSource] = field(default_factory=list)


def _model() -> type[models.Model] | None:
    try:
        return django_apps.get_model("risk", "RiskSnapshot")
    except LookupError:
        return None


def _field_names(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def _figures_field(model: type[models.Model]) -> str | None:
    json_fields = [f.name for f in model._meta.get_fields() if isinstance(f, models.JSONField)]
    named = [name for name in _FIGURE_FIELDS if name in json_fields]
    return (named or json_fields or [None])[0]


def _stale_sources(raw: Any) -> list[StaleSource]:
    """Accepts a list of ``{"name"|"source": ..., "age_seconds": ...}``; ignores anything else."""
    found = []
    for item in raw if isinstance(raw, list) else ():
        if not isinstance(item, dict):
            continue
        name, age = item.get("name") or item.get("source"), item.get("age_seconds")
        if isinstance(name, str) and isinstance(age, int | float):
            found.append(StaleSource(name, float(age)))
    return found


def risk_snapshot_latest(*, portfolio_id: int | None = None) -> SnapshotFigures | None:
    model = _model()
    figures_field = _figures_field(model) if model is not None else None
    if model is None or figures_field is None:
        return None
    names = _field_names(model)
    rows = model._default_manager.all()
    if portfolio_id is not None and "portfolio" in names:
        rows = rows.filter(portfolio_id=portfolio_id)
    time_field = next((name for name in _TIME_FIELDS if name in names), None)
    row = rows.order_by(*([f"-{time_field}"] if time_field else []), "-pk").first()
    if row is None:
        return None
    figures = getattr(row, figures_field) or {}
    return SnapshotFigures(
        id=int(row.pk),
        as_of=getattr(row, time_field) if time_field else None,
        figures=figures if isinstance(figures, dict) else {},
        stale_sources=_stale_sources(getattr(row, "stale_sources", None)),
    )
