"""Canonical symbols, instrument/price/candle stores and the selectors the risk engine reads."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from apps.marketdata.models import Candle, Price
from apps.marketdata.services import (
    candle_rows,
    candles_upsert,
    instruments_store,
    price_rows,
    prices_upsert,
)
from apps.marketdata.symbols import canonical_asset, canonical_symbol
from apps.venues.models import Venue
from riskmonitor.engine import canonical_symbol as engine_canonical
from riskmonitor.lib.venue_rows import CandleRow, InstrumentRow, PriceRow

ALIASES = {"USDT": "USD", "USDC": "USD", "FDUSD": "USD"}
DAY_MS = 86_400_000


def test_it_folds_stablecoin_quotes_into_usd() -> None:
    assert canonical_symbol("BTC", "USDT", ALIASES) == "BTC-USD"
    assert canonical_symbol("eth", "FDUSD", ALIASES) == "ETH-USD"
    assert canonical_symbol("ETH", "BTC", ALIASES) == "ETH-BTC"
    assert canonical_asset("USDC", ALIASES) == "USD"


def test_it_aliases_the_quote_leg_only_as_the_engine_does() -> None:
    assert canonical_symbol("USDC", "USDT", ALIASES) == "USDC-USD"
    assert canonical_symbol("usdt", "usdc", ALIASES) == "USDT-USD"
    for base, quote in (("BTC", "USDT"), ("USDC", "USDT"), ("ETH", "BTC"), ("FDUSD", "USDC")):
        assert canonical_symbol(base, quote, ALIASES) == engine_canonical(
            f"{base}-{quote}", ALIASES
        )


def test_it_stores_a_stablecoin_pair_under_its_own_base(db: None) -> None:
    venue = Venue.objects.create(name="exchange-9", kind="exchange", adapter="binance")
    row = InstrumentRow(
        "USDCUSDT", "spot", "USDC", "USDT", Decimal(1), Decimal("0.0001"), Decimal("1"), True
    )
    stored = instruments_store(venue_id=venue.pk, rows=[row], aliases=ALIASES)
    assert stored[("spot", "USDCUSDT")].symbol == "USDC-USD"


@pytest.fixture
def instruments(db: None) -> dict[tuple[str, str], object]:
    venue = Venue.objects.create(name="exchange-9", kind="exchange", adapter="binance")
    rows = [
        InstrumentRow(
            "BTCUSDT", kind, "BTC", "USDT", Decimal(1), Decimal("0.01"), Decimal("0.001"), True
        )
        for kind in ("spot", "perpetual")
    ]
    return dict(instruments_store(venue_id=venue.pk, rows=rows, aliases=ALIASES))


def test_it_maps_spot_and_perpetual_to_one_canonical_symbol(instruments: dict) -> None:
    assert {i.symbol for i in instruments.values()} == {"BTC-USD"}


def test_it_updates_the_latest_price_in_place(instruments: dict) -> None:
    now = datetime.now(tz=UTC)
    for last in ("100", "101"):
        tickers = [
            PriceRow(
                "BTCUSDT",
                "spot",
                Decimal(last),
                None,
                None,
                None,
                None,
                int(now.timestamp() * 1000),
            )
        ]
        prices_upsert(
            price_rows(instruments=instruments, tickers=tickers, marks=[], fetched_at=now)
        )

    assert Price.objects.count() == 1
    assert Price.objects.get().last == Decimal("101")


def _candle(day: int) -> CandleRow:
    close = Decimal(100 + day)
    return CandleRow(day * DAY_MS, close, close + 1, close - 1, close, Decimal(5))


def test_it_upserts_candles_once_per_open_time(instruments: dict) -> None:
    spot = instruments[("spot", "BTCUSDT")]
    today = int(datetime.now(tz=UTC).timestamp() * 1000) // DAY_MS
    rows = [_candle(day) for day in range(today - 5, today)]
    candles_upsert(candle_rows(instrument=spot, interval="1d", rows=rows))
    candles_upsert(candle_rows(instrument=spot, interval="1d", rows=rows[-2:]))

    series = list(Candle.objects.order_by("open_time").values_list("open_time", "close"))

    assert [c for _, c in series] == [Decimal(100 + d) for d in range(today - 5, today)]
    assert series[-1][0] == datetime.fromtimestamp((today - 1) * 86400, tz=UTC)
