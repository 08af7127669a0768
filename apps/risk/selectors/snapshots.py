"""Reads of stored risk snapshots: the latest, history series, the calculation trace."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.utils import timezone

from apps.positions.models import Portfolio
from apps.risk.models import RiskSnapshot, RiskTrace

DEFAULT_PORTFOLIO = "main"
HISTORY_FIELDS = (
    "as_of", "equity", "total_pnl", "unrealized_pnl", "realized_today", "daily_pnl",
    "gross_notional", "net_notional", "leverage", "var_hist_99", "drawdown",
)  # fmt: skip


class PortfolioNotFound(LookupError):
    """No portfolio of that name, or no name given and no default to pick."""


def portfolio_resolve(name: str | None) -> Portfolio:
    """The named portfolio; without a name the default one ("main", or the only one)."""
    if name:
        found = Portfolio.objects.filter(name=name).first()
        if found is None:
            raise PortfolioNotFound(f"no portfolio named {name!r}")
        return found
    default = Portfolio.objects.filter(name=DEFAULT_PORTFOLIO).first()
    if default is not None:
        return default
    candidates = list(Portfolio.objects.order_by("name")[:2])
    if len(candidates) == 1:
        return candidates[0]
    raise PortfolioNotFound("no default portfolio: name one with ?portfolio=<name>")


def snapshot_of_cycle(*, portfolio_id: int, cycle_start: datetime) -> RiskSnapshot | None:
    return RiskSnapshot.objects.filter(portfolio_id=portfolio_id, cycle_start=cycle_start).first()


def latest_snapshot(*, portfolio_id: int | None = None) -> RiskSnapshot | None:
    """The portfolio's newest snapshot; without a portfolio, the newest of any."""
    rows = RiskSnapshot.objects.all()
    if portfolio_id is not None:
        rows = rows.filter(portfolio_id=portfolio_id)
    return rows.order_by("-as_of", "-pk").first()


def snapshot_headline(snapshot: RiskSnapshot, now: datetime | None = None) -> dict[str, Any]:
    """The status figures of a snapshot: what /risk/status returns and the WebSocket pushes."""
    moment = now or timezone.now()
    figures = snapshot.figures
    return {
        "portfolio": snapshot.portfolio.name,
        "snapshot_id": snapshot.pk,
        "cycle_start": snapshot.cycle_start.isoformat(),
        "as_of": snapshot.as_of.isoformat(),
        "age_seconds": max((moment - snapshot.as_of).total_seconds(), 0.0),
        "engine_version": snapshot.engine_version,
        "equity": snapshot.equity,
        "equity_complete": snapshot.equity_complete,
        "pnl": {
            "total_pnl": snapshot.total_pnl,
            "unrealized_pnl": snapshot.unrealized_pnl,
            "realized_today": snapshot.realized_today,
            "daily_pnl": snapshot.daily_pnl,
            "start_of_day_source": figures.get("pnl", {}).get("start_of_day_source"),
        },
        "exposure": {
            "gross_notional": snapshot.gross_notional,
            "net_notional": snapshot.net_notional,
            "total_notional": snapshot.total_notional,
            "leverage": snapshot.leverage,
            "deltas": figures.get("deltas", {}),
        },
        "var": {
            "historical_var_99": snapshot.var_hist_99,
            "parametric_var_99": snapshot.var_param_99,
            "expected_shortfall_99": snapshot.es_99,
        },
        "drawdown": {"drawdown": snapshot.drawdown, "high_water_mark": snapshot.hwm},
        "var_backtest": _var_backtest(figures),
        "stale_sources": snapshot.stale_sources,
        "missing_marks": figures.get("missing_marks", []),
        "stale_marks": figures.get("stale_marks", []),
        "flags": snapshot.flags,
    }


def _var_backtest(figures: dict[str, Any]) -> Any:
    """{"hypothetical": ..., "actual": ...}; a snapshot stored before the hypothetical
    backtest existed kept only the actual one, under "backtest"."""
    if "var_backtest" in figures:
        return figures["var_backtest"]
    return {"hypothetical": None, "actual": figures.get("backtest")}


