"""The read APIs return what is stored, and need authentication and the right permission."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from apps.monitoring.cycle import portfolio_cycle_run
from apps.risk.models import RiskSnapshot
from tests.apps.risk.conftest import NOW, Book

pytestmark = pytest.mark.django_db
Client = Callable[[str], Any]
READ_URLS = ["/api/v1/risk/status", "/api/v1/positions/summary", "/api/v1/portfolio/pnl"]


@pytest.fixture
def stored(book: Book) -> RiskSnapshot:
    return portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)


@pytest.mark.parametrize("url", [*READ_URLS, "/debug/risk-calculations"])
def test_it_refuses_anonymous_requests(stored: RiskSnapshot, url: str) -> None:
    assert APIClient().get(url).status_code in (401, 403)


@pytest.mark.parametrize("url", READ_URLS)
def test_it_lets_a_trader_read(stored: RiskSnapshot, api_client_for: Client, url: str) -> None:
    assert api_client_for("trader").get(url).status_code == 200


def test_it_returns_the_stored_status(stored: RiskSnapshot, api_client_for: Client) -> None:
    body = api_client_for("trader").get("/api/v1/risk/status").json()
    assert body["snapshot_id"] == stored.pk
    assert body["equity"] == stored.equity
    assert body["var"]["historical_var_99"] == stored.var_hist_99
    assert body["exposure"]["leverage"] == stored.leverage
    assert body["var_backtest"]["actual"] is None and "no_backtest_record" in body["flags"]
    hypothetical = stored.figures["var_backtest"]["hypothetical"]
    assert body["var_backtest"]["hypothetical"] == hypothetical
    assert hypothetical["zone"] == "green" and hypothetical["short_history"]
    assert body["drawdown"]["drawdown"] == stored.drawdown
    assert body["engine_version"] == "1.1.0"
    assert body["age_seconds"] == 0.0
    assert body["stale_sources"] == []


def test_it_returns_net_positions_with_venues(stored: RiskSnapshot, api_client_for: Client) -> None:
    body = api_client_for("trader").get("/api/v1/positions/summary").json()
    btc = next(p for p in body["positions"] if p["symbol"] == "BTC-USD")
    assert btc["net_size"] == 2.5
    assert btc["by_venue"] == {"exchange-1": 5.0, "exchange-2": -2.5}
    assert btc["mark_status"] == "fresh" and btc["mark"] == 62000.0
    assert {p["symbol"] for p in body["positions"]} == {"BTC-USD", "ETH-USD"}


def test_it_returns_pnl_with_attribution_and_history(
    stored: RiskSnapshot, api_client_for: Client
) -> None:
    body = api_client_for("trader").get("/api/v1/portfolio/pnl?history=24h").json()
    assert body["total_pnl"] == stored.total_pnl
    assert body["daily_pnl"] == stored.daily_pnl
    assert body["transfers_today"] == 10_000.0
    assert set(body["attribution"]) == {"by_strategy", "by_venue", "by_symbol"}
    # the 03-09 12:00 mark is exactly 24 h old; the 23:59 one and this cycle are inside
    assert [h["equity"] for h in body["history"]][-1] == stored.equity
    assert len(body["history"]) == 3


def test_it_names_a_bad_history_parameter(stored: RiskSnapshot, api_client_for: Client) -> None:
    response = api_client_for("trader").get("/api/v1/portfolio/pnl?history=yesterday")
    assert response.status_code == 400
    assert "history" in response.json()["error"]["fields"]


def test_it_names_an_unknown_portfolio(stored: RiskSnapshot, api_client_for: Client) -> None:
    response = api_client_for("trader").get("/api/v1/risk/status?portfolio=nope")
    assert response.status_code == 404
    assert "nope" in response.json()["error"]["message"]


def test_it_shows_the_debug_trace_to_risk_officers_only(
    stored: RiskSnapshot, api_client_for: Client
) -> None:
    assert api_client_for("trader").get("/debug/risk-calculations").status_code == 403
    response = api_client_for("risk_officer").get("/debug/risk-calculations")
    assert response.status_code == 200
    body = response.json()
    assert body["snapshot_id"] == stored.pk
    symbols = body["symbols"]
    exposure = dict(zip(symbols, body["exposures"], strict=True))
    assert exposure["BTC-USD"] == pytest.approx(2.5 * 62000)
    # the stored VaR is recomputable from the trace's scenario vector
    assert -body["scenario_pnl_quantile"]["value"] == pytest.approx(stored.var_hist_99)
    assert body["positions"]["size"] == [5.0, 10.0, -2.5]
    assert body["marks_chosen"]["BTC-USD"]["source"] == "exchange-1"


def test_it_says_which_snapshot_the_debug_trace_is_of_and_how_old_it_is(
    book: Book, api_client_for: Client, settings: Any
) -> None:
    first = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)
    later = NOW + timedelta(seconds=20)
    with time_machine.travel(later, tick=False):
        # within the rewrite interval (60 s): the trace stays the first snapshot's
        second = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=later)
        body = api_client_for("risk_officer").get("/debug/risk-calculations").json()
    assert body["snapshot_id"] == first.pk
    assert body["snapshot_as_of"] == first.as_of.isoformat()
    assert body["age_seconds"] == 20.0
    assert (body["latest_snapshot_id"], body["is_latest_snapshot"]) == (second.pk, False)
    assert body["rewrite_interval_seconds"] == 60
    assert body["market"]["BTC-USD"]["lot_size"] == pytest.approx(0.00001)
    assert body["backtest_record"] is None  # no closing record with a VaR yet

    settings.RISK_MONITOR = {**settings.RISK_MONITOR, "TRACE_INTERVAL_SECONDS": 0}
    latest = later + timedelta(seconds=5)
    with time_machine.travel(latest, tick=False):
        third = portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=latest)
        body = api_client_for("risk_officer").get("/debug/risk-calculations").json()
    assert (body["snapshot_id"], body["is_latest_snapshot"]) == (third.pk, True)
    assert body["rewrite_interval_seconds"] == 0
