"""Binance (and its simulator) through ccxt's ``binance`` class.

We call ccxt's implicit REST methods (``private_get_account`` ...): ccxt signs, sends and maps
errors, and we get the venue's own JSON with numbers as strings, which ``binance_parse`` turns
into Decimal rows. Every request passes through ``Policy.send`` (rate budget, retries) from
``fetch2``, and ``on_rest_response`` keeps the raw body so that a refused payload is quarantined
with what the venue actually sent.

Real Binance: leave the venue's base URL empty and give read-only keys; ccxt's own URLs are used.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import ccxt

from apps.venues.connectors import binance_parse as parse
from apps.venues.connectors.base import ErrorKind, PayloadRejected, SourceError
from apps.venues.connectors.calls import Policy
from apps.venues.connectors.keys import key_id
from apps.venues.connectors.validation import excerpt
from riskmonitor.lib.clock import now_ms

# ccxt 4.5.90 ``binance().urls['api']`` key -> path below the venue's base URL. Every key is
# mapped, so a venue configured with a base URL can never leak a request to the real Binance.
API_PREFIXES = {
    "public": "/api/v3",
    "private": "/api/v3",
    "v1": "/api/v1",
    "sapi": "/sapi/v1",
    "sapiV2": "/sapi/v2",
    "sapiV3": "/sapi/v3",
    "sapiV4": "/sapi/v4",
    "fapiPublic": "/fapi/v1",
    "fapiPublicV2": "/fapi/v2",
    "fapiPublicV3": "/fapi/v3",
    "fapiPrivate": "/fapi/v1",
    "fapiPrivateV2": "/fapi/v2",
    "fapiPrivateV3": "/fapi/v3",
    "fapiData": "/futures/data",
    "dapiPublic": "/dapi/v1",
    "dapiPrivate": "/dapi/v1",
    "dapiPrivateV2": "/dapi/v2",
    "dapiData": "/dapi/futures/data",
    "eapiPublic": "/eapi/v1",
    "eapiPrivate": "/eapi/v1",
    "papi": "/papi/v1",
    "papiV2": "/papi/v2",
}
log = logging.getLogger(__name__)
CCXT_OPTIONS = {"fetchMarkets": ["spot", "linear"], "fetchCurrencies": False}

# Request weight per path (Binance's documented weights; the larger of spot/futures when a
# parameter changes it). Used before sending, so that we never spend more than the budget.
_WEIGHTS: dict[str, tuple[int, int]] = {  # path -> (with symbol, without symbol)
    "/api/v3/ping": (1, 1),
    "/api/v3/exchangeInfo": (20, 20),
    "/api/v3/ticker/24hr": (2, 80),
    "/api/v3/klines": (2, 2),
    "/api/v3/account": (20, 20),
    "/api/v3/openOrders": (6, 80),
    "/api/v3/myTrades": (20, 20),
    "/fapi/v1/exchangeInfo": (1, 1),
    "/fapi/v1/ticker/24hr": (1, 40),
    "/fapi/v1/premiumIndex": (1, 10),
    "/fapi/v3/account": (5, 5),
    "/fapi/v3/positionRisk": (5, 5),
    "/fapi/v1/openOrders": (1, 40),
    "/fapi/v1/userTrades": (5, 5),
    "/sapi/v1/asset/tradeFee": (1, 1),
    "/fapi/v1/commissionRate": (20, 20),
}
DEFAULT_WEIGHT = 20


def ccxt_urls(base_url: str) -> dict[str, str]:
    root = base_url.rstrip("/")
    return {key: root + prefix for key, prefix in API_PREFIXES.items()}


def request_weight(url: str) -> int:
    """Weight of a request by its path and whether it names a symbol (limit for klines)."""
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    if parts.path.endswith("/fapi/v1/klines"):
        return _fapi_kline_weight(params)
    for path, (with_symbol, without) in _WEIGHTS.items():
        if parts.path.endswith(path):
            return with_symbol if params.get("symbol") else without
    return DEFAULT_WEIGHT


def request_budget(api_key: str, path: str, api: Any, params: dict[str, Any]) -> tuple[str, int]:
    """The rate-budget key (our API key's id when signed, else our IP) and weight of a request
    named as ccxt names it (path, api group, params)."""
    group = api[0] if isinstance(api, list) else str(api)
    # private, fapiPrivate, fapiPrivateV3 and every sapi group: sent with the key
    signed = "rivate" in group or group.startswith("sapi")
    query = urlencode({k: params[k] for k in ("symbol", "limit") if params.get(k)})
    weight = request_weight(f"{API_PREFIXES.get(group, '')}/{path}?{query}")
    return (key_id(api_key) if signed else "ip"), weight


def _fapi_kline_weight(params: dict[str, str]) -> int:
    limit = int(params.get("limit", "500"))
    return 1 if limit < 100 else 2 if limit < 500 else 5 if limit <= 1000 else 10


def classify(exc: Exception, status: int | None, body: str | None, headers: Any) -> SourceError:
    """A ccxt error as one of our kinds, by HTTP status first (ccxt maps some 4xx as outages)."""
    message = f"{type(exc).__name__}: {str(exc)[:300]}"
    if status in (418, 429) or isinstance(exc, ccxt.DDoSProtection | ccxt.RateLimitExceeded):
        retry = (headers or {}).get("Retry-After") if status in (418, 429) else None
        return SourceError(
            ErrorKind.RATE_LIMITED,
            message,
            retry_after=float(retry) if retry and retry.isdigit() else None,
        )
    if status is not None and status >= 500:
        return SourceError(ErrorKind.SERVER, message)
    if status in (401, 403) or isinstance(exc, ccxt.AuthenticationError | ccxt.PermissionDenied):
        return SourceError(ErrorKind.AUTH, message)
    if status in (408, 504) or isinstance(exc, ccxt.RequestTimeout):
        return SourceError(ErrorKind.TIMEOUT, message)
    if status is not None and status >= 400:
        return SourceError(ErrorKind.REQUEST, message)
    if status is not None or isinstance(exc, ccxt.BadResponse):
        return PayloadRejected(f"unreadable response: {message}", excerpt(body))
    if isinstance(exc, ccxt.NetworkError):
        return SourceError(ErrorKind.NETWORK, message)
    return SourceError(ErrorKind.REQUEST, message)


# ccxt ships no type hints: its exchange classes are Any to the type checker.
class _Client(ccxt.binance):  # type: ignore[misc]
    """ccxt's binance with our wire policy around each request and the raw body kept."""

    policy: Policy
    endpoint = ""
    raw_status: int | None = None
    raw_body: str | None = None

    def on_rest_response(
        self,
        code: int,
        reason: str,
        url: str,
        method: str,
        response_headers: Any,
        response_body: str,
        request_headers: Any,
        request_body: Any,
    ) -> str:
        self.raw_status, self.raw_body = code, response_body
        body: str = super().on_rest_response(
            code,
            reason,
            url,
            method,
            response_headers,
            response_body,
            request_headers,
            request_body,
        )
        return body

    def fetch2(
        self,
        path: str,
        api: Any = "public",
        method: str = "GET",
        params: dict[str, Any] | None = None,
        config: dict[str, Any] | None = None,
    ) -> Any:
        params = params or {}
        key, weight = request_budget(self.apiKey, path, api, params)

        def once() -> Any:
            self.raw_status, self.raw_body = None, None
            try:
                result = super(_Client, self).fetch2(path, api, method, params, config or {})
            except ccxt.BaseError as exc:
                raise classify(
                    exc, self.raw_status, self.raw_body, self.last_response_headers
                ) from exc
            if not isinstance(result, dict | list):
                raise PayloadRejected("response is not JSON", excerpt(self.raw_body))
            return result

        return self.policy.send(self.endpoint, key, weight, once)


def _ok(payload: Any) -> dict[str, int]:
    if not isinstance(payload, dict):
        raise PayloadRejected("ping: expected a JSON object")
    return {}


class BinanceConnector:
    """One Binance-style venue. Thread-safe: each call borrows a client of its own."""

    def __init__(self, policy: Policy, base_url: str) -> None:
        self.policy = policy
        self.base_url = base_url
        self._lock = threading.Lock()
        self._idle: dict[tuple[str, str], list[_Client]] = {}

    def _new_client(self, api_key: str, secret: str) -> _Client:
        config: dict[str, Any] = {
            "apiKey": api_key,
            "secret": secret,
            "enableRateLimit": False,  # our RateLimiter budgets every process together
            "timeout": int(self.policy.timeout * 1000),
            "options": dict(CCXT_OPTIONS),
        }
        client = _Client(config)
        if self.base_url:
            client.urls["api"] = ccxt_urls(self.base_url)
        client.policy = self.policy
        return client

    @contextmanager
    def _client(self, endpoint: str, api_key: str = "", secret: str = "") -> Iterator[_Client]:
        slot = (api_key, secret)
        with self._lock:
            idle = self._idle.setdefault(slot, [])
            client = idle.pop() if idle else None
        if client is None:
            client = self._new_client(api_key, secret)
        client.endpoint = endpoint
        try:
            yield client
        finally:
            with self._lock:
                self._idle[slot].append(client)

    def _call[T](self, endpoint: str, creds: tuple[str, str], work: Callable[[_Client], T]) -> T:
        def run() -> T:
            with self._client(endpoint, *creds) as client:
                try:
                    return work(client)
                except PayloadRejected as exc:
                    if not exc.excerpt:
                        exc.excerpt = excerpt(client.raw_body)
                    raise

        return self.policy.guarded(run)

    def ping(self) -> parse.Pulled[Any]:
        """The half-open breaker's probe: the cheapest request the venue answers."""
        return self._call(
            "ping", ("", ""), lambda c: parse.Pulled([], now_ms(), _ok(c.public_get_ping()))
        )

    # -- account data -------------------------------------------------------------------------

    def fetch_balances(self, creds: tuple[str, str], market: str) -> parse.Pulled[parse.BalanceRow]:
        if market == "spot":
            return self._call(
                "balances", creds, lambda c: parse.spot_balances(c.private_get_account())
            )
        return self._call(
            "balances", creds, lambda c: parse.futures_balances(c.fapiprivatev3_get_account())
        )

    def fetch_positions(self, creds: tuple[str, str]) -> parse.Pulled[parse.PositionRow]:
        return self._call(
            "positions", creds, lambda c: parse.positions(c.fapiprivatev3_get_positionrisk())
        )

    def fetch_open_orders(
        self, creds: tuple[str, str], market: str, venue_symbol: str | None
    ) -> parse.Pulled[parse.OrderRow]:
        """One symbol's open orders, or (``None``) all of them in one heavier request."""
        request = {"symbol": venue_symbol} if venue_symbol else {}
        if market == "spot":
            return self._call(
                "orders", creds, lambda c: parse.orders(c.private_get_openorders(request))
            )
        return self._call(
            "orders", creds, lambda c: parse.orders(c.fapiprivate_get_openorders(request))
        )

    def fetch_fills_since(
        self, creds: tuple[str, str], market: str, venue_symbol: str, since_ms: int, until_ms: int
    ) -> parse.Pulled[parse.FillRow]:
        def work(client: _Client) -> parse.Pulled[parse.FillRow]:
            fetch = (
                client.private_get_mytrades
                if market == "spot"
                else client.fapiprivate_get_usertrades
            )
            return parse.fills_windows(fetch, market, venue_symbol, since_ms, until_ms)

        return self._call("fills", creds, work)

    # -- market data ----------------------------------------------------------------------------

    def fetch_prices(self, kind: str, venue_symbol: str | None) -> parse.Pulled[parse.PriceRow]:
        """One symbol's 24-hour ticker, or (``None``) every symbol's in one heavier request."""
        request = {"symbol": venue_symbol} if venue_symbol else {}
        if kind == "spot":
            return self._call(
                "prices", ("", ""), lambda c: parse.tickers(c.public_get_ticker_24hr(request), kind)
            )
        return self._call(
            "prices", ("", ""), lambda c: parse.tickers(c.fapipublic_get_ticker_24hr(request), kind)
        )

    def fetch_marks(self) -> parse.Pulled[parse.PriceRow]:
        return self._call(
            "prices", ("", ""), lambda c: parse.marks(c.fapipublic_get_premiumindex())
        )

    def fetch_candles(
        self, kind: str, venue_symbol: str, interval: str, since_ms: int, until_ms: int
    ) -> parse.Pulled[parse.CandleRow]:
        def work(client: _Client) -> parse.Pulled[parse.CandleRow]:
            fetch = client.public_get_klines if kind == "spot" else client.fapipublic_get_klines
            return parse.candle_pages(fetch, venue_symbol, interval, since_ms, until_ms)

        return self._call("candles", ("", ""), work)

    def fetch_instruments(
        self, fee_creds: Mapping[str, tuple[str, str]] | None = None
    ) -> parse.Pulled[parse.InstrumentRow]:
        """Instrument specs, and with `fee_creds` (market -> credentials of one of our
        accounts) the account's trading fees, read on the instruments' slow schedule. A failed
        fee request leaves those fees None (the stored ones stay) rather than failing the
        instruments every other read depends on."""

        def work(client: _Client) -> parse.Pulled[parse.InstrumentRow]:
            spot = parse.spot_instruments(client.public_get_exchangeinfo())
            perp = parse.perp_instruments(client.fapipublic_get_exchangeinfo())
            return parse.Pulled(
                spot.rows + perp.rows,
                min(spot.as_of_ms, perp.as_of_ms),
                {**spot.watermarks, **perp.watermarks},
            )

        pulled: parse.Pulled[parse.InstrumentRow] = self._call("instruments", ("", ""), work)
        if not fee_creds:
            return pulled
        rows = with_fees(pulled.rows, self._fees(fee_creds, pulled.rows))
        return parse.Pulled(rows, pulled.as_of_ms, pulled.watermarks)

    def _fees(
        self, fee_creds: Mapping[str, tuple[str, str]], rows: list[parse.InstrumentRow]
    ) -> dict[str, parse.FeeRates]:
        """Fees per instrument kind; a market whose request failed is absent (logged)."""
        fees: dict[str, parse.FeeRates] = {}
        for market, creds in fee_creds.items():
            kind = "spot" if market == "spot" else "perpetual"
            symbols = [r.venue_symbol for r in rows if r.kind == kind and r.active]
            try:
                fees[kind] = self.fetch_trading_fees(creds, market, symbols)
            except SourceError as exc:
                log.warning("trading fees not read", extra={"market": market, "error": str(exc)})
        return fees

    def fetch_trading_fees(
        self, creds: tuple[str, str], market: str, venue_symbols: list[str]
    ) -> parse.FeeRates:
        """The account's maker and taker fee per symbol: spot in one request (what ccxt's
        `fetch_trading_fees` sends), a perpetual per request (ccxt's `fetch_trading_fee`:
        its linear `fetch_trading_fees` reads only a fee tier and maps it onto ccxt's own
        copy of Binance's tier table, not what this venue charges)."""
        if market == "spot":
            return self._call("fees", creds, lambda c: parse.spot_fees(c.sapi_get_asset_tradefee()))

        def work(client: _Client) -> parse.FeeRates:
            fees: parse.FeeRates = {}
            for symbol in venue_symbols:
                fees.update(
                    parse.perp_fee(client.fapiprivate_get_commissionrate({"symbol": symbol}))
                )
            return fees

        return self._call("fees", creds, work)


def with_fees(
    rows: list[parse.InstrumentRow], fees: Mapping[str, parse.FeeRates]
) -> list[parse.InstrumentRow]:
    """The rows with the fees read for their kind and symbol; others keep None."""
    result = []
    for row in rows:
        rate = fees.get(row.kind, {}).get(row.venue_symbol)
        result.append(row if rate is None else replace(row, maker_fee=rate[0], taker_fee=rate[1]))
    return result
