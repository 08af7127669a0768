from collections import defaultdict

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from riskmonitor.engine import BalanceRow, Kind, PositionRow
from tests.engine.enginecases import CUSTODIAN, QUICK, make_inputs, net_size, perp, run, spot


def test_it_nets_the_briefs_case_to_two_and_a_half() -> None:
    inputs = make_inputs(
        [
            perp("exchange-1", "BTC-USD", 5.0, 40_000.0),
            perp("exchange-2", "BTC-USD", -2.5, 41_000.0),
        ]
    )
    result = run(inputs)
    assert result.symbols.row("BTC-USD")["net_size"] == 2.5
    assert result.venue_positions.for_symbol("BTC-USD") == {"exchange-1": 5.0, "exchange-2": -2.5}


def test_it_counts_custodian_holdings_and_aliased_quotes_toward_one_symbol() -> None:
    inputs = make_inputs(
        [
            perp("exchange-1", "BTC-USDT", 2.0, 40_000.0, multiplier=0.5),
            spot("exchange-2", "BTC-USDC", 0.25, 39_000.0),
        ],
        [
            BalanceRow(CUSTODIAN, "master", "BTC", 3.0),
            BalanceRow(CUSTODIAN, "master", "USDT", 1_000.0),
        ],
    )
    result = run(inputs)
    assert result.symbols.row("BTC-USD")["net_size"] == 2.0 * 0.5 + 0.25 + 3.0
    assert result.venue_positions.for_symbol("BTC-USD") == {
        "exchange-1": 1.0,
        "exchange-2": 0.25,
        CUSTODIAN: 3.0,
    }
    # USDT is aliased to the numeraire: custodian stablecoins are cash, not a position
    assert result.symbols.row("USDT-USD")["net_size"] == 0.0


def test_it_does_not_count_exchange_balances_as_positions() -> None:
    inputs = make_inputs(
        [spot("exchange-1", "ETH-USD", 4.0, 2_000.0)],
        [BalanceRow("exchange-1", "main", "ETH", 4.0)],
    )
    assert run(inputs).symbols.row("ETH-USD")["net_size"] == 4.0


def test_it_sums_accounts_within_a_venue() -> None:
    rows = [
        PositionRow("exchange-1", "a", "SOL-USD", Kind.DERIVATIVE, 10.0, 50.0),
        PositionRow("exchange-1", "b", "SOL-USD", Kind.DERIVATIVE, -4.0, 55.0),
    ]
    result = run(make_inputs(rows))
    assert result.venue_positions.for_symbol("SOL-USD") == {"exchange-1": 6.0}


rows_strategy = st.lists(
    st.tuples(
        st.sampled_from(["exchange-1", "exchange-2", "exchange-3"]),
        st.sampled_from(["BTC-USD", "ETH-USD", "SOL-USD"]),
        st.floats(-50, 50, allow_nan=False).map(lambda x: round(x, 3)),
        st.sampled_from([1.0, 0.1, 10.0]),
    ),
    min_size=1,
    max_size=25,
)


def _rows(raw: list[tuple[str, str, float, float]]) -> list[PositionRow]:
    return [perp(v, s, size, 100.0, multiplier=m) for v, s, size, m in raw]


def _loop_net(raw: list[tuple[str, str, float, float]]) -> dict[str, float]:
    net: dict[str, float] = defaultdict(float)
    for _, symbol, size, multiplier in raw:
        net[symbol] += size * multiplier
    return net


@QUICK
@given(raw=rows_strategy, seed=st.integers(0, 10_000))
def test_it_nets_order_independently_and_as_a_plain_sum(
    raw: list[tuple[str, str, float, float]], seed: int
) -> None:
    permuted = [raw[i] for i in np.random.default_rng(seed).permutation(len(raw))]
    first, second = run(make_inputs(_rows(raw))), run(make_inputs(_rows(permuted)))
    for symbol, expected in _loop_net(raw).items():
        assert np.isclose(net_size(first, symbol), expected, atol=1e-9)
        assert np.isclose(net_size(second, symbol), expected, atol=1e-9)
    assert np.isclose(
        first.var.historical_var or 0.0, second.var.historical_var or 0.0, rtol=1e-9, atol=1e-6
    )
    assert np.isclose(first.pnl.equity, second.pnl.equity, atol=1e-6)


@QUICK
@given(a=rows_strategy, b=rows_strategy)
def test_it_nets_additively(
    a: list[tuple[str, str, float, float]], b: list[tuple[str, str, float, float]]
) -> None:
    extra = ["BTC-USD", "ETH-USD", "SOL-USD"]
    only_a = run(make_inputs(_rows(a), extra_symbols=extra))
    only_b = run(make_inputs(_rows(b), extra_symbols=extra))
    both = run(make_inputs(_rows(a + b), extra_symbols=extra))
    for symbol in extra:
        total = net_size(only_a, symbol) + net_size(only_b, symbol)
        assert np.isclose(net_size(both, symbol), total, atol=1e-9)
