"""`book_from_columns` and `marks_from_quotes` against the engine's `build_book` and
`build_marks` on the same rows."""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from apps.risk.evaluation.columns import (
    BalanceColumns,
    PositionColumns,
    QuoteColumns,
    book_from_columns,
    marks_from_quotes,
)
from apps.risk.selectors.sources import AccountRef
from riskmonitor.engine import (
    BalanceRow,
    Book,
    Kind,
    Marks,
    PositionRow,
    QuoteRow,
    build_book,
    build_marks,
)

ALIASES = {"USDT": "USD", "USDC": "USD"}


def _account(rng: random.Random, n: int) -> AccountRef:
    return AccountRef(
        id=n, venue=f"venue-{rng.randrange(4)}", label=f"acct-{n}", market="spot",
        venue_kind="exchange", strategy=rng.choice(["basis", "carry", "unassigned"]),
        snapshot_id=n, snapshot_as_of=None,
    )  # fmt: skip


def _random_book(
    seed: int, positions: int, balances: int
) -> tuple[list[PositionRow], list[BalanceRow]]:
    rng = random.Random(seed)
    accounts = [_account(rng, n) for n in range(6)]
    rows = []
    for _ in range(positions):
        account = rng.choice(accounts)
        symbol = f"{rng.choice(['BTC', 'ETH', 'SOL', 'USDC'])}-{rng.choice(['USD', 'USDT'])}"
        rows.append(PositionRow(
            venue=account.venue, account=account.name, symbol=symbol,
            kind=rng.choice([Kind.SPOT, Kind.DERIVATIVE]), size=rng.uniform(-5, 5),
            avg_entry=rng.uniform(1, 100), multiplier=rng.choice([1.0, 0.01]),
            realized_today=rng.uniform(-1, 1), strategy=account.strategy,
            venue_mark=rng.uniform(1, 100),
        ))  # fmt: skip
    lines = [
        BalanceRow(f"venue-{rng.randrange(6)}", f"acct-{rng.randrange(8)}",
                   rng.choice(["USD", "USDT", "BTC", "DOGE"]), rng.uniform(-3, 3))
        for _ in range(balances)
    ]  # fmt: skip
    return rows, lines


def _columns_of(rows: list[PositionRow]) -> PositionColumns:
    columns = PositionColumns()
    for row in rows:
        for f in dataclasses.fields(row):
            getattr(columns, f.name).append(getattr(row, f.name))
    return columns


def _balance_columns_of(rows: list[BalanceRow]) -> BalanceColumns:
    return BalanceColumns(
        venue=[r.venue for r in rows], account=[r.account for r in rows],
        asset=[r.asset for r in rows], amount=[r.amount for r in rows],
    )  # fmt: skip


def _quote_columns_of(rows: list[QuoteRow]) -> QuoteColumns:
    return QuoteColumns(
        symbol=[r.symbol for r in rows], source=[r.source for r in rows],
        price=np.array([r.price for r in rows]), timestamp=np.array([r.timestamp for r in rows]),
    )  # fmt: skip


def _assert_same(actual: Book | Marks, expected: Book | Marks) -> None:
    for f in dataclasses.fields(expected):
        got, want = getattr(actual, f.name), getattr(expected, f.name)
        if isinstance(want, np.ndarray):
            assert got.dtype == want.dtype, f.name
            np.testing.assert_array_equal(got, want, err_msg=f.name)
        else:
            assert got == want, f.name


@pytest.mark.parametrize(
    ("seed", "positions", "balances"), [(1, 40, 30), (2, 300, 5), (3, 0, 9), (4, 7, 0), (5, 0, 0)]
)
def test_it_builds_the_same_book_as_the_row_builder(
    seed: int, positions: int, balances: int
) -> None:
    rows, lines = _random_book(seed, positions, balances)
    custodians = ("venue-5",)
    expected = build_book(rows, lines, custodians=custodians, asset_aliases=ALIASES)
    actual = book_from_columns(
        _columns_of(rows), _balance_columns_of(lines), custodians=custodians,
        asset_aliases=ALIASES,
    )  # fmt: skip
    _assert_same(actual, expected)


def test_it_writes_the_columns_as_json_with_the_kind_by_name() -> None:
    rows, _ = _random_book(7, 3, 0)
    columns = _columns_of(rows)
    assert PositionColumns().as_json() == {}
    assert columns.as_json()["kind"] == [row.kind.name.lower() for row in rows]
    assert columns.row(2) == rows[2]


def test_it_writes_a_missing_venue_mark_as_null() -> None:
    rows, _ = _random_book(8, 2, 0)
    columns = _columns_of(rows)
    columns.venue_mark[1] = float("nan")
    assert columns.as_json()["venue_mark"] == [rows[0].venue_mark, None]


def test_it_builds_the_same_marks_as_the_row_builder() -> None:
    rng = random.Random(11)
    quotes = [
        QuoteRow(f"{rng.choice(['BTC', 'ETH', 'XRP'])}-{rng.choice(['USD', 'USDT'])}",
                 rng.choice(["venue-1", "venue-2", "par"]), rng.uniform(1, 9), rng.uniform(0, 9))
        for _ in range(200)
    ]  # fmt: skip
    symbols = ("ETH-USD", "BTC-USD", "USDT-USD")
    order = ("venue-2", "venue-9")
    expected = build_marks(quotes, symbols, pricing_order=order, asset_aliases=ALIASES)
    columns = _quote_columns_of(quotes)
    actual = marks_from_quotes(columns, symbols, pricing_order=order, asset_aliases=ALIASES)
    _assert_same(actual, expected)
    assert columns.rows() == quotes
