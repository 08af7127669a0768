"""Notional, concentration, leverage and delta per asset (USD, float64).

Notional figures use the symbol's USD mark; symbols without a mark have NaN per-symbol figures
and are left out of portfolio totals (listed in `missing_marks`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from riskmonitor.engine._arrays import BoolArray, FloatArray, IntArray
from riskmonitor.engine.inputs import Book
from riskmonitor.engine.marks import Valuation, is_derivative
from riskmonitor.engine.outputs import DeltaTable, ExposureSummary
from riskmonitor.engine.pnl import balance_values
from riskmonitor.engine.positions import VenueCells


@dataclass(frozen=True)
class SymbolNotionals:
    """Per symbol, USD: notional |net| * mark, gross sum |venue net| * mark, signed net
    exposure net * mark, concentration gross / portfolio gross."""

    notional: FloatArray
    gross: FloatArray
    net_exposure: FloatArray
    concentration: FloatArray


def symbol_notionals(net: FloatArray, cells: VenueCells, mark_usd: FloatArray) -> SymbolNotionals:
    gross_units = np.bincount(cells.symbol, weights=np.abs(cells.size), minlength=net.shape[0])
    gross = gross_units * mark_usd
    total_gross = float(np.nansum(gross))
    share = gross / total_gross if total_gross > 0 else np.full_like(gross, np.nan)
    return SymbolNotionals(np.abs(net) * mark_usd, gross, net * mark_usd, share)


def exposure_summary(
    notionals: SymbolNotionals, symbols: tuple[str, ...], equity: float
) -> ExposureSummary:
    """Portfolio gross/net/total notional and leverage (None when equity <= 0)."""
    gross = float(np.nansum(notionals.gross))
    concentration = notionals.concentration
    top = int(np.nanargmax(concentration)) if np.isfinite(concentration).any() else None
    return ExposureSummary(
        gross_notional=gross,
        net_notional=abs(float(np.nansum(notionals.net_exposure))),
        total_notional=float(np.nansum(notionals.notional)),
        leverage=gross / equity if equity > 0 else None,
        max_concentration=None if top is None else float(concentration[top]),
        max_concentration_symbol=None if top is None else symbols[top],
    )


def asset_deltas(book: Book, value: Valuation, valued: BoolArray) -> DeltaTable:
    """Delta per asset after aliases, in units and USD.

    Balances (exchange and custodian) count once, as units of their own asset, valued at the
    asset's own price. A valued derivative adds base += size * multiplier and
    quote -= size * multiplier * mark; both legs are valued at the symbol's USD mark.
    Derivatives without a mark are left out entirely (their quote leg needs the mark).
    """
    groups, units, usd = _delta_legs(book, value, valued)
    n_assets = len(book.assets)
    touched = np.bincount(groups, minlength=n_assets) > 0
    unvalued = np.bincount(groups, weights=~np.isfinite(usd), minlength=n_assets) > 0
    keep = np.flatnonzero(touched)
    return DeltaTable(
        names=tuple(book.assets[i] for i in keep.tolist()),
        units=np.bincount(groups, weights=units, minlength=n_assets)[keep],
        usd=np.bincount(groups, weights=np.nan_to_num(usd), minlength=n_assets)[keep],
        usd_complete=~unvalued[keep],
    )


def _delta_legs(
    book: Book, value: Valuation, valued: BoolArray
) -> tuple[IntArray, FloatArray, FloatArray]:
    rows = np.flatnonzero(is_derivative(book) & valued)
    s = book.pos_symbol[rows]
    qty = book.pos_size[rows] * book.pos_multiplier[rows]
    base_usd = qty * value.mark_usd[s]
    groups = np.concatenate(
        [
            book.asset_group[book.bal_asset],
            book.asset_group[book.symbol_base[s]],
            book.asset_group[book.symbol_quote[s]],
        ]
    )
    units = np.concatenate([book.bal_amount, qty, -qty * value.marks.price[s]])
    usd = np.concatenate([balance_values(book, value), base_usd, -base_usd])
    return groups, units, usd
