"""A risk cycle that meets a database it cannot reach is retried by the real worker through the
broker, after the countdown, and stores its snapshot once the database is back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import psycopg
import pytest
from celery import Celery

from tests.e2e.stack import running_stack, wait_until

pytestmark = pytest.mark.e2e

DB = "riskmonitor_e2e_risk_retry"
REDIS_DB = 13
ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("risk_retry")
    # A 5 s cycle: retries after 0.5, 1 and 2 s.
    with running_stack(
        tmp, database=DB, redis_db=REDIS_DB, env={"RISK_CHECK_INTERVAL_SECONDS": "5"}
    ) as running:
        yield running


@contextmanager
def _database_refusing_connections() -> Iterator[None]:
    """New sessions are refused (as during a failover); the worker opens one per task."""
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{DB}" ALLOW_CONNECTIONS false')
        try:
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{DB}" ALLOW_CONNECTIONS true')


def _snapshots(cycle_start: datetime) -> list[tuple[int, int]]:
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DB}") as conn:
        return conn.execute(
            "SELECT id, portfolio_id FROM risk_risksnapshot WHERE cycle_start = %s",
            [cycle_start],
        ).fetchall()


def _snapshots_any() -> bool:
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DB}") as conn:
        return bool(conn.execute("SELECT count(*) FROM risk_risksnapshot").fetchone()[0])


def _logged(stack, text: str) -> bool:
    return text in stack.log_tail("worker", chars=200_000)


def test_the_worker_retries_a_cycle_after_its_countdown_and_stores_it_once(stack):
    wait_until(_snapshots_any, 90, what="a first snapshot from beat's cycles")
    # A cycle start of our own (beat's are whole multiples of 5 s): only this task stores it.
    cycle_start = datetime.now(tz=UTC).replace(microsecond=250_000)
    broker = Celery(broker=f"redis://127.0.0.1:6379/{REDIS_DB}")
    with _database_refusing_connections():
        sent = broker.send_task(
            "risk.evaluate_cycle", kwargs={"cycle_start": cycle_start.isoformat()}, queue="default"
        )
        wait_until(
            lambda: _logged(stack, f"Task risk.evaluate_cycle[{sent.id}] retry: Retry in 0.5s"),
            30,
            interval=0.05,
            what="the worker to schedule the retry",
        )

    stored = wait_until(lambda: _snapshots(cycle_start), 30, what="the retried cycle's snapshot")
    assert len(stored) == len({portfolio for _, portfolio in stored})  # one per portfolio
    wait_until(
        lambda: _logged(stack, f"Task risk.evaluate_cycle[{sent.id}] succeeded"),
        10,
        what="the retried task to succeed",
    )
    failures = [
        line
        for line in stack.log_tail("worker", chars=200_000).splitlines()
        if "risk cycle failed listing portfolios, transient" in line
    ]
    assert failures and all("WARNING/" in line for line in failures)  # not an error: retried
