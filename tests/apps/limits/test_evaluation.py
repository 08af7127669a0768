"""limits_evaluate on hand-made figures: every breach type against a hand-computed expectation.
No database: the evaluation is pure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from apps.limits.evaluation import _MEASURES, LimitSpec, StaleSource, limits_evaluate
from apps.limits.fromconfig import config_limits
from apps.limits.kinds import BREACH_TYPES, KINDS, PNL_CALCULATION_SOURCE
from tests.apps.limits.conftest import SIZE_FORM, THRESHOLDS, limits_file_of


def _spec(kind: str, scope: str, value: float, warn: float | None = None, **kw: Any) -> LimitSpec:
    return LimitSpec(
        id=kw.get("id", 1), key=f"test.{kind}.{scope}", kind=kind, scope=scope, value=value,
        warn_at_utilization=warn, enabled=kw.get("enabled", True),
    )  # fmt: skip


def _one(spec: LimitSpec, figures: dict, sources: tuple[StaleSource, ...] = ()):
    readings = limits_evaluate(
        limits=[spec], figures=figures, stale_sources=sources, thresholds=THRESHOLDS
    )
    assert len(readings) == 1, readings
    return readings[0]


def _symbols(**rows: dict) -> dict:
    return {"symbols": {name.replace("_", "-"): row for name, row in rows.items()}}


def test_it_covers_every_kind_and_every_breach_type_of_the_brief() -> None:
    assert set(_MEASURES) == set(KINDS)
    assert {kind.breach_type for kind in KINDS.values()} == set(BREACH_TYPES)


def test_it_reads_the_briefs_15_btc_against_max_long_10_as_one_critical_breach(
    tmp_path: Path,
) -> None:
    specs = [
        LimitSpec(i, c.key, c.kind, c.scope, float(c.value),
                  None if c.warn_at_utilization is None else float(c.warn_at_utilization))
        for i, c in enumerate(config_limits(limits_file_of(tmp_path, SIZE_FORM)), start=1)
    ]  # fmt: skip
    figures = _symbols(BTC_USD={"net_size": 15.0, "notional": 600_000.0})
    readings = limits_evaluate(limits=specs, figures=figures, thresholds=THRESHOLDS)
    position = [r for r in readings if r.breach_type.startswith("position_limit")]
    breached = [r for r in position if r.breached]
    assert len(breached) == 1
    (btc,) = breached
    assert (btc.breach_type, btc.scope, btc.limit_key) == (
        "position_limit_long", "BTC-USD", "position_limits.BTC-USD.max_long",
    )  # fmt: skip
    assert btc.utilization == pytest.approx(1.5)
    assert btc.severity == "critical"
    assert (btc.current, btc.limit, btc.unit) == (15.0, 10.0, "units")
    # Every applicable limit is read, not only breached ones (ETH-USD is flat: 0).
    eth_long = next(r for r in position if r.limit_key == "position_limits.ETH-USD.max_long")
    assert (eth_long.utilization, eth_long.severity, eth_long.breached) == (0.0, None, False)


def test_it_reads_a_short_position_against_max_short_on_the_short_side() -> None:
    figures = _symbols(BTC_USD={"net_size": -3.0})
    reading = _one(_spec("position_max_short", "BTC-USD", -5.0, warn=0.8), figures)
    assert reading.breach_type == "position_limit_short"
    assert reading.utilization == pytest.approx(0.6)
    assert reading.severity == "low"
    assert reading.opening_level == 0.8
    assert not reading.breached


def test_it_gives_a_long_position_zero_utilization_against_max_short() -> None:
    reading = _one(_spec("position_max_short", "BTC-USD", -5.0), _symbols(BTC_USD={"net_size": 4}))
    assert reading.utilization == 0.0
    assert reading.severity is None


def test_it_reads_notional_position_limits_on_their_side() -> None:
    figures = _symbols(BTC_USD={"net_exposure": 4_000_000.0}, ETH_USD={"net_exposure": -1.2e6})
    long_btc = _one(_spec("position_max_long_notional", "BTC-USD", 5e6), figures)
    short_eth = _one(_spec("position_max_short_notional", "ETH-USD", 1.5e6), figures)
    short_btc = _one(_spec("position_max_short_notional", "BTC-USD", 2.5e6), figures)
    assert (long_btc.breach_type, long_btc.utilization) == ("position_limit_long", 0.8)
    assert (short_eth.breach_type, short_eth.utilization) == ("position_limit_short", 0.8)
    assert (short_eth.current, short_eth.limit) == (-1.2e6, -1.5e6)
    assert short_btc.utilization == 0.0


def test_it_reads_concentration_against_its_fraction() -> None:
    reading = _one(
        _spec("concentration", "BTC-USD", 0.30), _symbols(BTC_USD={"concentration": 0.28})
    )
    assert reading.breach_type == "concentration_limit"
    assert reading.utilization == pytest.approx(0.28 / 0.30)
    assert reading.severity == "high"


def test_it_applies_the_per_symbol_notional_limit_to_every_symbol_held() -> None:
    figures = _symbols(BTC_USD={"notional": 1_500_000.0}, ETH_USD={"notional": 2_400_000.0})
    readings = limits_evaluate(
        limits=[_spec("symbol_notional", "*", 2e6)], figures=figures, thresholds=THRESHOLDS
    )
    got = {(r.scope, r.breach_type, r.utilization, r.severity) for r in readings}
    assert got == {
        ("BTC-USD", "notional_limit_symbol", 0.75, "medium"),
        ("ETH-USD", "notional_limit_symbol", 1.2, "critical"),
    }


def test_it_reads_total_and_gross_notional_at_portfolio_scope() -> None:
    figures = {"exposure": {"total_notional": 9e6, "gross_notional": 12e6}}
    total = _one(_spec("total_notional", "portfolio", 10e6), figures)
    gross = _one(_spec("gross_notional", "portfolio", 10e6), figures)
    assert (total.breach_type, total.scope_kind, total.scope) == (
        "notional_limit_total", "portfolio", "portfolio",
    )  # fmt: skip
    assert (total.utilization, total.severity) == (0.9, "high")
    assert (gross.utilization, gross.severity) == (1.2, "critical")


def test_it_reads_delta_either_way_by_magnitude() -> None:
    figures = {"deltas": {"BTC": {"units": -12.0, "usd": -5e5}, "USD": {"units": 1e6, "usd": 1e6}}}
    btc = _one(_spec("delta", "BTC", 15.0), figures)
    usd = _one(_spec("delta", "USD", 5e6), figures)
    eth = _one(_spec("delta", "ETH", 250.0), figures)
    assert (btc.breach_type, btc.scope_kind, btc.current, btc.utilization) == (
        "delta_limit", "asset", 12.0, 0.8,
    )  # fmt: skip
    assert (usd.utilization, usd.severity) == (0.2, None)
    assert eth.utilization == 0.0  # no ETH held: flat


def test_it_reads_daily_loss_as_the_loss_against_the_limits_magnitude() -> None:
    spec = _spec("daily_loss", "portfolio", -500_000.0)
    loss = _one(spec, {"pnl": {"daily_pnl": -400_000.0}})
    gain = _one(spec, {"pnl": {"daily_pnl": 100.0}})
    assert (loss.breach_type, loss.current, loss.limit, loss.utilization) == (
        "daily_loss_limit", 400_000.0, 500_000.0, 0.8,
    )  # fmt: skip
    assert (gain.current, gain.utilization) == (0.0, 0.0)


def test_it_reads_drawdown_and_trailing_stop_from_the_current_drawdown() -> None:
    figures = {"drawdown": {"drawdown": -0.12, "max_drawdown": -0.2}}
    drawdown = _one(_spec("max_drawdown", "portfolio", -0.15), figures)
    trailing = _one(_spec("trailing_stop", "portfolio", 0.10), figures)
    assert drawdown.breach_type == "drawdown_limit"
    assert drawdown.utilization == pytest.approx(0.8)
    assert trailing.breach_type == "trailing_stop"
    assert trailing.utilization == pytest.approx(1.2)
    assert trailing.severity == "critical"


def test_it_reads_var_as_the_historical_var() -> None:
    figures = {"var": {"historical_var": 600_000.0, "parametric_var": 900_000.0}}
    reading = _one(_spec("var_99", "portfolio", 750_000.0), figures)
    assert (reading.breach_type, reading.current, reading.utilization) == (
        "var_limit", 600_000.0, 0.8,
    )  # fmt: skip


def test_it_reads_leverage_against_its_ratio() -> None:
    reading = _one(_spec("leverage", "portfolio", 3.0), {"exposure": {"leverage": 2.7}})
    assert (reading.breach_type, reading.unit) == ("leverage_limit", "ratio")
    assert reading.utilization == pytest.approx(0.9)


def test_it_reads_the_worst_stress_scenario_loss() -> None:
    figures = {"stress": [{"name": "crash", "pnl": -900_000.0}, {"name": "rally", "pnl": 2e5}]}
    reading = _one(_spec("stress_loss", "portfolio", 1_500_000.0), figures)
    assert (reading.breach_type, reading.current, reading.utilization) == (
        "stress_loss_limit", 900_000.0, 0.6,
    )  # fmt: skip


def test_it_reads_the_age_of_every_data_source_against_the_staleness_limit() -> None:
    sources = (
        StaleSource("exchange-1:balances", 600.0),
        StaleSource("custodian-1:balances", 30.0),
        StaleSource(PNL_CALCULATION_SOURCE, 45.0),
    )
    limits = [
        _spec("data_staleness", "*", 5, id=1),
        _spec("pnl_frequency", PNL_CALCULATION_SOURCE, 30, id=2),
    ]
    readings = limits_evaluate(
        limits=limits, figures={}, stale_sources=sources, thresholds=THRESHOLDS
    )
    got = {(r.limit_id, r.scope, r.current, r.limit, r.utilization, r.severity) for r in readings}
    assert got == {
        (1, "exchange-1:balances", 600.0, 300.0, 2.0, "critical"),
        (1, "custodian-1:balances", 30.0, 300.0, 0.1, None),
        (2, PNL_CALCULATION_SOURCE, 45.0, 30.0, 1.5, "critical"),
    }
    assert {(r.breach_type, r.scope_kind, r.unit) for r in readings} == {
        ("data_staleness", "source", "seconds")
    }


def test_it_gives_no_reading_for_a_figure_the_engine_could_not_compute() -> None:
    figures = {
        "symbols": {"BTC-USD": {"net_size": 2.0, "notional": None, "net_exposure": None}},
        "pnl": {"daily_pnl": None},
        "var": {"historical_var": None},
    }
    limits = [
        _spec("symbol_notional", "*", 2e6),
        _spec("position_max_long_notional", "BTC-USD", 5e6),
        _spec("daily_loss", "portfolio", -5e5),
        _spec("var_99", "portfolio", 7.5e5),
    ]
    assert limits_evaluate(limits=limits, figures=figures, thresholds=THRESHOLDS) == []


def test_it_skips_disabled_limits() -> None:
    spec = _spec("position_max_long", "BTC-USD", 10.0, enabled=False)
    figures = _symbols(BTC_USD={"net_size": 15.0})
    assert limits_evaluate(limits=[spec], figures=figures, thresholds=THRESHOLDS) == []


def test_it_opens_at_the_lowest_threshold_when_the_limit_has_no_warn_level() -> None:
    reading = _one(_spec("position_max_long", "BTC-USD", 10.0), _symbols(BTC_USD={"net_size": 5}))
    assert (reading.opening_level, reading.breached, reading.severity) == (0.5, True, "low")
    assert reading.fingerprint == "test.position_max_long.BTC-USD|BTC-USD"
