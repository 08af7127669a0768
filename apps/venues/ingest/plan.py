"""What one venue's cycle must pull, read from the database before any network call.

Pulling happens in threads that never touch the database; they work from this plan only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from django.db.models import F, Max, OuterRef, Subquery

from apps.marketdata.models import Candle, Instrument
from apps.positions.models import (
    AccountSnapshot,
    BalanceLine,
    FillCursor,
    OrderLine,
    PositionLine,
    Transfer,
)
from apps.venues.freshness import Schedule, refresh_interval_seconds
from apps.venues.models import Account, DataSourceStatus, Venue
from apps.venues.selectors import venue_schedule
from riskmonitor.lib.clock import to_ms


@dataclass(frozen=True)
class InstrumentRef:
    kind: str  # spot / perpetual
    venue_symbol: str
    base: str
    quote: str


@dataclass(frozen=True)
class PreviousState:
    """The account's last stored snapshot, reduced to what tells us fills may have happened."""

    balances: dict[tuple[str, str], Decimal]  # (wallet, asset) -> total
    positions: dict[str, Decimal]  # venue symbol -> contracts
    orders: dict[str, tuple[str, Decimal]]  # order id -> (venue symbol, filled)


@dataclass(frozen=True)
class AccountPlan:
    account_id: int
    label: str
    market: str  # spot / futures / custody
    api_key_env: str
    api_secret_env: str
    previous: PreviousState | None
    cursors: dict[str, tuple[int, int]]  # venue symbol -> (read until ms, swept at ms)


@dataclass(frozen=True)
class VenuePlan:
    venue_id: int
    name: str
    kind: str
    base_url: str
    client_id: str
    timeout: float
    retries: int
    weight_per_minute: int
    breaker_threshold: int
    breaker_cooldown: float
    backfill_daily_days: int
    backfill_minute_hours: int
    backfill_fills_hours: int
    fills_sweep_seconds: int
    api_key_env: str
    now_ms: int
    period_start: datetime
    refresh_instruments: bool
    instruments: list[InstrumentRef]
    candle_cursors: dict[tuple[str, str, str], int]  # (kind, symbol, interval) -> last open ms
    watermarks: dict[str, dict[str, int]]  # source -> key -> ms
    accounts: list[AccountPlan] = field(default_factory=list)
    transfers_since_ms: int = 0
    symbols: list[str] = field(default_factory=list)  # empty: every listed instrument
    settlements_due: bool = True  # custodian: last read longer ago than its check interval


def _previous_states(accounts: list[Account]) -> dict[int, PreviousState]:
    """The latest snapshot of each account, reduced (four queries for all accounts; plain
    tuples, because a model instance per line made this the costliest part of a plan)."""
    newest = AccountSnapshot.objects.filter(account=OuterRef("account")).order_by("-as_of")
    latest = dict(
        AccountSnapshot.objects.filter(account__in=accounts)
        .annotate(newest=Subquery(newest.values("pk")[:1]))
        .filter(pk=F("newest"))
        .values_list("pk", "account_id")
    )
    states = {pk: PreviousState({}, {}, {}) for pk in latest}
    for snap, wallet, asset, total in BalanceLine.objects.filter(
        snapshot_id__in=list(latest)
    ).values_list("snapshot_id", "wallet", "asset", "total"):
        states[snap].balances[(wallet, asset)] = total
    for snap, symbol, contracts in PositionLine.objects.filter(
        snapshot_id__in=list(latest)
    ).values_list("snapshot_id", "venue_symbol", "contracts"):
        states[snap].positions[symbol] = contracts
    for snap, order_id, symbol, filled in OrderLine.objects.filter(
        snapshot_id__in=list(latest)
    ).values_list("snapshot_id", "order_id", "venue_symbol", "filled"):
        states[snap].orders[order_id] = (symbol, filled)
    return {account_id: states[pk] for pk, account_id in latest.items()}


def _cursors(accounts: list[Account]) -> dict[int, dict[str, tuple[int, int]]]:
    found: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for c in FillCursor.objects.filter(account__in=accounts):
        found[c.account_id][c.venue_symbol] = (to_ms(c.last_time), to_ms(c.swept_at))
    return found


def _candle_cursors(venues: list[Venue]) -> dict[int, dict[tuple[str, str, str], int]]:
    rows = (
        Candle.objects.filter(instrument__venue__in=venues)
        .values("instrument__venue_id", "instrument__kind", "instrument__venue_symbol", "interval")
        .annotate(last=Max("open_time"))
    )
    found: dict[int, dict[tuple[str, str, str], int]] = defaultdict(dict)
    for r in rows:
        key = (r["instrument__kind"], r["instrument__venue_symbol"], r["interval"])
        found[r["instrument__venue_id"]][key] = to_ms(r["last"])
    return found


