"""Binance wire shapes for orders, fills, accounts and positions (numbers as strings)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from simulators.exchange import matching
from simulators.exchange.state import SETTLE_ASSET, ZERO, Account, Fill, Order
from simulators.exchange.venue import Venue
from simulators.numbers import fixed


def spot_order(order: Order, *, with_times: bool = True) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "symbol": order.symbol,
        "orderId": order.order_id,
        "orderListId": -1,
        "clientOrderId": order.client_order_id,
        "price": fixed(order.price),
        "origQty": fixed(order.orig_qty),
        "executedQty": fixed(order.executed_qty),
        "cummulativeQuoteQty": fixed(order.cum_quote),
        "status": order.status,
        "timeInForce": order.time_in_force,
        "type": order.type,
        "side": order.side,
        "selfTradePreventionMode": "EXPIRE_MAKER",
    }
    if with_times:
        payload.update(
            stopPrice="0.00000000",
            icebergQty="0.00000000",
            time=order.time,
            updateTime=order.update_time,
            isWorking=True,
            workingTime=order.time,
            origQuoteOrderQty="0.00000000",
        )
    return payload


def spot_order_result(order: Order, fills: list[Fill]) -> dict[str, Any]:
    payload = spot_order(order, with_times=False)
    payload.update(
        transactTime=order.update_time,
        workingTime=order.time,
        origQuoteOrderQty="0.00000000",
        fills=[
            {
                "price": fixed(f.price),
                "qty": fixed(f.qty),
                "commission": fixed(f.commission),
                "commissionAsset": f.commission_asset,
                "tradeId": f.id,
            }
            for f in fills
        ],
    )
    return payload


def spot_cancel(order: Order) -> dict[str, Any]:
    payload = spot_order(order, with_times=False)
    payload.update(origClientOrderId=order.client_order_id, transactTime=order.update_time)
    return payload


def futures_order(order: Order) -> dict[str, Any]:
    return {
        "orderId": order.order_id,
        "symbol": order.symbol,
        "status": order.status,
        "clientOrderId": order.client_order_id,
        "price": fixed(order.price),
        "avgPrice": fixed(order.avg_price),
        "origQty": fixed(order.orig_qty),
        "executedQty": fixed(order.executed_qty),
        "cumQty": fixed(order.executed_qty),
        "cumQuote": fixed(order.cum_quote),
        "timeInForce": order.time_in_force,
        "type": order.type,
        "reduceOnly": order.reduce_only,
        "closePosition": False,
        "side": order.side,
        "positionSide": "BOTH",
        "stopPrice": "0",
        "workingType": "CONTRACT_PRICE",
        "priceProtect": False,
        "origType": order.type,
        "priceMatch": "NONE",
        "selfTradePreventionMode": "EXPIRE_MAKER",
        "goodTillDate": 0,
        "time": order.time,
        "updateTime": order.update_time,
    }


def spot_trade(fill: Fill) -> dict[str, Any]:
    return {
        "symbol": fill.symbol,
        "id": fill.id,
        "orderId": fill.order_id,
        "orderListId": -1,
        "price": fixed(fill.price),
        "qty": fixed(fill.qty),
        "quoteQty": fixed(fill.quote_qty),
        "commission": fixed(fill.commission),
        "commissionAsset": fill.commission_asset,
        "time": fill.time,
        "isBuyer": fill.side == "BUY",
        "isMaker": fill.maker,
        "isBestMatch": True,
    }


def futures_trade(fill: Fill) -> dict[str, Any]:
    return {
        "buyer": fill.side == "BUY",
        "commission": fixed(fill.commission),
        "commissionAsset": fill.commission_asset,
        "id": fill.id,
        "maker": fill.maker,
        "orderId": fill.order_id,
        "price": fixed(fill.price),
        "qty": fixed(fill.qty),
        "quoteQty": fixed(fill.quote_qty),
        "realizedPnl": fixed(fill.realized_pnl),
        "side": fill.side,
        "positionSide": "BOTH",
        "symbol": fill.symbol,
        "time": fill.time,
    }


def spot_account(venue: Venue, account: Account, now: int) -> dict[str, Any]:
    fees = venue.spec.fees
    return {
        "makerCommission": int(fees.spot_maker * 10_000),
        "takerCommission": int(fees.spot_taker * 10_000),
        "buyerCommission": 0,
        "sellerCommission": 0,
        "commissionRates": {
            "maker": fixed(fees.spot_maker),
            "taker": fixed(fees.spot_taker),
            "buyer": "0.00000000",
            "seller": "0.00000000",
        },
        "canTrade": True,
        "canWithdraw": True,
        "canDeposit": True,
        "brokered": False,
        "requireSelfTradePrevention": False,
        "preventSor": False,
        "updateTime": now,
        "accountType": "SPOT",
        "balances": [
            {"asset": asset, "free": fixed(b.free), "locked": fixed(b.locked)}
            for asset, b in sorted(account.spot.items())
        ],
        "permissions": ["SPOT"],
        "uid": account.uid,
    }


def position_row(
    venue: Venue, account: Account, symbol: str, now: int, version: int
) -> dict[str, Any]:
    pos = account.position(symbol)
    mark = venue.mark_price(venue.market("futures", symbol))
    notional = pos.amount * mark
    lev = matching.leverage(venue, account, symbol)
    initial = abs(notional) / lev
    row: dict[str, Any] = {
        "symbol": symbol,
        "positionSide": "BOTH",
        "positionAmt": fixed(pos.amount),
        "entryPrice": fixed(pos.entry_price),
        "breakEvenPrice": fixed(pos.entry_price),
        "markPrice": fixed(mark),
        "unRealizedProfit": fixed((mark - pos.entry_price) * pos.amount),
        "liquidationPrice": "0",
        "isolatedMargin": "0",
        "notional": fixed(notional),
        "marginAsset": SETTLE_ASSET,
        "isolatedWallet": "0",
        "initialMargin": fixed(initial),
        "maintMargin": fixed(abs(notional) * Decimal("0.004")),
        "positionInitialMargin": fixed(initial),
        "openOrderInitialMargin": "0",
        "adl": 1,
        "bidNotional": "0",
        "askNotional": "0",
        "updateTime": pos.update_time or now,
    }
    if version == 2:
        row.update(
            leverage=str(lev),
            maxNotionalValue="50000000",
            marginType="cross",
            isAutoAddMargin="false",
            isolated=False,
            adlQuantile=1,
        )
    return row


def futures_asset(venue: Venue, account: Account, now: int) -> dict[str, Any]:
    upnl = matching.unrealized(venue, account)
    pos_margin = matching.position_margin(venue, account)
    order_margin = matching.order_margin(venue, account)
    available = matching.available_balance(venue, account)
    return {
        "asset": SETTLE_ASSET,
        "walletBalance": fixed(account.wallet),
        "unrealizedProfit": fixed(upnl),
        "marginBalance": fixed(account.wallet + upnl),
        "maintMargin": fixed(pos_margin * Decimal("0.04")),
        "initialMargin": fixed(pos_margin + order_margin),
        "positionInitialMargin": fixed(pos_margin),
        "openOrderInitialMargin": fixed(order_margin),
        "crossWalletBalance": fixed(account.wallet),
        "crossUnPnl": fixed(upnl),
        "availableBalance": fixed(available),
        "maxWithdrawAmount": fixed(max(ZERO, min(available, account.wallet))),
        "marginAvailable": True,
        "updateTime": now,
    }


def futures_account(venue: Venue, account: Account, now: int, version: int) -> dict[str, Any]:
    asset = futures_asset(venue, account, now)
    positions = [
        position_row(venue, account, symbol, now, version)
        for symbol, pos in sorted(account.positions.items())
        if pos.amount or version == 2
    ]
    totals = {
        "totalInitialMargin": asset["initialMargin"],
        "totalMaintMargin": asset["maintMargin"],
        "totalWalletBalance": asset["walletBalance"],
        "totalUnrealizedProfit": asset["unrealizedProfit"],
        "totalMarginBalance": asset["marginBalance"],
        "totalPositionInitialMargin": asset["positionInitialMargin"],
        "totalOpenOrderInitialMargin": asset["openOrderInitialMargin"],
        "totalCrossWalletBalance": asset["crossWalletBalance"],
        "totalCrossUnPnl": asset["crossUnPnl"],
        "availableBalance": asset["availableBalance"],
        "maxWithdrawAmount": asset["maxWithdrawAmount"],
    }
    extra = (
        {
            "feeTier": 0,
            "canTrade": True,
            "canDeposit": True,
            "canWithdraw": True,
            "updateTime": 0,
            "multiAssetsMargin": False,
        }
        if version == 2
        else {}
    )
    return {**extra, **totals, "assets": [asset], "positions": positions}


def futures_balance(venue: Venue, account: Account, now: int) -> list[dict[str, Any]]:
    asset = futures_asset(venue, account, now)
    return [
        {
            "accountAlias": f"Sim{account.uid}",
            "asset": SETTLE_ASSET,
            "balance": asset["walletBalance"],
            "crossWalletBalance": asset["crossWalletBalance"],
            "crossUnPnl": asset["crossUnPnl"],
            "availableBalance": asset["availableBalance"],
            "maxWithdrawAmount": asset["maxWithdrawAmount"],
            "marginAvailable": True,
            "updateTime": now,
        }
    ]
