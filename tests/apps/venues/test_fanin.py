"""The fan-in from a period's venue tasks to its risk evaluation, through the real ingest tasks
against the simulators: the evaluation starts once, after the last venue; a redelivered task
does not start it early; a venue task that expired unrun does not lose the period."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from apps.positions.models import AccountSnapshot
from apps.risk.models import RiskSnapshot
from apps.venues.ingest.cycle import ingest_cycle_dispatch
from apps.venues.models import Venue
from apps.venues.tasks import ingest_venue

pytestmark = [
    pytest.mark.django_db,
    # Beat sends the venue tasks by name to the broker; the tests deliver them themselves.
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]
START = datetime(2026, 1, 1, 0, 1, tzinfo=UTC)


@pytest.fixture
def eager_celery() -> Iterator[None]:
    """The evaluation runs in this process when the fan-in starts it (Celery's eager mode)."""
    from riskmonitor.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def run(
    venues: dict[str, Any], eager_celery: None, django_capture_on_commit_callbacks: Any
) -> Callable[[int], None]:
    ids = list(Venue.objects.order_by("name").values_list("pk", flat=True))
    assert len(ids) == 3
    # Beat's dispatch of the period; its messages go to the broker, and the test delivers
    # them itself below (in order, twice, or never).
    with django_capture_on_commit_callbacks(execute=True):
        ingest_cycle_dispatch(now=START)

    def deliver(index: int) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            ingest_venue(venue_id=ids[index], period_start=START.isoformat(), expected=len(ids))

    return deliver


def _snapshots(period: datetime = START) -> int:
    return RiskSnapshot.objects.filter(cycle_start=period).count()


def test_it_evaluates_the_period_once_after_its_last_venue(run: Callable[[int], None]) -> None:
    run(0)
    run(1)
    assert _snapshots() == 0

    run(2)

    assert _snapshots() == 1  # the config's one portfolio
    assert AccountSnapshot.objects.filter(period_start=START).count() == 5


def test_it_neither_starts_early_nor_loses_the_period_on_a_redelivery_and_an_expiry(
    run: Callable[[int], None], django_capture_on_commit_callbacks: Any
) -> None:
    run(0)
    run(0)  # redelivered: the same venue again
    run(1)
    assert _snapshots() == 0  # two of three venues done, however often the first was delivered

    # The third venue's task expired unrun. The next period's dispatch finds this period
    # incomplete and evaluates it on the data it has.
    with django_capture_on_commit_callbacks(execute=True):
        ingest_cycle_dispatch(now=START + timedelta(seconds=5))
    assert _snapshots() == 1

    run(2)  # had it run late after all: the period is not evaluated again
    with django_capture_on_commit_callbacks(execute=True):
        ingest_cycle_dispatch(now=START + timedelta(seconds=10))
    assert _snapshots() == 1
    # The period dispatched at +5 s, none of whose tasks the test delivered, is covered the
    # same way, once.
    assert sorted(RiskSnapshot.objects.values_list("cycle_start", flat=True)) == [
        START,
        START + timedelta(seconds=5),
    ]


def test_it_waits_for_a_venue_still_pulling_the_period(
    run: Callable[[int], None], django_capture_on_commit_callbacks: Any
) -> None:
    from apps.venues.ingest.cycle import _claimed

    run(0)
    run(1)
    last = Venue.objects.order_by("name").last()
    assert last is not None
    # The third venue's run holds the period (as a first contact's backfill does) while the
    # next period is dispatched: its evaluation waits for it instead of running on two venues.
    with _claimed(last.name, START, ttl_seconds=30) as won:
        assert won
        with django_capture_on_commit_callbacks(execute=True):
            ingest_cycle_dispatch(now=START + timedelta(seconds=5))
        assert _snapshots() == 0

    run(2)  # its finish completes the period
    assert _snapshots() == 1
