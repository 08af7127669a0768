"""Mandate compliance per portfolio: each limit's state against the latest risk snapshot, the
worst of them, and the time spent in breach today (UTC), from the alerts' history.

A read: the states follow ``apps.limits.states`` (the same rule as the
``risk_compliance_status`` gauge), the breach time the audit trail's open, update and resolve
events of the portfolio's alerts at the critical severity."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import timezone

from apps.alerts.selectors import Interval, breach_intervals
from apps.limits.readings import LimitReading
from apps.limits.selectors import LimitCurrent, limits_current
from apps.limits.states import ComplianceState, compliance_state, worst_state
from apps.positions.models import Portfolio


@dataclass(frozen=True)
class ScopeCompliance:
    """One reading of a limit (a limit of every symbol or source has one per scope)."""

    scope: str
    current: float
    limit: float
    utilization: float
    severity: str | None
    state: ComplianceState


@dataclass(frozen=True)
class LimitCompliance:
    limit_id: int
    limit_key: str
    breach_type: str
    scope_kind: str
    scope: str
    unit: str
    enabled: bool
    state: ComplianceState | None  # None: no reading (disabled, or its figure unknown)
    utilization: float | None  # the highest over its scopes
    warn_at: float | None  # utilization where warn starts (an alert opens)
    breach_seconds_today: float
    readings: list[ScopeCompliance]


@dataclass(frozen=True)
class PortfolioCompliance:
    portfolio_id: int
    portfolio: str
    snapshot_id: int | None  # None: no risk snapshot yet, nothing is judged
    as_of: datetime | None
    status: ComplianceState | None  # the worst of its limits; None when none has a reading
    breach_seconds_today: float  # time any of its limits was in breach since 00:00 UTC
    limits: list[LimitCompliance]


def compliance_status(
    *, portfolio_id: int | None = None, now: datetime | None = None
) -> list[PortfolioCompliance]:
    """Every portfolio's compliance (only ``portfolio_id``'s when given), by portfolio name."""
    moment = now or timezone.now()
    portfolios = Portfolio.objects.order_by("name")
    if portfolio_id is not None:
        portfolios = portfolios.filter(pk=portfolio_id)
    return [_portfolio(portfolio, moment) for portfolio in portfolios]


def day_start(moment: datetime) -> datetime:
    """00:00 UTC of ``moment``'s UTC day."""
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def seconds_covered(spans: Iterable[Interval]) -> float:
    """The length of the union of ``spans`` in seconds (overlaps counted once)."""
    total, reach = 0.0, None
    for begin, end in sorted(spans):
        if reach is not None and begin < reach:
            begin = reach
        if end > begin:
            total += (end - begin).total_seconds()
            reach = end
    return total


def _portfolio(portfolio: Portfolio, now: datetime) -> PortfolioCompliance:
    current = limits_current(portfolio_id=portfolio.pk)
    spans = breach_intervals(portfolio_id=portfolio.pk, start=day_start(now), end=now)
    limits = [_limit(item, spans.get(item.limit.pk, [])) for item in current.limits]
    snapshot = current.snapshot
    return PortfolioCompliance(
        portfolio_id=portfolio.pk,
        portfolio=portfolio.name,
        snapshot_id=snapshot.id if snapshot else None,
        as_of=snapshot.as_of if snapshot else None,
        status=worst_state(limit.state for limit in limits if limit.state is not None),
        breach_seconds_today=seconds_covered(span for found in spans.values() for span in found),
        limits=limits,
    )


def _limit(item: LimitCurrent, spans: list[Interval]) -> LimitCompliance:
    limit, readings = item.limit, item.readings
    return LimitCompliance(
        limit_id=limit.pk,
        limit_key=limit.key,
        breach_type=limit.breach_type,
        scope_kind=limit.scope_kind,
        scope=limit.scope,
        unit=limit.unit,
        enabled=limit.enabled,
        state=worst_state(compliance_state(reading) for reading in readings),
        utilization=item.utilization,
        warn_at=readings[0].opening_level if readings else _warn_at(limit.warn_at_utilization),
        breach_seconds_today=seconds_covered(spans),
        readings=[_scope(reading) for reading in readings],
    )


def _warn_at(value: object) -> float | None:
    return None if value is None else float(str(value))


def _scope(reading: LimitReading) -> ScopeCompliance:
    return ScopeCompliance(
        scope=reading.scope,
        current=reading.current,
        limit=reading.limit,
        utilization=reading.utilization,
        severity=reading.severity,
        state=compliance_state(reading),
    )
