"""P&L, equity, notional, concentration, leverage and delta against plain-loop recomputations."""

from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskmonitor.engine import BalanceRow, EngineInputs, Kind, PositionRow
from tests.engine.enginecases import (
    CUSTODIAN,
    MIDNIGHT,
    PRICES,
    QUICK,
    T0,
    make_inputs,
    perp,
    run,
    spot,
)

PRICED = {**PRICES, "ETH-BTC": 0.05}
USD_PRICE = {"USD": 1.0, "BTC": 42_000.0, "ETH": 2_100.0, "SOL": 60.0, "USDT": 0.999}
ALIAS = {"USDT": "USD"}

POSITIONS = [
    perp("exchange-1", "BTC-USDT", 3.0, 40_000.0, realized_today=250.0, strategy="basis"),
    perp("exchange-2", "BTC-USD", -1.5, 43_000.0, strategy="basis"),
    perp(
        "exchange-2",
        "ETH-USD",
        20.0,
        2_000.0,
        multiplier=0.1,
        realized_today=-40.0,
        strategy="trend",
    ),
    perp("exchange-1", "ETH-BTC", 10.0, 0.048, strategy="rv"),
    spot("exchange-1", "SOL-USD", 100.0, 55.0, realized_today=12.0, strategy="trend"),
]
BALANCES = [
    BalanceRow("exchange-1", "main", "USDT", 50_000.0),
    BalanceRow("exchange-1", "main", "SOL", 100.0),
    BalanceRow("exchange-2", "main", "USD", 20_000.0),
    BalanceRow(CUSTODIAN, "master", "BTC", 2.0),
    BalanceRow(CUSTODIAN, "master", "USDT", 10_000.0),
]


def _inputs() -> EngineInputs:
    return make_inputs(
        POSITIONS,
        BALANCES,
        prices=PRICED,
        equity_samples=[(MIDNIGHT - 3_600, 190_000.0), (MIDNIGHT + 60, 1.0)],
        transfers=[(MIDNIGHT - 10, 7.0), (MIDNIGHT + 100, 5_000.0), (T0 + 10, 99.0)],
    )


def _split(symbol: str) -> tuple[str, str]:
    base, quote = symbol.split("-")
    return base, {"USDT": "USD"}.get(quote, quote)


def _loop_unrealized() -> list[float]:
    out = []
    for row in POSITIONS:
        base, quote = _split(row.symbol)
        mark = PRICED[f"{base}-{quote}"]
        out.append((mark - row.avg_entry) * row.size * row.multiplier * USD_PRICE[quote])
    return out


def _loop_equity() -> float:
    balances = sum(b.amount * USD_PRICE[b.asset] for b in BALANCES)
    derivative = sum(
        u
        for u, row in zip(_loop_unrealized(), POSITIONS, strict=True)
        if row.kind == Kind.DERIVATIVE
    )
    return balances + derivative


def test_it_computes_unrealized_realized_and_total_pnl() -> None:
    result = run(_inputs())
    assert result.pnl.unrealized_pnl == pytest.approx(sum(_loop_unrealized()))
    assert result.pnl.realized_today == pytest.approx(222.0)
    assert result.pnl.total_pnl == pytest.approx(sum(_loop_unrealized()) + 222.0)


def test_it_values_equity_from_balances_plus_derivative_pnl() -> None:
    result = run(_inputs())
    assert result.pnl.equity == pytest.approx(_loop_equity())
    assert result.pnl.equity_complete


def test_it_nets_daily_pnl_of_todays_transfers_only() -> None:
    result = run(_inputs())
    # 00:00 equity: the last sample at or before midnight; the 99 is after as_of, the 7 before 00:00
    assert result.pnl.equity_start_of_day == 190_000.0
    assert result.pnl.transfers_today == 5_000.0
    assert result.pnl.daily_pnl == pytest.approx(_loop_equity() - 190_000.0 - 5_000.0)
    assert result.pnl.daily_loss == min(result.pnl.daily_pnl or 0.0, 0.0)


def test_it_reports_no_daily_pnl_without_a_start_of_day_sample() -> None:
    result = run(
        make_inputs(POSITIONS, BALANCES, prices=PRICED, equity_samples=[(MIDNIGHT + 1, 5.0)])
    )
    assert result.pnl.daily_pnl is None
    assert "no_start_of_day_equity" in result.flags


