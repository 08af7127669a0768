"""Embedded mode (SQLite) reads candles and the equity history through portable ORM queries;
on the same rows they return what the PostgreSQL fast path returns. (The suite runs on
PostgreSQL, so both paths run here; tests/e2e/test_embedded_cycle.py runs them on SQLite.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from apps.marketdata.models import Candle
from apps.risk.models import RiskSnapshot
from apps.risk.selectors import history, sources
from tests.apps.risk import factories as f
from tests.apps.risk.conftest import NOW, TODAY, Book

END_DAY = int(TODAY.timestamp()) // sources.SECONDS_PER_DAY
FIRST_DAY = END_DAY - 5  # drops the oldest of the six stored closes


@pytest.fixture
def instrument_ids(book: Book) -> list[int]:
    return sorted(set(Candle.objects.values_list("instrument_id", flat=True)))


def test_it_reads_the_same_daily_closes_on_both_paths(instrument_ids: list[int]) -> None:
    fast = sources.daily_closes(instrument_ids, FIRST_DAY, END_DAY)
    portable = sources._daily_closes_portable(instrument_ids, FIRST_DAY, END_DAY)
    assert portable == fast
    assert {len(days) for days, _ in portable.values()} == {5}


def test_it_fingerprints_the_same_candles_on_both_paths(instrument_ids: list[int]) -> None:
    fast = sources.recent_candles_fingerprint(instrument_ids, FIRST_DAY, END_DAY)
    portable = sources._candles_fingerprint_portable(instrument_ids, FIRST_DAY, END_DAY)
    assert portable == fast
    assert portable[0] == 10


def test_it_reads_the_same_equity_history_on_both_paths(book: Book) -> None:
    RiskSnapshot.objects.filter(equity=700_000.0).update(
        running_hwm=750_000.0, running_max_drawdown=-0.3
    )
    for minutes in (50, 20, 5):
        f.RiskSnapshotFactory(portfolio=book.portfolio, as_of=NOW - timedelta(minutes=minutes))
    # two closing records on 03-07 (the later wins), an incomplete later one, none on 03-08
    for hour, complete in ((10, True), (22, True), (23, False)):
        f.RiskSnapshotFactory(portfolio=book.portfolio, equity_complete=complete,
                              as_of=datetime(2026, 3, 7, hour, tzinfo=UTC), daily_pnl=hour,
                              var_hist_99=100.0 + hour)  # fmt: skip
    args = (book.portfolio.pk, NOW, NOW - timedelta(hours=1), TODAY, END_DAY - 5)
    fast = history.equity_history(*args)
    portable = history._history_portable(*args)
    assert sorted(portable) == sorted(fast)
    assert sorted(row[0] for row in portable) == [0, 1, 2, 2, 2, 3, 3]
    closing = [row[2:4] for row in sorted(fast) if row[0] == history.CLOSING]
    assert closing == [(22.0, 122.0), (None, None)]  # 03-07, 03-09 (the book's, no P&L)


def test_it_binds_an_id_list_as_one_array_here_and_as_in_elsewhere(db: None) -> None:
    from django.db import connection
    from django.db.backends.sqlite3.base import DatabaseWrapper

    from apps.positions.models import BalanceLine

    query = BalanceLine.objects.filter(sources._any_of("snapshot_id", [3, 1, 2])).query
    sql, params = query.get_compiler(connection=connection).as_sql()
    assert "= ANY(%s)" in sql and [3, 1, 2] in params
    sqlite = DatabaseWrapper({**connection.settings_dict, "NAME": ":memory:"})
    sql, params = query.get_compiler(connection=sqlite).as_sql()
    assert " IN (%s, %s, %s)" in sql and sorted(params) == [1, 2, 3]
