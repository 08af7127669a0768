"""Reads of the ingestion apps' stored data for one risk evaluation: one query per table, plain
tuples with floats (no per-row model objects, no Decimal), so a large book loads fast.

Money comes out of storage as float64 here on purpose: it is about to enter the engine, which
works in float64 arrays (STYLE habit 8).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Cast
from django.db.models.lookups import In, Lookup
from numpy.typing import NDArray

from apps.marketdata.models import Candle, InstrumentKind, Price
from apps.positions.models import (
    AccountSnapshot,
    BalanceLine,
    Fill,
    OrderLine,
    PositionLine,
    Transfer,
)
from apps.venues.freshness import Freshness, Schedule, source_freshness
from apps.venues.models import Account, DataSourceStatus, Venue
from apps.venues.selectors import status_freshness, venue_schedules

SECONDS_PER_DAY = 86_400


def _float(field: str) -> Cast:
    return Cast(field, FloatField())


class _EpochSeconds(Func):
    """POSIX seconds computed by the database: parsing aware datetimes row by row in Python
    costs more than the whole risk computation of a large book. date_part gives a float8
    directly; extract() gives a numeric (PostgreSQL 14+) whose cast to float8 costs twice as
    much, for the same correctly rounded value."""

    template = "date_part('epoch', %(expressions)s)"
    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Embedded mode: SQLite stores datetimes as UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]".
        # julianday() keeps only ~40 us, so it gives the whole seconds and the text the rest.
        text, params = compiler.compile(self.source_expressions[0])
        seconds = f"round((julianday(substr({text}, 1, 19)) - 2440587.5) * 86400.0)"
        return f"({seconds} + CAST(substr({text}, 20) AS REAL))", (*params, *params)


def epoch_seconds(field: str) -> Func:
    return _EpochSeconds(F(field))


class _AnyOf(Lookup):
    """`field = ANY(%s)` on PostgreSQL: a list of ids is one array parameter. Django's IN binds
    each id apart, and client-side binding formats each in Python (~15 us an id: 8 ms for the
    500 history instruments of a large book). IN on other databases."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        return In(self.lhs, list(self.rhs)).as_sql(compiler, connection)

    def as_postgresql(self, compiler: Any, connection: Any) -> Any:
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*params, list(self.rhs))


def _any_of(field: str, values: Sequence[Any]) -> _AnyOf:
    return _AnyOf(F(field), values)


