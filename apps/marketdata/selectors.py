"""Reads of market data for the risk engine and the API."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db.models import QuerySet

from apps.marketdata.models import Candle, Instrument, Price


def latest_prices(*, venues: Iterable[str] | None = None) -> QuerySet[Price]:
    """The latest price of every active instrument (one query), with instrument and venue."""
    prices = Price.objects.select_related("instrument", "instrument__venue").filter(
        instrument__active=True, instrument__venue__enabled=True
    )
    return prices.filter(instrument__venue__name__in=list(venues)) if venues is not None else prices


def instruments(*, venue: str | None = None) -> QuerySet[Instrument]:
    found = Instrument.objects.select_related("venue").filter(active=True)
    return found.filter(venue__name=venue) if venue else found


def daily_closes(
    symbols: Iterable[str],
    days: int,
    *,
    venue: str | None = None,
    kind: str = "spot",
    now: datetime | None = None,
) -> dict[tuple[str, str], list[tuple[datetime, Decimal]]]:
    """Closed daily candles of the last ``days`` days per (venue, canonical symbol), oldest
    first. Only closed candles are ever stored, so today's open candle is never included."""
    since = (now or datetime.now(tz=UTC)) - timedelta(days=days + 1)
    rows = Candle.objects.filter(
        interval="1d", open_time__gte=since, instrument__symbol__in=list(symbols),
        instrument__kind=kind,
    ).order_by("open_time").values_list("instrument__venue__name", "instrument__symbol",
                                        "open_time", "close")  # fmt: skip
    if venue:
        rows = rows.filter(instrument__venue__name=venue)
    closes: dict[tuple[str, str], list[tuple[datetime, Decimal]]] = defaultdict(list)
    for venue_name, symbol, open_time, close in rows:
        closes[(venue_name, symbol)].append((open_time, close))
    return dict(closes)
