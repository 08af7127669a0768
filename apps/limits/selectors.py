"""Reads of the limits app: limits as evaluation specs, open requests, the current view."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from apps.limits.evaluation import LimitSpec, limits_evaluate
from apps.limits.models import Limit, LimitChangeRequest, RequestStatus
from apps.limits.readings import LimitReading
from apps.limits.snapshots import SnapshotFigures, risk_snapshot_latest
from riskmonitor.conf import get_config

SEVERITY_ORDER = ("low", "medium", "high", "critical")


def severity_thresholds() -> dict[str, float]:
    """``alert_configuration.severity_thresholds`` of risk_limits.yaml, name -> utilization."""
    return get_config().limits.alert_configuration.severity_thresholds.model_dump()


def limit_spec_of(limit: Limit) -> LimitSpec:
    warn_at = limit.warn_at_utilization
    return LimitSpec(
        id=limit.pk,
        key=limit.key,
        kind=limit.kind,
        scope=limit.scope,
        value=float(limit.value),
        warn_at_utilization=None if warn_at is None else float(warn_at),
        enabled=limit.enabled,
    )


def limit_specs_enabled() -> list[LimitSpec]:
    return [limit_spec_of(limit) for limit in Limit.objects.filter(enabled=True)]


def limit_list() -> QuerySet[Limit]:
    return Limit.objects.all()


def limit_requests_open() -> QuerySet[LimitChangeRequest]:
    return LimitChangeRequest.objects.filter(status=RequestStatus.PROPOSED).select_related(
        "limit", "proposed_by", "decided_by"
    )


@dataclass(frozen=True)
class LimitCurrent:
    limit: Limit
    readings: list[LimitReading]

    @property
    def utilization(self) -> float | None:
        """The highest utilization over the limit's scopes; None without a reading."""
        return max((r.utilization for r in self.readings), default=None)

    @property
    def severity(self) -> str | None:
        ranks = [SEVERITY_ORDER.index(r.severity) for r in self.readings if r.severity]
        return SEVERITY_ORDER[max(ranks)] if ranks else None


@dataclass(frozen=True)
class LimitsCurrent:
    snapshot: SnapshotFigures | None
    limits: list[LimitCurrent]
    pending_requests: list[LimitChangeRequest]


def limits_current(*, portfolio_id: int | None = None) -> LimitsCurrent:
    """Every limit with its readings against the latest risk snapshot (none without one)."""
    limits = list(limit_list())
    snapshot = risk_snapshot_latest(portfolio_id=portfolio_id)
    readings: list[LimitReading] = []
    if snapshot is not None:
        readings = limits_evaluate(
            limits=[limit_spec_of(limit) for limit in limits],
            figures=snapshot.figures,
            stale_sources=snapshot.sources,
            thresholds=severity_thresholds(),
        )
    by_limit: dict[int, list[LimitReading]] = {}
    for reading in readings:
        by_limit.setdefault(reading.limit_id, []).append(reading)
    return LimitsCurrent(
        snapshot=snapshot,
        limits=[LimitCurrent(limit, by_limit.get(limit.pk, [])) for limit in limits],
        pending_requests=list(limit_requests_open()),
    )
