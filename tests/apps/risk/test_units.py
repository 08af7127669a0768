"""Plain unit tests of the framework-free helpers: cost basis and the retention rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from apps.risk.evaluation.costbasis import SpotFill, average_cost
from apps.risk.retention import snapshots_to_drop


def test_it_averages_buys_and_realizes_sells_of_today() -> None:
    fills = [SpotFill(10.0, 1.0, 100.0), SpotFill(20.0, 1.0, 200.0), SpotFill(100.0, -1.0, 180.0)]
    basis = average_cost(1.0, fills, day_start=50.0, opening_price=999.0)
    assert basis.avg_entry == pytest.approx(150.0)
    assert basis.realized_today == pytest.approx(30.0)
    assert basis.assumed is False


def test_it_carries_the_opening_lot_at_the_assumed_price() -> None:
    basis = average_cost(3.0, [SpotFill(10.0, 1.0, 100.0)], day_start=0.0, opening_price=40.0)
    assert basis.avg_entry == pytest.approx((2 * 40.0 + 100.0) / 3)
    assert basis.assumed is True


def test_it_never_realizes_on_units_not_held() -> None:
    # bought 3, sold 1, but 0 held: 2 left by transfer, so the opening lot (-2) is taken as 0
    basis = average_cost(0.0, [SpotFill(10.0, 3.0, 100.0), SpotFill(20.0, -1.0, 120.0)],
                         day_start=0.0, opening_price=1.0)  # fmt: skip
    assert basis.realized_today == pytest.approx(20.0)


def test_it_drops_nothing_inside_the_full_rate_window() -> None:
    now = datetime(2026, 3, 20, tzinfo=UTC)
    rows = [(i, 1, now - timedelta(seconds=5 * i), True) for i in range(100)]
    assert snapshots_to_drop(rows, now=now, full_rate_hours=24) == []
