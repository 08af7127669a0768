"""What one venue's cycle must pull, read from the database before any network call.

Pulling happens in threads that never touch the database; they work from this plan only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Max

from apps.marketdata.models import Candle, Instrument
from apps.positions.models import AccountSnapshot, FillCursor
from apps.venues.connectors.validation import to_ms
from apps.venues.models import Account, DataSourceStatus, Venue

INSTRUMENTS_REFRESH_SECONDS = 3600


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


def _previous(account: Account) -> PreviousState | None:
    snapshot = (
        AccountSnapshot.objects.filter(account=account)
        .order_by("-as_of")
        .prefetch_related("balances", "positions", "orders")
        .first()
    )
    if snapshot is None:
        return None
    return PreviousState(
        balances={(b.wallet, b.asset): b.total for b in snapshot.balances.all()},
        positions={p.venue_symbol: p.contracts for p in snapshot.positions.all()},
        orders={o.order_id: (o.venue_symbol, o.filled) for o in snapshot.orders.all()},
    )


def _account_plan(account: Account) -> AccountPlan:
    cursors = {
        c.venue_symbol: (to_ms(c.last_time), to_ms(c.swept_at))
        for c in FillCursor.objects.filter(account=account)
    }
    return AccountPlan(
        account_id=account.pk, label=account.label, market=account.market,
        api_key_env=account.api_key_env, api_secret_env=account.api_secret_env,
        previous=_previous(account), cursors=cursors,
    )  # fmt: skip


def _candle_cursors(venue: Venue) -> dict[tuple[str, str, str], int]:
    rows = (
        Candle.objects.filter(instrument__venue=venue)
        .values("instrument__kind", "instrument__venue_symbol", "interval")
        .annotate(last=Max("open_time"))
    )
    return {
        (r["instrument__kind"], r["instrument__venue_symbol"], r["interval"]): to_ms(r["last"])
        for r in rows
    }


def _instruments(venue: Venue) -> tuple[list[InstrumentRef], bool]:
    rows = list(Instrument.objects.filter(venue=venue, active=True))
    refreshed = max((i.updated_at for i in rows), default=None)
    due = refreshed is None or (datetime.now(tz=refreshed.tzinfo) - refreshed).total_seconds() > (
        INSTRUMENTS_REFRESH_SECONDS
    )
    return [InstrumentRef(i.kind, i.venue_symbol, i.base, i.quote) for i in rows], due


def _transfers_since(account: Account) -> int:
    latest = account.transfers.aggregate(last=Max("timestamp"))["last"]
    return to_ms(latest) if latest else 0


def venue_plan(venue: Venue, period_start: datetime, now_ms: int) -> VenuePlan:
    done = set(
        AccountSnapshot.objects.filter(account__venue=venue, period_start=period_start).values_list(
            "account_id", flat=True
        )
    )
    accounts = [a for a in venue.accounts.filter(enabled=True) if a.pk not in done]
    instruments, due = _instruments(venue) if venue.kind == "exchange" else ([], False)
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
        now_ms=now_ms, period_start=period_start, refresh_instruments=due,
        instruments=instruments,
        candle_cursors=_candle_cursors(venue) if venue.kind == "exchange" else {},
        watermarks={
            s.source: dict(s.watermarks) for s in DataSourceStatus.objects.filter(venue=venue)
        },
        accounts=[_account_plan(a) for a in accounts],
        transfers_since_ms=_transfers_since(custody) if custody else 0,
        symbols=venue.symbol_list(),
    )  # fmt: skip
