"""Binance JSON (numbers as strings) into validated rows. Anything off raises PayloadRejected."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from apps.venues.connectors import validation as v
from apps.venues.connectors.base import ZERO, PayloadRejected, Pulled
from riskmonitor.lib.clock import now_ms
from riskmonitor.lib.venue_rows import (
    BalanceRow,
    CandleRow,
    FillRow,
    InstrumentRow,
    OrderRow,
    PositionRow,
    PriceRow,
)

__all__ = [
    "BalanceRow", "CandleRow", "FillRow", "InstrumentRow", "OrderRow", "PositionRow",
    "PriceRow", "Pulled",
]  # fmt: skip

QUOTE_MAX_AGE_MS = 5 * 60_000  # a ticker's close time is "now" at the venue; older is stale
FILLS_WINDOW_MS = 24 * 3_600_000  # Binance serves at most 24 hours of trades per request
FILLS_PAGE = 1000
CANDLE_PAGE = 1000
INTERVAL_MS = {"1m": 60_000, "1d": 86_400_000}


def _update_time(row: Mapping[str, Any], name: str, where: str) -> int | None:
    """Binance says 0 for "never updated"; any other value must be a plausible time."""
    raw = row.get(name)
    if raw in (None, 0, "0"):
        return None
    return v.timestamp_ms(raw, f"{where}.{name}")


# -- balances, positions, orders ------------------------------------------------------------------


def spot_balances(payload: Any) -> Pulled[BalanceRow]:
    body = v.mapping(payload, "account")
    result = []
    for n, raw in enumerate(v.rows(v.field(body, "balances", "account"), "account.balances")):
        where = f"account.balances[{n}]"
        row = v.mapping(raw, where)
        free, locked = v.non_negative(row, "free", where), v.non_negative(row, "locked", where)
        if free or locked:  # Binance lists every asset it knows, mostly at zero
            result.append(BalanceRow("spot", v.text(row, "asset", where), free, locked))
    updated = _update_time(body, "updateTime", "account")
    return Pulled(result, now_ms(), {"updateTime": updated} if updated else {})


def futures_balances(payload: Any) -> Pulled[BalanceRow]:
    body = v.mapping(payload, "account")
    result, marks = [], {}
    for n, raw in enumerate(v.rows(v.field(body, "assets", "account"), "account.assets")):
        where = f"account.assets[{n}]"
        row = v.mapping(raw, where)
        asset = v.text(row, "asset", where)
        wallet = v.non_negative(row, "walletBalance", where)
        withdrawable = min(v.non_negative(row, "maxWithdrawAmount", where), wallet)
        if wallet:
            result.append(BalanceRow("futures", asset, withdrawable, wallet - withdrawable))
        updated = _update_time(row, "updateTime", where)
        if updated:
            marks[f"asset:{asset}"] = updated
    return Pulled(result, now_ms(), marks)


def positions(payload: Any) -> Pulled[PositionRow]:
    result, marks = [], {}
    for n, raw in enumerate(v.rows(payload, "positionRisk")):
        where = f"positionRisk[{n}]"
        row = v.mapping(raw, where)
        symbol = v.text(row, "symbol", where)
        contracts = v.amount(row, "positionAmt", where)
        if not contracts:
            continue
        notional = abs(v.amount(row, "notional", where)) if "notional" in row else ZERO
        margin = v.non_negative(row, "initialMargin", where) if "initialMargin" in row else ZERO
        leverage = v.amount(row, "leverage", where) if "leverage" in row else None
        result.append(
            PositionRow(
                venue_symbol=symbol,
                contracts=contracts,
                contract_size=Decimal(1),  # USD-M linear contracts are one unit of the base asset
                entry_price=v.price(row, "entryPrice", where),
                mark_price=v.price(row, "markPrice", where),
                unrealized_pnl=v.amount(row, "unRealizedProfit", where),
                leverage=leverage if leverage is not None else _leverage(notional, margin),
            )
        )
        updated = _update_time(row, "updateTime", where)
        if updated:
            marks[f"position:{symbol}"] = updated
    return Pulled(result, now_ms(), marks)


def _leverage(notional: Decimal, margin: Decimal) -> Decimal | None:
    return (notional / margin).quantize(Decimal("0.01")) if margin > 0 else None


def orders(payload: Any) -> Pulled[OrderRow]:
    result, marks = [], {}
    for n, raw in enumerate(v.rows(payload, "openOrders")):
        where = f"openOrders[{n}]"
        row = v.mapping(raw, where)
        order_id = v.text(row, "orderId", where)
        created = v.timestamp_ms(v.field(row, "time", where), f"{where}.time")
        result.append(
            OrderRow(
                order_id=order_id,
                venue_symbol=v.text(row, "symbol", where),
                side=v.text(row, "side", where).lower(),
                type=v.text(row, "type", where).lower(),
                price=v.non_negative(row, "price", where),  # 0 for market orders
                amount=v.non_negative(row, "origQty", where),
                filled=v.non_negative(row, "executedQty", where),
                reduce_only=bool(row.get("reduceOnly", False)),
                status=v.text(row, "status", where).lower(),
                created_ms=created,
            )
        )
        marks[f"order:{order_id}"] = created
    return Pulled(result, now_ms(), marks)


# -- fills -----------------------------------------------------------------------------------


def fill(raw: Any, market: str, where: str, since_ms: int) -> FillRow:
    row = v.mapping(raw, where)
    moment = v.timestamp_ms(v.field(row, "time", where), f"{where}.time")
    if moment < since_ms:
        raise PayloadRejected(f"{where}.time: {moment} is before the requested start {since_ms}")
    if market == "spot":
        side = "buy" if v.field(row, "isBuyer", where) is True else "sell"
        realized = None
    else:
        side = v.text(row, "side", where).lower()
        realized = v.amount(row, "realizedPnl", where)
    qty = v.amount(row, "qty", where)
    if qty <= 0:
        raise PayloadRejected(f"{where}.qty: must be positive, got {qty}")
    return FillRow(
        trade_id=v.text(row, "id", where),
        order_id=v.text(row, "orderId", where),
        venue_symbol=v.text(row, "symbol", where),
        market="spot" if market == "spot" else "linear",
        side=side,
        price=v.price(row, "price", where),
        amount=qty,
        cost=v.non_negative(row, "quoteQty", where),
        fee=v.amount(row, "commission", where),  # maker rebates can be negative
        fee_asset=v.text(row, "commissionAsset", where),
        realized_pnl=realized,
        time_ms=moment,
    )


def fills_windows(
    fetch: Callable[[dict[str, Any]], Any],
    market: str,
    venue_symbol: str,
    since_ms: int,
    until_ms: int,
) -> Pulled[FillRow]:
    """Every fill in [since, until], in 24-hour windows, paging inside a full window."""
    seen: dict[str, FillRow] = {}
    start = since_ms
    while start <= until_ms:
        end = min(start + FILLS_WINDOW_MS - 1, until_ms)
        page = v.rows(
            fetch(
                {"symbol": venue_symbol, "startTime": start, "endTime": end, "limit": FILLS_PAGE}
            ),
            "trades",
        )
        rows = [fill(r, market, f"trades[{n}]", start) for n, r in enumerate(page)]
        seen.update((r.trade_id, r) for r in rows)
        if len(rows) >= FILLS_PAGE:
            start = max(r.time_ms for r in rows)  # same millisecond may hold more: ids dedupe
            continue
        start = end + 1
    ordered = sorted(seen.values(), key=lambda r: (r.time_ms, r.trade_id))
    return Pulled(ordered, now_ms())


# -- prices and candles ---------------------------------------------------------------------------


def _ticker_time(row: Mapping[str, Any], where: str) -> int:
    moment = v.timestamp_ms(v.field(row, "closeTime", where), f"{where}.closeTime")
    return v.fresh(moment, f"{where}.closeTime", QUOTE_MAX_AGE_MS)


def _ticker(raw: Any, kind: str, where: str) -> PriceRow:
    row = v.mapping(raw, where)
    moment = _ticker_time(row, where)
    bid = v.optional_price(row, "bidPrice", where) if kind == "spot" else None
    ask = v.optional_price(row, "askPrice", where) if kind == "spot" else None
    if bid is not None and ask is not None and bid > ask:
        raise PayloadRejected(f"{where}: bid {bid} above ask {ask}")
    return PriceRow(
        v.text(row, "symbol", where),
        kind,
        v.price(row, "lastPrice", where),
        None,
        bid,
        ask,
        v.non_negative(row, "quoteVolume", where),
        moment,
    )


def tickers(payload: Any, kind: str) -> Pulled[PriceRow]:
    """24-hour tickers: one object (one symbol asked) or an array (all symbols)."""
    raws = payload if isinstance(payload, list) else [payload]
    rows = [_ticker(raw, kind, f"ticker[{n}]") for n, raw in enumerate(raws)]
    marks = {f"ticker:{r.venue_symbol}": r.as_of_ms for r in rows}
    return Pulled(rows, min((r.as_of_ms for r in rows), default=now_ms()), marks)


def marks(payload: Any) -> Pulled[PriceRow]:
    """premiumIndex: the mark of every perpetual (the row's ``last`` is unused)."""
    result, seen = [], {}
    for n, raw in enumerate(v.rows(payload, "premiumIndex")):
        where = f"premiumIndex[{n}]"
        row = v.mapping(raw, where)
        symbol = v.text(row, "symbol", where)
        moment = v.fresh(
            v.timestamp_ms(v.field(row, "time", where), f"{where}.time"),
            f"{where}.time",
            QUOTE_MAX_AGE_MS,
        )
        mark = v.price(row, "markPrice", where)
        result.append(PriceRow(symbol, "perpetual", mark, mark, None, None, None, moment))
        seen[f"mark:{symbol}"] = moment
    return Pulled(result, min(seen.values(), default=now_ms()), seen)


def candle(raw: Any, where: str) -> CandleRow:
    if not isinstance(raw, list) or len(raw) < 6:
        raise PayloadRejected(f"{where}: expected a kline array")
    o, h, low, c = (v.decimal(raw[i], f"{where}[{i}]") for i in range(1, 5))
    if min(o, h, low, c) <= 0:
        raise PayloadRejected(f"{where}: prices must be positive")
    if h < max(o, c, low) or low > min(o, c):
        raise PayloadRejected(f"{where}: high/low do not bound open/close")
    volume = v.decimal(raw[5], f"{where}[5]")
    if volume < 0:
        raise PayloadRejected(f"{where}[5]: negative volume")
    return CandleRow(v.timestamp_ms(raw[0], f"{where}[0]"), o, h, low, c, volume)


def candle_pages(
    fetch: Callable[[dict[str, Any]], Any],
    venue_symbol: str,
    interval: str,
    since_ms: int,
    until_ms: int,
) -> Pulled[CandleRow]:
    """Closed candles opening in [since, until): paged forward with startTime and limit."""
    step = INTERVAL_MS[interval]
    now = now_ms()
    result: list[CandleRow] = []
    start = since_ms
    while start < until_ms:
        page = v.rows(
            fetch(
                {
                    "symbol": venue_symbol,
                    "interval": interval,
                    "startTime": start,
                    "limit": CANDLE_PAGE,
                }
            ),
            "klines",
        )
        rows = [candle(r, f"klines[{n}]") for n, r in enumerate(page)]
        result.extend(r for r in rows if r.open_time_ms < until_ms and r.open_time_ms + step <= now)
        if len(rows) < CANDLE_PAGE:
            break
        start = rows[-1].open_time_ms + step
    return Pulled(result, now)


# -- instruments ----------------------------------------------------------------------------------


def _filter(row: Mapping[str, Any], kind: str, key: str, where: str) -> Decimal:
    for f in v.rows(v.field(row, "filters", where), f"{where}.filters"):
        if isinstance(f, Mapping) and f.get("filterType") == kind:
            value = v.amount(f, key, f"{where}.{kind}")
            if value <= 0:
                raise PayloadRejected(f"{where}.{kind}.{key}: must be positive")
            return value
    raise PayloadRejected(f"{where}.filters: no {kind}")


def _instrument(raw: Any, kind: str, where: str) -> InstrumentRow:
    row = v.mapping(raw, where)
    return InstrumentRow(
        venue_symbol=v.text(row, "symbol", where),
        kind=kind,
        base=v.text(row, "baseAsset", where),
        quote=v.text(row, "quoteAsset", where),
        contract_size=Decimal(1),
        tick_size=_filter(row, "PRICE_FILTER", "tickSize", where),
        lot_size=_filter(row, "LOT_SIZE", "stepSize", where),
        active=row.get("status") == "TRADING",
    )


def _exchange_info(
    payload: Any, kind: str, keep: Callable[[Mapping[str, Any]], bool]
) -> Pulled[InstrumentRow]:
    body = v.mapping(payload, "exchangeInfo")
    moment = v.timestamp_ms(v.field(body, "serverTime", "exchangeInfo"), "exchangeInfo.serverTime")
    symbols = v.rows(v.field(body, "symbols", "exchangeInfo"), "exchangeInfo.symbols")
    result = [
        _instrument(raw, kind, f"exchangeInfo.symbols[{n}]")
        for n, raw in enumerate(symbols)
        if isinstance(raw, Mapping) and keep(raw)
    ]
    return Pulled(result, moment, {f"serverTime:{kind}": moment})


def spot_instruments(payload: Any) -> Pulled[InstrumentRow]:
    return _exchange_info(payload, "spot", lambda r: True)


def perp_instruments(payload: Any) -> Pulled[InstrumentRow]:
    return _exchange_info(payload, "perpetual", lambda r: r.get("contractType") == "PERPETUAL")


FeeRates = dict[str, tuple[Decimal, Decimal]]  # venue symbol -> (maker, taker), fractions


def _fee_rate(row: Mapping[str, Any], name: str, where: str) -> Decimal:
    rate = v.non_negative(row, name, where)
    if rate >= 1:
        raise PayloadRejected(f"{where}.{name}: a fee of 100% or more is not a fee: {rate}")
    return rate


def spot_fees(payload: Any) -> FeeRates:
    """sapi/v1/asset/tradeFee: the account's spot maker and taker fee of every symbol."""
    fees: FeeRates = {}
    for n, raw in enumerate(v.rows(payload, "tradeFee")):
        where = f"tradeFee[{n}]"
        row = v.mapping(raw, where)
        fees[v.text(row, "symbol", where)] = (
            _fee_rate(row, "makerCommission", where),
            _fee_rate(row, "takerCommission", where),
        )
    return fees


def perp_fee(payload: Any) -> FeeRates:
    """fapi/v1/commissionRate: one perpetual's maker and taker fee for the account."""
    row = v.mapping(payload, "commissionRate")
    return {
        v.text(row, "symbol", "commissionRate"): (
            _fee_rate(row, "makerCommissionRate", "commissionRate"),
            _fee_rate(row, "takerCommissionRate", "commissionRate"),
        )
    }
