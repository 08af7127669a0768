"""The state one `load_sources` call shares between its steps: settings, valuation time,
the notes of what was assumed or left out, and lookups made once per load."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from apps.risk.evaluation.columns import QuoteColumns
from apps.risk.evaluation.config import RiskSettings
from apps.risk.evaluation.quotes import best_prices
from riskmonitor.engine import canonical_symbol


@dataclass
class Notes:
    """What the loader assumed or could not use (also in the snapshot's figures)."""

    cost_basis_assumed: list[str] = field(default_factory=list)
    unmapped_symbols: list[str] = field(default_factory=list)
    unpriced_transfers: list[str] = field(default_factory=list)
    missing_accounts: list[str] = field(default_factory=list)
    open_orders: dict[str, int] = field(default_factory=dict)
    history_instruments: dict[str, str] = field(default_factory=dict)
    hedge_fee_unknown: list[str] = field(default_factory=list)  # no taker fee reported yet
    # the day's opening equity is a stored sample from long before 00:00
    # (apps.risk.evaluation.start_of_day)
    old_day_mark: bool = False

    def flags(self) -> list[str]:
        named = {
            "cost_basis_assumed": self.cost_basis_assumed,
            "unmapped_symbols": self.unmapped_symbols,
            "unpriced_transfers": self.unpriced_transfers,
            "missing_account_snapshot": self.missing_accounts,
        }
        flags = [flag for flag, items in named.items() if items]
        return [*flags, "start_of_day_mark_old"] if self.old_day_mark else flags


@dataclass
class LoadContext:
    """What one load shares: the settings, the valuation time, the notes being written,
    canonical symbols (each looked up once; unmapped ones noted) and, once read, the
    candidate quotes."""

    settings: RiskSettings
    as_of: datetime
    day_start: datetime
    notes: Notes = field(default_factory=Notes)
    quotes: QuoteColumns | None = None
    _canonical: dict[str, str | None] = field(default_factory=dict)
    _best: dict[str, float] | None = None

    def rank(self, venue: str) -> tuple[int, str]:
        order = self.settings.pricing_order
        return (order.index(venue) if venue in order else len(order), venue)

    def canonical(self, symbol: str) -> str | None:
        if symbol not in self._canonical:
            try:
                self._canonical[symbol] = canonical_symbol(symbol, self.settings.asset_aliases)
            except ValueError:
                self.notes.unmapped_symbols.append(symbol)
                self._canonical[symbol] = None
        return self._canonical[symbol]

    def best_price(self, symbol: str) -> float | None:
        """The price of the symbol's best-ranked quote (built once, on first use)."""
        if self._best is None:
            assert self.quotes is not None, "quotes are read before any price is looked up"
            self._best = best_prices(self.quotes, self.rank)
        return self._best.get(symbol)
