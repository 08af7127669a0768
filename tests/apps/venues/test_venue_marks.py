"""Perpetuals are valued at their own venue's mark: per venue, the risk evaluation's unrealized
P&L of the perpetuals equals the venue's own `unRealizedProfit` of the same pull, to the cent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from apps.monitoring.cycle import portfolio_cycle_run
from apps.positions.models import AccountSnapshot, Portfolio, PositionLine
from apps.venues.models import Account

CENT = Decimal("0.01")
pytestmark = pytest.mark.django_db


def _cents(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def _venue_unrealized(venue: str) -> Decimal:
    """The venue's own unRealizedProfit summed over its futures accounts' latest pull."""
    total = Decimal(0)
    for account in Account.objects.filter(venue__name=venue, market="futures"):
        snapshot = AccountSnapshot.objects.filter(account=account).latest()
        total += sum(
            (line.unrealized_pnl for line in PositionLine.objects.filter(snapshot=snapshot)),
            Decimal(0),
        )
    return total


def _evaluate_futures_only() -> dict[str, Any]:
    # Spot accounts off: the attribution by venue is then the perpetuals' P&L alone.
    Account.objects.exclude(market="futures").update(enabled=False)
    portfolio = Portfolio.objects.get()
    snapshot = portfolio_cycle_run(portfolio_id=portfolio.pk, cycle_start=datetime.now(tz=UTC))
    figures: dict[str, Any] = snapshot.figures
    return figures


def test_it_matches_each_venues_unrealized_pnl_to_the_cent(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    reports = cycle(1)
    assert all(not r.errors for r in reports), [r.errors for r in reports]

    figures = _evaluate_futures_only()

    by_venue = figures["attribution"]["by_venue"]
    for venue in ("exchange-1", "exchange-2"):
        assert _cents(by_venue[venue]["unrealized_pnl"]) == _cents(_venue_unrealized(venue))


def test_it_reports_the_basis_of_each_venues_mark_against_the_headline(
    venues: dict[str, Any], cycle: Callable[[int], list[Any]]
) -> None:
    cycle(1)
    figures = _evaluate_futures_only()

    basis = figures["basis"]["BTC-USD"]
    assert set(basis) == {"exchange-1", "exchange-2"}
    headline = figures["symbols"]["BTC-USD"]["mark"]
    for venue, cell in basis.items():
        line = PositionLine.objects.filter(
            snapshot__account__venue__name=venue, venue_symbol="BTCUSDT"
        ).latest("snapshot__as_of")
        assert cell["mark"] == pytest.approx(float(line.mark_price))
        assert cell["headline"] == pytest.approx(headline)
        assert cell["basis"] == pytest.approx(float(line.mark_price) - headline)
        # a few bps (the scenario's basis, plus the path's move between the two pulls)
        assert abs(cell["basis_bps"]) < 50
