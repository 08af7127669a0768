"""The dashboard's REST doors against a real cycle's snapshot of the brief's book (5.0 BTC spot
on exchange-1, -2.5 BTC perpetual on exchange-2 entered at 60,000, marked at 62,050)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from apps.limits.models import Limit
from apps.monitoring.cycle import portfolio_cycle_run
from apps.risk.models import RiskSnapshot
from tests.apps.risk import factories as f
from tests.apps.risk.conftest import NOW, Book

pytestmark = pytest.mark.django_db
BASE = "/api/v1/dashboard"
PATHS = ("risk-metrics", "position-heatmap", "pnl-attribution", "limit-utilization")
ClientFor = Callable[[str], Any]


@pytest.fixture
def snapshot(book: Book, django_capture_on_commit_callbacks: Callable[..., Any]) -> RiskSnapshot:
    with django_capture_on_commit_callbacks(execute=True):
        return portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)


def _get(client: Any, name: str, **query: Any) -> Any:
    return client.get(f"{BASE}/{name}", query)


def test_risk_metrics_are_the_snapshots_headline(
    snapshot: RiskSnapshot, api_client_for: ClientFor
) -> None:
    response = _get(api_client_for("trader"), "risk-metrics")

    assert response.status_code == 200
    body = response.json()
    assert body["snapshot_id"] == snapshot.pk
    assert body["equity"] == pytest.approx(snapshot.equity)
    assert body["pnl"] == {
        "daily_pnl": pytest.approx(snapshot.daily_pnl),
        "total_pnl": pytest.approx(snapshot.total_pnl),
        "unrealized_pnl": pytest.approx(snapshot.unrealized_pnl),
        "realized_today": pytest.approx(snapshot.realized_today),
    }
    assert body["var"]["historical_var_99"] == pytest.approx(snapshot.var_hist_99)
    assert body["leverage"] == pytest.approx(snapshot.gross_notional / snapshot.equity)
    assert body["drawdown"]["drawdown"] == pytest.approx(snapshot.drawdown)
    assert body["breaker"] == {
        "state": "closed", "reason": None, "tripped_at": None, "recovery_due_at": None,
    }  # fmt: skip
    freshness = body["data_freshness"]
    assert freshness["snapshot_age_seconds"] == 0.0  # frozen time: stored just now
    # The oldest input is the 10-second-old spot snapshot and prices of the book.
    assert freshness["oldest_input_age_seconds"] == pytest.approx(10.0)
    assert freshness["stale"] is False


def test_the_heatmap_has_a_cell_per_venue_and_symbol_held(
    snapshot: RiskSnapshot, api_client_for: ClientFor
) -> None:
    body = _get(api_client_for("trader"), "position-heatmap").json()

    assert (body["grouping"], body["size_metric"]) == ("asset_class", "notional_value")
    cells = {(c["venue"], c["symbol"]): c for c in body["cells"]}
    mark = snapshot.figures["symbols"]["BTC-USD"]["mark_usd"]
    spot, perp = cells[("exchange-1", "BTC-USD")], cells[("exchange-2", "BTC-USD")]
    assert (spot["size"], perp["size"]) == (5.0, -2.5)
    assert spot["notional"] == pytest.approx(5.0 * mark)
    assert perp["exposure"] == pytest.approx(-2.5 * mark)
    assert perp["size_value"] == perp["notional"]
    # The perpetual's row reports no venue mark: valued at the headline 62,000 of exchange-1;
    # the fill realized 150.
    assert mark == 62000.0
    assert perp["unrealized_pnl"] == pytest.approx((62000 - 60000) * -2.5)
    assert perp["realized_today"] == pytest.approx(150.0)
    assert (spot["group"], perp["group"]) == ("spot", "perpetual")
    by_venue = snapshot.figures["attribution"]["by_venue"]
    for venue in ("exchange-1", "exchange-2"):
        total = sum(c["total_pnl"] or 0.0 for c in body["cells"] if c["venue"] == venue)
        assert total == pytest.approx(by_venue[venue]["total_pnl"])
    groups = {g["name"]: g for g in body["groups"]}
    assert groups["perpetual"]["notional"] == pytest.approx(perp["notional"])


@pytest.mark.parametrize(
    ("grouping", "spot_group", "perp_group"),
    [("venue", "exchange-1", "exchange-2"), ("strategy", "treasury", "momentum"),
     ("asset", "BTC", "BTC"), ("symbol", "BTC-USD", "BTC-USD")],
)  # fmt: skip
def test_the_heatmap_groups_as_the_dashboard_config_says(
    dashboard_config: Callable[..., None],
    snapshot: RiskSnapshot,
    api_client_for: ClientFor,
    grouping: str,
    spot_group: str,
    perp_group: str,
) -> None:
    dashboard_config(grouping=grouping, size_metric="position_size")

    body = _get(api_client_for("trader"), "position-heatmap").json()

    cells = {(c["venue"], c["symbol"]): c for c in body["cells"]}
    assert body["grouping"] == grouping
    assert cells[("exchange-1", "BTC-USD")]["group"] == spot_group
    assert cells[("exchange-2", "BTC-USD")]["group"] == perp_group
    assert cells[("exchange-2", "BTC-USD")]["size_value"] == 2.5


def _attributed(book: Book, hours_ago: float, unrealized: float, realized: float) -> None:
    row = {"unrealized_pnl": unrealized, "realized_today": realized,
           "total_pnl": unrealized + realized, "complete": True}  # fmt: skip
    tables = {"by_strategy": {"momentum": row}, "by_venue": {"exchange-2": row},
              "by_symbol": {"BTC-USD": row}}  # fmt: skip
    f.RiskSnapshotFactory(
        portfolio=book.portfolio,
        as_of=NOW - timedelta(hours=hours_ago),
        figures={"attribution": tables},
    )


def test_pnl_attribution_adds_what_was_realized_on_each_day_of_the_window(
    book: Book, api_client_for: ClientFor
) -> None:
    # 23h ago (yesterday 13:00): U 100, R 10; yesterday 23:59:24: U 150, R 40; 1h ago: U 120, R 5.
    _attributed(book, 23, 100.0, 10.0)
    _attributed(book, 12.01, 150.0, 40.0)
    _attributed(book, 1, 120.0, 5.0)

    # From 03-09 12:30: the book's own snapshot of 03-09 12:00 is outside the window.
    body = _get(api_client_for("trader"), "pnl-attribution", window_minutes=23 * 60 + 30).json()

    # Unrealized moved 100 -> 120; realized in the window: 30 yesterday, 5 today.
    expected = {"pnl": 55.0, "unrealized_change": 20.0, "realized": 35.0, "complete": True}
    assert body["by_strategy"]["momentum"] == pytest.approx(expected)
    assert body["by_venue"]["exchange-2"] == pytest.approx(expected)
    assert body["by_symbol"]["BTC-USD"] == pytest.approx(expected)
    assert body["total"] == pytest.approx(expected)
    short = _get(api_client_for("trader"), "pnl-attribution", window_minutes=120).json()
    assert short["by_strategy"]["momentum"]["pnl"] == 0.0  # one snapshot in two hours


def test_pnl_attribution_validates_its_window(book: Book, api_client_for: ClientFor) -> None:
    client = api_client_for("trader")

    for bad in (0, 10081, "a day", ""):
        response = _get(client, "pnl-attribution", window_minutes=bad)
        assert response.status_code == 400, bad
        assert list(response.json()["error"]["fields"]) == ["window_minutes"]
    assert _get(client, "pnl-attribution", window_minutes=5).status_code == 404  # none in it


def test_limit_utilization_lists_every_limit_with_its_lines(
    book: Book, api_client_for: ClientFor, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    Limit.objects.create(
        key="test.btc", kind="position_max_long", breach_type="position_limit_long",
        scope_kind="symbol", scope="BTC-USD", value=Decimal(5), unit="units",
        warn_at_utilization=Decimal("0.4"),
    )  # fmt: skip
    Limit.objects.create(
        key="test.var", kind="var_99", breach_type="var_limit", scope_kind="portfolio",
        scope="portfolio", value=Decimal(1), unit="usd", enabled=False,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        portfolio_cycle_run(portfolio_id=book.portfolio.pk, cycle_start=NOW)

    body = _get(api_client_for("trader"), "limit-utilization").json()

    assert body["display"] == {
        "show_utilization_percentage": True, "warn_at_utilization": 0.75,
        "alert_at_utilization": 0.9,
    }  # fmt: skip
    rows = {row["limit_key"]: row for row in body["limits"]}
    btc, var = rows["test.btc"], rows["test.var"]
    assert btc["utilization"] == pytest.approx(2.5 / 5)  # net 5.0 - 2.5 BTC against 5
    assert (btc["warn_line"], btc["alert_line"], btc["state"]) == (0.4, 1.0, "warn")
    assert btc["scopes"] == [
        {"scope": "BTC-USD", "current": 2.5, "limit": 5.0, "utilization": pytest.approx(0.5)}
    ]
    assert (var["enabled"], var["utilization"], var["state"], var["warn_line"]) == (
        False, None, None, 0.5,
    )  # fmt: skip


@pytest.mark.parametrize("name", PATHS)
def test_every_door_answers_404_without_a_portfolio_or_snapshot(
    db: None, api_client_for: ClientFor, name: str
) -> None:
    client = api_client_for("trader")

    assert _get(client, name).status_code == 404  # no portfolio at all
    assert _get(client, name, portfolio="nope").status_code == 404
    bad = _get(client, name, portfolio="not a name")
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["portfolio"]


@pytest.mark.parametrize("name", PATHS)
def test_every_door_needs_authentication(client: Any, name: str) -> None:
    assert client.get(f"{BASE}/{name}").status_code in (401, 403)


@pytest.mark.parametrize("role", ["trader", "auditor", "integration", "risk_officer"])
def test_every_reading_role_may_read_them(
    snapshot: RiskSnapshot, api_client_for: ClientFor, role: str
) -> None:
    client = api_client_for(role)

    for name in PATHS:
        assert _get(client, name).status_code == 200, name
