from dataclasses import replace

import numpy as np
import pytest

from riskmonitor.engine import (
    BalanceRow,
    Kind,
    Marks,
    PositionRow,
    Trade,
    apply_trades,
    build_book,
    build_price_history,
)
from tests.engine.enginecases import make_inputs, perp, run


def test_it_flattens_a_position_with_a_what_if_trade_without_mutating_inputs() -> None:
    inputs = make_inputs(
        [
            perp("exchange-1", "BTC-USD", 5.0, 40_000.0),
            perp("exchange-2", "BTC-USD", -2.5, 41_000.0),
        ]
    )
    before = inputs.book.pos_size.copy()
    after = apply_trades(
        inputs, [Trade("exchange-3", "hedge", "BTC-USDT", Kind.DERIVATIVE, -2.5, 42_000.0)]
    )
    assert run(after).symbols.row("BTC-USD")["net_size"] == 0.0
    assert run(inputs).symbols.row("BTC-USD")["net_size"] == 2.5
    assert np.array_equal(inputs.book.pos_size, before)
    assert after.book.venues == ("exchange-1", "exchange-2", "exchange-3")
    assert "what-if" in run(after).attribution.by_strategy.names


def test_it_moves_both_balance_legs_of_a_spot_what_if() -> None:
    inputs = make_inputs(
        [], [BalanceRow("exchange-1", "main", "USD", 100_000.0)], extra_symbols=["ETH-USD"]
    )
    after = run(
        apply_trades(inputs, [Trade("exchange-1", "main", "ETH-USD", Kind.SPOT, 10.0, 2_100.0)])
    )
    assert after.pnl.equity == pytest.approx(100_000.0)  # bought at the mark: equity unchanged
    assert after.deltas.row("ETH")["units"] == 10.0
    assert after.deltas.row("USD")["units"] == pytest.approx(100_000.0 - 21_000.0)
    assert after.symbols.row("ETH-USD")["net_size"] == 10.0


def test_it_refuses_what_if_trades_on_unknown_symbols() -> None:
    inputs = make_inputs([perp("exchange-1", "BTC-USD", 1.0, 40_000.0)])
    with pytest.raises(ValueError, match="unknown symbol"):
        apply_trades(inputs, [Trade("exchange-1", "main", "DOGE-USD", Kind.SPOT, 1.0, 0.1)])


def test_it_rejects_malformed_rows_naming_the_field() -> None:
    with pytest.raises(ValueError, match="pos_size"):
        build_book([PositionRow("x", "a", "BTC-USD", Kind.SPOT, float("nan"), 1.0)], [])
    with pytest.raises(ValueError, match="pos_multiplier"):
        build_book(
            [PositionRow("x", "a", "BTC-USD", Kind.DERIVATIVE, 1.0, 1.0, multiplier=0.0)], []
        )
    with pytest.raises(ValueError, match="BASE-QUOTE"):
        build_book([PositionRow("x", "a", "BTCUSD", Kind.SPOT, 1.0, 1.0)], [])
    with pytest.raises(ValueError, match="price"):
        Marks(("x",), np.array([0]), np.array([0]), np.array([-1.0]), np.array([0.0]))
    with pytest.raises(ValueError, match="source"):
        Marks(("x",), np.array([0]), np.array([3]), np.array([1.0]), np.array([0.0]))


def test_it_freezes_input_arrays() -> None:
    book = build_book([perp("exchange-1", "BTC-USD", 1.0, 40_000.0)], [])
    with pytest.raises(ValueError, match="read-only"):
        book.pos_size[0] = 2.0


def test_it_names_the_trades_symbol_with_the_books_aliases() -> None:
    aliases = {"USDT": "USD"}  # USDC stays a quote of its own
    rows = [perp("exchange-1", "BTC-USDC", 1.0, 40_000.0), perp("exchange-1", "BTC-USD", 2.0, 1.0)]
    book = build_book(rows, [], asset_aliases=aliases)
    base = make_inputs(rows)
    history = replace(base.history, prices=build_price_history(book.symbols, {}))
    inputs = replace(base, book=book, history=history)
    after = apply_trades(
        inputs, [Trade("exchange-1", "main", "BTC-USDC", Kind.DERIVATIVE, -1.0, 40_000.0)], aliases
    )
    added = after.book.symbols[int(after.book.pos_symbol[-1])]
    assert added == "BTC-USDC"
