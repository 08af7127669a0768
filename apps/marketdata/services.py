"""Writes of market data: instruments (reference data), latest prices, closed candles."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction

from apps.marketdata.models import Candle, Instrument, Price
from apps.marketdata.symbols import canonical_symbol
from riskmonitor.lib.clock import to_datetime
from riskmonitor.lib.venue_rows import CandleRow, InstrumentRow, PriceRow

InstrumentKey = tuple[str, str]  # (kind, venue symbol)
_INSTRUMENT_FIELDS = ["symbol", "base", "quote", "contract_size", "tick_size", "lot_size", "active"]


@transaction.atomic
def instruments_store(
    *, venue_id: int, rows: Iterable[InstrumentRow], aliases: Mapping[str, str]
) -> dict[InstrumentKey, Instrument]:
    """Upsert the venue's instruments (and the trading fees read with them); those it no
    longer lists become inactive."""
    rows = list(rows)
    rows_with_fees = [r for r in rows if r.taker_fee is not None and r.maker_fee is not None]
    listed = [
        Instrument(
            venue_id=venue_id, venue_symbol=r.venue_symbol, kind=r.kind,
            symbol=canonical_symbol(r.base, r.quote, aliases), base=r.base, quote=r.quote,
            contract_size=r.contract_size, tick_size=r.tick_size, lot_size=r.lot_size,
            active=r.active,
        )
        for r in rows
    ]  # fmt: skip
    Instrument.objects.bulk_create(
        listed, update_conflicts=True, unique_fields=["venue", "kind", "venue_symbol"],
        update_fields=[*_INSTRUMENT_FIELDS, "updated_at"],
    )  # fmt: skip
    keys = {(i.kind, i.venue_symbol) for i in listed}
    stored = {(i.kind, i.venue_symbol): i for i in Instrument.objects.filter(venue_id=venue_id)}
    gone = [i.pk for key, i in stored.items() if key not in keys and i.active]
    Instrument.objects.filter(pk__in=gone).update(active=False)
    _store_fees(stored, rows_with_fees)
    return stored


def _store_fees(stored: dict[InstrumentKey, Instrument], rows: Iterable[InstrumentRow]) -> None:
    """The fees read this time; an instrument whose fee was not read keeps the stored one."""
    changed = []
    for r in rows:
        instrument = stored[(r.kind, r.venue_symbol)]
        instrument.maker_fee, instrument.taker_fee = r.maker_fee, r.taker_fee
        changed.append(instrument)
    Instrument.objects.bulk_update(changed, ["maker_fee", "taker_fee"])


@dataclass
class _Quote:
    last: Decimal | None = None
    mark: Decimal | None = None
    bid: Decimal | None = None
    ask: Decimal | None = None
    volume: Decimal | None = None
    as_of_ms: int = 0


def _merge(rows: Iterable[PriceRow], marks: Iterable[PriceRow]) -> dict[InstrumentKey, _Quote]:
    quotes: dict[InstrumentKey, _Quote] = {}
    for r in rows:
        quotes[(r.kind, r.venue_symbol)] = _Quote(
            r.last, r.mark, r.bid, r.ask, r.quote_volume_24h, r.as_of_ms
        )
    for m in marks:
        quote = quotes.get(("perpetual", m.venue_symbol))
        if quote is not None:
            quote.mark = m.mark
            quote.as_of_ms = min(quote.as_of_ms, m.as_of_ms)
    return quotes


def price_rows(
    *,
    instruments: Mapping[InstrumentKey, Instrument],
    tickers: Iterable[PriceRow],
    marks: Iterable[PriceRow],
    fetched_at: datetime,
) -> list[Price]:
    """The latest price of each quoted instrument of one venue (a perpetual needs its ticker)."""
    return [
        Price(instrument=instruments[key], last=q.last, mark=q.mark, bid=q.bid, ask=q.ask,
              quote_volume_24h=q.volume, as_of=to_datetime(q.as_of_ms), fetched_at=fetched_at)
        for key, q in _merge(tickers, marks).items()
        if key in instruments and q.last is not None
    ]  # fmt: skip


def prices_upsert(rows: list[Price]) -> int:
    """Update prices in place (one row per instrument), any number of venues in one statement."""
    Price.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["instrument"],
        update_fields=["last", "mark", "bid", "ask", "quote_volume_24h", "as_of", "fetched_at"],
    )  # fmt: skip
    return len(rows)


def candle_rows(
    *, instrument: Instrument, interval: str, rows: Iterable[CandleRow]
) -> list[Candle]:
    return [
        Candle(instrument=instrument, interval=interval, open_time=to_datetime(r.open_time_ms),
               open=r.open, high=r.high, low=r.low, close=r.close, volume=r.volume)
        for r in rows
    ]  # fmt: skip


def candles_upsert(candles: list[Candle]) -> int:
    """Upsert closed candles by (instrument, interval, open time): re-running changes nothing."""
    Candle.objects.bulk_create(
        candles, batch_size=1000, update_conflicts=True,
        unique_fields=["instrument", "interval", "open_time"],
        update_fields=["open", "high", "low", "close", "volume"],
    )  # fmt: skip
    return len(candles)


def minute_candles_trim(*, instrument_ids: Iterable[int], before: datetime) -> int:
    """Drop 1-minute candles older than ``before`` (they are kept for 48 hours)."""
    deleted, _ = Candle.objects.filter(
        instrument_id__in=list(instrument_ids), interval="1m", open_time__lt=before
    ).delete()
    return deleted
