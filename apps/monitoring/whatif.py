"""What-if: the figures the portfolio would have with hypothetical trades added. Reads the
same stored data as a snapshot, computes twice (as is, with the trades), stores nothing."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from apps.limits.evaluation import limits_evaluate
from apps.limits.selectors import limit_specs_enabled, severity_thresholds
from apps.limits.snapshots import source_ages
from apps.risk.evaluation.config import RiskSettings, risk_settings
from apps.risk.evaluation.equity import with_carried_drawdown
from apps.risk.evaluation.figures import config_limit_utilization, headline_change, headline_columns
from apps.risk.evaluation.loaders import SourceData, build_inputs, load_sources
from riskmonitor.engine import Kind, RiskAssessment, Trade, apply_trades, assess, canonical_symbol

KINDS = {"spot": Kind.SPOT, "perpetual": Kind.DERIVATIVE}


class WhatIfRejected(ValueError):
    """A trade the engine cannot value; `field` names the input (e.g. trades.0.price)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class TradeSpec:
    """A validated hypothetical trade: size signed (buy > 0); price None = the current mark."""

    venue: str
    account: str
    symbol: str
    kind: str
    size: float
    price: float | None = None
    multiplier: float = 1.0


def what_if_assess(*, portfolio_id: int, trades: list[TradeSpec]) -> dict[str, Any]:
    """Figures before and after the trades, their change, and limit utilizations."""
    settings = risk_settings()
    data = load_sources(portfolio_id=portfolio_id, as_of=timezone.now(), settings=settings)
    inputs = build_inputs(data, settings)
    before = assess(inputs, settings.params)
    engine_trades = [_trade(i, spec, before, settings) for i, spec in enumerate(trades)]
    try:
        after = assess(apply_trades(inputs, engine_trades, settings.asset_aliases), settings.params)
        after = with_carried_drawdown(after, data.equity_state)
    except ValueError as error:
        raise WhatIfRejected("trades", str(error)) from error
    before_json, after_json = before.to_dict(), after.to_dict()
    before_head, after_head = headline_columns(before_json), headline_columns(after_json)
    return {
        "as_of": datetime.fromtimestamp(data.as_of, tz=UTC).isoformat(),
        "trades": [
            {"venue": t.venue, "account": t.account, "symbol": t.symbol,
             "kind": "spot" if t.kind == Kind.SPOT else "perpetual", "size": t.size,
             "price": t.price, "multiplier": t.multiplier}
            for t in engine_trades
        ],
        "before": before_head,
        "after": after_head,
        "change": headline_change(before_head, after_head),
        "figures": after_json,
        "limit_utilization": _limit_utilization(before_json, after_json, data, settings),
        "stale_sources": data.stale_sources,
    }  # fmt: skip


def _trade(index: int, spec: TradeSpec, before: RiskAssessment, settings: RiskSettings) -> Trade:
    where = f"trades.{index}"
    try:
        symbol = canonical_symbol(spec.symbol, settings.asset_aliases)
    except ValueError as error:
        raise WhatIfRejected(f"{where}.symbol", str(error)) from error
    if symbol not in before.symbols.names:
        raise WhatIfRejected(
            f"{where}.symbol", f"{symbol} is not in the book (no mark, no history)"
        )
    price = spec.price
    if price is None:
        mark = float(before.symbols.mark[before.symbols.index(symbol)])
        if not math.isfinite(mark):
            raise WhatIfRejected(f"{where}.price", f"{symbol} has no mark: give a price")
        price = mark
    return Trade(
        venue=spec.venue, account=f"{spec.venue}:{spec.account}", symbol=symbol,
        kind=KINDS[spec.kind], size=spec.size, price=price, multiplier=spec.multiplier,
    )  # fmt: skip


def _limit_utilization(
    before: dict[str, Any], after: dict[str, Any], data: SourceData, settings: RiskSettings
) -> dict[str, Any]:
    """Readings of the limits app's enabled limits when it has some, else the config's delta
    and notional limits (`figures.config_limit_utilization`)."""
    specs = limit_specs_enabled()
    if not specs:
        return {
            "source": "config",
            "before": config_limit_utilization(before, settings),
            "after": config_limit_utilization(after, settings),
        }
    # The same verdict as a stored snapshot's: every source, each judged on its own schedule.
    as_of = datetime.fromtimestamp(data.as_of, tz=UTC)
    stale = source_ages(as_of, data.input_as_of, data.stale_sources)
    thresholds = severity_thresholds()

    def readings(figures: dict[str, Any]) -> list[dict[str, Any]]:
        found = limits_evaluate(
            limits=specs, figures=figures, stale_sources=stale, thresholds=thresholds
        )
        return [{**asdict(r), "breached": r.breached} for r in found]

    return {"source": "limits", "before": readings(before), "after": readings(after)}