def positions_summary(snapshot: RiskSnapshot) -> dict[str, Any]:
    """Net position per canonical symbol with its per-venue breakdown and its mark."""
    figures = snapshot.figures
    venues = figures.get("venue_positions", {})
    rows = []
    for symbol, row in figures.get("symbols", {}).items():
        if symbol not in venues:
            continue  # a price-only symbol (e.g. USDT-USD): nothing is held in it
        rows.append({
            "symbol": symbol, "net_size": row["net_size"], "by_venue": venues[symbol],
            "mark": row["mark"], "mark_usd": row["mark_usd"], "mark_status": row["mark_status"],
            "mark_source": row["mark_source"], "mark_age_seconds": row["mark_age_seconds"],
            "notional": row["notional"], "gross_notional": row["gross_notional"],
            "net_exposure": row["net_exposure"], "concentration": row["concentration"],
            "unrealized_pnl": row["unrealized_pnl"], "realized_today": row["realized_today"],
        })  # fmt: skip
    return {
        "portfolio": snapshot.portfolio.name, "snapshot_id": snapshot.pk,
        "as_of": snapshot.as_of.isoformat(), "positions": rows,
        "stale_sources": snapshot.stale_sources,
    }  # fmt: skip


def pnl_summary(snapshot: RiskSnapshot) -> dict[str, Any]:
    figures = snapshot.figures
    return {
        "portfolio": snapshot.portfolio.name, "snapshot_id": snapshot.pk,
        "as_of": snapshot.as_of.isoformat(), "currency": "USD", **figures["pnl"],
        "attribution": figures.get("attribution", {}),
    }  # fmt: skip


def snapshot_history(*, portfolio_id: int, since: datetime) -> list[dict[str, Any]]:
    """Headline series of the portfolio's snapshots since `since`, oldest first."""
    rows = (
        RiskSnapshot.objects.filter(portfolio_id=portfolio_id, as_of__gte=since)
        .order_by("as_of")
        .values_list(*HISTORY_FIELDS)
    )
    return [
        {name: (value.isoformat() if name == "as_of" else value)
         for name, value in zip(HISTORY_FIELDS, row, strict=True)}
        for row in rows
    ]  # fmt: skip


def calculation_trace_report(
    *, portfolio_id: int, interval_seconds: float, now: datetime | None = None
) -> dict[str, Any] | None:
    """The stored calculation trace and which snapshot it belongs to: that snapshot's time
    and age, the portfolio's latest snapshot, and whether the trace is of that one (it is
    rebuilt at most every `interval_seconds`, so it can be a few cycles behind)."""
    trace = RiskTrace.objects.filter(portfolio_id=portfolio_id).first()
    if trace is None:
        return None
    moment = now or timezone.now()
    # None: its snapshot was deleted since (the trace is then older than the history kept)
    own = RiskSnapshot.objects.filter(risktrace=trace).values_list("as_of", "cycle_start")
    of = own.first()
    latest = (
        RiskSnapshot.objects.filter(portfolio_id=portfolio_id)
        .order_by("-as_of").values_list("pk", "as_of").first()
    )  # fmt: skip
    return {
        "snapshot_id": trace.snapshot_id,
        "snapshot_as_of": of[0].isoformat() if of else None,
        "snapshot_cycle_start": of[1].isoformat() if of else None,
        "age_seconds": max((moment - of[0]).total_seconds(), 0.0) if of else None,
        "latest_snapshot_id": latest[0] if latest else None,
        "latest_snapshot_as_of": latest[1].isoformat() if latest else None,
        "is_latest_snapshot": latest is not None and latest[0] == trace.snapshot_id,
        "updated_at": trace.updated_at.isoformat(),
        "rewrite_interval_seconds": interval_seconds,
        **json.loads(trace.trace),
    }


def trace_written_since(*, portfolio_id: int, moment: datetime) -> bool:
    return RiskTrace.objects.filter(portfolio_id=portfolio_id, updated_at__gte=moment).exists()
