"""Signed endpoints: accounts, balances, positions, orders and fills."""

from __future__ import annotations

from typing import Any

from simulators.exchange import errors, matching, payloads
from simulators.exchange.context import Context
from simulators.exchange.state import Order
from simulators.exchange.venue import Venue
from simulators.numbers import fixed

_BRACKETS = [  # notional floors and maintenance margin ratios, a short Binance-like ladder
    (1, 125, 0, 50_000, "0.004", 0),
    (2, 100, 50_000, 600_000, "0.005", 50),
    (3, 75, 600_000, 3_000_000, "0.0065", 950),
    (4, 50, 3_000_000, 12_000_000, "0.01", 11_450),
    (5, 25, 12_000_000, 70_000_000, "0.02", 131_450),
]


def spot_account(venue: Venue, ctx: Context) -> dict[str, Any]:
    return payloads.spot_account(venue, ctx.caller, ctx.now)


def no_margin_pairs(venue: Venue, ctx: Context) -> list[dict[str, Any]]:
    return []


def futures_account_v2(venue: Venue, ctx: Context) -> dict[str, Any]:
    return payloads.futures_account(venue, ctx.caller, ctx.now, version=2)


def futures_account_v3(venue: Venue, ctx: Context) -> dict[str, Any]:
    return payloads.futures_account(venue, ctx.caller, ctx.now, version=3)


def futures_balance(venue: Venue, ctx: Context) -> list[dict[str, Any]]:
    return payloads.futures_balance(venue, ctx.caller, ctx.now)


def _position_rows(venue: Venue, ctx: Context, version: int) -> list[dict[str, Any]]:
    account = ctx.caller
    wanted = ctx.params.get("symbol")
    if wanted:
        venue.market("futures", wanted)  # -1121 for an unknown symbol
    symbols = sorted(s for s, p in account.positions.items() if p.amount)
    if version == 2:  # v2 lists every symbol, flat ones included
        symbols = sorted(s for (k, s) in venue.markets if k == "futures")
    return [
        payloads.position_row(venue, account, s, ctx.now, version)
        for s in symbols
        if wanted in (None, s)
    ]


def position_risk_v2(venue: Venue, ctx: Context) -> list[dict[str, Any]]:
    return _position_rows(venue, ctx, 2)


def position_risk_v3(venue: Venue, ctx: Context) -> list[dict[str, Any]]:
    return _position_rows(venue, ctx, 3)


def leverage_bracket(venue: Venue, ctx: Context) -> Any:
    symbols = [s for (k, s) in venue.markets if k == "futures"]
    wanted = ctx.params.get("symbol")
    rows = [
        {
            "symbol": symbol,
            "notionalCoef": 1.0,
            "brackets": [
                {
                    "bracket": b,
                    "initialLeverage": min(lev, 125),
                    "notionalCap": cap,
                    "notionalFloor": floor,
                    "maintMarginRatio": float(mmr),
                    "cum": float(cum),
                }
                for b, lev, floor, cap, mmr, cum in _BRACKETS
            ],
        }
        for symbol in symbols
        if wanted in (None, symbol)
    ]
    return rows[0] if wanted else rows


def spot_trade_fees(venue: Venue, ctx: Context) -> list[dict[str, Any]]:
    """`/sapi/v1/asset/tradeFee` (ccxt `fetch_trading_fees`): the venue's spot fees, per
    symbol (`symbol=` narrows to one; -1121 for an unknown one)."""
    wanted = ctx.params.get("symbol")
    if wanted:
        venue.market("spot", wanted)
    fees = venue.spec.fees
    return [
        {"symbol": s, "makerCommission": fixed(fees.spot_maker),
         "takerCommission": fixed(fees.spot_taker)}
        for (k, s) in venue.markets
        if k == "spot" and wanted in (None, s)
    ]  # fmt: skip


def futures_commission_rate(venue: Venue, ctx: Context) -> dict[str, Any]:
    """`/fapi/v1/commissionRate` (ccxt `fetch_trading_fee` on a perpetual): one symbol's
    futures fees; `symbol` is required, as on Binance."""
    symbol = ctx.params.get("symbol")
    if not symbol:
        raise errors.missing_param("symbol")
    venue.market("futures", symbol)
    fees = venue.spec.fees
    return {
        "symbol": symbol,
        "makerCommissionRate": fixed(fees.futures_maker),
        "takerCommissionRate": fixed(fees.futures_taker),
    }


def futures_account_config(venue: Venue, ctx: Context) -> dict[str, Any]:
    """`/fapi/v1/accountConfig` (ccxt `fetch_trading_fees` for linear markets, which maps
    `feeTier` onto its own table of Binance's tiers): tier 0, trading allowed."""
    return {
        "feeTier": 0, "canTrade": True, "canDeposit": True, "canWithdraw": True,
        "dualSidePosition": False, "multiAssetsMargin": False, "tradeGroupId": -1,
        "updateTime": 0,
    }  # fmt: skip


def _order_payload(order: Order) -> dict[str, Any]:
    return payloads.spot_order(order) if order.market == "spot" else payloads.futures_order(order)


def open_orders(venue: Venue, ctx: Context) -> list[dict[str, Any]]:
    symbol = ctx.params.get("symbol")
    if symbol:
        venue.market(ctx.kind, symbol)
    return [_order_payload(o) for o in ctx.caller.open_orders(ctx.kind, symbol)]


def query_order(venue: Venue, ctx: Context) -> dict[str, Any]:
    venue.market(ctx.kind, ctx.params.get("symbol") or "")
    return _order_payload(matching.find_order(ctx.caller, ctx.kind, ctx.params))


def my_trades(venue: Venue, ctx: Context) -> list[dict[str, Any]]:
    market = venue.market(ctx.kind, ctx.params.get("symbol") or "")
    start = int(ctx.params.get("startTime") or 0)
    end = int(ctx.params.get("endTime") or 2**62)
    limit = min(int(ctx.params.get("limit") or 500), 1000)
    fills = [
        f
        for f in ctx.caller.fills
        if f.market == ctx.kind and f.symbol == market.symbol and start <= f.time <= end
    ][-limit:]
    render = payloads.spot_trade if ctx.kind == "spot" else payloads.futures_trade
    return [render(f) for f in fills]


def new_order(venue: Venue, ctx: Context) -> dict[str, Any]:
    order, fills = matching.place_order(venue, ctx.caller, ctx.kind, ctx.params, ctx.now)
    if ctx.kind == "spot":
        return payloads.spot_order_result(order, fills)
    return payloads.futures_order(order)


def cancel_order(venue: Venue, ctx: Context) -> dict[str, Any]:
    venue.market(ctx.kind, ctx.params.get("symbol") or "")
    order = matching.find_order(ctx.caller, ctx.kind, ctx.params)
    if order.status not in ("NEW", "PARTIALLY_FILLED"):
        raise errors.unknown_order()
    matching.cancel(ctx.caller, order, ctx.now)
    return payloads.spot_cancel(order) if ctx.kind == "spot" else payloads.futures_order(order)


def cancel_all(venue: Venue, ctx: Context) -> Any:
    market = venue.market(ctx.kind, ctx.params.get("symbol") or "")
    orders = ctx.caller.open_orders(ctx.kind, market.symbol)
    for order in orders:
        matching.cancel(ctx.caller, order, ctx.now)
    if ctx.kind == "futures":
        return {"code": 200, "msg": "The operation of cancel all open order is done."}
    if not orders:
        raise errors.unknown_order()  # Binance answers -2011 when nothing was open
    return [payloads.spot_cancel(o) for o in orders]
