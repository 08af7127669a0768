"""Orders: validation, immediate fills at the quote, resting limit orders, cancels.

Market orders take the touch (buy at the ask, sell at the bid) and pay the taker fee; limit orders
that cross fill the same way, others rest and fill at their limit (maker fee) once the price
crosses. Commissions are charged in the quote asset. Futures are one-way mode (positionSide BOTH),
USDT-margined: realized P&L on reducing fills and all fees go to the USDT wallet.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from simulators.exchange import errors
from simulators.exchange.state import ZERO, Account, Fill, Order
from simulators.exchange.venue import Market, Venue

_SATOSHI = Decimal("0.00000001")


def _decimal(params: dict[str, str], name: str) -> Decimal | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation as exc:
        raise errors.bad_param(name) from exc
    if not value.is_finite() or value <= 0:
        raise errors.bad_param(name)
    return value


def _check_step(value: Decimal, step: Decimal, minimum: Decimal, filter_name: str) -> None:
    if value < minimum or value % step != 0:
        raise errors.filter_failure(filter_name)


def _sign(value: Decimal) -> int:
    return (value > 0) - (value < 0)


# -- futures margin -----------------------------------------------------------------------------


def unrealized(venue: Venue, account: Account) -> Decimal:
    total = ZERO
    for symbol, pos in account.positions.items():
        if pos.amount:
            mark = venue.mark_price(venue.market("futures", symbol))
            total += (mark - pos.entry_price) * pos.amount
    return total


def leverage(venue: Venue, account: Account, symbol: str) -> int:
    return account.leverage.get(symbol, venue.spec.leverage)


def position_margin(venue: Venue, account: Account) -> Decimal:
    total = ZERO
    for symbol, pos in account.positions.items():
        if pos.amount:
            mark = venue.mark_price(venue.market("futures", symbol))
            total += abs(pos.amount) * mark / leverage(venue, account, symbol)
    return total


def order_margin(venue: Venue, account: Account) -> Decimal:
    return (
        sum(
            (o.orig_qty - o.executed_qty) * o.price / leverage(venue, account, o.symbol)
            for o in account.open_orders("futures")
            if not o.reduce_only
        )
        or ZERO
    )


def available_balance(venue: Venue, account: Account) -> Decimal:
    margin_balance = account.wallet + unrealized(venue, account)
    return margin_balance - position_margin(venue, account) - order_margin(venue, account)


# -- fills --------------------------------------------------------------------------------------


def _fill(
    venue: Venue,
    account: Account,
    order: Order,
    price: Decimal,
    qty: Decimal,
    maker: bool,
    now: int,
) -> Fill:
    market = venue.market(order.market, order.symbol)
    quote_qty = price * qty
    commission = (quote_qty * venue.fee_rate(order.market, maker=maker)).quantize(
        _SATOSHI, rounding=ROUND_HALF_UP
    )
    if order.market == "spot":
        pnl = _apply_spot(account, market, order, qty, quote_qty, commission)
    else:
        pnl = _apply_futures(account, order, price, qty, commission, now)
    order.executed_qty += qty
    order.cum_quote += quote_qty
    order.status = "FILLED" if order.executed_qty >= order.orig_qty else "PARTIALLY_FILLED"
    order.update_time = now
    fill = Fill(
        venue.next_fill_id(),
        order.order_id,
        order.market,
        order.symbol,
        order.side,
        price,
        qty,
        quote_qty,
        commission,
        market.quote,
        pnl,
        now,
        maker,
    )
    account.fills.append(fill)
    return fill


def _apply_spot(
    account: Account,
    market: Market,
    order: Order,
    qty: Decimal,
    quote_qty: Decimal,
    commission: Decimal,
) -> Decimal:
    _release(account, order)
    base, quote = account.balance(market.base), account.balance(market.quote)
    if order.side == "BUY":
        quote.free -= quote_qty + commission
        base.free += qty
    else:
        base.free -= qty
        quote.free += quote_qty - commission
    return ZERO


def _apply_futures(
    account: Account, order: Order, price: Decimal, qty: Decimal, commission: Decimal, now: int
) -> Decimal:
    pos = account.position(order.symbol)
    signed = qty if order.side == "BUY" else -qty
    realized = ZERO
    if pos.amount and _sign(signed) != _sign(pos.amount):
        closing = min(qty, abs(pos.amount))
        realized = (price - pos.entry_price) * closing * _sign(pos.amount)
        remaining = pos.amount + signed
        if remaining == 0:
            pos.entry_price = ZERO
        elif _sign(remaining) != _sign(pos.amount):
            pos.entry_price = price  # flipped: the rest opens at this fill's price
        pos.amount = remaining
    else:
        size = abs(pos.amount) + qty
        pos.entry_price = ((abs(pos.amount) * pos.entry_price + qty * price) / size).quantize(
            _SATOSHI, rounding=ROUND_HALF_UP
        )
        pos.amount += signed
    pos.update_time = now
    account.wallet += realized - commission
    return realized


def _release(account: Account, order: Order) -> None:
    if order.locked_asset and order.locked_amount:
        balance = account.balance(order.locked_asset)
        balance.locked -= order.locked_amount
        balance.free += order.locked_amount
        order.locked_amount = ZERO


# -- placing ------------------------------------------------------------------------------------


def _new_order(venue: Venue, kind: str, params: dict[str, str], now: int) -> tuple[Order, Market]:
    market = venue.market(kind, params.get("symbol") or "")
    side, order_type = params.get("side", ""), params.get("type", "")
    if side not in ("BUY", "SELL"):
        raise errors.ApiError(400, -1117, "Invalid side.")
    if order_type not in ("MARKET", "LIMIT"):
        raise errors.ApiError(400, -1116, "Invalid orderType.")
    reduce_only = params.get("reduceOnly", "false").lower() == "true"
    if reduce_only and kind == "spot":
        raise errors.ApiError(400, -1106, "Parameter 'reduceOnly' sent when not required.")
    price = _decimal(params, "price") if order_type == "LIMIT" else ZERO
    if order_type == "LIMIT":
        if price is None:
            raise errors.missing_param("price")
        _check_step(price, market.spec.tick_size, market.spec.tick_size, "PRICE_FILTER")
    tif = params.get("timeInForce") or ("GTC" if kind == "futures" else "")
    if order_type == "LIMIT" and not tif:
        raise errors.missing_param("timeInForce")
    order_id = venue.next_order_id()
    order = Order(
        order_id,
        params.get("newClientOrderId") or f"sim-{order_id}",
        kind,
        market.symbol,
        side,
        order_type,
        price or ZERO,
        ZERO,
        tif if order_type == "LIMIT" else "GTC",
        reduce_only,
        now,
        update_time=now,
    )
    order.orig_qty = _quantity(venue, market, order, params)
    return order, market


def _quantity(venue: Venue, market: Market, order: Order, params: dict[str, str]) -> Decimal:
    qty = _decimal(params, "quantity")
    quote_qty = _decimal(params, "quoteOrderQty")
    if qty is None and quote_qty is not None and market.kind == "spot" and order.type == "MARKET":
        bid, _, ask = venue.quote(market)
        touch = ask if order.side == "BUY" else bid
        qty = (quote_qty / touch / market.spec.step_size).to_integral_value(ROUND_DOWN)
        qty *= market.spec.step_size
    if qty is None:
        raise errors.missing_param("quantity")
    _check_step(qty, market.spec.step_size, market.spec.min_qty, "LOT_SIZE")
    return qty


def _check_notional(venue: Venue, market: Market, order: Order, price: Decimal) -> None:
    if order.reduce_only or order.orig_qty * price >= market.spec.min_notional:
        return
    if market.kind == "spot":
        raise errors.filter_failure("NOTIONAL")
    raise errors.ApiError(
        400,
        -4164,
        f"Order's notional must be no smaller than {market.spec.min_notional} "
        "(unless you choose reduce only).",
    )


def _reduce_only_qty(account: Account, order: Order) -> Decimal:
    pos = account.position(order.symbol).amount
    reduces = (order.side == "SELL" and pos > 0) or (order.side == "BUY" and pos < 0)
    if not reduces:
        raise errors.reduce_only_rejected()
    return min(order.orig_qty, abs(pos))


def _check_funds(
    venue: Venue, account: Account, market: Market, order: Order, price: Decimal, maker: bool
) -> None:
    if market.kind == "spot":
        fee = venue.fee_rate("spot", maker=maker)
        if order.side == "BUY":
            needed, asset = order.orig_qty * price * (1 + fee), market.quote
        else:
            needed, asset = order.orig_qty, market.base
        if account.balance(asset).free < needed:
            raise errors.insufficient_balance()
        return
    if order.reduce_only:
        return
    pos = account.position(order.symbol).amount
    signed = order.orig_qty if order.side == "BUY" else -order.orig_qty
    increase = max(ZERO, abs(pos + signed) - abs(pos))
    fee = order.orig_qty * price * venue.fee_rate("futures", maker=maker)
    margin = increase * price / leverage(venue, account, order.symbol)
    if increase and margin + fee > available_balance(venue, account):
        raise errors.margin_insufficient()


def _lock(account: Account, market: Market, order: Order, venue: Venue) -> None:
    if market.kind != "spot":
        return
    if order.side == "BUY":
        fee = venue.fee_rate("spot", maker=True)
        asset, amount = market.quote, order.orig_qty * order.price * (1 + fee)
    else:
        asset, amount = market.base, order.orig_qty
    balance = account.balance(asset)
    balance.free -= amount
    balance.locked += amount
    order.locked_asset, order.locked_amount = asset, amount


def place_order(
    venue: Venue, account: Account, kind: str, params: dict[str, str], now: int
) -> tuple[Order, list[Fill]]:
    order, market = _new_order(venue, kind, params, now)
    if order.reduce_only:
        order.orig_qty = _reduce_only_qty(account, order)
    bid, _, ask = venue.quote(market)
    touch = ask if order.side == "BUY" else bid
    crosses = order.type == "MARKET" or (
        order.price >= ask if order.side == "BUY" else order.price <= bid
    )
    exec_price = touch if crosses else order.price
    _check_notional(venue, market, order, exec_price)
    _check_funds(venue, account, market, order, exec_price, maker=not crosses)
    account.orders[order.order_id] = order
    if crosses:
        return order, [_fill(venue, account, order, touch, order.orig_qty, False, now)]
    _lock(account, market, order, venue)
    return order, []


def cancel(account: Account, order: Order, now: int) -> Order:
    _release(account, order)
    order.status = "CANCELED"
    order.update_time = now
    return order


def find_order(account: Account, kind: str, params: dict[str, str]) -> Order:
    symbol = params.get("symbol")
    order_id, client_id = params.get("orderId"), params.get("origClientOrderId")
    for order in account.orders.values():
        if order.market != kind or order.symbol != symbol:
            continue
        if (order_id and str(order.order_id) == order_id) or (
            client_id and order.client_order_id == client_id
        ):
            return order
    if not order_id and not client_id:
        raise errors.missing_param("orderId")
    raise errors.unknown_order()


def match_resting(venue: Venue, now: int) -> None:
    """Fill resting limit orders the market has crossed (checked lazily, on each request)."""
    for account in venue.accounts.values():
        for order in [
            o for o in account.orders.values() if o.status == "NEW" and o.type == "LIMIT"
        ]:
            market = venue.market(order.market, order.symbol)
            bid, _, ask = venue.quote(market)
            crossed = ask <= order.price if order.side == "BUY" else bid >= order.price
            if not crossed:
                continue
            if order.reduce_only:
                try:
                    order.orig_qty = _reduce_only_qty(account, order)
                except errors.ApiError:
                    cancel(account, order, now).status = "EXPIRED"
                    continue
            _fill(venue, account, order, order.price, order.orig_qty, True, now)
