"""What the loader maps from stored rows where the documentation is precise: realized P&L
of derivatives per instrument, and stablecoin pairs priced under their own base."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from apps.marketdata.services import instruments_store
from apps.monitoring.cycle import portfolio_cycle_run
from apps.positions.models import AccountSnapshot
from riskmonitor.lib.venue_rows import InstrumentRow
from tests.apps.risk import factories as f
from tests.apps.risk.conftest import NOW, Book

pytestmark = pytest.mark.django_db
ALIASES = {"USDT": "USD", "USDC": "USD", "FDUSD": "USD"}


def test_it_keeps_realized_pnl_per_perpetual_not_per_canonical_symbol(book: Book) -> None:
    # The futures account holds BTCUSDT (realized 150 today, from the fixture) and BTCUSDC:
    # both are BTC-USD, and each keeps its own realized P&L.
    snapshot = AccountSnapshot.objects.get(account=book.futures)
    f.PositionLineFactory(snapshot=snapshot, venue_symbol="BTCUSDC", symbol="BTC-USD",
                          contracts=Decimal("1.0"), entry_price=Decimal(61000))  # fmt: skip
    f.FillFactory(
        account=book.futures, market="linear", venue_symbol="BTCUSDC", symbol="BTC-USD",
        side="buy", amount=Decimal("0.2"), price=Decimal(61200), realized_pnl=Decimal(40),
        timestamp=datetime(2026, 3, 10, 9, tzinfo=UTC),
    )  # fmt: skip
    result = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    momentum = result.figures["attribution"]["by_strategy"]["momentum"]
    assert momentum["realized_today"] == pytest.approx(150.0 + 40.0)


def test_it_prices_usdc_with_its_own_pair(book: Book) -> None:
    # The custodian holds 200,000 USDC; a venue lists USDCUSDT, so USDC is valued at its
    # own price, not at par (the base leg is never aliased).
    venue = book.spot.venue
    row = InstrumentRow(
        "USDCUSDT", "spot", "USDC", "USDT", Decimal(1), Decimal("0.0001"), Decimal("1"), True
    )
    stored = instruments_store(venue_id=venue.pk, rows=[row], aliases=ALIASES)
    usdc = stored[("spot", "USDCUSDT")]
    f.PriceFactory(instrument=usdc, last=Decimal("0.998"), as_of=NOW - timedelta(seconds=10))
    result = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    mark = result.figures["symbols"]["USDC-USD"]
    assert (mark["mark"], mark["mark_source"]) == (0.998, "exchange-1")
    assert "USDC-USD" not in result.figures["inputs"]["par_priced"]
