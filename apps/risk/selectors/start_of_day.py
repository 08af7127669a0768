"""Reads the start-of-day reconstruction needs (apps.risk.evaluation.start_of_day): today's
fills and external transfers of the portfolio's accounts, and every instrument's price at 00:00 UTC
from the candles that open the day. Plain tuples with floats, one query each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from django.db.models import Case, FloatField, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast

from apps.marketdata.models import Candle, CandleInterval, Instrument, InstrumentKind
from apps.positions.models import Fill, FillMarket, PositionLine, Transfer
from apps.risk.selectors.sources import _any_of, epoch_seconds, fetch_rows
from apps.venues.models import Venue


class FillRow(NamedTuple):
    """One stored fill: amount in base units, cost in quote units, fee in `fee_asset`;
    `realized_pnl` quote units (linear fills, venue-reported; None when not reported). `base`,
    `quote` and `contract_size` are its instrument's (None: the instrument is not stored)."""

    account_id: int
    market: str
    venue_symbol: str
    symbol: str
    base: str | None
    quote: str | None
    contract_size: float | None
    side: str
    amount: float
    cost: float
    fee: float
    fee_asset: str
    realized_pnl: float | None
    timestamp: float  # POSIX seconds


class PositionRow(NamedTuple):
    """A stored futures position line: signed contracts, entry price per base unit."""

    snapshot_id: int
    venue_symbol: str
    symbol: str
    contracts: float
    contract_size: float
    entry_price: float


class TransferRow(NamedTuple):
    """One external transfer: amount > 0 of `asset`, `direction` deposit or withdrawal."""

    account_id: int
    asset: str
    direction: str
    amount: float
    timestamp: float


class OpeningPrice(NamedTuple):
    """An instrument's price at 00:00 UTC: the open of the candle that starts the day.
    `symbol` is the canonical one, `venue_symbol` the venue's (BTCUSDT)."""

    instrument_id: int
    venue: str
    kind: str
    symbol: str
    interval: str
    open: float
    venue_symbol: str


def _float(field: str) -> Cast:
    return Cast(field, FloatField())


def fills_after(account_ids: Sequence[int], moment: datetime) -> list[FillRow]:
    """The accounts' fills stamped after `moment`, in time order, with their instrument's
    assets (the canonical symbol maps USDT to USD; the balances hold USDT)."""
    kind = Case(When(market=FillMarket.SPOT, then=Value(InstrumentKind.SPOT)),
                default=Value(InstrumentKind.PERPETUAL))  # fmt: skip
    instrument = Instrument.objects.filter(
        venue_id=OuterRef("venue_id"), venue_symbol=OuterRef("venue_symbol"), kind=OuterRef("kind")
    )
    query = (
        Fill.objects.filter(account_id__in=list(account_ids), timestamp__gt=moment)
        .annotate(
            kind=kind,
            base=Subquery(instrument.values("base")[:1]),
            quote=Subquery(instrument.values("quote")[:1]),
            unit=Subquery(instrument.annotate(unit=_float("contract_size")).values("unit")[:1]),
        )
        .order_by("timestamp", "id")
    )
    # Through the ORM (not fetch_rows): annotations and plain fields interleave here, and a
    # day's fills are few enough for its per-row conversion.
    rows = query.values_list(
        "account_id", "market", "venue_symbol", "symbol", "base", "quote", "unit", "side",
        _float("amount"), _float("cost"), _float("fee"), "fee_asset", _float("realized_pnl"),
        epoch_seconds("timestamp"),
    )  # fmt: skip
    return [FillRow(*row) for row in rows]


def position_lines(snapshot_ids: Sequence[int]) -> list[PositionRow]:
    """The futures position lines of the given snapshots, by venue symbol."""
    query = PositionLine.objects.filter(snapshot_id__in=list(snapshot_ids))
    rows = fetch_rows(
        query.order_by("snapshot_id", "venue_symbol").values_list(
            "snapshot_id", "venue_symbol", "symbol", _float("contracts"),
            _float("contract_size"), _float("entry_price"),
        )
    )  # fmt: skip
    return [PositionRow(*row) for row in rows]


def external_transfers_after(account_ids: Sequence[int], moment: datetime) -> list[TransferRow]:
    """The accounts' transfers stamped after `moment` whose counterparty is not one of our
    venues (a move between our venues leaves the portfolio's total unchanged)."""
    ours = Venue.objects.values("name")
    query = (
        Transfer.objects.filter(account_id__in=list(account_ids), timestamp__gt=moment)
        .exclude(counterparty__in=ours)
        .order_by("timestamp", "id")
    )
    rows = fetch_rows(
        query.values_list(
            "account_id", "asset", "direction", _float("amount"), epoch_seconds("timestamp")
        )
    )
    return [TransferRow(*row) for row in rows]


def opening_prices(day_start: datetime, instrument_ids: Sequence[int]) -> list[OpeningPrice]:
    """The open of the given instruments' 1-minute and daily candles starting at `day_start`.
    By instrument id (an index probe each): a filter on the open time alone would scan every
    stored candle, 48 hours of minute candles per instrument on a large book."""
    query = Candle.objects.filter(
        _any_of("instrument_id", instrument_ids),
        interval__in=[CandleInterval.MINUTE, CandleInterval.DAY],
        open_time=day_start,
    ).order_by("instrument_id", "interval")
    rows = fetch_rows(
        query.values_list(
            "instrument_id", "instrument__venue__name", "instrument__kind",
            "instrument__symbol", "interval", _float("open"), "instrument__venue_symbol",
        )
    )  # fmt: skip
    return [OpeningPrice(*row) for row in rows]
