"""Public market-data endpoints: time, exchangeInfo, 24h tickers, klines, premiumIndex."""

from __future__ import annotations

import json
from typing import Any

from simulators import candles
from simulators.exchange import errors
from simulators.exchange.context import Context
from simulators.exchange.venue import Market, Venue
from simulators.numbers import fixed, places, price_text, to_step

_MAX_PRICE = {"spot": "1000000.00000000", "futures": "4529764"}
_FAR_FUTURE_MS = 4133404800000  # Binance's deliveryDate for perpetuals


def server_time(venue: Venue, ctx: Context) -> dict[str, Any]:
    return {"serverTime": ctx.now}


def ping(venue: Venue, ctx: Context) -> dict[str, Any]:
    return {}


def _rate_limits(venue: Venue) -> list[dict[str, Any]]:
    return [
        {
            "rateLimitType": "REQUEST_WEIGHT",
            "interval": "MINUTE",
            "intervalNum": 1,
            "limit": venue.spec.weight_per_minute,
        },
        {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 100},
        {"rateLimitType": "ORDERS", "interval": "DAY", "intervalNum": 1, "limit": 200000},
    ]


def _filters(market: Market) -> list[dict[str, Any]]:
    spec = market.spec
    lot = {
        "minQty": str(spec.min_qty),
        "maxQty": str(spec.max_qty),
        "stepSize": str(spec.step_size),
    }
    notional_key = "minNotional" if market.kind == "spot" else "notional"
    return [
        {
            "filterType": "PRICE_FILTER",
            "minPrice": str(spec.tick_size),
            "maxPrice": _MAX_PRICE[market.kind],
            "tickSize": str(spec.tick_size),
        },
        {"filterType": "LOT_SIZE", **lot},
        {"filterType": "MARKET_LOT_SIZE", **lot},
        {
            "filterType": "NOTIONAL" if market.kind == "spot" else "MIN_NOTIONAL",
            notional_key: str(spec.min_notional),
        },
    ]


def _spot_symbol(market: Market) -> dict[str, Any]:
    return {
        "symbol": market.symbol,
        "status": "TRADING",
        "baseAsset": market.base,
        "baseAssetPrecision": 8,
        "quoteAsset": market.quote,
        "quotePrecision": 8,
        "quoteAssetPrecision": 8,
        "baseCommissionPrecision": 8,
        "quoteCommissionPrecision": 8,
        "orderTypes": ["LIMIT", "MARKET"],
        "icebergAllowed": False,
        "ocoAllowed": False,
        "quoteOrderQtyMarketAllowed": True,
        "allowTrailingStop": False,
        "cancelReplaceAllowed": False,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": False,
        "filters": _filters(market),
        "permissions": [],
        "permissionSets": [["SPOT"]],
        "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
        "allowedSelfTradePreventionModes": ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"],
    }


def _futures_symbol(market: Market) -> dict[str, Any]:
    return {
        "symbol": market.symbol,
        "pair": market.symbol,
        "contractType": "PERPETUAL",
        "deliveryDate": _FAR_FUTURE_MS,
        "onboardDate": 1569398400000,
        "status": "TRADING",
        "maintMarginPercent": "2.5000",
        "requiredMarginPercent": "5.0000",
        "baseAsset": market.base,
        "quoteAsset": market.quote,
        "marginAsset": market.quote,
        "pricePrecision": places(market.spec.tick_size),
        "quantityPrecision": places(market.spec.step_size),
        "baseAssetPrecision": 8,
        "quotePrecision": 8,
        "underlyingType": "COIN",
        "underlyingSubType": [],
        "triggerProtect": "0.0500",
        "liquidationFee": "0.012500",
        "marketTakeBound": "0.05",
        "filters": _filters(market),
        "orderTypes": ["LIMIT", "MARKET"],
        "timeInForce": ["GTC", "IOC", "FOK", "GTX"],
    }


def exchange_info(venue: Venue, ctx: Context) -> dict[str, Any]:
    markets = [m for (kind, _), m in venue.markets.items() if kind == ctx.kind]
    if ctx.kind == "spot":
        symbols = [_spot_symbol(m) for m in markets]
        return {
            "timezone": "UTC",
            "serverTime": ctx.now,
            "rateLimits": _rate_limits(venue),
            "exchangeFilters": [],
            "symbols": symbols,
        }
    return {
        "timezone": "UTC",
        "serverTime": ctx.now,
        "futuresType": "U_MARGINED",
        "rateLimits": _rate_limits(venue),
        "exchangeFilters": [],
        "assets": [{"asset": "USDT", "marginAvailable": True, "autoAssetExchange": "-10000"}],
        "symbols": [_futures_symbol(m) for m in markets],
    }


