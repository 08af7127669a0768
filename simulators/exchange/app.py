"""The exchange simulator's request pipeline: route, authenticate, rate-limit, fault, answer."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulators.exchange import account_routes as acct
from simulators.exchange import errors, matching, signing
from simulators.exchange import market_routes as mkt
from simulators.exchange.context import Context
from simulators.exchange.ratelimit import WeightLimiter
from simulators.exchange.state import Account
from simulators.exchange.venue import Venue, now_ms
from simulators.faults import FaultRegistry, Mutators, map_keys, negate
from simulators.server import Request, Response, json_response

Handler = Callable[[Venue, Context], Any]
Weight = Callable[[dict[str, str]], int]

PRICE_KEYS = frozenset(
    {
        "price",
        "lastPrice",
        "markPrice",
        "indexPrice",
        "openPrice",
        "highPrice",
        "lowPrice",
        "bidPrice",
        "askPrice",
        "weightedAvgPrice",
        "prevClosePrice",
        "entryPrice",
        "avgPrice",
        "estimatedSettlePrice",
        "breakEvenPrice",
    }
)
TIME_KEYS = frozenset(
    {"serverTime", "closeTime", "openTime", "time", "updateTime", "transactTime", "workingTime"}
)


@dataclass(frozen=True)
class Route:
    handler: Handler
    kind: str
    signed: bool
    weight: Weight


def _fixed(n: int) -> Weight:
    return lambda params: n


def _by_symbol(with_symbol: int, without: int) -> Weight:
    return lambda params: with_symbol if params.get("symbol") else without


def _kline_weight(params: dict[str, str]) -> int:
    limit = int(params.get("limit") or 500) if (params.get("limit") or "").isdigit() else 500
    return 1 if limit < 100 else 2 if limit < 500 else 5 if limit <= 1000 else 10


def _routes() -> dict[tuple[str, str], Route]:
    spot, fut = "spot", "futures"
    table: dict[tuple[str, str], Route] = {
        ("GET", "/api/v3/ping"): Route(mkt.ping, spot, False, _fixed(1)),
        ("GET", "/api/v3/time"): Route(mkt.server_time, spot, False, _fixed(1)),
        ("GET", "/api/v3/exchangeInfo"): Route(mkt.exchange_info, spot, False, _fixed(20)),
        ("GET", "/api/v3/ticker/24hr"): Route(mkt.ticker_24hr, spot, False, _by_symbol(2, 80)),
        ("GET", "/api/v3/ticker/price"): Route(mkt.ticker_price, spot, False, _by_symbol(2, 4)),
        ("GET", "/api/v3/klines"): Route(mkt.klines, spot, False, _fixed(2)),
        ("GET", "/api/v3/account"): Route(acct.spot_account, spot, True, _fixed(20)),
        ("GET", "/api/v3/openOrders"): Route(acct.open_orders, spot, True, _by_symbol(6, 80)),
        ("GET", "/api/v3/order"): Route(acct.query_order, spot, True, _fixed(4)),
        ("GET", "/api/v3/myTrades"): Route(acct.my_trades, spot, True, _fixed(20)),
        ("POST", "/api/v3/order"): Route(acct.new_order, spot, True, _fixed(1)),
        ("DELETE", "/api/v3/order"): Route(acct.cancel_order, spot, True, _fixed(1)),
        ("DELETE", "/api/v3/openOrders"): Route(acct.cancel_all, spot, True, _fixed(1)),
        # ccxt's load_markets asks for margin pairs when it has credentials; there are none here.
        ("GET", "/sapi/v1/margin/allPairs"): Route(acct.no_margin_pairs, spot, True, _fixed(1)),
        ("GET", "/sapi/v1/margin/isolated/allPairs"): Route(
            acct.no_margin_pairs, spot, True, _fixed(10)
        ),
        ("GET", "/sapi/v1/asset/tradeFee"): Route(acct.spot_trade_fees, spot, True, _fixed(1)),
        ("GET", "/fapi/v1/ping"): Route(mkt.ping, fut, False, _fixed(1)),
        ("GET", "/fapi/v1/time"): Route(mkt.server_time, fut, False, _fixed(1)),
        ("GET", "/fapi/v1/exchangeInfo"): Route(mkt.exchange_info, fut, False, _fixed(1)),
        ("GET", "/fapi/v1/ticker/24hr"): Route(mkt.ticker_24hr, fut, False, _by_symbol(1, 40)),
        ("GET", "/fapi/v1/ticker/price"): Route(mkt.ticker_price, fut, False, _by_symbol(1, 2)),
        ("GET", "/fapi/v2/ticker/price"): Route(mkt.ticker_price, fut, False, _by_symbol(1, 2)),
        ("GET", "/fapi/v1/klines"): Route(mkt.klines, fut, False, _kline_weight),
        ("GET", "/fapi/v1/premiumIndex"): Route(mkt.premium_index, fut, False, _fixed(1)),
        ("GET", "/fapi/v1/leverageBracket"): Route(acct.leverage_bracket, fut, True, _fixed(1)),
        ("GET", "/fapi/v1/commissionRate"): Route(
            acct.futures_commission_rate, fut, True, _fixed(20)
        ),
        ("GET", "/fapi/v1/accountConfig"): Route(acct.futures_account_config, fut, True, _fixed(5)),
        ("GET", "/fapi/v2/account"): Route(acct.futures_account_v2, fut, True, _fixed(5)),
        ("GET", "/fapi/v3/account"): Route(acct.futures_account_v3, fut, True, _fixed(5)),
        ("GET", "/fapi/v2/balance"): Route(acct.futures_balance, fut, True, _fixed(5)),
        ("GET", "/fapi/v3/balance"): Route(acct.futures_balance, fut, True, _fixed(5)),
        ("GET", "/fapi/v2/positionRisk"): Route(acct.position_risk_v2, fut, True, _fixed(5)),
        ("GET", "/fapi/v3/positionRisk"): Route(acct.position_risk_v3, fut, True, _fixed(5)),
        ("GET", "/fapi/v1/openOrders"): Route(acct.open_orders, fut, True, _by_symbol(1, 40)),
        ("GET", "/fapi/v1/order"): Route(acct.query_order, fut, True, _fixed(1)),
        ("GET", "/fapi/v1/userTrades"): Route(acct.my_trades, fut, True, _fixed(5)),
        ("POST", "/fapi/v1/order"): Route(acct.new_order, fut, True, _fixed(1)),
        ("DELETE", "/fapi/v1/order"): Route(acct.cancel_order, fut, True, _fixed(1)),
        ("DELETE", "/fapi/v1/allOpenOrders"): Route(acct.cancel_all, fut, True, _fixed(1)),
    }
    return table


ROUTES = _routes()


def _stale(payload: Any, shift_ms: int) -> Any:
    return map_keys(payload, TIME_KEYS, lambda v: v - shift_ms if isinstance(v, int) else v)


def _kline_rows(payload: Any, fn: Callable[[Any], Any]) -> Any:
    """Klines are arrays: open/high/low/close sit at indexes 1-4."""
    if isinstance(payload, list) and payload and isinstance(payload[0], list):
        return [[r[0], *(fn(v) for v in r[1:5]), *r[5:]] for r in payload]
    return payload


class ExchangeApp:
    def __init__(self, venue: Venue) -> None:
        from simulators.exchange.sim_control import ExchangeControl

        self.venue = venue
        self.limiter = WeightLimiter(venue.spec.weight_per_minute)
        self.faults = FaultRegistry(rng_seed=venue.seed)
        self.control = ExchangeControl(self)
        self._count_lock = threading.Lock()
        self.requests_by_endpoint: Counter[str] = Counter()
        self.requests_by_key: Counter[str] = Counter()
        self.mutators = Mutators(
            nan=lambda p: _kline_rows(map_keys(p, PRICE_KEYS, lambda v: "NaN"), lambda v: "NaN"),
            negative=lambda p: _kline_rows(map_keys(p, PRICE_KEYS, negate), negate),
            stale=_stale,
            rate_limited=lambda: self._limited(self.limiter.limit),
            server_error=lambda: Response(
                500,
                raw=b"<html><body>500 Internal Server Error</body></html>",
                content_type="text/html",
            ),
        )

    def handle(self, request: Request) -> Response:
        if request.path.startswith("/_sim/"):
            return self.control.handle(request)
        self._count(request)
        return self.faults.apply(request.path, lambda: self._serve(request), self.mutators)

    def _count(self, request: Request) -> None:
        key = request.header("x-mbx-apikey") or f"ip:{request.client_ip}"
        account = self.venue.account_by_key(key)
        with self._count_lock:
            self.requests_by_endpoint[f"{request.method} {request.path}"] += 1
            self.requests_by_key[account.label if account else key] += 1

    def _limited(self, limit: int, used: int | None = None, retry_after: int = 60) -> Response:
        headers = {"Retry-After": str(retry_after), "X-MBX-USED-WEIGHT-1M": str(used or limit)}
        return errors.too_much_weight(limit).response(headers)

    def _serve(self, request: Request) -> Response:
        route = ROUTES.get((request.method, request.path))
        if route is None:
            return json_response(404, {"code": -1, "msg": f"Unknown endpoint {request.path}"})
        params = request.params()
        now = now_ms()
        headers: dict[str, str] = {}
        try:
            account = self._authenticate(request, params, now) if route.signed else None
            limiter_key = f"key:{account.api_key}" if account else f"ip:{request.client_ip}"
            allowed, used, retry_after = self.limiter.spend(limiter_key, route.weight(params))
            headers["X-MBX-USED-WEIGHT-1M"] = str(used)
            if not allowed:
                return self._limited(self.limiter.limit, used, retry_after)
            payload = self._call(route, Context(params, route.kind, now, account))
        except errors.ApiError as exc:
            return exc.response(headers)
        return json_response(200, payload, headers)

    def _call(self, route: Route, ctx: Context) -> Any:
        if not route.signed:
            return route.handler(self.venue, ctx)
        with self.venue.lock:  # one writer at a time keeps balances and positions consistent
            matching.match_resting(self.venue, ctx.now)
            return route.handler(self.venue, ctx)

    def _authenticate(self, request: Request, params: dict[str, str], now: int) -> Account:
        key = request.header("x-mbx-apikey")
        if not key:
            raise errors.api_key_format()
        account = self.venue.account_by_key(key)
        if account is None:
            raise errors.invalid_api_key()
        signing.check_timestamp(params, now)
        signing.verify_signature(
            request.query, request.body.decode("utf-8", "replace"), account.api_secret
        )
        return account

    def request_counts(self) -> dict[str, dict[str, int]]:
        with self._count_lock:
            return {
                "by_endpoint": dict(self.requests_by_endpoint),
                "by_key": dict(self.requests_by_key),
            }

    def reset(self) -> None:
        self.venue.reset()
        self.faults.clear()
        self.limiter.reset(self.venue.spec.weight_per_minute)
        with self._count_lock:
            self.requests_by_endpoint.clear()
            self.requests_by_key.clear()
