"""A risk snapshot's ``stale_sources`` and the ``data_staleness`` alerts judge every input
against its own refresh schedule (DESIGN §9), on the hand-made book of ``conftest``."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from apps.alerts.models import ACTIVE_STATUSES, Alert
from apps.monitoring.cycle import portfolio_cycle_run
from apps.venues.models import Account, DataSourceStatus
from riskmonitor.conf import load_config
from tests.apps.risk import factories as f
from tests.apps.risk.conftest import NOW, Book

pytestmark = pytest.mark.django_db
SHIPPED = Path(__file__).resolve().parents[3] / "config"


@pytest.fixture
def limits(db: None) -> None:
    from apps.limits.services import limits_load_from_config

    limits_load_from_config(limits_file=load_config(SHIPPED, {}).limits)


def _status(
    account: Account, endpoint: str, read: datetime, failed: datetime | None = None
) -> None:
    f.DataSourceStatusFactory(
        venue=account.venue, account=account, endpoint=endpoint,
        source=f"{account.venue.name}:{account.label}:{endpoint}",
        data_as_of=read, last_success_at=read, last_error_at=failed,
    )  # fmt: skip


def _ten_minutes_after_a_first_start(book: Book) -> None:
    """What ingestion leaves after ten minutes: every-cycle sources read a cycle ago, fills
    swept four minutes ago, settlements and instruments read once, at the start."""
    start, last_cycle = NOW - timedelta(minutes=10), NOW - timedelta(seconds=4)
    for endpoint in ("balances", "orders"):
        _status(book.spot, endpoint, last_cycle)
    for endpoint in ("balances", "positions", "orders"):
        _status(book.futures, endpoint, last_cycle)
    _status(book.spot, "fills", NOW - timedelta(minutes=4))
    _status(book.futures, "fills", NOW - timedelta(minutes=4, seconds=30))
    _status(book.custody, "master_balances", last_cycle)
    _status(book.custody, "settlements", start)
    f.DataSourceStatusFactory(venue=book.spot.venue, endpoint="instruments", data_as_of=start,
                              last_success_at=start)  # fmt: skip


def _staleness_alerts() -> list[tuple[str, str]]:
    rows = Alert.objects.filter(breach_type="data_staleness", status__in=ACTIVE_STATUSES)
    return sorted(rows.values_list("scope", "severity"))


def test_it_shows_no_stale_source_and_no_alert_ten_minutes_after_a_first_start(
    book: Book, limits: None
) -> None:
    _ten_minutes_after_a_first_start(book)

    snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)

    assert snapshot.stale_sources == []
    assert "stale_sources" not in snapshot.flags
    assert "source:custodian-1:fund-1:settlements" in snapshot.input_as_of
    assert _staleness_alerts() == []


def test_it_alerts_on_settlements_overdue_past_their_hour_and_the_grace(
    book: Book, limits: None
) -> None:
    _ten_minutes_after_a_first_start(book)
    DataSourceStatus.objects.filter(endpoint="settlements").update(
        data_as_of=NOW - timedelta(minutes=66), last_success_at=NOW - timedelta(minutes=66)
    )

    snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)

    assert [(s["source"], s["reason"], s["overdue_seconds"]) for s in snapshot.stale_sources] == [
        ("source:custodian-1:fund-1:settlements", "overdue", 360.0)
    ]
    assert _staleness_alerts() == [("source:custodian-1:fund-1:settlements", "critical")]


def test_it_alerts_at_once_on_a_source_whose_last_pull_failed(book: Book, limits: None) -> None:
    _ten_minutes_after_a_first_start(book)
    DataSourceStatus.objects.filter(source="exchange-2:futures:positions").update(
        last_error_at=NOW - timedelta(seconds=1)
    )

    snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)

    assert [(s["source"], s["reason"]) for s in snapshot.stale_sources] == [
        ("source:exchange-2:futures:positions", "last_pull_failed")
    ]
    assert _staleness_alerts() == [("source:exchange-2:futures:positions", "critical")]
