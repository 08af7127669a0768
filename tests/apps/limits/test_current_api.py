"""GET /api/v1/limits/current, and limits_check on a real engine result."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY

from apps.limits.evaluation import StaleSource
from apps.limits.gauges import compliance_gauges_set, limit_gauges_set
from apps.limits.models import Limit
from apps.limits.readings import EvaluationContext
from apps.limits.services import limits_check
from apps.positions.services import portfolio_default
from apps.risk.models import RiskSnapshot
from tests.engine import enginecases as ec

pytestmark = pytest.mark.django_db

CURRENT = "/api/v1/limits/current"


def _figures(btc: float) -> dict[str, Any]:
    """The engine's own output for a book of ``btc`` BTC-USD perpetual on exchange-1."""
    return ec.run(ec.make_inputs([ec.perp("exchange-1", "BTC-USD", btc, 40000.0)])).to_dict()


def _snapshot(
    figures: dict[str, Any],
    as_of: datetime,
    sources: dict[str, str],
    stale: list[dict[str, Any]] | None = None,
) -> RiskSnapshot:
    return RiskSnapshot.objects.create(
        portfolio=portfolio_default(), cycle_start=as_of, as_of=as_of, engine_version="1.0.0",
        equity=figures["pnl"]["equity"], equity_complete=True, total_pnl=0.0,
        unrealized_pnl=0.0, realized_today=0.0, gross_notional=0.0, net_notional=0.0,
        total_notional=0.0, figures=figures, input_as_of=sources, stale_sources=stale or [],
    )  # fmt: skip


def _by_key(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["key"]: row for row in body["limits"]}


def test_it_lists_every_limit_with_null_utilization_without_a_snapshot(
    shipped_limits: None, api_client_for: Callable[[str], Any]
) -> None:
    response = api_client_for("trader").get(CURRENT)

    assert response.status_code == 200
    body = response.json()
    assert (body["snapshot_id"], body["as_of"], body["pending_requests"]) == (None, None, [])
    rows = _by_key(body)
    assert len(rows) == Limit.objects.count() == 30
    max_long = rows["position_limits.BTC-USD.max_long"]
    assert max_long | {"id": 0, "updated_at": ""} == {
        "id": 0, "key": "position_limits.BTC-USD.max_long", "kind": "position_max_long",
        "breach_type": "position_limit_long", "scope_kind": "symbol", "scope": "BTC-USD",
        "value": "10", "unit": "units", "warn_at_utilization": "0.8", "enabled": True,
        "source": "yaml", "updated_at": "", "utilization": None, "severity": None, "readings": [],
    }  # fmt: skip


def test_it_reads_utilization_from_the_latest_risk_snapshot(
    shipped_limits: None, api_client_for: Callable[[str], Any]
) -> None:
    as_of = datetime(2025, 9, 16, 14, 23, 45, tzinfo=UTC)
    _snapshot(_figures(5.0), as_of - timedelta(minutes=1), {})
    sources = {"exchange-1:positions": (as_of - timedelta(seconds=30)).isoformat(),
               "exchange-2:balances": (as_of - timedelta(minutes=10)).isoformat()}  # fmt: skip
    # As the risk loader judges them: balances are due every 5 s cycle, so 10 minutes old is
    # 595 s overdue against the 300 s grace (apps.venues.freshness).
    stale = [{"source": "exchange-2:balances", "as_of": sources["exchange-2:balances"],
              "age_seconds": 600.0, "refresh_interval_seconds": 5.0, "overdue_seconds": 595.0,
              "reason": "overdue"}]  # fmt: skip
    latest = _snapshot(_figures(15.0), as_of, sources, stale)

    body = api_client_for("trader").get(CURRENT).json()

    assert body["snapshot_id"] == latest.pk
    rows = _by_key(body)
    max_long = rows["position_limits.BTC-USD.max_long"]
    assert (max_long["utilization"], max_long["severity"]) == (1.5, "critical")
    assert max_long["readings"] == [{
        "scope_kind": "symbol", "scope": "BTC-USD", "current": 15.0, "limit": 10.0,
        "unit": "units", "utilization": 1.5, "severity": "critical", "opening_level": 0.8,
        "breached": True,
    }]  # fmt: skip
    assert rows["position_limits.BTC-USD.max_short"]["utilization"] == 0.0
    # 15 BTC at the engine's mark of 42,000: 630,000 of the $2M per-symbol limit.
    per_symbol = rows["notional_limits.per_symbol"]["readings"]
    assert [(r["scope"], r["current"]) for r in per_symbol] == [("BTC-USD", 630_000.0)]
    staleness = rows["operational_limits.position_staleness_minutes"]["readings"]
    assert [(r["scope"], r["current"], r["severity"]) for r in staleness] == [
        ("exchange-1:positions", 0.0, None),
        ("exchange-2:balances", 595.0, "critical"),
    ]
    # No start-of-day equity in this book: the daily loss cannot be read.
    assert rows["drawdown_limits.daily_loss"]["utilization"] is None


