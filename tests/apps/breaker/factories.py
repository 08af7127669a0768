"""Inputs of the breaker tests: engine figures, critical alerts, and stored account state as
the ingestion app stores it (venues, instruments, one snapshot per account with its lines)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from itertools import count
from typing import Any

from django.utils import timezone

from apps.alerts.models import Alert
from apps.marketdata.models import Instrument
from apps.positions.models import AccountSnapshot, BalanceLine, OrderLine, Portfolio, PositionLine
from apps.venues.models import Account, Venue
from tests.limitrows import limit_row

_serial = count(1)


def figures(total_pnl: float | None = 0.0, rapid_drawdown: float | None = 0.0) -> dict[str, Any]:
    """The two parts of a RiskSnapshot's ``figures`` the breaker reads."""
    return {"pnl": {"total_pnl": total_pnl}, "drawdown": {"rapid_drawdown": rapid_drawdown}}


def critical_alerts(portfolio: Portfolio, n: int, breach_type: str = "x") -> None:
    now = timezone.now()
    for _ in range(n):
        k = next(_serial)
        Alert.objects.create(
            portfolio_id=portfolio.pk, limit=limit_row(key=f"limit-{k}"), limit_key=f"limit-{k}",
            breach_type=breach_type, scope_kind="portfolio", scope="main", fingerprint=f"fp-{k}",
            severity="critical", peak_severity="critical", current=2.0, limit_value=1.0,
            utilization=2.0, opening_level=0.8,
            opened_at=now, updated_at=now, correlation_id=f"risk-{k}",
        )  # fmt: skip


def exchange(name: str = "exchange-1", base_url: str = "") -> Venue:
    venue = Venue.objects.create(name=name, kind="exchange", adapter="binance", base_url=base_url)
    for kind, symbol, base in (
        ("spot", "BTCUSDT", "BTC"), ("spot", "ETHUSDT", "ETH"),
        ("perpetual", "BTCUSDT", "BTC"), ("perpetual", "ETHUSDT", "ETH"),
    ):  # fmt: skip
        Instrument.objects.create(
            venue=venue, venue_symbol=symbol, kind=kind, symbol=f"{base}-USD", base=base,
            quote="USDT", tick_size=Decimal("0.01"), lot_size=Decimal("0.001"),
        )  # fmt: skip
    return venue


def account(venue: Venue, portfolio: Portfolio, label: str, market: str) -> Account:
    return Account.objects.create(
        venue=venue, label=label, market=market, portfolio=portfolio,
        api_key_env=f"{label.upper()}_KEY", api_secret_env=f"{label.upper()}_SECRET",
    )  # fmt: skip


def snapshot(
    acct: Account,
    *,
    balances: dict[str, str] | None = None,
    positions: dict[str, str] | None = None,
    orders: list[tuple[str, str, str]] | None = None,  # (venue symbol, side, amount)
    at: datetime | None = None,
) -> AccountSnapshot:
    moment = at or datetime.now(tz=UTC)
    snap = AccountSnapshot.objects.create(
        account=acct, period_start=moment, as_of=moment, fetched_at=moment
    )
    wallet = "spot" if acct.market == "spot" else "futures"
    for asset, total in (balances or {}).items():
        BalanceLine.objects.create(snapshot=snap, wallet=wallet, asset=asset,
                                   free=Decimal(total), locked=0, total=Decimal(total))  # fmt: skip
    for symbol, size in (positions or {}).items():
        PositionLine.objects.create(
            snapshot=snap, venue_symbol=symbol, symbol=symbol[:-4] + "-USD", size=Decimal(size),
            contracts=Decimal(size), contract_size=1, entry_price=100, mark_price=100,
            unrealized_pnl=0,
        )  # fmt: skip
    for n, (symbol, side, amount) in enumerate(orders or [], start=1):
        OrderLine.objects.create(
            snapshot=snap, order_id=f"o-{acct.pk}-{n}", venue_symbol=symbol,
            symbol=symbol[:-4] + "-USD", side=side, type="limit", price=1, amount=Decimal(amount),
            filled=0, status="new", created_at=moment,
        )  # fmt: skip
    return snap
