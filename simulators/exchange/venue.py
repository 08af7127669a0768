"""One simulated exchange: its markets, price paths, accounts and counters."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass
from decimal import Decimal

from simulators.candles import day_stats
from simulators.exchange.state import Account, Fill, account_from_spec
from simulators.numbers import to_step
from simulators.prices import DAY_MS, PricePath
from simulators.scenario import ExchangeSpec, FillSpec, Instrument, MarketSpec, Scenario

HISTORY_DAYS = 740  # at least 730 daily candles must exist before "now"


@dataclass(frozen=True)
class Market:
    kind: str  # "spot" or "futures"
    symbol: str
    base: str
    quote: str
    spec: MarketSpec
    instrument: Instrument


def now_ms() -> int:
    return int(time.time() * 1000)


class Venue:
    def __init__(self, scenario: Scenario, name: str, seed: int) -> None:
        self.scenario = scenario
        self.spec: ExchangeSpec = scenario.exchange(name)
        self.name = name
        self.seed = seed
        self.lock = threading.RLock()
        self.markets = {
            (kind, i.symbol): Market(kind, i.symbol, i.base, i.quote, getattr(i, attr), i)
            for i in scenario.instruments
            for kind, attr in (("spot", "spot"), ("futures", "perp"))
        }
        self.paths = {i.symbol: self._path(i) for i in scenario.instruments}
        self.accounts: dict[str, Account] = {}
        self._stats: dict[tuple[str, str, int], dict[str, float]] = {}
        self._order_ids = itertools.count(1)
        self._fill_ids = itertools.count(1)
        self.reset()

    def _path(self, instrument: Instrument) -> PricePath:
        path = PricePath(
            seed=self.seed,
            symbol=instrument.symbol,
            reference_time_ms=self.scenario.reference_time_ms,
            reference_price=instrument.reference_price,
            annual_vol=instrument.annual_vol,
            annual_drift=instrument.annual_drift,
        )
        today = now_ms() // DAY_MS
        path.ensure_days(today - HISTORY_DAYS, today + 1)  # generate history once, at start
        return path

    def reset(self) -> None:
        """Back to the scenario's initial state: accounts, orders, fills, prices."""
        with self.lock:
            for path in self.paths.values():
                path.reset()
            self._stats = {}
            self._order_ids = itertools.count(1)
            self._fill_ids = itertools.count(1)
            moment = now_ms()
            self.accounts = {
                spec.api_key: account_from_spec(spec, uid=100_000 + n, now_ms=moment)
                for n, spec in enumerate(self.spec.accounts)
            }
            for spec in self.spec.accounts:
                self._seed_fills(self.accounts[spec.api_key], spec.fills, moment)

    def _seed_fills(self, account: Account, fills: tuple[FillSpec, ...], moment: int) -> None:
        for f in sorted(fills, key=lambda f: -f.hours_ago):
            market = self.market("spot" if f.market == "spot" else "futures", f.symbol)
            rate = self.fee_rate(market.kind, maker=False)
            quote_qty = f.qty * f.price
            account.fills.append(
                Fill(
                    id=self.next_fill_id(),
                    order_id=self.next_order_id(),
                    market=market.kind,
                    symbol=f.symbol,
                    side=f.side,
                    price=f.price,
                    qty=f.qty,
                    quote_qty=quote_qty,
                    commission=(quote_qty * rate).quantize(Decimal("0.00000001")),
                    commission_asset=market.quote,
                    realized_pnl=f.realized_pnl,
                    time=moment - int(f.hours_ago * 3_600_000),
                    maker=False,
                )
            )

    # -- lookups ------------------------------------------------------------------------------

    def market(self, kind: str, symbol: str) -> Market:
        from simulators.exchange import errors  # local: errors imports nothing from here

        found = self.markets.get((kind, symbol))
        if found is None:
            raise errors.invalid_symbol()
        return found

    def account_by_key(self, api_key: str) -> Account | None:
        return self.accounts.get(api_key)

    def account_by_label(self, label: str) -> Account | None:
        return next((a for a in self.accounts.values() if a.label == label), None)

    def next_order_id(self) -> int:
        return next(self._order_ids)

    def next_fill_id(self) -> int:
        return next(self._fill_ids)

    def fee_rate(self, kind: str, *, maker: bool) -> Decimal:
        fees = self.spec.fees
        if kind == "spot":
            return fees.spot_maker if maker else fees.spot_taker
        return fees.futures_maker if maker else fees.futures_taker

    # -- prices -------------------------------------------------------------------------------

    def factor(self, kind: str) -> float:
        """Futures trade at the path price times (1 + the venue's basis); spot at the path."""
        return 1.0 + self.spec.basis_bps / 10_000.0 if kind == "futures" else 1.0

    def last_price(self, market: Market, at_ms: int | None = None) -> float:
        moment = now_ms() if at_ms is None else at_ms
        return self.paths[market.symbol].price_at(moment) * self.factor(market.kind)

    def quote(self, market: Market, at_ms: int | None = None) -> tuple[Decimal, Decimal, Decimal]:
        """(bid, last, ask) rounded to the tick; the spread is never less than one tick."""
        last = self.last_price(market, at_ms)
        half = last * self.spec.spread_bps / 20_000.0
        tick = market.spec.tick_size
        bid, mid, ask = to_step(last - half, tick), to_step(last, tick), to_step(last + half, tick)
        if ask <= bid:
            ask = bid + tick
        return bid, mid, ask

    def day_stats(self, market: Market, at_ms: int) -> dict[str, float]:
        """Rolling 24h stats; prices move per second, so one computation serves a whole second."""
        key = (market.kind, market.symbol, at_ms // 1000)
        cached = self._stats.get(key)
        if cached is None:
            path = self.paths[market.symbol]
            cached = day_stats(
                path, key[2] * 1000, self.factor(market.kind), market.instrument.daily_volume
            )
            # Replace, never mutate: readers on other threads may hold the old dict.
            fresh = {k: v for k, v in self._stats.items() if k[2] == key[2]}
            self._stats = {**fresh, key: cached}
        return cached

    def forget_stats(self) -> None:
        """After a jump or a volatility change the cached second is no longer true."""
        self._stats = {}

    def mark_price(self, market: Market) -> Decimal:
        """Mark with more decimals than the tick, as Binance prints it."""
        return Decimal(f"{self.last_price(market):.8f}")
