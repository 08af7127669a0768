"""Account snapshots: one per (account, period), whole or nothing, read back in few queries."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError

from apps.positions.models import AccountSnapshot, BalanceLine, Fill
from apps.positions.selectors import latest_account_snapshots
from apps.positions.services import AccountPull, AccountWrite, portfolio_default, snapshots_store
from apps.venues.models import Account, Venue
from riskmonitor.lib.venue_rows import BalanceRow, FillRow, PositionRow

PERIOD = datetime(2026, 1, 1, tzinfo=UTC)


def _canonical(kind: str, symbol: str) -> str:
    return symbol.replace("USDT", "-USD")


@pytest.fixture
def account(db: None) -> Account:
    venue = Venue.objects.create(name="exchange-9", kind="exchange", adapter="binance")
    return Account.objects.create(
        venue=venue, label="futures", market="futures", portfolio=portfolio_default()
    )


def _pull(free: str = "10", fills: int = 1) -> AccountPull:
    now = int(time.time() * 1000)
    return AccountPull(
        as_of_ms=now,
        balances=[BalanceRow("futures", "USDT", Decimal(free), Decimal(0))],
        positions=[
            PositionRow(
                "BTCUSDT",
                Decimal("-2.5"),
                Decimal(1),
                Decimal("90000"),
                Decimal("91000"),
                Decimal("-2500"),
                Decimal(10),
            )
        ],
        fills=[
            FillRow(
                str(n),
                "1",
                "BTCUSDT",
                "linear",
                "sell",
                Decimal("90000"),
                Decimal(1),
                Decimal("90000"),
                Decimal("45"),
                "USDT",
                Decimal(0),
                now - n,
            )
            for n in range(fills)
        ],
        fills_read_until={"BTCUSDT": now},
    )


def _store(account: Account, pull: AccountPull, period: datetime = PERIOD) -> Any:
    stored = snapshots_store(
        period_start=period,
        fetched_at=datetime.now(tz=UTC),
        accounts=[AccountWrite(account.pk, account.venue_id, account.market, pull, _canonical)],
    )
    return stored.get(account.pk)


def test_it_stores_one_snapshot_per_period_and_each_fill_once(account: Account) -> None:
    assert _store(account, _pull(fills=2)) is not None
    assert _store(account, _pull(fills=3)) is None

    assert AccountSnapshot.objects.count() == 1
    assert Fill.objects.count() == 2
    position = AccountSnapshot.objects.get().positions.get()
    assert (position.symbol, position.size) == ("BTC-USD", Decimal("-2.5"))


def test_it_stores_nothing_of_a_snapshot_that_breaks_a_rule(account: Account) -> None:
    with pytest.raises(IntegrityError):
        _store(account, _pull(free="-1"))

    assert not AccountSnapshot.objects.exists()
    assert not BalanceLine.objects.exists()
    assert not Fill.objects.exists()


def test_it_reads_the_latest_snapshot_of_every_account_in_four_queries(
    account: Account, django_assert_num_queries: Any
) -> None:
    _store(account, _pull(free="10"), PERIOD)
    _store(account, _pull(free="20"), PERIOD.replace(second=5))
    other = Account.objects.create(
        venue=account.venue, label="spot", market="spot", portfolio=account.portfolio
    )
    _store(other, _pull(free="30"), PERIOD)

    with django_assert_num_queries(4):
        snapshots = list(latest_account_snapshots(account.portfolio))
        totals = {s.account.label: [b.total for b in s.balances.all()] for s in snapshots}
        _ = [(list(s.positions.all()), list(s.orders.all())) for s in snapshots]

    assert totals == {"futures": [Decimal(20)], "spot": [Decimal(30)]}
