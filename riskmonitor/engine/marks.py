"""Mark resolution: one price per symbol from candidate quotes, with fallbacks.

Per symbol: the quote of the first source in pricing order whose age is <= the stale limit
(status fresh); else the most recent quote of any source (status stale, still used, flagged);
else no price (status missing: everything needing it is left out and the symbol is listed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from riskmonitor.engine._arrays import NO_INDEX, BoolArray, FloatArray, IntArray
from riskmonitor.engine.inputs import Book, Kind, Marks
from riskmonitor.engine.outputs import VenueBasis

FRESH, STALE, MISSING = 0, 1, 2
STATUS_NAMES = ("fresh", "stale", "missing")


@dataclass(frozen=True)
class ResolvedMarks:
    """Per symbol: price (quote ccy per base unit, NaN if missing), status code, source index
    (NO_INDEX if missing), age in seconds (NaN if missing)."""

    price: FloatArray
    status: IntArray
    source: IntArray
    age_seconds: FloatArray


@dataclass(frozen=True)
class Valuation:
    """Prices in USD derived from the marks; NaN wherever a needed mark is missing.

    asset_usd: USD per unit of each asset (numeraire 1.0);
    quote_usd: USD per unit of each symbol's quote; mark_usd: USD per base unit of each symbol.
    """

    marks: ResolvedMarks
    asset_usd: FloatArray
    quote_usd: FloatArray
    mark_usd: FloatArray


def resolve_marks(marks: Marks, n_symbols: int, as_of: float, stale_after: float) -> ResolvedMarks:
    """Pick each symbol's mark (see the module docstring). Ages below 0 (clock skew) count as 0."""
    age = np.maximum(as_of - marks.timestamp, 0.0)
    price = np.full(n_symbols, np.nan)
    status = np.full(n_symbols, MISSING, dtype=np.int64)
    source = np.full(n_symbols, NO_INDEX, dtype=np.int64)
    age_out = np.full(n_symbols, np.nan)
    # the stale fallback first, then fresh picks overwrite it: fresh always wins
    for code, rows in (
        (STALE, _latest_per_symbol(marks, age)),
        (FRESH, _first_fresh(marks, age, stale_after)),
    ):
        symbols = marks.symbol[rows]
        price[symbols] = marks.price[rows]
        status[symbols] = code
        source[symbols] = marks.source[rows]
        age_out[symbols] = age[rows]
    return ResolvedMarks(price=price, status=status, source=source, age_seconds=age_out)


def valuation(book: Book, marks: ResolvedMarks) -> Valuation:
    """USD prices of assets, quotes and symbols from the resolved marks."""
    has_symbol = book.asset_price_symbol != NO_INDEX
    asset_usd = np.ones(len(book.assets))
    asset_usd[has_symbol] = marks.price[book.asset_price_symbol[has_symbol]]
    quote_usd = asset_usd[book.symbol_quote]
    return Valuation(
        marks=marks, asset_usd=asset_usd, quote_usd=quote_usd, mark_usd=marks.price * quote_usd
    )


def row_prices(book: Book, value: Valuation) -> FloatArray:
    """The price each position row is valued at (quote ccy per base unit): a derivative at the
    mark its own venue reported (the price that venue's margin engine uses, so its unrealized
    P&L is the venue's), a spot row, or a derivative without a venue mark, at the symbol's
    headline mark from the pricing order. NaN where neither exists."""
    headline = value.marks.price[book.pos_symbol]
    own = is_derivative(book) & ~np.isnan(book.pos_venue_mark)
    prices: FloatArray = np.where(own, book.pos_venue_mark, headline)
    return prices


def venue_basis(book: Book, value: Valuation) -> VenueBasis:
    """Per (symbol, venue) with a derivative carrying a venue mark: that mark against the
    symbol's headline. Accounts of one venue share its mark; the first row's is kept."""
    rows = np.flatnonzero(is_derivative(book) & ~np.isnan(book.pos_venue_mark))
    cell = book.pos_symbol[rows] * len(book.venues) + book.pos_venue[rows]
    _, first = np.unique(cell, return_index=True)
    kept = rows[first]
    symbols = book.pos_symbol[kept]
    return VenueBasis(
        symbols=book.symbols,
        venues=book.venues,
        symbol_index=symbols,
        venue_index=book.pos_venue[kept],
        mark=book.pos_venue_mark[kept],
        headline=value.marks.price[symbols],
    )


def needed_symbols(book: Book) -> BoolArray:
    """Symbols whose price some figure needs: traded symbols, custodian position symbols,
    the price symbols of held assets and of the quotes of traded symbols."""
    needed = np.zeros(book.n_symbols, dtype=np.bool_)
    needed[book.pos_symbol] = True
    custodian_rows = book.venue_is_custodian[book.bal_venue]
    held = book.asset_position_symbol[book.bal_asset[custodian_rows]]
    needed[held[held != NO_INDEX]] = True
    priced_assets = np.concatenate([book.bal_asset, book.symbol_quote[book.pos_symbol]])
    price_symbols = book.asset_price_symbol[priced_assets]
    needed[price_symbols[price_symbols != NO_INDEX]] = True
    return needed


def valued_rows(book: Book, value: Valuation) -> BoolArray:
    """Position rows whose symbol has a usable USD mark."""
    valued: BoolArray = np.isfinite(value.mark_usd[book.pos_symbol])
    return valued


def is_derivative(book: Book) -> BoolArray:
    derivative: BoolArray = book.pos_kind == int(Kind.DERIVATIVE)
    return derivative


def _first_fresh(marks: Marks, age: FloatArray, stale_after: float) -> IntArray:
    rows = np.flatnonzero(age <= stale_after)
    order = rows[np.lexsort((marks.source[rows], marks.symbol[rows]))]
    return order[_group_starts(marks.symbol[order])]


def _latest_per_symbol(marks: Marks, age: FloatArray) -> IntArray:
    order = np.lexsort((marks.source, age, marks.symbol))
    return order[_group_starts(marks.symbol[order])]


def _group_starts(sorted_keys: IntArray) -> BoolArray:
    starts = np.ones(sorted_keys.shape[0], dtype=np.bool_)
    starts[1:] = sorted_keys[1:] != sorted_keys[:-1]
    return starts