def fetch_rows(query: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` query straight from the cursor, skipping Django's per-row
    converters (a float column converted in Python costs microseconds a row). Expressions
    must come after plain fields in the `values_list`, the order the SQL selects them in."""
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:  # e.g. `__in=[]`: nothing stored yet
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


@dataclass(frozen=True)
class AccountRef:
    """An account of the portfolio and its latest stored snapshot (None: never stored)."""

    id: int
    venue: str
    venue_kind: str
    label: str
    market: str
    strategy: str
    snapshot_id: int | None
    snapshot_as_of: datetime | None

    @cached_property  # read once per row of a large book
    def name(self) -> str:
        return f"{self.venue}:{self.label}"


def portfolio_accounts(portfolio_id: int) -> list[AccountRef]:
    """Enabled accounts of enabled venues, each with its latest snapshot (one query)."""
    latest = AccountSnapshot.objects.filter(account=OuterRef("pk")).order_by("-as_of")
    rows = (
        Account.objects.filter(portfolio_id=portfolio_id, enabled=True, venue__enabled=True)
        .annotate(
            snapshot_id=Subquery(latest.values("pk")[:1]),
            snapshot_as_of=Subquery(latest.values("as_of")[:1]),
        )
        .order_by("venue__name", "label")
        .values_list(
            "id",
            "venue__name",
            "venue__kind",
            "label",
            "market",
            "strategy",
            "snapshot_id",
            "snapshot_as_of",
        )
    )
    return [AccountRef(*row) for row in rows]


def portfolios_with_accounts() -> list[int]:
    """Ids of the portfolios that own at least one enabled account."""
    return sorted(set(Account.objects.filter(enabled=True).values_list("portfolio_id", flat=True)))


def balance_lines(snapshot_ids: Sequence[int]) -> list[tuple[int, str, str, float]]:
    """(snapshot id, wallet, asset, total units) of the given snapshots."""
    return fetch_rows(
        BalanceLine.objects.filter(_any_of("snapshot_id", snapshot_ids))
        .order_by("snapshot_id", "wallet", "asset")
        .values_list("snapshot_id", "wallet", "asset", _float("total"))
    )


def position_lines(
    snapshot_ids: Sequence[int],
) -> list[tuple[int, str, str, float, float, float, float]]:
    """(snapshot id, canonical symbol, venue symbol, signed contracts, contract size, entry
    price, the mark the venue reported with the position)."""
    return fetch_rows(
        PositionLine.objects.filter(_any_of("snapshot_id", snapshot_ids))
        .order_by("snapshot_id", "venue_symbol")
        .values_list(
            "snapshot_id",
            "symbol",
            "venue_symbol",
            _float("contracts"),
            _float("contract_size"),
            _float("entry_price"),
            _float("mark_price"),
        )
    )


def open_order_counts(snapshot_ids: Sequence[int]) -> dict[int, int]:
    """Open orders per snapshot (context for the trace; the engine does not use them)."""
    rows = (
        OrderLine.objects.filter(snapshot_id__in=snapshot_ids)
        .values("snapshot_id")
        .annotate(n=Count("id"))
        .values_list("snapshot_id", "n")
    )
    return dict(rows)


@dataclass(frozen=True)
class LatestPrices:
    """The latest stored price of every active instrument on an enabled venue, as columns
    (10,000 instruments on a large book: an object per row cost more than the query), in
    instrument order. `price`: the venue mark for a perpetual (its last trade when
    it has none), the last trade for spot; as stored, so possibly NaN (callers filter)."""

    instrument_id: list[int]
    venue: list[str]
    kind: list[str]
    symbol: list[str]
    price: NDArray[np.float64]
    as_of: NDArray[np.float64]  # POSIX seconds

    def __len__(self) -> int:
        return len(self.instrument_id)


class MarketFacts(NamedTuple):
    """What hedging needs of an instrument: top of book, 24 h volume, lot size, and our
    taker fee there (a fraction of notional; None until the venue reported it)."""

    bid: float | None
    ask: float | None
    quote_volume_24h: float | None
    lot_size: float
    taker_fee: float | None = None


def latest_prices() -> LatestPrices:
    """Latest prices of active instruments on enabled venues (one query, two casts a row:
    numeric -> float8 is the costly part of a 10,000-row read)."""
    perpetual_mark = Q(instrument__kind=InstrumentKind.PERPETUAL, mark__isnull=False) & ~Q(mark=0)
    price = Case(When(perpetual_mark, then=F("mark")), default=F("last"))
    query = Price.objects.filter(instrument__active=True, instrument__venue__enabled=True)
    rows = fetch_rows(query.order_by("instrument_id").values_list(
        "instrument_id", "instrument__venue__name", "instrument__kind", "instrument__symbol",
        Cast(price, FloatField()), epoch_seconds("as_of"),
    ))  # fmt: skip
    ids, venues, kinds, symbols, prices, times = zip(*rows, strict=True) if rows else ((),) * 6
    return LatestPrices(
        instrument_id=list(ids), venue=list(venues), kind=list(kinds), symbol=list(symbols),
        price=np.array(prices, dtype=np.float64), as_of=np.array(times, dtype=np.float64),
    )  # fmt: skip


def market_facts(instrument_ids: Sequence[int]) -> dict[int, MarketFacts]:
    """Bid, ask, 24 h quote volume, lot size and taker fee of the given instruments' latest
    prices."""
    rows = fetch_rows(
        Price.objects.filter(_any_of("instrument_id", instrument_ids)).values_list(
            "instrument_id", _float("bid"), _float("ask"), _float("quote_volume_24h"),
            _float("instrument__lot_size"), _float("instrument__taker_fee"),
        )
    )  # fmt: skip
    return {row[0]: MarketFacts(*row[1:]) for row in rows}


def daily_closes(
    instrument_ids: Sequence[int], first_day: int, end_day: int
) -> dict[int, tuple[list[int], list[float]]]:
    """Closed daily candles per instrument for days [first_day, end_day) (days since the
    epoch, UTC): instrument -> (days, closes), ascending. One row per instrument, arrays
    aggregated in the database: a 500-day history of 500 symbols is 500 rows, not 250,000."""
    if not instrument_ids:
        return {}
    if connection.vendor != "postgresql":
        return _daily_closes_portable(instrument_ids, first_day, end_day)
    sql = f"""
        SELECT instrument_id,
               array_agg((extract(epoch FROM open_time) / {SECONDS_PER_DAY})::bigint
                         ORDER BY open_time),
               array_agg(close::float8 ORDER BY open_time)
        FROM {Candle._meta.db_table}
        WHERE interval = '1d' AND instrument_id = ANY(%s)
          AND open_time >= to_timestamp(%s) AND open_time < to_timestamp(%s)
        GROUP BY instrument_id
    """  # noqa: S608 - table name from the model, values bound as parameters
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [list(instrument_ids), first_day * SECONDS_PER_DAY, end_day * SECONDS_PER_DAY]
        )
        return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}


def _daily_candles(instrument_ids: Sequence[int], first_day: int, end_day: int) -> QuerySet[Any]:
    return Candle.objects.filter(
        interval="1d",
        instrument_id__in=list(instrument_ids),
        open_time__gte=datetime.fromtimestamp(first_day * SECONDS_PER_DAY, tz=UTC),
        open_time__lt=datetime.fromtimestamp(end_day * SECONDS_PER_DAY, tz=UTC),
    )


def _daily_closes_portable(
    instrument_ids: Sequence[int], first_day: int, end_day: int
) -> dict[int, tuple[list[int], list[float]]]:
    # Embedded mode (SQLite) has no array_agg, ANY() or to_timestamp: one row per candle,
    # grouped here. Its books are small, so the row count the PostgreSQL path avoids is fine.
    rows = fetch_rows(
        _daily_candles(instrument_ids, first_day, end_day)
        .order_by("instrument_id", "open_time")
        .values_list("instrument_id", _float("close"), epoch_seconds("open_time"))
    )
    closes: dict[int, tuple[list[int], list[float]]] = {}
    for instrument_id, close, opened in rows:
        days, values = closes.setdefault(instrument_id, ([], []))
        days.append(round(opened / SECONDS_PER_DAY))
        values.append(close)
    return closes


def recent_candles_fingerprint(
    instrument_ids: Sequence[int], first_day: int, end_day: int
) -> tuple[int, int]:
    """(count, max id) of the instruments' daily candles in [first_day, end_day): changes
    when a candle of those days arrives."""
    if not instrument_ids:
        return (0, 0)
    if connection.vendor != "postgresql":
        return _candles_fingerprint_portable(instrument_ids, first_day, end_day)
    sql = f"""
        SELECT count(*), coalesce(max(id), 0) FROM {Candle._meta.db_table}
        WHERE interval = '1d' AND instrument_id = ANY(%s)
          AND open_time >= to_timestamp(%s) AND open_time < to_timestamp(%s)
    """  # noqa: S608 - table name from the model, values bound as parameters
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [list(instrument_ids), first_day * SECONDS_PER_DAY, end_day * SECONDS_PER_DAY]
        )
        count, max_id = cursor.fetchone()
    return int(count), int(max_id)


def _candles_fingerprint_portable(
    instrument_ids: Sequence[int], first_day: int, end_day: int
) -> tuple[int, int]:
    # Embedded mode (SQLite): no ANY() or to_timestamp; the ORM spells the same query.
    found = _daily_candles(instrument_ids, first_day, end_day).aggregate(
        count=Count("id"), max_id=Max("id")
    )
    return int(found["count"]), int(found["max_id"] or 0)


def spot_fills(account_ids: Sequence[int]) -> list[tuple[int, str, str, float, float, float]]:
    """(account, canonical symbol, side, base amount, price, POSIX time) of spot fills,
    ascending."""
    return fetch_rows(
        Fill.objects.filter(account_id__in=account_ids, market="spot")
        .order_by("timestamp", "id")
        .values_list(
            "account_id",
            "symbol",
            "side",
            _float("amount"),
            _float("price"),
            epoch_seconds("timestamp"),
        )
    )


def derivative_realized_since(
    account_ids: Sequence[int], since: datetime
) -> dict[tuple[int, str, str], float]:
    """Venue-reported realized P&L (quote units) of linear fills since `since`, per
    (account, venue symbol, canonical symbol): per instrument, since two perpetuals of one
    account (BTCUSDT, BTCUSDC) share the canonical symbol."""
    rows = (
        Fill.objects.filter(
            account_id__in=account_ids,
            market="linear",
            timestamp__gte=since,
            realized_pnl__isnull=False,
        )
        .values("account_id", "venue_symbol", "symbol")
        .annotate(total=Sum(_float("realized_pnl")))
        .values_list("account_id", "venue_symbol", "symbol", "total")
    )
    return {(account, venue, symbol): total for account, venue, symbol, total in rows}


def external_transfers(
    account_ids: Sequence[int], since: datetime | None
) -> list[tuple[datetime, str, str, float, str]]:
    """(time, asset, direction, amount > 0, counterparty) of transfers stamped after `since`
    whose counterparty is not one of our venues (a move between our venues is not a flow)."""
    ours = Venue.objects.values("name")
    query = Transfer.objects.filter(account_id__in=account_ids).exclude(counterparty__in=ours)
    if since is not None:
        query = query.filter(timestamp__gt=since)
    return list(
        query.order_by("timestamp").values_list(
            "timestamp", "asset", "direction", _float("amount"), "counterparty"
        )
    )


def source_statuses(venue_names: Sequence[str]) -> list[tuple[str, datetime | None, int, str]]:
    """(source, data as of, consecutive failures, last error kind) of the venues' sources."""
    return list(
        DataSourceStatus.objects.filter(venue__name__in=venue_names)
        .order_by("source")
        .values_list("source", "data_as_of", "consecutive_failures", "last_error_kind")
    )


def _stale_entry(source: str, at: datetime | None, fresh: Freshness) -> dict[str, Any]:
    return {
        "source": source, "as_of": at.isoformat() if at else None,
        "age_seconds": fresh.age_seconds, "refresh_interval_seconds": fresh.interval_seconds,
        "overdue_seconds": fresh.overdue_seconds, "reason": fresh.reason,
    }  # fmt: skip


def _every_cycle(kind: str, at: datetime | None, schedule: Schedule, as_of: datetime) -> Freshness:
    # An account's snapshot and a venue's newest price are stored on every good cycle; their
    # failures show on the endpoint's own data-source status, judged beside them.
    return source_freshness(kind, last_success=at, last_failure=None, schedule=schedule,
                            now=as_of)  # fmt: skip


def stale_inputs(
    accounts: Sequence[AccountRef],
    newest_prices: Mapping[str, float],
    *,
    as_of: datetime,
    grace_seconds: float,
) -> list[dict[str, Any]]:
    """The evaluation's stale inputs, keyed as its ``input_as_of`` (``account:``, ``prices:``,
    ``source:``), each judged against its own refresh schedule (``apps.venues.freshness``):
    overdue by more than the grace, last pull failed, or never had good data."""
    names = sorted({a.venue for a in accounts})
    schedules = venue_schedules([*names, *newest_prices], grace_seconds=grace_seconds)
    stale = []
    for a in accounts:
        fresh = _every_cycle("balances", a.snapshot_as_of, schedules[a.venue], as_of)
        if fresh.stale:
            stale.append(_stale_entry(f"account:{a.name}", a.snapshot_as_of, fresh))
    for venue, at in sorted(newest_prices.items()):
        moment = datetime.fromtimestamp(at, tz=UTC)
        fresh = _every_cycle("prices", moment, schedules[venue], as_of)
        if fresh.stale:
            stale.append(_stale_entry(f"prices:{venue}", moment, fresh))
    statuses = DataSourceStatus.objects.filter(venue__name__in=names).select_related("venue")
    for status in statuses.order_by("source"):
        fresh = status_freshness(status, schedules[status.venue.name], as_of)
        if fresh.stale:
            stale.append(_stale_entry(f"source:{status.source}", status.data_as_of, fresh))
    return stale
