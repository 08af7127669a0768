"""The chain after ingest, the gauges and the WebSocket push after commit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from prometheus_client import REGISTRY

from apps.risk.models import RiskSnapshot
from apps.risk.services import evaluate_risk
from apps.venues.signals import ingest_cycle_completed_send
from tests.apps.risk.conftest import NOW, Book

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_celery() -> Iterator[None]:
    from riskmonitor.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_it_evaluates_every_portfolio_after_an_ingest_cycle(
    book: Book, eager_celery: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ingest_cycle_completed_send(NOW)
    snapshot = RiskSnapshot.objects.get(portfolio=book.portfolio, cycle_start=NOW)
    assert snapshot.equity > 0


def test_it_sets_gauges_after_commit(
    book: Book, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = evaluate_risk(portfolio_id=book.portfolio.pk, cycle_start=NOW)
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
        snapshot = evaluate_risk(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    assert callbacks  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    message = async_to_sync(layer.receive)(channel)
    assert message["type"] == "risk.update"
    assert message["seq"] == snapshot.pk
    assert message["data"]["equity"] == snapshot.equity
    async_to_sync(layer.group_discard)("risk.updates", channel)
