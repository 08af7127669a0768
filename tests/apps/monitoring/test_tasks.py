"""risk.evaluate_cycle retries transient failures (its database session killed under it, as a
server restart or failover would) and stores exactly one snapshot per (portfolio, cycle); a
failure that running again cannot cure is logged and not retried."""

from __future__ import annotations

import logging
import time
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections

from apps.audit.models import AuditEvent
from apps.monitoring.tasks import evaluate_cycle, retry_delay
from apps.risk.models import RiskSnapshot
from tests.apps.risk import factories as f
from tests.apps.risk.conftest import NOW, Book

FAILED = "risk evaluation failed"


def _kill_our_session() -> None:
    """Terminate this connection's server process from another session and wait until it is
    gone: the next query on the connection raises OperationalError."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    admin = connections.create_connection("default")
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            for _ in range(100):
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone()[0] == 0:
                    return
                time.sleep(0.02)
        raise AssertionError("the session was not terminated")
    finally:
        admin.close()


def _run(**kwargs: object) -> list[int]:
    result = evaluate_cycle.apply(kwargs={"cycle_start": NOW.isoformat(), **kwargs})
    assert result.successful(), result.traceback
    return list(result.get())


def _transient_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage().startswith(FAILED) and r.exc_info]


@pytest.mark.django_db(transaction=True)
def test_it_retries_a_cycle_whose_connection_was_killed_before_listing(
    book: Book, caplog: pytest.LogCaptureFixture
) -> None:
    _kill_our_session()

    ids = _run()

    snapshot = RiskSnapshot.objects.get(portfolio=book.portfolio, cycle_start=NOW)
    assert ids == [snapshot.pk]
    assert AuditEvent.objects.filter(event_type="risk_snapshot_created").count() == 1
    assert [r.getMessage() for r in caplog.records if r.exc_info] == [
        "risk cycle failed listing portfolios, transient"
    ]


@pytest.mark.django_db(transaction=True)
def test_it_retries_a_portfolio_whose_evaluation_hit_a_killed_connection(
    book: Book, caplog: pytest.LogCaptureFixture
) -> None:
    _kill_our_session()

    ids = _run(portfolio_ids=[book.portfolio.pk])  # the first query is the evaluation's own

    assert RiskSnapshot.objects.filter(portfolio=book.portfolio, cycle_start=NOW).count() == 1
    assert ids == [RiskSnapshot.objects.get(cycle_start=NOW).pk]
    assert len(_transient_warnings(caplog)) == 1  # one failed attempt, then the retry


@pytest.mark.django_db(transaction=True)
def test_a_redelivered_run_that_fails_once_keeps_the_one_stored_snapshot(book: Book) -> None:
    first = _run()
    _kill_our_session()

    again = _run()

    assert again == first
    assert RiskSnapshot.objects.filter(cycle_start=NOW).count() == 1
    assert AuditEvent.objects.filter(event_type="risk_snapshot_created").count() == 1


@pytest.mark.django_db
def test_it_does_not_retry_a_portfolio_whose_data_the_engine_refuses(
    book: Book, caplog: pytest.LogCaptureFixture
) -> None:
    broken = f.PortfolioFactory(name="broken")
    venue = f.VenueFactory(name="exchange-9")
    account = f.AccountFactory(venue=venue, label="futures", market="futures", portfolio=broken)
    snapshot = f.AccountSnapshotFactory(account=account, as_of=NOW)
    # a negative entry price: the engine refuses the input (ValueError), every time
    f.PositionLineFactory(snapshot=snapshot, contracts=Decimal(1), entry_price=Decimal(-1))

    ids = _run()

    assert ids == [RiskSnapshot.objects.get(portfolio=book.portfolio, cycle_start=NOW).pk]
    assert not RiskSnapshot.objects.filter(portfolio=broken).exists()
    failures = [r for r in caplog.records if r.getMessage() == FAILED]
    assert len(failures) == 1  # logged once: not retried
    assert failures[0].exc_info and failures[0].exc_info[0] is ValueError


def test_it_backs_off_within_the_cycle_interval(settings: Any) -> None:
    settings.RISK_MONITOR = {**settings.RISK_MONITOR, "CHECK_INTERVAL_SECONDS": 5}
    delays = [retry_delay(n) for n in range(evaluate_cycle.max_retries)]
    assert delays == [0.5, 1.0, 2.0]
    assert sum(delays) < 5