def test_it_lists_pending_requests(
    shipped_limits: None, api_client_for: Callable[[str], Any]
) -> None:
    officer = api_client_for("risk_officer")
    body = {"limit_key": "portfolio_limits.max_var_99", "value": "800000", "reason": "new desk"}
    created = officer.post("/api/v1/limits/update", body, format="json").json()

    pending = officer.get(CURRENT).json()["pending_requests"]

    assert [(p["id"], p["limit_key"], p["status"]) for p in pending] == [
        (created["id"], "portfolio_limits.max_var_99", "proposed")
    ]
    assert pending[0]["after"]["value"] == "800000"


def test_it_refuses_current_limits_without_login(client: Any) -> None:
    assert client.get(CURRENT).status_code in (401, 403)


def test_it_checks_enabled_limits_and_their_gauges_mirror_the_readings(
    shipped_limits: None,
) -> None:
    Limit.objects.filter(key="position_limits.BTC-USD.max_long_notional").update(enabled=False)
    portfolio = portfolio_default()
    context = EvaluationContext(
        portfolio_id=portfolio.pk, snapshot_id=None, as_of=datetime.now(UTC),
        engine_version="1.0.0", correlation_id="risk-check-001",
    )  # fmt: skip

    readings = limits_check(
        portfolio_id=portfolio.pk, figures=_figures(15.0),
        stale_sources=[StaleSource("exchange-1:balances", 900.0)], context=context,
    )  # fmt: skip
    limit_gauges_set(readings)  # the monitoring cycle's after-commit steps
    compliance_gauges_set(readings)

    keys = {r.limit_key for r in readings}
    assert "position_limits.BTC-USD.max_long_notional" not in keys
    assert {"position_limits.BTC-USD.max_long", "position_limits.ETH-USD.max_long"} <= keys
    gauge = REGISTRY.get_sample_value
    labels = {"limit_type": "position_limit_long", "symbol": "BTC-USD"}
    assert gauge("risk_limit_utilization", labels) == 1.5
    assert (
        gauge("risk_compliance_status", {"mandate": "position_limit_long", "symbol": "BTC-USD"})
        == 2  # breach: utilization 1.5 is critical
    )
    assert gauge("risk_compliance_status", {"mandate": "delta_limit", "symbol": "ETH"}) == 0
    assert gauge("risk_limit_utilization", {"limit_type": "data_staleness",
                                            "symbol": "exchange-1:balances"}) == 3.0  # fmt: skip


def test_it_refuses_a_context_of_another_portfolio(shipped_limits: None) -> None:
    context = EvaluationContext(
        portfolio_id=2, snapshot_id=None, as_of=datetime.now(UTC), engine_version="1.0.0",
        correlation_id="risk-check-002",
    )  # fmt: skip
    with pytest.raises(ValueError, match="portfolio_id"):
        limits_check(portfolio_id=1, figures={}, context=context)