def _instruments(
    venues: list[Venue], schedules: dict[int, Schedule]
) -> dict[int, tuple[list[InstrumentRef], bool]]:
    by_venue: dict[int, list[Instrument]] = defaultdict(list)
    for i in Instrument.objects.filter(venue__in=venues, active=True):
        by_venue[i.venue_id].append(i)
    now = datetime.now(tz=UTC)
    result = {}
    for venue in venues:
        rows = by_venue.get(venue.pk, [])
        refreshed = max((i.updated_at for i in rows), default=None)
        every = refresh_interval_seconds("instruments", schedules[venue.pk])
        due = refreshed is None or (now - refreshed).total_seconds() > every
        result[venue.pk] = (
            [InstrumentRef(i.kind, i.venue_symbol, i.base, i.quote) for i in rows],
            due,
        )
    return result


@dataclass(frozen=True)
class _Loaded:
    """Everything the plans need, read for all venues at once (about a dozen queries)."""

    accounts: dict[int, list[Account]]
    previous: dict[int, PreviousState]
    cursors: dict[int, dict[str, tuple[int, int]]]
    instruments: dict[int, tuple[list[InstrumentRef], bool]]
    candles: dict[int, dict[tuple[str, str, str], int]]
    watermarks: dict[int, dict[str, dict[str, int]]]
    transfers: dict[int, int]
    settlements_read: dict[int, datetime]  # venue id -> last good read of its settlements
    # The refresh schedules the staleness verdict judges against (apps.venues.freshness):
    # what is due here and what is overdue there come from the same intervals.
    schedules: dict[int, Schedule]


def _load(venues: list[Venue], period_start: datetime) -> _Loaded:
    done = set(
        AccountSnapshot.objects.filter(
            account__venue__in=venues, period_start=period_start
        ).values_list("account_id", flat=True)
    )
    accounts = [a for a in Account.objects.filter(venue__in=venues, enabled=True)
                if a.pk not in done]  # fmt: skip
    by_venue: dict[int, list[Account]] = defaultdict(list)
    for a in accounts:
        by_venue[a.venue_id].append(a)
    marks: dict[int, dict[str, dict[str, int]]] = defaultdict(dict)
    settled: dict[int, datetime] = {}
    for status in DataSourceStatus.objects.filter(venue__in=venues):
        marks[status.venue_id][status.source] = dict(status.watermarks)
        if status.endpoint == "settlements" and status.last_success_at is not None:
            settled[status.venue_id] = status.last_success_at
    schedules = {v.pk: venue_schedule(v) for v in venues}
    transfers = {
        r["account_id"]: to_ms(r["last"])
        for r in Transfer.objects.filter(account__in=accounts).values("account_id")
        .annotate(last=Max("timestamp"))
    }  # fmt: skip
    return _Loaded(
        by_venue,
        _previous_states(accounts),
        _cursors(accounts),
        _instruments(venues, schedules),
        _candle_cursors(venues),
        marks,
        transfers,
        settled,
        schedules,
    )


def _account_plan(account: Account, loaded: _Loaded) -> AccountPlan:
    return AccountPlan(
        account_id=account.pk, label=account.label, market=account.market,
        api_key_env=account.api_key_env, api_secret_env=account.api_secret_env,
        previous=loaded.previous.get(account.pk), cursors=loaded.cursors.get(account.pk, {}),
    )  # fmt: skip


def _settlements_due(venue: Venue, loaded: _Loaded, now_ms: int) -> bool:
    last = loaded.settlements_read.get(venue.pk)
    every_ms = refresh_interval_seconds("settlements", loaded.schedules[venue.pk]) * 1000
    return last is None or now_ms - to_ms(last) >= every_ms


def _plan(venue: Venue, loaded: _Loaded, period_start: datetime, now_ms: int) -> VenuePlan:
    accounts = loaded.accounts.get(venue.pk, [])
    instruments, due = loaded.instruments[venue.pk]
    custody = accounts[0] if venue.kind == "custodian" and accounts else None
    return VenuePlan(
        venue_id=venue.pk, name=venue.name, kind=venue.kind, base_url=venue.base_url,
        client_id=venue.client_id, timeout=venue.timeout_seconds, retries=venue.retry_attempts,
        weight_per_minute=venue.weight_per_minute, breaker_threshold=venue.breaker_threshold,
        breaker_cooldown=venue.breaker_cooldown_seconds,
        backfill_daily_days=venue.backfill_daily_days,
        backfill_minute_hours=venue.backfill_minute_hours,
        backfill_fills_hours=venue.backfill_fills_hours,
        fills_sweep_seconds=venue.fills_sweep_seconds, api_key_env=venue.api_key_env,
        now_ms=now_ms, period_start=period_start,
        refresh_instruments=due and venue.kind == "exchange",
        instruments=instruments if venue.kind == "exchange" else [],
        candle_cursors=loaded.candles.get(venue.pk, {}),
        watermarks=loaded.watermarks.get(venue.pk, {}),
        accounts=[_account_plan(a, loaded) for a in accounts],
        transfers_since_ms=loaded.transfers.get(custody.pk, 0) if custody else 0,
        symbols=venue.symbol_list(),
        settlements_due=_settlements_due(venue, loaded, now_ms),
    )  # fmt: skip


def venue_plans(venues: list[Venue], period_start: datetime, now_ms: int) -> list[VenuePlan]:
    """The plans of several venues for one period, from one batch of reads."""
    loaded = _load(venues, period_start)
    return [_plan(v, loaded, period_start, now_ms) for v in venues]