def _loop_legs() -> list[tuple[str, str, float]]:
    legs = [
        (f"{_split(r.symbol)[0]}-{_split(r.symbol)[1]}", r.venue, r.size * r.multiplier)
        for r in POSITIONS
    ]
    for b in BALANCES:
        group = ALIAS.get(b.asset, b.asset)
        if b.venue == CUSTODIAN and group != "USD":
            legs.append((f"{group}-USD", b.venue, b.amount))
    return legs


def _usd_mark(symbol: str) -> float:
    return PRICED[symbol] * USD_PRICE[symbol.split("-")[1]]


def test_it_computes_notionals_concentration_and_leverage() -> None:
    result = run(_inputs())
    net: dict[str, float] = defaultdict(float)
    cell: dict[tuple[str, str], float] = defaultdict(float)
    for symbol, venue, size in _loop_legs():
        net[symbol] += size
        cell[(symbol, venue)] += size
    gross: dict[str, float] = defaultdict(float)
    for (symbol, _), size in cell.items():
        gross[symbol] += abs(size) * _usd_mark(symbol)
    total_gross = sum(gross.values())
    for symbol, size in net.items():
        row = result.symbols.row(symbol)
        assert row["net_size"] == pytest.approx(size)
        assert row["notional"] == pytest.approx(abs(size) * _usd_mark(symbol))
        assert row["gross_notional"] == pytest.approx(gross[symbol])
        assert row["concentration"] == pytest.approx(gross[symbol] / total_gross)
    assert result.exposure.gross_notional == pytest.approx(total_gross)
    assert result.exposure.net_notional == pytest.approx(
        abs(sum(s * _usd_mark(k) for k, s in net.items()))
    )
    assert result.exposure.total_notional == pytest.approx(
        sum(abs(s) * _usd_mark(k) for k, s in net.items())
    )
    assert result.exposure.leverage == pytest.approx(total_gross / _loop_equity())


def test_it_computes_delta_per_asset_base_long_quote_short() -> None:
    units: dict[str, float] = defaultdict(float)
    usd: dict[str, float] = defaultdict(float)
    for b in BALANCES:
        units[ALIAS.get(b.asset, b.asset)] += b.amount
        usd[ALIAS.get(b.asset, b.asset)] += b.amount * USD_PRICE[b.asset]
    for r in POSITIONS:
        if r.kind != Kind.DERIVATIVE:
            continue  # spot holdings are in the balances already
        base, quote = _split(r.symbol)
        mark = PRICED[f"{base}-{quote}"]
        units[base] += r.size * r.multiplier
        units[quote] -= r.size * r.multiplier * mark
        usd[base] += r.size * r.multiplier * mark * USD_PRICE[quote]
        usd[quote] -= r.size * r.multiplier * mark * USD_PRICE[quote]
    deltas = run(_inputs()).deltas
    assert set(deltas.names) == set(units)
    for asset in units:
        assert deltas.row(asset)["units"] == pytest.approx(units[asset])
        assert deltas.row(asset)["usd"] == pytest.approx(usd[asset])


@QUICK
@given(
    legs=st.lists(
        st.tuples(
            st.sampled_from(["BTC-USD", "ETH-USD", "SOL-USD"]),
            st.floats(-100, 100),
            st.sampled_from([1.0, 0.01]),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_it_gives_a_fully_hedged_book_zero_delta(legs: list[tuple[str, float, float]]) -> None:
    # each spot holding (as balances) is hedged by a short perpetual of the same size
    positions, balances = [], []
    for symbol, size, multiplier in legs:
        base = symbol.split("-")[0]
        positions.append(
            perp("exchange-2", symbol, -size / multiplier, PRICES[symbol], multiplier=multiplier)
        )
        balances.append(BalanceRow("exchange-1", "main", base, size))
    result = run(make_inputs(positions, balances))
    for asset in ("BTC", "ETH", "SOL"):
        if asset in result.deltas.names:
            assert result.deltas.row(asset)["units"] == pytest.approx(0.0, abs=1e-9)
            assert result.deltas.row(asset)["usd"] == pytest.approx(0.0, abs=1e-6)
    # what is left is the numeraire: the short perpetuals' quote legs, i.e. the cash equivalent
    assert float(np.sum(result.deltas.usd)) == pytest.approx(result.pnl.equity, abs=1e-6)


def test_it_reports_no_leverage_for_non_positive_equity() -> None:
    rows = [PositionRow("exchange-1", "main", "BTC-USD", Kind.DERIVATIVE, 1.0, 50_000.0)]
    result = run(make_inputs(rows))
    assert result.pnl.equity == pytest.approx(-8_000.0)
    assert result.exposure.leverage is None
    assert "equity_non_positive" in result.flags
