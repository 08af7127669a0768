"""Writes of the venues app: venues and accounts from the config, data-source status, quarantine."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_record, system_actor
from apps.core.metrics import risk_data_staleness_seconds, risk_ingest_quarantined
from apps.positions.services import portfolio_default
from apps.venues.connectors.validation import EXCERPT_LIMIT
from apps.venues.freshness import Schedule
from apps.venues.models import (
    Account,
    AccountMarket,
    DataSourceStatus,
    Quarantine,
    Venue,
    VenueKind,
)
from apps.venues.selectors import status_freshness, venue_schedule
from riskmonitor.conf.schemas.monitor import CustodianConfig, ExchangeConfig, ExternalApis
from riskmonitor.lib.clock import to_datetime

ACTOR = system_actor("ingest")


def _exchange_create(spec: ExchangeConfig) -> Venue:
    return Venue.objects.create(
        name=spec.name, kind=VenueKind.EXCHANGE, adapter=spec.adapter,
        base_url=spec.base_url or "",
        timeout_seconds=spec.timeout_seconds, retry_attempts=spec.retry_attempts,
        weight_per_minute=spec.rate_limits.weight_per_minute,
        api_key_env=spec.api_key_env or "", api_secret_env=spec.api_secret_env or "",
    )  # fmt: skip


def _custodian_create(spec: CustodianConfig) -> Venue:
    return Venue.objects.create(
        name=spec.name, kind=VenueKind.CUSTODIAN, adapter="custodian", base_url=spec.base_url,
        timeout_seconds=spec.timeout_seconds, retry_attempts=spec.retry_attempts,
        weight_per_minute=spec.rate_limits.weight_per_minute, client_id=spec.client_id or "",
        api_key_env=spec.api_key_env, api_secret_env=spec.api_secret_env or "",
        settlement_check_minutes=spec.settlement_check_frequency_minutes,
    )  # fmt: skip


@transaction.atomic
def venues_sync_from_config(*, apis: ExternalApis) -> list[str]:
    """Create the venues and accounts the config names that the database lacks.

    Idempotent: existing rows are left as they are, because after the first load the admin is
    the place to change them (as for limits). Returns the names of what was created.
    """
    portfolio = portfolio_default()
    created: list[str] = []
    existing = set(Venue.objects.values_list("name", flat=True))
    for spec in apis.exchanges:
        venue = Venue.objects.filter(name=spec.name).first() or _exchange_create(spec)
        if spec.name not in existing:
            created.append(spec.name)
        for acct in spec.accounts:
            _, made = Account.objects.get_or_create(
                venue=venue, label=acct.label,
                defaults={"market": acct.market, "portfolio": portfolio, "strategy": acct.strategy,
                          "api_key_env": acct.api_key_env,
                          "api_secret_env": acct.api_secret_env or ""},
            )  # fmt: skip
            if made:
                created.append(f"{spec.name}:{acct.label}")
    for cust in apis.custodians:
        venue = Venue.objects.filter(name=cust.name).first() or _custodian_create(cust)
        if cust.name not in existing:
            created.append(cust.name)
        label = cust.client_id or "default"
        _, made = Account.objects.get_or_create(
            venue=venue, label=label,
            defaults={"market": AccountMarket.CUSTODY, "portfolio": portfolio},
        )  # fmt: skip
        if made:
            created.append(f"{cust.name}:{label}")
    if created:
        audit_record(event_type="venues_loaded", actor=ACTOR, payload={"created": created})
    return created


def source_name(venue: Venue, account: Account | None, endpoint: str) -> str:
    return ":".join([venue.name, *([account.label] if account else []), endpoint])


@dataclass(frozen=True)
class SourceResult:
    """How one source fared in a cycle: good data (as of when) or an error (of what kind)."""

    source: str
    account: Account | None
    endpoint: str
    latency_ms: float
    as_of_ms: int | None = None  # None: failed
    watermarks: Mapping[str, int] = field(default_factory=dict)
    error_kind: str = ""
    error: str = ""


_STATUS_FIELDS = [
    "last_success_at", "last_error_at", "last_error_kind", "last_error", "latency_ms",
    "consecutive_failures", "data_as_of", "watermarks", "updated_at",
]  # fmt: skip


def _apply(status: DataSourceStatus, result: SourceResult, at: datetime) -> None:
    status.latency_ms = result.latency_ms
    status.updated_at = at
    if result.as_of_ms is None:
        status.last_error_at = at
        status.last_error_kind = result.error_kind
        status.last_error = result.error[:500]
        status.consecutive_failures += 1
        return
    status.last_success_at = at
    status.consecutive_failures = 0
    status.data_as_of = to_datetime(result.as_of_ms)
    # Replaced, not merged: keys that vanished (a closed order) must not linger.
    status.watermarks = dict(result.watermarks)
    risk_data_staleness_seconds.labels(status.source).set(
        max(0.0, (at - status.data_as_of).total_seconds())
    )


def source_statuses_record(*, results: Iterable[tuple[Venue, SourceResult]], at: datetime) -> None:
    """Record a cycle's outcome for each source of any number of venues: one read, one upsert."""
    results = list(results)
    venue_ids = {venue.pk for venue, _ in results}
    known = {s.source: s for s in DataSourceStatus.objects.filter(venue_id__in=venue_ids)}
    rows = []
    for venue, result in results:
        status = known.get(result.source) or DataSourceStatus(
            source=result.source, venue=venue, account=result.account, endpoint=result.endpoint
        )
        _apply(status, result, at)
        rows.append(status)
    # An upsert rather than bulk_update: one plain statement instead of a CASE per column.
    DataSourceStatus.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["source"], update_fields=_STATUS_FIELDS
    )


def quarantine_entry(
    *, venue: Venue, account: Account | None, endpoint: str, reason: str, excerpt: str
) -> Quarantine:
    """An unsaved quarantine row (``quarantines_record`` stores a cycle's together)."""
    return Quarantine(
        venue=venue, account=account, endpoint=endpoint, reason=reason[:500],
        excerpt=excerpt[:EXCERPT_LIMIT],
    )  # fmt: skip


def quarantines_record(entries: list[Quarantine]) -> None:
    Quarantine.objects.bulk_create(entries)
    for entry in entries:
        risk_ingest_quarantined.labels(entry.venue.name, entry.endpoint).inc()


def staleness_gauges_set(*, now: datetime | None = None) -> None:
    """Export the age of every source's data, and per venue the oldest of its sources.

    The gauge is the age, not the verdict: whether a source is stale depends on its own
    schedule (``apps.venues.freshness``), which the connectivity API and the alerts apply."""
    moment = now or timezone.now()
    per_venue: dict[str, float] = {}
    schedules: dict[int, Schedule] = {}
    for status in DataSourceStatus.objects.select_related("venue"):
        schedule = schedules.get(status.venue_id) or venue_schedule(status.venue)
        schedules[status.venue_id] = schedule
        age = status_freshness(status, schedule, moment).age_seconds
        if age is None:
            continue
        risk_data_staleness_seconds.labels(status.source).set(age)
        per_venue[status.venue.name] = max(per_venue.get(status.venue.name, 0.0), age)
    for venue_name, age in per_venue.items():
        risk_data_staleness_seconds.labels(venue_name).set(age)
