"""Position, balance and quote rows as columns, and the engine's `Book` and `Marks` built from
them without a row object each (a 10,000-position book made 10,000 frozen `PositionRow`s,
each read field by field).

`book_from_columns` gives exactly what `build_book` gives for the same rows: the name tables
and the per-symbol and per-asset references come from `build_book` itself, run on the few
rows where a name first appears (so every table keeps its first-appearance order); only the
per-row index and value columns are filled here, from those tables. `marks_from_quotes`
likewise gives what `build_marks` gives.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from apps.risk.selectors.sources import AccountRef
from riskmonitor.engine import (
    BalanceRow,
    Book,
    Kind,
    Marks,
    PositionRow,
    QuoteRow,
    build_book,
    canonical_symbol,
)

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
NO_INDEX = -1  # as in the engine's index columns: "no such row"
Coded = tuple[IntArray, list[str]]  # (a code per row, the names the codes index)
POSITION_FIELDS = tuple(f.name for f in dataclasses.fields(PositionRow))
KIND_NAMES = {kind: kind.name.lower() for kind in Kind}  # Enum.name is a slow property


@dataclass
class PositionColumns:
    """What `PositionRow`s would hold, one list per field (same names and meanings)."""

    venue: list[str] = field(default_factory=list)
    account: list[str] = field(default_factory=list)
    symbol: list[str] = field(default_factory=list)
    kind: list[Kind] = field(default_factory=list)
    size: list[float] = field(default_factory=list)
    avg_entry: list[float] = field(default_factory=list)
    multiplier: list[float] = field(default_factory=list)
    realized_today: list[float] = field(default_factory=list)
    strategy: list[str] = field(default_factory=list)
    venue_mark: list[float] = field(default_factory=list)  # NaN: the venue reported none

    def __len__(self) -> int:
        return len(self.size)

    @classmethod
    def of(
        cls,
        accounts: Sequence[AccountRef],
        symbols: list[str],
        kind: Kind,
        size: list[float],
        avg_entry: list[float],
        multiplier: list[float] | None = None,
        realized_today: list[float] | None = None,
        venue_mark: list[float] | None = None,
    ) -> PositionColumns:
        """Rows of one kind from per-row lists; a missing multiplier is 1, missing realized 0,
        missing venue marks NaN (none)."""
        n = len(size)
        return cls(
            venue=[a.venue for a in accounts],
            account=[a.name for a in accounts],
            symbol=symbols,
            kind=[kind] * n,
            size=size,
            avg_entry=avg_entry,
            multiplier=[1.0] * n if multiplier is None else multiplier,
            realized_today=[0.0] * n if realized_today is None else realized_today,
            strategy=[a.strategy for a in accounts],
            venue_mark=[math.nan] * n if venue_mark is None else venue_mark,
        )

    def extend(self, other: PositionColumns) -> None:
        for name in POSITION_FIELDS:
            getattr(self, name).extend(getattr(other, name))

    def row(self, index: int) -> PositionRow:
        return PositionRow(**{name: getattr(self, name)[index] for name in POSITION_FIELDS})

    def as_json(self) -> dict[str, list[Any]]:
        """The columns as JSON (the kind by its lower-case name); {} when there is no row."""
        if not len(self):
            return {}
        columns: dict[str, list[Any]] = {name: getattr(self, name) for name in POSITION_FIELDS}
        columns["kind"] = list(map(KIND_NAMES.__getitem__, self.kind))
        columns["venue_mark"] = [None if math.isnan(m) else m for m in self.venue_mark]
        return columns


@dataclass(frozen=True)
class QuoteColumns:
    """Candidate quotes, one list or array per field of `QuoteRow` (same names, meanings)."""

    symbol: list[str]
    source: list[str]
    price: FloatArray
    timestamp: FloatArray

    def __len__(self) -> int:
        return len(self.symbol)

    def plus(self, rows: Sequence[QuoteRow]) -> QuoteColumns:
        return QuoteColumns(
            symbol=[*self.symbol, *(r.symbol for r in rows)],
            source=[*self.source, *(r.source for r in rows)],
            price=np.concatenate([self.price, [r.price for r in rows]]),
            timestamp=np.concatenate([self.timestamp, [r.timestamp for r in rows]]),
        )

    def rows(self) -> list[QuoteRow]:
        fields = (self.symbol, self.source, self.price.tolist(), self.timestamp.tolist())
        return [QuoteRow(*row) for row in zip(*fields, strict=True)]

    def as_json(self) -> dict[str, list[Any]]:
        return {
            "symbol": self.symbol, "source": self.source,
            "price": self.price.tolist(), "timestamp": self.timestamp.tolist(),
        }  # fmt: skip


@dataclass
class BalanceColumns:
    """What `BalanceRow`s would hold, one list per field (same names and meanings)."""

    venue: list[str] = field(default_factory=list)
    account: list[str] = field(default_factory=list)
    asset: list[str] = field(default_factory=list)
    amount: list[float] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.amount)

    def row(self, index: int) -> BalanceRow:
        return BalanceRow(self.venue[index], self.account[index], self.asset[index],
                          self.amount[index])  # fmt: skip

    def as_json(self) -> dict[str, list[Any]]:
        return {"venue": self.venue, "account": self.account, "asset": self.asset,
                "amount": self.amount}  # fmt: skip


def book_from_columns(
    positions: PositionColumns,
    balances: BalanceColumns,
    *,
    custodians: Iterable[str],
    asset_aliases: Mapping[str, str],
) -> Book:
    """`build_book(rows of positions, rows of balances, ...)`, with per-row columns built in
    bulk: each name column is encoded once, the skeleton's tables are built from the rows
    where a code first appears, and the codes are remapped onto those tables."""
    stored, stored_names = encode(positions.symbol)
    canonical, canonical_names = encode([canonical_symbol(s, asset_aliases) for s in stored_names])
    pos_symbol = (canonical[stored], canonical_names)
    pos_venue, pos_account = encode(positions.venue), encode(positions.account)
    pos_strategy = encode(positions.strategy)
    bal_venue, bal_account = encode(balances.venue), encode(balances.account)
    bal_asset = encode(balances.asset)
    skeleton = build_book(
        [positions.row(i) for i in _first_rows(pos_symbol, pos_venue, pos_account, pos_strategy)],
        [balances.row(i) for i in _first_rows(bal_venue, bal_account, bal_asset)],
        custodians=custodians,
        asset_aliases=asset_aliases,
    )
    return dataclasses.replace(
        skeleton,
        pos_symbol=_remap(pos_symbol, skeleton.symbols),
        pos_venue=_remap(pos_venue, skeleton.venues),
        pos_account=_remap(pos_account, skeleton.accounts),
        pos_strategy=_remap(pos_strategy, skeleton.strategies),
        pos_kind=np.array(positions.kind, dtype=np.int64),
        pos_size=np.array(positions.size, dtype=np.float64),
        pos_multiplier=np.array(positions.multiplier, dtype=np.float64),
        pos_avg_entry=np.array(positions.avg_entry, dtype=np.float64),
        pos_realized_today=np.array(positions.realized_today, dtype=np.float64),
        bal_venue=_remap(bal_venue, skeleton.venues),
        bal_account=_remap(bal_account, skeleton.accounts),
        bal_asset=_remap(bal_asset, skeleton.assets),
        bal_amount=np.array(balances.amount, dtype=np.float64),
        pos_venue_mark=np.array(positions.venue_mark, dtype=np.float64),
    )


def marks_from_quotes(
    quotes: QuoteColumns,
    symbols: Sequence[str],
    *,
    pricing_order: Sequence[str],
    asset_aliases: Mapping[str, str],
) -> Marks:
    """`build_marks(quote rows, symbols, ...)`, canonicalizing each distinct symbol once."""
    stored, names = encode(quotes.symbol)
    sym_at = {name: i for i, name in enumerate(symbols)}
    in_book = [sym_at.get(canonical_symbol(name, asset_aliases), NO_INDEX) for name in names]
    symbol = np.array(in_book, dtype=np.int64)[stored]
    kept = np.flatnonzero(symbol != NO_INDEX)
    source, source_names = encode([quotes.source[i] for i in kept.tolist()])
    sources = tuple(dict.fromkeys([*pricing_order, *source_names]))
    source_at = {name: i for i, name in enumerate(sources)}
    return Marks(
        sources=sources,
        symbol=symbol[kept],
        source=np.array([source_at[name] for name in source_names], dtype=np.int64)[source],
        price=quotes.price[kept],
        timestamp=quotes.timestamp[kept],
    )


def encode(values: Sequence[str]) -> Coded:
    """Each value's code in the table of its distinct values, in order of first appearance."""
    at: dict[str, int] = {}
    codes = [at.setdefault(value, len(at)) for value in values]
    return np.array(codes, dtype=np.int64), list(at)


def _first_rows(*columns: Coded) -> list[int]:
    """Ascending indices of the rows where some coded column shows a code for the first
    time. Every first appearance is kept, so each table keeps its first-appearance order."""
    first: set[int] = set()
    for codes, _ in columns:
        first.update(np.unique(codes, return_index=True)[1].tolist())
    return sorted(first)


def _remap(coded: Coded, table: Sequence[str]) -> IntArray:
    """Codes into their names as indices into `table` (which holds every name)."""
    codes, names = coded
    at = {name: i for i, name in enumerate(table)}
    return np.array([at[name] for name in names], dtype=np.int64)[codes]
