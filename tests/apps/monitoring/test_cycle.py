"""The monitoring cycle: started by name after ingest; gauges and the WebSocket push after
commit; one snapshot per cycle; an integrity error other than the cycle's own surfaces."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import IntegrityError, connection
from prometheus_client import REGISTRY

from apps.alerts.models import Alert
from apps.audit.models import AuditEvent
from apps.core.live import seq_current
from apps.limits.models import Limit
from apps.limits.services import limits_load_from_config
from apps.monitoring.cycle import portfolio_cycle_run
from apps.risk.models import RiskSnapshot
from apps.venues.ingest.fanin import evaluation_start
from tests.apps.risk.conftest import NOW, Book

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_celery() -> Iterator[None]:
    from riskmonitor.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_it_evaluates_every_portfolio_when_the_ingest_starts_the_cycle_by_name(
    book: Book, eager_celery: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        evaluation_start(NOW)
    snapshot = RiskSnapshot.objects.get(portfolio=book.portfolio, cycle_start=NOW)
    assert snapshot.equity > 0


def test_it_sets_gauges_after_commit(
    book: Book, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    assert REGISTRY.get_sample_value("risk_portfolio_pnl", {"currency": "USD"}) == pytest.approx(
        snapshot.total_pnl
    )
    assert REGISTRY.get_sample_value("risk_delta_exposure", {"asset": "BTC"}) == pytest.approx(2.5)
    size = REGISTRY.get_sample_value(
        "risk_position_size", {"symbol": "BTC-USD", "venue": "exchange-2"}
    )
    assert size == pytest.approx(-2.5)
    assert REGISTRY.get_sample_value("risk_drawdown", {"timeframe": "current"}) == pytest.approx(
        snapshot.drawdown
    )
    count = REGISTRY.get_sample_value(
        "risk_monitor_latency_seconds_count", {"calculation_type": "engine"}
    )
    assert count and count >= 1


def test_it_pushes_the_headline_to_the_group_after_commit(
    book: Book, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("risk.updates", channel)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    assert callbacks  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    message = async_to_sync(layer.receive)(channel)
    assert (message["type"], message["event"]) == ("live.event", "risk.update")
    assert message["portfolio_id"] == book.portfolio.pk
    assert message["seq"] == seq_current([book.portfolio.pk])[book.portfolio.pk]
    assert message["data"]["snapshot_id"] == snapshot.pk
    assert message["data"]["equity"] == snapshot.equity
    async_to_sync(layer.group_discard)("risk.updates", channel)


def test_it_decides_nothing_twice_when_a_cycle_runs_again(book: Book) -> None:
    _btc_long_limit(1.0)
    first = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    again = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)

    assert again.pk == first.pk
    assert RiskSnapshot.objects.filter(portfolio=book.portfolio, cycle_start=NOW).count() == 1
    assert Alert.objects.filter(breach_type="position_limit_long").count() == 1


def test_it_stores_the_snapshot_and_its_alerts_together(
    book: Book, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    _btc_long_limit(1.0)
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)

    alert = Alert.objects.get(breach_type="position_limit_long", scope="BTC-USD")
    assert alert.snapshot_id == snapshot.pk
    assert alert.severity == "critical"
    assert {"limits", "alerts", "store", "total"} <= set(snapshot.compute_ms)
    labels = {"limit_type": "position_limit_long", "symbol": "BTC-USD"}  # set after commit
    assert REGISTRY.get_sample_value("risk_limit_utilization", labels) == pytest.approx(2.5)


@pytest.mark.django_db(transaction=True)
def test_it_raises_an_integrity_error_of_the_alerts_as_it_is(book: Book) -> None:
    _btc_long_limit(1.0)
    with connection.cursor() as cursor:
        # A database rule the alerts' insert breaks: not the snapshot's one-per-cycle rule.
        cursor.execute(REFUSE_ALERTS)
    try:
        with pytest.raises(IntegrityError, match="alerts refused"):
            portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER refuse_alerts ON alerts_alert")
    # Rolled back together: no snapshot without its alert decisions.
    assert not RiskSnapshot.objects.filter(portfolio=book.portfolio, cycle_start=NOW).exists()


REFUSE_ALERTS = """
CREATE OR REPLACE FUNCTION refuse_alerts() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'alerts refused' USING ERRCODE = 'unique_violation'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER refuse_alerts BEFORE INSERT ON alerts_alert
FOR EACH ROW EXECUTE FUNCTION refuse_alerts();
"""


def _btc_long_limit(value: float) -> None:
    """The shipped limits, with BTC-USD's max_long lowered under the book's 2.5 BTC net."""
    limits_load_from_config()
    updated = Limit.objects.filter(key="position_limits.BTC-USD.max_long").update(
        value=Decimal(str(value))
    )
    assert updated == 1


def test_it_appends_the_snapshots_audit_event_after_its_alerts(book: Book) -> None:
    # The audit chain's lock is taken last in the cycle's transaction, after the alert rows'
    # locks, in the order an acknowledgement takes them (alert, then chain): no deadlock.
    _btc_long_limit(1.0)
    snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)

    events = list(AuditEvent.objects.order_by("sequence").values_list("event_type", "payload"))
    last_type, last_payload = events[-1]
    assert last_type == "risk_snapshot_created"
    assert last_payload["snapshot_id"] == snapshot.pk
    assert "risk_limit_breach" in [event_type for event_type, _ in events[:-1]]
