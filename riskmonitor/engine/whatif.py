"""What-if: new inputs with hypothetical trades added; the original inputs are untouched."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from riskmonitor.engine.build import DEFAULT_ASSET_ALIASES, canonical_symbol
from riskmonitor.engine.inputs import Book, EngineInputs, Kind

WHAT_IF_STRATEGY = "what-if"


@dataclass(frozen=True)
class Trade:
    """A hypothetical fill: size signed (buy > 0), base units for spot, contracts for
    derivatives; price in quote currency per base unit. The symbol must be in the book
    (its mark and history are needed); venue, account and strategy may be new."""

    venue: str
    account: str
    symbol: str
    kind: Kind
    size: float
    price: float
    multiplier: float = 1.0
    strategy: str = WHAT_IF_STRATEGY

    def __post_init__(self) -> None:
        if not (math.isfinite(self.size) and math.isfinite(self.price) and self.price > 0):
            raise ValueError(f"trade on {self.symbol}: size must be finite and price > 0")


def apply_trades(
    inputs: EngineInputs,
    trades: Sequence[Trade],
    asset_aliases: Mapping[str, str] = DEFAULT_ASSET_ALIASES,
) -> EngineInputs:
    """`inputs` with each trade added as a new position row at its price.

    A spot trade also moves the balances at (venue, account): base += size,
    quote -= size * price, so equity and delta see both legs as for a real fill.
    `asset_aliases` must be the ones the book was built with, so a trade's symbol names
    the same book symbol.
    """
    book = inputs.book
    for trade in trades:
        book = _add_trade(book, trade, asset_aliases)
    return replace(inputs, book=book)


def _add_trade(book: Book, trade: Trade, asset_aliases: Mapping[str, str]) -> Book:
    symbol = canonical_symbol(trade.symbol, asset_aliases)
    if symbol not in book.symbols:
        raise ValueError(f"trade on {trade.symbol}: unknown symbol (no mark or history)")
    book, venue = _with_name(book, "venues", trade.venue)
    book, account = _with_name(book, "accounts", trade.account)
    book, strategy = _with_name(book, "strategies", trade.strategy)
    s = book.symbols.index(symbol)
    book = replace(
        book,
        pos_symbol=np.append(book.pos_symbol, s),
        pos_venue=np.append(book.pos_venue, venue),
        pos_account=np.append(book.pos_account, account),
        pos_strategy=np.append(book.pos_strategy, strategy),
        pos_kind=np.append(book.pos_kind, int(trade.kind)),
        pos_size=np.append(book.pos_size, trade.size),
        pos_multiplier=np.append(book.pos_multiplier, trade.multiplier),
        pos_avg_entry=np.append(book.pos_avg_entry, trade.price),
        pos_realized_today=np.append(book.pos_realized_today, 0.0),
        pos_venue_mark=np.append(book.pos_venue_mark, _venue_mark(book, trade, s, venue)),
    )
    return _spot_legs(book, trade, s, venue, account) if trade.kind == Kind.SPOT else book


def _venue_mark(book: Book, trade: Trade, s: int, venue: int) -> float:
    """A derivative trade at a venue that already reported a mark for the symbol is valued
    at that mark, like the venue's other positions; otherwise (and for spot) none."""
    if trade.kind != Kind.DERIVATIVE:
        return float("nan")
    same = (book.pos_symbol == s) & (book.pos_venue == venue) & ~np.isnan(book.pos_venue_mark)
    found = np.flatnonzero(same)
    return float(book.pos_venue_mark[found[0]]) if found.size else float("nan")


def _spot_legs(book: Book, trade: Trade, s: int, venue: int, account: int) -> Book:
    base_units = trade.size * trade.multiplier
    assets = [int(book.symbol_base[s]), int(book.symbol_quote[s])]
    return replace(
        book,
        bal_venue=np.append(book.bal_venue, [venue, venue]),
        bal_account=np.append(book.bal_account, [account, account]),
        bal_asset=np.append(book.bal_asset, assets),
        bal_amount=np.append(book.bal_amount, [base_units, -base_units * trade.price]),
    )


def _with_name(book: Book, table: str, name: str) -> tuple[Book, int]:
    names: tuple[str, ...] = getattr(book, table)
    if name in names:
        return book, names.index(name)
    changes: dict[str, object] = {table: (*names, name)}
    if table == "venues":
        changes["venue_is_custodian"] = np.append(book.venue_is_custodian, False)
    return replace(book, **changes), len(names)  # type: ignore[arg-type]
