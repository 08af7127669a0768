"""Reads of the venues app: data-source health, staleness, quarantine, breaker and budget state."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from apps.venues.connectors.breaker import CircuitBreaker
from apps.venues.connectors.keys import key_id
from apps.venues.connectors.ratelimit import RateLimiter
from apps.venues.models import DataSourceStatus, Quarantine, Venue


def staleness_threshold_seconds() -> float:
    from riskmonitor.conf import get_config

    limits = get_config().limits.risk_limits.operational_limits
    return float(limits.position_staleness_minutes * 60)


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


def _health(status: DataSourceStatus, now: datetime, threshold: float) -> SourceHealth:
    age = (now - status.data_as_of).total_seconds() if status.data_as_of else None
    return SourceHealth(
        source=status.source, venue=status.venue.name,
        account=status.account.label if status.account else None, endpoint=status.endpoint,
        data_as_of=status.data_as_of, age_seconds=age, stale=age is None or age > threshold,
        last_success_at=status.last_success_at, last_error_at=status.last_error_at,
        last_error_kind=status.last_error_kind, last_error=status.last_error,
        latency_ms=status.latency_ms, consecutive_failures=status.consecutive_failures,
    )  # fmt: skip


def source_health(now: datetime | None = None) -> list[SourceHealth]:
    moment = now or timezone.now()
    threshold = staleness_threshold_seconds()
    statuses = DataSourceStatus.objects.select_related("venue", "account").filter(
        venue__enabled=True
    )
    return [_health(s, moment, threshold) for s in statuses]


def _venue_state(sources: list[SourceHealth]) -> str:
    if not sources:
        return "unknown"
    if all(s.consecutive_failures for s in sources):
        return "down"
    if any(s.stale for s in sources):
        return "stale"
    return "degraded" if any(s.consecutive_failures for s in sources) else "ok"


def connectivity(now: datetime | None = None) -> dict[str, Any]:
    """Per venue: state, age of its oldest data, and each source's health."""
    moment = now or timezone.now()
    health = source_health(moment)
    venues = []
    for venue in Venue.objects.filter(enabled=True):
        mine = [h for h in health if h.venue == venue.name]
        ages = [h.age_seconds for h in mine if h.age_seconds is not None]
        venues.append({
            "venue": venue.name, "kind": venue.kind, "state": _venue_state(mine),
            "age_seconds": max(ages) if ages else None,
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
            key_id(_env(a.api_key_env)): a.label for a in venue.accounts.all() if a.api_key_env
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


def _env(name: str) -> str:
    import os

    return os.environ.get(name, "")