def _requested_markets(venue: Venue, ctx: Context) -> tuple[list[Market], bool]:
    """Markets named by `symbol` or `symbols` (a JSON array), else all; and whether single."""
    if ctx.params.get("symbol"):
        return [venue.market(ctx.kind, ctx.params["symbol"])], True
    raw = ctx.params.get("symbols")
    if raw:
        try:
            names = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise errors.bad_param("symbols") from exc
        return [venue.market(ctx.kind, str(n)) for n in names], False
    return [m for (kind, _), m in venue.markets.items() if kind == ctx.kind], False


def _ticker(venue: Venue, market: Market, now: int) -> dict[str, Any]:
    stats = venue.day_stats(market, now)
    tick = market.spec.tick_size
    bid, last, ask = venue.quote(market, now)
    change = last - to_step(stats["open"], tick)
    open_price = float(stats["open"])
    row: dict[str, Any] = {
        "symbol": market.symbol,
        "priceChange": fixed(change),
        "priceChangePercent": f"{float(change) / open_price * 100:.3f}",
        "weightedAvgPrice": price_text((stats["high"] + stats["low"] + stats["last"]) / 3, tick, 8),
        "lastPrice": fixed(last),
        "lastQty": fixed(market.spec.min_qty * 10),
        "openPrice": price_text(open_price, tick, 8),
        "highPrice": price_text(max(stats["high"], float(last)), tick, 8),
        "lowPrice": price_text(min(stats["low"], float(last)), tick, 8),
        "volume": f"{stats['volume']:.8f}",
        "quoteVolume": f"{stats['volume'] * float(last):.8f}",
        "openTime": now - 86_400_000,
        "closeTime": now,
        "firstId": 1,
        "lastId": 1000,
        "count": 1000,
    }
    if market.kind == "spot":
        row.update(
            prevClosePrice=row["openPrice"],
            bidPrice=fixed(bid),
            bidQty="1.00000000",
            askPrice=fixed(ask),
            askQty="1.00000000",
        )
    return row


def ticker_24hr(venue: Venue, ctx: Context) -> Any:
    markets, single = _requested_markets(venue, ctx)
    rows = [_ticker(venue, m, ctx.now) for m in markets]
    return rows[0] if single else rows


def ticker_price(venue: Venue, ctx: Context) -> Any:
    markets, single = _requested_markets(venue, ctx)
    rows = [
        {"symbol": m.symbol, "price": fixed(venue.quote(m, ctx.now)[1]), "time": ctx.now}
        for m in markets
    ]
    return rows[0] if single else rows


def _int_param(ctx: Context, name: str) -> int | None:
    raw = ctx.params.get(name)
    if raw in (None, ""):
        return None
    if not raw.lstrip("-").isdigit():
        raise errors.bad_param(name)
    return int(raw)


def klines(venue: Venue, ctx: Context) -> list[list[Any]]:
    market = venue.market(ctx.kind, ctx.params.get("symbol") or "")
    interval = candles.INTERVALS_MS.get(ctx.params.get("interval") or "")
    if interval is None:
        raise (
            errors.invalid_interval()
            if ctx.params.get("interval")
            else errors.missing_param("interval")
        )
    max_limit = 1000 if ctx.kind == "spot" else 1500
    limit = max(1, min(_int_param(ctx, "limit") or 500, max_limit))
    c = candles.candles(
        venue.paths[market.symbol],
        interval_ms=interval,
        now_ms=ctx.now,
        limit=limit,
        start=_int_param(ctx, "startTime"),
        end=_int_param(ctx, "endTime"),
        factor=venue.factor(market.kind),
        daily_volume=market.instrument.daily_volume,
    )
    tick = market.spec.tick_size
    rows = []
    for i in range(len(c.open_time)):
        volume = float(c.volume[i])
        quote_volume = volume * float(c.close[i])
        rows.append(
            [
                int(c.open_time[i]),
                price_text(float(c.open[i]), tick, 8),
                price_text(float(c.high[i]), tick, 8),
                price_text(float(c.low[i]), tick, 8),
                price_text(float(c.close[i]), tick, 8),
                f"{volume:.8f}",
                int(c.open_time[i]) + interval - 1,
                f"{quote_volume:.8f}",
                max(1, int(volume * 3)),
                f"{volume / 2:.8f}",
                f"{quote_volume / 2:.8f}",
                "0",
            ]
        )
    return rows


def premium_index(venue: Venue, ctx: Context) -> Any:
    markets, single = _requested_markets(venue, ctx)
    next_funding = (ctx.now // 28_800_000 + 1) * 28_800_000  # funding every 8 hours
    rows = []
    for market in markets:
        index = venue.paths[market.symbol].price_at(ctx.now)
        rows.append(
            {
                "symbol": market.symbol,
                "markPrice": fixed(venue.mark_price(market)),
                "indexPrice": f"{index:.8f}",
                "estimatedSettlePrice": f"{index:.8f}",
                "lastFundingRate": fixed(venue.spec.funding_rate),
                "interestRate": "0.00010000",
                "nextFundingTime": next_funding,
                "time": ctx.now,
            }
        )
    return rows[0] if single else rows
