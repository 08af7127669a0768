"""evaluate_risk on a hand-made stored book: each stored figure equals an independent
computation here (plain loops, the methodology's definitions)."""

from __future__ import annotations

import json
import math
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.monitoring.cycle import portfolio_cycle_run
from apps.risk.models import RiskSnapshot, RiskTrace
from tests.apps.risk import factories as f
from tests.apps.risk.conftest import BTC_CLOSES, ETH_CLOSES, NOW, TODAY, Book

pytestmark = pytest.mark.django_db

MARK = {"BTC-USD": 62000.0, "ETH-USD": 3000.0}


def _btc_basis() -> tuple[float, float]:
    """(average cost, realized today) of the exchange-1 BTC holding, by hand."""
    opening_qty, opening_price = 5.0 - (1.0 - 0.5), BTC_CLOSES[-2]  # close of 03-08
    avg = (opening_qty * opening_price + 1.0 * 58000.0) / (opening_qty + 1.0)
    return avg, (61000.0 - avg) * 0.5


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    h = (len(ordered) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo])


def _scenarios(exposure: dict[str, float]) -> list[float]:
    pnl = []
    for t in range(1, len(BTC_CLOSES)):
        day = 0.0
        for symbol, closes in (("BTC-USD", BTC_CLOSES), ("ETH-USD", ETH_CLOSES)):
            day += exposure[symbol] * (closes[t] / closes[t - 1] - 1.0)
        pnl.append(day)
    return pnl


def _equity() -> float:
    balances = 5.0 * 62000 + 10 * 3000 + 100000 + 50000 + 200000
    return balances + (62000.0 - 60000.0) * -2.5


def test_it_stores_the_brief_net_position_and_marks(book: Book) -> None:
    snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    btc = snapshot.figures["symbols"]["BTC-USD"]
    assert btc["net_size"] == pytest.approx(5.0 - 2.5)
    assert snapshot.figures["venue_positions"]["BTC-USD"] == {"exchange-1": 5.0, "exchange-2": -2.5}
    assert btc["mark"] == 62000.0 and btc["mark_source"] == "exchange-1"
    assert btc["mark_status"] == "fresh"
    assert snapshot.figures["inputs"]["par_priced"] == ["USDC-USD", "USDT-USD"]


def test_it_stores_pnl_equity_and_daily_pnl(book: Book) -> None:
    snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    avg, realized_spot = _btc_basis()
    unrealized = (62000.0 - avg) * 5.0 + (3000.0 - ETH_CLOSES[-1]) * 10 + (62000 - 60000) * -2.5
    assert snapshot.unrealized_pnl == pytest.approx(unrealized)
    assert snapshot.realized_today == pytest.approx(realized_spot + 150.0)
    assert snapshot.total_pnl == pytest.approx(unrealized + realized_spot + 150.0)
    assert snapshot.equity == pytest.approx(_equity())
    assert snapshot.equity_complete is True
    # the internal BTC move to exchange-1 is not a flow; the bank deposit is
    assert snapshot.daily_pnl == pytest.approx(_equity() - 700_000.0 - 10_000.0)
    attribution = snapshot.figures["attribution"]["by_strategy"]
    assert attribution["momentum"]["realized_today"] == pytest.approx(150.0)


def test_it_stores_notionals_leverage_and_drawdown(book: Book) -> None:
    snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    gross = 5.0 * 62000 + 2.5 * 62000 + 10 * 3000
    assert snapshot.gross_notional == pytest.approx(gross)
    assert snapshot.net_notional == pytest.approx(abs(2.5 * 62000 + 10 * 3000))
    assert snapshot.leverage == pytest.approx(gross / _equity())
    adjusted = [720_000.0, 700_000.0, _equity() - 10_000.0]
    hwm = max(adjusted) + 10_000.0
    assert snapshot.hwm == pytest.approx(hwm)
    assert snapshot.drawdown == pytest.approx((_equity() - hwm) / hwm)


def test_it_stores_var_and_es_from_completed_daily_closes(book: Book) -> None:
    snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    pnl = _scenarios({"BTC-USD": 2.5 * 62000, "ETH-USD": 10 * 3000.0})
    var = -_quantile(pnl, 0.01)
    assert snapshot.var_hist_99 == pytest.approx(var)
    tail = [p for p in pnl if p <= -var]
    assert snapshot.es_99 == pytest.approx(-sum(tail) / len(tail))
    weights = [0.06 * 0.94**k for k in range(len(pnl))][::-1]  # k = 0 the latest day
    sigma = math.sqrt(sum(w * p * p for w, p in zip(weights, pnl, strict=True)) / sum(weights))
    assert snapshot.var_param_99 == pytest.approx(2.3263 * sigma)
    assert "var_short_history" in snapshot.flags


def test_it_records_inputs_timing_trace_and_audit(book: Book) -> None:
    snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    assert (
        snapshot.input_as_of["account:exchange-1:spot"] == (NOW - timedelta(seconds=10)).isoformat()
    )
    assert snapshot.input_as_of["prices:exchange-2"] == (NOW - timedelta(seconds=5)).isoformat()
    assert snapshot.stale_sources == []
    stages = {"load", "build", "engine", "store", "limits", "alerts", "total"}
    assert set(snapshot.compute_ms) == stages
    assert snapshot.engine_version == "1.1.0"
    trace = RiskTrace.objects.get(portfolio=book.portfolio)
    assert trace.snapshot_id == snapshot.pk
    assert json.loads(trace.trace)["history"]["returns_window_shape"][0] == len(BTC_CLOSES) - 1
    event = AuditEvent.objects.get(event_type="risk_snapshot_created")
    assert event.payload["snapshot_id"] == snapshot.pk


