"""risk_history_downsample keeps full rate for 24 h, one per 5 min to 7 days, one per hour
after; never the latest snapshot, a day's 00:00 UTC equity mark nor a day's closing record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from apps.audit.models import AuditEvent
from apps.risk.models import RiskSnapshot
from apps.risk.services import risk_history_downsample
from tests.apps.risk import factories as f

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def _series(start: datetime, every: timedelta, count: int, **kw: object) -> list[int]:
    return [f.RiskSnapshotFactory(as_of=start + every * i, **kw).pk for i in range(count)]


def test_it_keeps_the_right_rows() -> None:
    recent = _series(NOW - timedelta(hours=2), timedelta(seconds=10), 30)
    # 3 days ago: one every 10 s over 15 minutes -> the last of each 5-minute bucket
    three_days = _series(datetime(2026, 3, 17, 10, 0, tzinfo=UTC), timedelta(seconds=10), 90)
    # 10 days ago: one a minute from 22:00 to 23:59 -> the last of each hour
    ten_days = _series(datetime(2026, 3, 10, 22, 0, tzinfo=UTC), timedelta(minutes=1), 120)
    # ...and an incomplete one at 23:59:30: the hour keeps it, the 23:59 mark stays too
    late = f.RiskSnapshotFactory(as_of=datetime(2026, 3, 10, 23, 59, 30, tzinfo=UTC),
                                 equity_complete=False).pk  # fmt: skip
    other = f.PortfolioFactory(name="other")
    lonely = _series(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), timedelta(minutes=1), 3,
                     portfolio=other)  # fmt: skip

    deleted = risk_history_downsample(now=NOW)

    kept = set(RiskSnapshot.objects.values_list("pk", flat=True))
    expected = {
        *recent,
        three_days[29], three_days[59], three_days[89],  # 10:04:50, 10:09:50, 10:14:50
        ten_days[59], ten_days[119], late,  # 22:59, 23:59 (the day mark), 23:59:30
        lonely[2],  # other portfolio's latest (and its day mark)
    }  # fmt: skip
    assert kept == expected
    assert deleted == 30 + 90 + 120 + 1 + 3 - len(expected)
    event = AuditEvent.objects.get(event_type="risk_history_downsampled")
    assert event.payload["deleted"] == deleted


def test_it_changes_nothing_the_second_time() -> None:
    _series(datetime(2026, 3, 17, 10, 0, tzinfo=UTC), timedelta(seconds=10), 60)
    risk_history_downsample(now=NOW)
    assert risk_history_downsample(now=NOW) == 0


def test_it_keeps_a_days_closing_record_when_the_mark_is_exactly_midnight() -> None:
    # 03-05: complete at 23:30 and 23:59 (then an incomplete 23:59:30); one exactly at 00:00
    closing = f.RiskSnapshotFactory(as_of=datetime(2026, 3, 5, 23, 59, tzinfo=UTC)).pk
    f.RiskSnapshotFactory(as_of=datetime(2026, 3, 5, 23, 30, tzinfo=UTC))
    late = f.RiskSnapshotFactory(as_of=datetime(2026, 3, 5, 23, 59, 30, tzinfo=UTC),
                                 equity_complete=False).pk  # fmt: skip
    midnight = f.RiskSnapshotFactory(as_of=datetime(2026, 3, 6, tzinfo=UTC)).pk
    latest = f.RiskSnapshotFactory(as_of=NOW).pk

    risk_history_downsample(now=NOW)

    # the hour keeps 23:59:30, the 00:00 mark keeps itself, the closing record 23:59
    kept = set(RiskSnapshot.objects.values_list("pk", flat=True))
    assert kept == {closing, late, midnight, latest}
