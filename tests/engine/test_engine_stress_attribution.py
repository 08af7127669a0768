"""Stress revaluation and P&L attribution against independent recomputations."""

from collections import defaultdict

import pytest

from riskmonitor.engine import BalanceRow, StressScenario
from tests.engine.enginecases import CUSTODIAN, PRICES, make_inputs, perp, run, spot

POSITIONS = [
    perp("exchange-1", "BTC-USDT", 2.0, 40_000.0, realized_today=100.0, strategy="basis"),
    perp("exchange-2", "ETH-USD", -50.0, 2_000.0, multiplier=0.1, strategy="trend"),
    spot("exchange-1", "SOL-USD", 10.0, 50.0, realized_today=-3.0, strategy="trend"),
    perp("exchange-2", "BTC-USD", -1.0, 44_000.0, realized_today=7.0, strategy="basis"),
]
BALANCES = [
    BalanceRow("exchange-1", "main", "USDT", 30_000.0),
    BalanceRow("exchange-1", "main", "SOL", 10.0),
    BalanceRow(CUSTODIAN, "master", "BTC", 1.5),
    BalanceRow(CUSTODIAN, "master", "ETH", 4.0),
]
CRASH = {"BTC": -0.30, "ETH": -0.40}


def _equity(prices: dict[str, float]) -> float:
    return run(make_inputs(POSITIONS, BALANCES, prices=prices)).pnl.equity


def test_it_revalues_balances_and_derivatives_under_each_scenario() -> None:
    scenarios = (
        StressScenario("crash", relative=CRASH),
        StressScenario("depeg", absolute={"USDT": 0.97}),
        StressScenario("both", relative=CRASH, absolute={"USDT": 0.97, "DOGE": 0.1}),
    )
    result = run(make_inputs(POSITIONS, BALANCES), stress_scenarios=scenarios)
    base = _equity(dict(PRICES))
    crashed = {**PRICES, "BTC-USD": PRICES["BTC-USD"] * 0.7, "ETH-USD": PRICES["ETH-USD"] * 0.6}
    depegged = {**PRICES, "USDT-USD": 0.97}
    expected = {
        "crash": _equity(crashed) - base,
        "depeg": _equity(depegged) - base,
        "both": _equity({**crashed, "USDT-USD": 0.97}) - base,
    }
    for stress in result.stress:
        assert stress.pnl == pytest.approx(expected[stress.name])
        assert stress.pnl_pct_equity == pytest.approx(expected[stress.name] / result.pnl.equity)
    assert result.stress[2].unmatched_assets == ("DOGE",)
    # by hand: custodian BTC 1.5 and net perp BTC 1.0 lose 30%; ETH 4 - 5 lose 40%; USDT 3%
    by_hand = -0.3 * 42_000 * 2.5 - 0.4 * 2_100 * (4.0 - 5.0)
    assert expected["crash"] == pytest.approx(by_hand)
    assert expected["depeg"] == pytest.approx(30_000 * (0.97 - 0.999))


def test_it_attributes_pnl_by_strategy_venue_and_symbol() -> None:
    result = run(make_inputs(POSITIONS, BALANCES))
    totals: dict[str, dict[str, float]] = {
        "strategy": defaultdict(float),
        "venue": defaultdict(float),
        "symbol": defaultdict(float),
    }
    for row in POSITIONS:
        symbol = row.symbol.replace("USDT", "USD")
        pnl = (PRICES[symbol] - row.avg_entry) * row.size * row.multiplier + row.realized_today
        totals["strategy"][row.strategy] += pnl
        totals["venue"][row.venue] += pnl
        totals["symbol"][symbol] += pnl
    tables = {
        "strategy": result.attribution.by_strategy,
        "venue": result.attribution.by_venue,
        "symbol": result.attribution.by_symbol,
    }
    for key, table in tables.items():
        assert set(table.names) == set(totals[key])
        for name, value in totals[key].items():
            assert table.row(name)["total_pnl"] == pytest.approx(value)
    assert sum(totals["strategy"].values()) == pytest.approx(result.pnl.total_pnl)


def test_it_attributes_pnl_by_venue_and_symbol_pair() -> None:
    result = run(make_inputs(POSITIONS, BALANCES))
    expected: dict[str, float] = defaultdict(float)
    for row in POSITIONS:
        symbol = row.symbol.replace("USDT", "USD")
        pnl = (PRICES[symbol] - row.avg_entry) * row.size * row.multiplier + row.realized_today
        expected[f"{row.venue}|{symbol}"] += pnl

    table = result.attribution.by_venue_symbol
    assert set(table.names) == set(expected)
    for name, value in expected.items():
        assert table.row(name)["total_pnl"] == pytest.approx(value)
    assert "by_venue_symbol" in result.attribution.to_dict()
