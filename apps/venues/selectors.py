"""Reads of the venues app: data-source health, staleness, quarantine, breaker and budget state."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from apps.venues.connectors.credentials import account_api_key
from apps.venues.connectors.keys import key_id
from apps.venues.connectors.ratelimit import RateLimiter
from apps.venues.connectors.source_circuit import CircuitBreaker
from apps.venues.freshness import (
    DAILY_CANDLE_SECONDS,
    MINUTE_CANDLE_SECONDS,
    Freshness,
    Schedule,
    source_freshness,
)
from apps.venues.models import DataSourceStatus, Quarantine, Venue


def staleness_threshold_seconds() -> float:
    """The grace past a source's own refresh interval (``position_staleness_minutes``)."""
    from riskmonitor.conf import get_config

    limits = get_config().limits.risk_limits.operational_limits
    return float(limits.position_staleness_minutes * 60)


def cycle_seconds() -> float:
    return float(settings.RISK_MONITOR["CHECK_INTERVAL_SECONDS"])


def venue_schedule(venue: Venue, *, grace_seconds: float | None = None) -> Schedule:
    """How often the venue's sources are refreshed (its own settings and the cycle's)."""
    minute_candles = venue.backfill_minute_hours > 0
    return Schedule(
        cycle_seconds=cycle_seconds(),
        grace_seconds=staleness_threshold_seconds() if grace_seconds is None else grace_seconds,
        settlements_seconds=venue.settlement_check_minutes * 60.0,
        fills_seconds=float(venue.fills_sweep_seconds),
        candles_seconds=float(MINUTE_CANDLE_SECONDS if minute_candles else DAILY_CANDLE_SECONDS),
    )


def venue_schedules(
    names: list[str] | None = None, *, grace_seconds: float | None = None
) -> dict[str, Schedule]:
    """The schedule of each venue by name (all venues, or the ones named)."""
    venues = Venue.objects.all() if names is None else Venue.objects.filter(name__in=names)
    grace = staleness_threshold_seconds() if grace_seconds is None else grace_seconds
    return {v.name: venue_schedule(v, grace_seconds=grace) for v in venues}


def status_freshness(status: DataSourceStatus, schedule: Schedule, now: datetime) -> Freshness:
    return source_freshness(
        status.endpoint, last_success=status.last_success_at, last_failure=status.last_error_at,
        data_as_of=status.data_as_of, schedule=schedule, now=now,
    )  # fmt: skip


@dataclass(frozen=True)
class SourceHealth:
    source: str  # "exchange-1:spot:balances", or "exchange-1:prices" for venue-wide data
    venue: str
    account: str | None
    endpoint: str
    data_as_of: datetime | None
    age_seconds: float | None  # None: never had good data
    stale: bool
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error_kind: str
    last_error: str
    latency_ms: float | None
    consecutive_failures: int
    refresh_interval_seconds: float  # the source's own schedule
    overdue_seconds: float | None  # past that schedule; None: never had good data
    stale_reason: str | None  # never_succeeded, last_pull_failed, overdue; None: fresh


def _health(status: DataSourceStatus, now: datetime, schedule: Schedule) -> SourceHealth:
    fresh = status_freshness(status, schedule, now)
    return SourceHealth(
        source=status.source, venue=status.venue.name,
        account=status.account.label if status.account else None, endpoint=status.endpoint,
        data_as_of=status.data_as_of, age_seconds=fresh.age_seconds, stale=fresh.stale,
        last_success_at=status.last_success_at, last_error_at=status.last_error_at,
        last_error_kind=status.last_error_kind, last_error=status.last_error,
        latency_ms=status.latency_ms, consecutive_failures=status.consecutive_failures,
        refresh_interval_seconds=fresh.interval_seconds, overdue_seconds=fresh.overdue_seconds,
        stale_reason=fresh.reason,
    )  # fmt: skip


def source_health(now: datetime | None = None) -> list[SourceHealth]:
    moment = now or timezone.now()
    grace = staleness_threshold_seconds()
    statuses = DataSourceStatus.objects.select_related("venue", "account").filter(
        venue__enabled=True
    )
    return [_health(s, moment, venue_schedule(s.venue, grace_seconds=grace)) for s in statuses]


def stale_sources(now: datetime | None = None) -> list[SourceHealth]:
    """Sources overdue against their own refresh schedule by more than the grace, whose last
    pull failed, or that never had good data (``apps.venues.freshness``).

    For the staleness alert: one entry per source, each with its age and last error.
    """
    return [h for h in source_health(now) if h.stale]


def _venue_state(sources: list[SourceHealth]) -> str:
    if not sources:
        return "unknown"
    if all(s.consecutive_failures for s in sources):
        return "down"
    if any(s.stale for s in sources):
        return "stale"
    return "degraded" if any(s.consecutive_failures for s in sources) else "ok"


def connectivity(now: datetime | None = None) -> dict[str, Any]:
    """Per venue: state, age of its oldest data, its newest success, and each source's health
    (with its own ``last_success_at``, refresh interval and how overdue it is)."""
    moment = now or timezone.now()
    health = source_health(moment)
    venues = []
    for venue in Venue.objects.filter(enabled=True):
        mine = [h for h in health if h.venue == venue.name]
        ages = [h.age_seconds for h in mine if h.age_seconds is not None]
        successes = [h.last_success_at for h in mine if h.last_success_at is not None]
        venues.append({
            "venue": venue.name, "kind": venue.kind, "state": _venue_state(mine),
            "age_seconds": max(ages) if ages else None,
            "last_success_at": max(successes) if successes else None,
            "stale": any(h.stale for h in mine) or not mine,
            "sources": [asdict(h) for h in mine],
        })  # fmt: skip
    return {
        "checked_at": moment,
        "staleness_threshold_seconds": staleness_threshold_seconds(),
        "venues": venues,
    }


def quarantine_recent(limit: int = 50) -> list[dict[str, Any]]:
    rows = Quarantine.objects.select_related("venue", "account")[:limit]
    return [
        {"id": q.pk, "venue": q.venue.name, "account": q.account.label if q.account else None,
         "endpoint": q.endpoint, "reason": q.reason, "excerpt": q.excerpt,
         "created_at": q.created_at}
        for q in rows
    ]  # fmt: skip


def wire_state() -> list[dict[str, Any]]:
    """Per venue: circuit breaker and request-weight budget as every process sees them."""
    result = []
    for venue in Venue.objects.filter(enabled=True).prefetch_related("accounts"):
        breaker = CircuitBreaker(
            venue.name, venue.breaker_threshold, venue.breaker_cooldown_seconds
        ).state()
        limiter = RateLimiter(venue.name, venue.weight_per_minute)
        keys = {"ip": "public"} | {
            key_id(account_api_key(venue.name, a.label, a.api_key_env)): a.label
            for a in venue.accounts.all()
            if a.api_key_env
        }
        result.append({
            "venue": venue.name, "breaker": asdict(breaker),
            "rate_limit": {
                "weight_per_minute": venue.weight_per_minute,
                "paused_for_seconds": limiter.paused_for(),
                "used_last_minute": {label: limiter.used(k) for k, label in keys.items()},
            },
        })  # fmt: skip
    return result
