"""Which of the latest stored prices feed an evaluation (numpy over columns, no Django): one
candidate quote per (venue, symbol), the instrument whose daily candles make each symbol's
history, and each venue's newest price time.

A large book has 10,000 instruments: names become integer codes once, and every choice is a
sort and a "first of each key" over those codes. An object or a loop iteration per price cost
more than the whole risk computation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from apps.risk.evaluation.columns import IntArray, QuoteColumns, encode
from apps.risk.selectors.sources import LatestPrices

NO_CODE = -1  # a symbol that is not a canonical BASE-QUOTE


@dataclass(frozen=True)
class PriceCodes:
    """The venue and canonical symbol of each latest price as codes into `venues` and
    `symbols` (NO_CODE: the stored symbol is not a canonical BASE-QUOTE)."""

    venue: IntArray
    venues: list[str]
    symbol: IntArray
    symbols: list[str]
    spot: NDArray[np.bool_]


def price_codes(prices: LatestPrices, canonical: Callable[[str], str | None]) -> PriceCodes:
    """Codes of the prices' venues and canonical symbols; `canonical` runs once per distinct
    stored symbol."""
    venue, venues = encode(prices.venue)
    stored, names = encode(prices.symbol)
    mapped = [canonical(name) for name in names]
    symbols = list(dict.fromkeys(m for m in mapped if m is not None))
    at = {name: i for i, name in enumerate(symbols)}
    remap = np.array([NO_CODE if m is None else at[m] for m in mapped], dtype=np.int64)
    spot = np.array([kind == "spot" for kind in prices.kind], dtype=np.bool_)
    return PriceCodes(venue, venues, remap[stored], symbols, spot)


def first_per_key(keys: IntArray, order: IntArray) -> IntArray:
    """The rows, taken in `order`, that are the first of their key (keys < 0 never count);
    returned in the order they come in `order`."""
    ranked = keys[order]
    candidates = np.flatnonzero(ranked >= 0)
    _, first = np.unique(ranked[candidates], return_index=True)
    return order[candidates[np.sort(first)]]


def history_rows(codes: PriceCodes, venue_rank: Callable[[str], Any]) -> IntArray:
    """Per symbol, the price row whose daily candles make its history: the first venue in
    pricing order (`venue_rank` sorts venues), spot before perpetual."""
    ranked_venues = sorted(range(len(codes.venues)), key=lambda v: venue_rank(codes.venues[v]))
    rank = np.empty(len(codes.venues), dtype=np.int64)
    rank[ranked_venues] = np.arange(len(codes.venues))
    # lexsort is stable: rows of one venue and kind keep the stored order
    order = np.lexsort((~codes.spot, rank[codes.venue])) if len(codes.venue) else codes.venue
    return first_per_key(codes.symbol, order)


def quote_rows(codes: PriceCodes, prices: LatestPrices) -> IntArray:
    """One candidate per (venue, symbol): its spot price, else its perpetual's; rows with a
    price that is not a finite number > 0 are skipped (the next candidate of the key wins)."""
    valid = (codes.symbol != NO_CODE) & np.isfinite(prices.price) & (prices.price > 0)
    keys = np.where(valid, codes.venue * len(codes.symbols) + codes.symbol, -1)
    return first_per_key(keys, np.argsort(~codes.spot, kind="stable"))


def quote_columns(codes: PriceCodes, prices: LatestPrices, rows: IntArray) -> QuoteColumns:
    return QuoteColumns(
        symbol=[codes.symbols[i] for i in codes.symbol[rows].tolist()],
        source=[codes.venues[i] for i in codes.venue[rows].tolist()],
        price=prices.price[rows],
        timestamp=prices.as_of[rows],
    )


def newest_per_venue(codes: PriceCodes, prices: LatestPrices) -> dict[str, float]:
    """Each venue's freshest price time (POSIX seconds)."""
    newest = np.full(len(codes.venues), -np.inf)
    np.maximum.at(newest, codes.venue, prices.as_of)
    return dict(zip(codes.venues, newest.tolist(), strict=True))


def best_prices(quotes: QuoteColumns, source_rank: Callable[[str], Any]) -> dict[str, float]:
    """Per symbol, the price of its best-ranked source (ties: the lower price)."""
    best: dict[str, tuple[Any, float]] = {}
    for symbol, source, price in zip(quotes.symbol, quotes.source, quotes.price.tolist(),
                                     strict=True):  # fmt: skip
        key = (source_rank(source), price)
        if symbol not in best or key < best[symbol]:
            best[symbol] = key
    return {symbol: price for symbol, (_, price) in best.items()}
