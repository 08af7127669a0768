"""Hedge recommendations: orders bringing an asset's delta back to a target.

An asset is hedged when |delta| > its delta limit (to sign(delta) * limit * fraction), or when
an explicit target is requested. The order goes on the most liquid symbol BASE-USD whose base
reports under the asset (after aliases), in base units rounded to the nearest lot; its cost
is notional * (fee_bps + half_spread_bps) / 10,000.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from riskmonitor.engine._arrays import NO_INDEX
from riskmonitor.engine.inputs import Book, MarketInfo
from riskmonitor.engine.marks import Valuation
from riskmonitor.engine.outputs import DeltaTable, HedgeRecommendation
from riskmonitor.engine.params import EngineParams

BPS = 10_000.0


@dataclass(frozen=True)
class HedgeRequest:
    """Delta (asset units) to move to `target`; `limit` None for an explicit request."""

    asset: str
    delta: float
    limit: float | None
    target: float


def hedge_requests(deltas: DeltaTable, params: EngineParams) -> list[HedgeRequest]:
    """Explicit targets first, then every asset over its limit that has no explicit target."""
    units = dict(zip(deltas.names, deltas.units.tolist(), strict=True))
    requests = [
        HedgeRequest(asset, units.get(asset, 0.0), params.delta_limits.get(asset), target)
        for asset, target in params.hedge_targets.items()
    ]
    for asset, limit in params.delta_limits.items():
        delta = units.get(asset, 0.0)
        if asset not in params.hedge_targets and abs(delta) > limit:
            target = math.copysign(limit * params.hedge_target_fraction, delta)
            requests.append(HedgeRequest(asset, delta, limit, target))
    return requests


def best_instrument(book: Book, value: Valuation, market: MarketInfo, asset: str) -> int | None:
    """Index of the most liquid USD-quoted symbol on `asset`, None if there is none."""
    if asset not in book.assets:
        return None
    group = book.assets.index(asset)
    usd_quoted = book.asset_price_symbol[book.symbol_quote] == NO_INDEX
    on_asset = book.asset_group[book.symbol_base] == group
    tradable = usd_quoted & on_asset & np.isfinite(value.mark_usd) & (market.liquidity > 0)
    candidates = np.flatnonzero(tradable)
    if candidates.size == 0:
        return None
    return int(candidates[np.argmax(market.liquidity[candidates])])


def round_to_lot(quantity: float, lot: float) -> float:
    """|quantity| rounded to the nearest multiple of `lot` (no rounding when lot is 0)."""
    return abs(quantity) if lot <= 0 else round(abs(quantity) / lot) * lot


def recommend(
    request: HedgeRequest, book: Book, value: Valuation, market: MarketInfo | None
) -> HedgeRecommendation:
    symbol = None if market is None else best_instrument(book, value, market, request.asset)
    if market is None or symbol is None:
        return _no_order(request, "no_liquid_instrument")
    need = request.target - request.delta
    size = round_to_lot(need, float(market.lot_size[symbol]))
    if size == 0:
        return _no_order(request, "below_lot_size")
    notional = size * float(value.mark_usd[symbol])
    cost_bps = float(market.fee_bps[symbol] + market.half_spread_bps[symbol])
    return HedgeRecommendation(
        asset=request.asset,
        delta_units=request.delta,
        limit_units=request.limit,
        target_units=request.target,
        symbol=book.symbols[symbol],
        side="buy" if need > 0 else "sell",
        size=size,
        notional_usd=notional,
        est_cost_usd=notional * cost_bps / BPS,
        reason="explicit_target" if request.limit is None else "over_delta_limit",
    )


def hedge_recommendations(
    book: Book,
    value: Valuation,
    deltas: DeltaTable,
    params: EngineParams,
    market: MarketInfo | None,
) -> tuple[HedgeRecommendation, ...]:
    return tuple(recommend(r, book, value, market) for r in hedge_requests(deltas, params))


def _no_order(request: HedgeRequest, reason: str) -> HedgeRecommendation:
    return HedgeRecommendation(
        asset=request.asset,
        delta_units=request.delta,
        limit_units=request.limit,
        target_units=request.target,
        symbol=None,
        side=None,
        size=0.0,
        notional_usd=0.0,
        est_cost_usd=0.0,
        reason=reason,
    )
