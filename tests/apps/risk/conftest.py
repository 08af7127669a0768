"""A hand-made stored book (the brief's case: 5.0 BTC on exchange-1, -2.5 on exchange-2), at a
frozen time, built with the ingestion models' factories."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from apps.positions.models import Portfolio
from apps.venues.models import Account
from tests.apps.risk import factories as f

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = datetime(2026, 3, 10, tzinfo=UTC)
BTC_CLOSES = [58000.0, 59000.0, 57500.0, 60000.0, 61000.0, 60500.0]  # 03-04 .. 03-09
ETH_CLOSES = [2900.0, 2950.0, 2850.0, 3050.0, 3100.0, 2980.0]


@dataclass
class Book:
    portfolio: Portfolio
    spot: Account
    futures: Account
    custody: Account
    prices: dict[str, object] = field(default_factory=dict)


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _snapshot(account: Account, age_seconds: float = 10.0) -> object:
    return f.AccountSnapshotFactory(account=account, as_of=NOW - timedelta(seconds=age_seconds))


def _balance(snapshot: object, wallet: str, asset: str, total: str) -> None:
    f.BalanceLineFactory(snapshot=snapshot, wallet=wallet, asset=asset, total=Decimal(total))


@pytest.fixture
def book(db: None, frozen: None) -> Book:
    portfolio = f.PortfolioFactory(name="main")
    ex1 = f.VenueFactory(name="exchange-1")
    ex2 = f.VenueFactory(name="exchange-2")
    cust = f.VenueFactory(name="custodian-1", kind="custodian", adapter="custodian")
    spot = f.AccountFactory(venue=ex1, label="spot", market="spot", portfolio=portfolio,
                            strategy="treasury")  # fmt: skip
    futures = f.AccountFactory(venue=ex2, label="futures", market="futures",
                               portfolio=portfolio, strategy="momentum")  # fmt: skip
    custody = f.AccountFactory(venue=cust, label="fund-1", market="custody",
                               portfolio=portfolio, strategy="custody")  # fmt: skip
    s1 = _snapshot(spot)
    _balance(s1, "spot", "BTC", "5.0")
    _balance(s1, "spot", "ETH", "10")
    _balance(s1, "spot", "USDT", "100000")
    s2 = _snapshot(futures)
    _balance(s2, "futures", "USDT", "50000")
    f.PositionLineFactory(snapshot=s2, contracts=Decimal("-2.5"), entry_price=Decimal(60000))
    s3 = _snapshot(custody)
    _balance(s3, "master", "USDC", "200000")
    btc = f.InstrumentFactory(venue=ex1, venue_symbol="BTCUSDT", symbol="BTC-USD", base="BTC")
    eth = f.InstrumentFactory(venue=ex1, venue_symbol="ETHUSDT", symbol="ETH-USD", base="ETH")
    perp = f.InstrumentFactory(venue=ex2, venue_symbol="BTCUSDT", kind="perpetual",
                               symbol="BTC-USD", base="BTC")  # fmt: skip
    prices = {
        "btc": f.PriceFactory(instrument=btc, last=Decimal(62000),
                              as_of=NOW - timedelta(seconds=10)),
        "eth": f.PriceFactory(instrument=eth, last=Decimal(3000),
                              as_of=NOW - timedelta(seconds=10)),
        "perp": f.PriceFactory(instrument=perp, last=Decimal(62040), mark=Decimal(62050),
                               as_of=NOW - timedelta(seconds=5)),
    }  # fmt: skip
    for instrument, closes in ((btc, BTC_CLOSES), (eth, ETH_CLOSES)):
        for back, close in enumerate(reversed(closes), start=1):
            f.CandleFactory(instrument=instrument, open_time=TODAY - timedelta(days=back),
                            close=Decimal(str(close)))  # fmt: skip
    f.FillFactory(account=spot, side="buy", amount=Decimal("1.0"), price=Decimal(58000),
                  timestamp=datetime(2026, 3, 9, 15, tzinfo=UTC))  # fmt: skip
    f.FillFactory(account=spot, side="sell", amount=Decimal("0.5"), price=Decimal(61000),
                  timestamp=datetime(2026, 3, 10, 9, tzinfo=UTC))  # fmt: skip
    f.FillFactory(account=futures, market="linear", side="sell", amount=Decimal("0.5"),
                  price=Decimal(61500), realized_pnl=Decimal(150),
                  timestamp=datetime(2026, 3, 10, 8, tzinfo=UTC))  # fmt: skip
    f.TransferFactory(
        account=custody,
        asset="USDC",
        amount=Decimal(10000),
        direction="deposit",
        counterparty="bank-1",
        timestamp=datetime(2026, 3, 10, 6, tzinfo=UTC),
    )
    f.TransferFactory(
        account=custody,
        asset="BTC",
        amount=Decimal(1),
        direction="withdrawal",
        counterparty="exchange-1",
        timestamp=datetime(2026, 3, 10, 7, tzinfo=UTC),
    )
    f.RiskSnapshotFactory(portfolio=portfolio, as_of=datetime(2026, 3, 9, 12, tzinfo=UTC),
                          equity=720_000.0)  # fmt: skip
    f.RiskSnapshotFactory(portfolio=portfolio, as_of=datetime(2026, 3, 9, 23, 59, tzinfo=UTC),
                          equity=700_000.0)  # fmt: skip
    return Book(portfolio=portfolio, spot=spot, futures=futures, custody=custody, prices=prices)