def test_it_rewrites_the_trace_at_most_once_per_interval(book: Book) -> None:
    first = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW + timedelta(seconds=5))
    assert RiskTrace.objects.get(portfolio=book.portfolio).snapshot_id == first.pk
    RiskTrace.objects.update(updated_at=timezone.now() - timedelta(seconds=61))
    third = portfolio_cycle_run(
        portfolio_id=book.portfolio.pk, cycle_start=NOW + timedelta(seconds=10)
    )
    assert RiskTrace.objects.get(portfolio=book.portfolio).snapshot_id == third.pk


def test_it_rewrites_the_trace_every_cycle_when_the_interval_is_zero(
    book: Book, settings: Any
) -> None:
    settings.RISK_MONITOR = {**settings.RISK_MONITOR, "TRACE_INTERVAL_SECONDS": 0}
    portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    second = portfolio_cycle_run(
        portfolio_id=book.portfolio.pk, cycle_start=NOW + timedelta(seconds=5)
    )
    assert RiskTrace.objects.get(portfolio=book.portfolio).snapshot_id == second.pk


def test_it_is_idempotent_per_cycle(book: Book) -> None:
    first = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    second = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    assert second.pk == first.pk
    assert RiskSnapshot.objects.filter(cycle_start=NOW).count() == 1
    assert AuditEvent.objects.filter(event_type="risk_snapshot_created").count() == 1


def test_it_flags_a_missing_price_instead_of_valuing_it_at_zero(book: Book) -> None:
    book.prices["eth"].delete()  # type: ignore[attr-defined]
    snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    eth = snapshot.figures["symbols"]["ETH-USD"]
    assert eth["mark_status"] == "missing" and eth["mark"] is None
    assert eth["unrealized_pnl"] is None
    assert "missing_marks" in snapshot.flags
    assert snapshot.figures["missing_marks"] == ["ETH-USD"]
    assert snapshot.equity_complete is False
    assert snapshot.gross_notional == pytest.approx(5.0 * 62000 + 2.5 * 62000)


def test_it_flags_stale_sources_and_stale_marks(book: Book) -> None:
    price = book.prices["btc"]
    price.as_of = NOW - timedelta(minutes=20)  # type: ignore[attr-defined]
    price.save()  # type: ignore[attr-defined]
    f.DataSourceStatusFactory(venue=book.futures.venue, endpoint="balances",
                              source="exchange-2:futures:balances",
                              data_as_of=NOW - timedelta(hours=1))  # fmt: skip
    snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    stale = {s["source"]: s["age_seconds"] for s in snapshot.stale_sources}
    assert stale == {"source:exchange-2:futures:balances": 3600.0}
    assert "stale_sources" in snapshot.flags
    # the exchange-1 BTC mark is stale, so the fresh exchange-2 perpetual mark is used
    btc = snapshot.figures["symbols"]["BTC-USD"]
    assert btc["mark_source"] == "exchange-2" and btc["mark"] == 62050.0


def test_it_uses_only_completed_days_for_history(book: Book) -> None:
    eth = book.prices["eth"].instrument  # type: ignore[attr-defined]
    f.CandleFactory(instrument=eth, open_time=TODAY, close=9999)  # an open candle must not count
    snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    pnl = _scenarios({"BTC-USD": 2.5 * 62000, "ETH-USD": 10 * 3000.0})
    assert snapshot.var_hist_99 == pytest.approx(-_quantile(pnl, 0.01))


def test_it_starts_from_the_state_carried_by_a_snapshot_over_an_hour_old(book: Book) -> None:
    # The 23:59 day mark carries a peak of 750,000 that no stored row shows any more (thinned);
    # the HWM follows the carried state, not the 720,000 of the older row.
    RiskSnapshot.objects.filter(equity=700_000.0).update(
        running_hwm=750_000.0, running_max_drawdown=-0.3
    )
    snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    hwm = max(750_000.0, _equity() - 10_000.0) + 10_000.0  # the deposit at 06:00 counts
    assert snapshot.hwm == pytest.approx(hwm)
    assert snapshot.drawdown == pytest.approx((_equity() - hwm) / hwm)
    assert snapshot.figures["drawdown"]["max_drawdown"] == pytest.approx(-0.3)
    assert snapshot.daily_pnl == pytest.approx(_equity() - 700_000.0 - 10_000.0)
    assert (snapshot.running_hwm, snapshot.running_max_drawdown) == (pytest.approx(hwm), -0.3)
    trace = json.loads(RiskTrace.objects.get(portfolio=book.portfolio).trace)
    assert trace["equity_state"]["hwm"] == 750_000.0


def test_it_rebuilds_the_state_from_the_history_stored_before_it_was_kept(book: Book) -> None:
    snapshot = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    assert snapshot.running_hwm == pytest.approx(720_000.0 + 10_000.0)
    assert snapshot.running_max_drawdown == snapshot.figures["drawdown"]["max_drawdown"]
