"""Position rows as columns, and the engine's `Book` built from them without a row object per
position (a 10,000-position book made 10,000 frozen `PositionRow`s, each read field by field).

`book_from_columns` gives exactly what `build_book` gives for the same rows: the name tables
and the per-symbol and per-asset references come from `build_book` itself, run on the few
rows where a name first appears (so every table keeps its first-appearance order); only the
per-row index and value columns are filled here, from those tables.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

import numpy as np

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
    ) -> PositionColumns:
        """Rows of one kind from per-row lists; a missing multiplier is 1, missing realized 0."""
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
        return columns


def book_from_columns(
    positions: PositionColumns,
    balances: Sequence[BalanceRow],
    *,
    custodians: Iterable[str],
    asset_aliases: Mapping[str, str],
) -> Book:
    """`build_book(rows of positions, balances, ...)`, with per-row columns built in bulk."""
    canonical = {s: canonical_symbol(s, asset_aliases) for s in set(positions.symbol)}
    symbols = list(map(canonical.__getitem__, positions.symbol))
    pos_keys = (positions.venue, positions.account, symbols, positions.strategy)
    bal_venue, bal_account, bal_asset = (
        list(map(attrgetter(name), balances)) for name in ("venue", "account", "asset")
    )
    skeleton = build_book(
        [positions.row(i) for i in _first_appearances(pos_keys)],
        [balances[i] for i in _first_appearances((bal_venue, bal_account, bal_asset))],
        custodians=custodians,
        asset_aliases=asset_aliases,
    )
    return dataclasses.replace(
        skeleton,
        pos_symbol=_indices(symbols, skeleton.symbols),
        pos_venue=_indices(positions.venue, skeleton.venues),
        pos_account=_indices(positions.account, skeleton.accounts),
        pos_strategy=_indices(positions.strategy, skeleton.strategies),
        pos_kind=np.array(positions.kind, dtype=np.int64),
        pos_size=np.array(positions.size, dtype=np.float64),
        pos_multiplier=np.array(positions.multiplier, dtype=np.float64),
        pos_avg_entry=np.array(positions.avg_entry, dtype=np.float64),
        pos_realized_today=np.array(positions.realized_today, dtype=np.float64),
        bal_venue=_indices(bal_venue, skeleton.venues),
        bal_account=_indices(bal_account, skeleton.accounts),
        bal_asset=_indices(bal_asset, skeleton.assets),
        bal_amount=np.array([row.amount for row in balances], dtype=np.float64),
    )


def marks_from_quotes(
    quotes: Sequence[QuoteRow],
    symbols: Sequence[str],
    *,
    pricing_order: Sequence[str],
    asset_aliases: Mapping[str, str],
) -> Marks:
    """`build_marks(quotes, symbols, ...)`, canonicalizing each distinct symbol once."""
    sym_at = {name: i for i, name in enumerate(symbols)}
    canonical = {s: canonical_symbol(s, asset_aliases) for s in {q.symbol for q in quotes}}
    rows = [(sym_at[c], q) for q in quotes if (c := canonical[q.symbol]) in sym_at]
    sources = tuple(dict.fromkeys([*pricing_order, *(q.source for _, q in rows)]))
    source_at = {name: i for i, name in enumerate(sources)}
    return Marks(
        sources=sources,
        symbol=np.array([i for i, _ in rows], dtype=np.int64),
        source=np.array([source_at[q.source] for _, q in rows], dtype=np.int64),
        price=np.array([q.price for _, q in rows], dtype=np.float64),
        timestamp=np.array([q.timestamp for _, q in rows], dtype=np.float64),
    )


def _first_appearances(columns: Sequence[Sequence[str]]) -> list[int]:
    """Ascending indices of the rows where some column shows a value for the first time.
    Every first appearance is kept, so each column's first-appearance order is unchanged."""
    first: set[int] = set()
    for column in columns:
        # Reversed, so the earliest index of each value is the one written last.
        first.update(
            dict(zip(reversed(column), range(len(column) - 1, -1, -1), strict=True)).values()
        )
    return sorted(first)


def _indices(values: Sequence[str], table: Sequence[str]) -> np.ndarray:
    at = {name: i for i, name in enumerate(table)}
    return np.array(list(map(at.__getitem__, values)), dtype=np.int64)
