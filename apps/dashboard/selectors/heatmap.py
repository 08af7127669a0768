"""The position heatmap: one cell per (venue, symbol) held, with its size, notional and P&L,
each in the group ``dashboard_config.yaml`` names (``charts.position_heatmap.grouping``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from apps.marketdata.models import Instrument
from apps.positions.models import Portfolio
from apps.risk.selectors.snapshots import latest_snapshot
from apps.venues.models import Account
from riskmonitor.conf import get_config
from riskmonitor.engine.attribution import PAIR_SEPARATOR

Cell = dict[str, Any]
MIXED = "mixed"


def position_heatmap(*, portfolio: Portfolio) -> dict[str, Any] | None:
    """None before the portfolio's first snapshot. Cell notional is |size| x the symbol's USD
    mark; P&L comes from the snapshot's (venue, symbol) attribution (null in snapshots stored
    before it existed)."""
    snapshot = latest_snapshot(portfolio_id=portfolio.pk)
    if snapshot is None:
        return None
    chart = get_config().dashboard.dashboard.charts.position_heatmap
    figures = snapshot.figures
    cells = _cells(figures)
    group_of = _grouper(chart.grouping, portfolio)
    for cell in cells:
        cell["group"] = group_of(cell["venue"], cell["symbol"])
        cell["size_value"] = _size_value(cell, chart.size_metric)
    return {
        "portfolio": portfolio.name,
        "snapshot_id": snapshot.pk,
        "as_of": snapshot.as_of,
        "grouping": chart.grouping,
        "color_scheme": chart.color_scheme,
        "size_metric": chart.size_metric,
        "venues": sorted({c["venue"] for c in cells}),
        "symbols": sorted({c["symbol"] for c in cells}),
        "cells": cells,
        "groups": _groups(cells),
    }


def _cells(figures: Mapping[str, Any]) -> list[Cell]:
    symbols = figures.get("symbols") or {}
    pnl = (figures.get("attribution") or {}).get("by_venue_symbol") or {}
    cells = []
    for symbol, by_venue in sorted((figures.get("venue_positions") or {}).items()):
        mark = (symbols.get(symbol) or {}).get("mark_usd")
        for venue, size in sorted(by_venue.items()):
            row = pnl.get(f"{venue}{PAIR_SEPARATOR}{symbol}")
            cells.append({
                "venue": venue, "symbol": symbol, "size": size, "mark_usd": mark,
                "notional": None if mark is None else abs(size) * mark,
                "exposure": None if mark is None else size * mark,
                "unrealized_pnl": row["unrealized_pnl"] if row else None,
                "realized_today": row["realized_today"] if row else None,
                "total_pnl": row["total_pnl"] if row else None,
                "pnl_complete": bool(row and row["complete"]),
            })  # fmt: skip
    return cells


def _size_value(cell: Cell, metric: str) -> float | None:
    if metric == "position_size":
        return abs(float(cell["size"]))
    value = cell["unrealized_pnl"] if metric == "unrealized_pnl" else cell["notional"]
    return None if value is None else float(value)


def _grouper(grouping: str, portfolio: Portfolio) -> Callable[[str, str], str]:
    if grouping == "venue":
        return lambda venue, _symbol: venue
    if grouping == "symbol":
        return lambda _venue, symbol: symbol
    if grouping == "asset":
        return lambda _venue, symbol: symbol.split("-")[0]
    if grouping == "strategy":
        strategies = _venue_strategies(portfolio)
        return lambda venue, _symbol: strategies.get(venue, "unassigned")
    kinds = _instrument_kinds()
    return lambda venue, symbol: kinds.get((venue, symbol), "custody")


def _venue_strategies(portfolio: Portfolio) -> dict[str, str]:
    """The strategy of the portfolio's accounts at each venue; "mixed" when they differ."""
    found: dict[str, set[str]] = {}
    for venue, strategy in Account.objects.filter(portfolio=portfolio).values_list(
        "venue__name", "strategy"
    ):
        found.setdefault(venue, set()).add(strategy)
    return {venue: names.pop() if len(names) == 1 else MIXED for venue, names in found.items()}


def _instrument_kinds() -> dict[tuple[str, str], str]:
    """Asset class of a (venue, symbol): the kinds of instrument the venue lists for it
    (spot, perpetual, or "spot+perpetual"); a venue listing none (a custodian) is "custody"."""
    found: dict[tuple[str, str], set[str]] = {}
    for venue, symbol, kind in Instrument.objects.values_list("venue__name", "symbol", "kind"):
        found.setdefault((venue, symbol), set()).add(kind)
    return {key: "+".join(sorted(kinds)) for key, kinds in found.items()}


def _groups(cells: list[Cell]) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for cell in cells:
        group = groups.setdefault(
            cell["group"],
            {"name": cell["group"], "cells": 0, "notional": 0.0, "total_pnl": 0.0,
             "complete": True},
        )  # fmt: skip
        group["cells"] += 1
        group["notional"] += cell["notional"] or 0.0
        group["total_pnl"] += cell["total_pnl"] or 0.0
        group["complete"] &= cell["notional"] is not None and cell["pnl_complete"]
    return [groups[name] for name in sorted(groups)]
