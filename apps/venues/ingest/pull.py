"""The network half of a cycle: every call of one venue, run concurrently on a shared pool.

No database access here: drivers work from a VenuePlan and return Outcomes; ``record`` stores.
Within a venue, independent endpoint calls run at once; fills follow in a second wave, only for
symbols whose balances, positions or orders moved (or that are due for a periodic sweep).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from apps.venues.connectors.base import Pulled, SourceError
from apps.venues.connectors.binance import BinanceConnector
from apps.venues.connectors.calls import Policy
from apps.venues.connectors.credentials import account_credentials, env_credentials
from apps.venues.connectors.custodian import CustodianClient
from apps.venues.connectors.ratelimit import RateLimiter
from apps.venues.connectors.source_circuit import CircuitBreaker
from apps.venues.ingest.fills import fills_due
from apps.venues.ingest.plan import AccountPlan, InstrumentRef, VenuePlan

INTERVAL_MS = {"1d": 86_400_000, "1m": 60_000}


@dataclass(frozen=True)
class Outcome:
    endpoint: str
    account: str | None  # account label; None for venue-wide data
    tag: tuple[str, ...]  # what exactly: (kind, symbol) or (kind, symbol, interval)
    pulled: Pulled[Any] | None
    error: SourceError | None
    latency_ms: float


@dataclass
class Harvest:
    plan: VenuePlan
    outcomes: list[Outcome] = field(default_factory=list)
    instruments: list[InstrumentRef] = field(default_factory=list)


def policy_for(plan: VenuePlan) -> Policy:
    return Policy(
        venue=plan.name, timeout=plan.timeout, retries=plan.retries,
        limiter=RateLimiter(plan.name, plan.weight_per_minute),
        breaker=CircuitBreaker(plan.name, plan.breaker_threshold, plan.breaker_cooldown,
                               probe_seconds=max(plan.timeout * (plan.retries + 1), 1.0)),
    )  # fmt: skip


_connectors: dict[tuple[Any, ...], BinanceConnector] = {}


def _exchange(plan: VenuePlan) -> BinanceConnector:
    """Connectors (and their idle ccxt clients) live as long as the process and the settings."""
    key = (
        plan.name,
        plan.base_url,
        plan.timeout,
        plan.retries,
        plan.weight_per_minute,
        plan.breaker_threshold,
        plan.breaker_cooldown,
    )
    if key not in _connectors:
        _connectors[key] = BinanceConnector(policy_for(plan), plan.base_url)
    return _connectors[key]


def _timed(
    endpoint: str, account: str | None, tag: tuple[str, ...], call: Callable[[], Pulled[Any]]
) -> Outcome:
    started = time.perf_counter()
    try:
        pulled, error = call(), None
    except SourceError as exc:
        pulled, error = None, exc
    return Outcome(endpoint, account, tag, pulled, error, (time.perf_counter() - started) * 1000)


def _credentials(plan: VenuePlan, acct: AccountPlan) -> tuple[str, str]:
    """Secrets are read at call time and never leave this process."""
    return account_credentials(plan.name, acct.label, acct.api_key_env, acct.api_secret_env)


class _Wave:
    def __init__(self, pool: Executor) -> None:
        self.pool = pool
        self.futures: list[Future[Outcome]] = []

    def add(
        self,
        endpoint: str,
        account: str | None,
        tag: tuple[str, ...],
        call: Callable[[], Pulled[Any]],
    ) -> None:
        self.futures.append(self.pool.submit(_timed, endpoint, account, tag, call))

    def failed(self, endpoint: str, account: str | None, error: SourceError) -> None:
        done: Future[Outcome] = Future()
        done.set_result(Outcome(endpoint, account, (), None, error, 0.0))
        self.futures.append(done)

    def results(self) -> list[Outcome]:
        return [f.result() for f in self.futures]


def _account_calls(
    wave: _Wave,
    conn: BinanceConnector,
    plan: VenuePlan,
    acct: AccountPlan,
    instruments: list[InstrumentRef],
    batched: bool,
) -> None:
    try:
        creds = _credentials(plan, acct)
    except SourceError as exc:
        wave.failed("balances", acct.label, exc)
        return
    market = acct.market
    wave.add("balances", acct.label, (), lambda: conn.fetch_balances(creds, market))
    if market == "futures":
        wave.add("positions", acct.label, (), lambda: conn.fetch_positions(creds))
    kind = "spot" if market == "spot" else "perpetual"
    if batched:
        wave.add(
            "orders", acct.label, (kind, "*"), partial(conn.fetch_open_orders, creds, market, None)
        )
        return
    for ref in (i for i in instruments if i.kind == kind):
        symbol = ref.venue_symbol
        wave.add(
            "orders",
            acct.label,
            (kind, symbol),
            partial(conn.fetch_open_orders, creds, market, symbol),
        )


def _market_calls(
    wave: _Wave,
    conn: BinanceConnector,
    plan: VenuePlan,
    instruments: list[InstrumentRef],
    batched: bool,
) -> None:
    kinds = {i.kind for i in instruments}
    for kind in kinds if batched else ():
        wave.add("prices", None, (kind, "*"), partial(conn.fetch_prices, kind, None))
    for ref in instruments:
        if not batched:
            wave.add(
                "prices",
                None,
                (ref.kind, ref.venue_symbol),
                partial(conn.fetch_prices, ref.kind, ref.venue_symbol),
            )
        for interval, since in _candles_due(plan, ref):
            wave.add(
                "candles",
                None,
                (ref.kind, ref.venue_symbol, interval),
                partial(
                    conn.fetch_candles, ref.kind, ref.venue_symbol, interval, since, plan.now_ms
                ),
            )
    if any(i.kind == "perpetual" for i in instruments):
        wave.add("prices", None, ("marks",), conn.fetch_marks)


def _candles_due(plan: VenuePlan, ref: InstrumentRef) -> list[tuple[str, int]]:
    """(interval, since) for each interval with a newly closed candle to read."""
    depth = {
        "1d": plan.backfill_daily_days * 86_400_000,
        "1m": plan.backfill_minute_hours * 3_600_000,
    }
    due = []
    for interval, step in INTERVAL_MS.items():
        last = plan.candle_cursors.get((ref.kind, ref.venue_symbol, interval))
        since = last + step if last is not None else (plan.now_ms - depth[interval]) // step * step
        if depth[interval] and since + step <= plan.now_ms:
            due.append((interval, since))
    return due


def _fills_calls(
    wave: _Wave,
    conn: BinanceConnector,
    plan: VenuePlan,
    acct: AccountPlan,
    first: list[Outcome],
    instruments: list[InstrumentRef],
) -> None:
    mine = [o for o in first if o.account == acct.label]
    if not mine or any(o.error for o in mine):
        return  # the snapshot will not be stored; its fills are read next time
    creds = _credentials(plan, acct)
    kind = "spot" if acct.market == "spot" else "perpetual"
    symbols = [i for i in instruments if i.kind == kind]
    for symbol, since in fills_due(plan, acct, mine, symbols):
        wave.add(
            "fills",
            acct.label,
            (kind, symbol),
            partial(conn.fetch_fills_since, creds, acct.market, symbol, since, plan.now_ms),
        )


def _followed(plan: VenuePlan, refs: list[InstrumentRef]) -> list[InstrumentRef]:
    return [r for r in refs if not plan.symbols or r.venue_symbol in plan.symbols]


def _probe_if_half_open(plan: VenuePlan, probe: Callable[[], Pulled[Any]]) -> bool:
    """After the breaker's cooldown one cheap call decides, before the cycle's fan-out: so a
    recovered venue is read in full in the very next cycle. False: still failing."""
    if policy_for(plan).breaker.state().state != "half_open":
        return True
    return _timed("probe", None, (), probe).error is None


def _fee_credentials(plan: VenuePlan) -> dict[str, tuple[str, str]]:
    """Per market (spot, futures), the credentials of the first account whose secrets are
    set: trading fees are the account's, read with the instruments (the slow schedule)."""
    found: dict[str, tuple[str, str]] = {}
    for acct in plan.accounts:
        if acct.market in found:
            continue
        try:
            found[acct.market] = _credentials(plan, acct)
        except SourceError:
            continue  # that account's own calls report the missing secret
    return found


BATCHED_MIN_WEIGHT_PER_MINUTE = 6000


def _batched(plan: VenuePlan) -> bool:
    """All-symbol requests (tickers, open orders) cost more weight but far fewer round trips;
    with a budget like Binance spot's 6000/minute they fit a 5-second cycle several times."""
    # Not with a symbol list: a real venue's all-symbol answer is thousands of rows.
    return plan.weight_per_minute >= BATCHED_MIN_WEIGHT_PER_MINUTE and not plan.symbols


def pull_exchange(plan: VenuePlan, pool: Executor) -> Harvest:
    conn = _exchange(plan)
    harvest = Harvest(plan, instruments=_followed(plan, plan.instruments))
    _probe_if_half_open(plan, conn.ping)
    if plan.refresh_instruments or not harvest.instruments:
        fetch = partial(conn.fetch_instruments, _fee_credentials(plan))
        outcome = _timed("instruments", None, (), fetch)
        harvest.outcomes.append(outcome)
        if outcome.pulled is not None:
            rows = [r for r in outcome.pulled.rows if r.active]
            refs = [InstrumentRef(r.kind, r.venue_symbol, r.base, r.quote) for r in rows]
            harvest.instruments = _followed(plan, refs)
        if not harvest.instruments:
            return harvest
    first = _Wave(pool)
    batched = _batched(plan)
    for acct in plan.accounts:
        _account_calls(first, conn, plan, acct, harvest.instruments, batched)
    _market_calls(first, conn, plan, harvest.instruments, batched)
    stage_one = first.results()
    second = _Wave(pool)
    for acct in plan.accounts:
        _fills_calls(second, conn, plan, acct, stage_one, harvest.instruments)
    harvest.outcomes.extend(stage_one + second.results())
    return harvest


_custodians: dict[tuple[Any, ...], CustodianClient] = {}


def _custodian(plan: VenuePlan, client_id: str, api_key: str) -> CustodianClient:
    key = (plan.name, plan.base_url, client_id, api_key, plan.timeout, plan.retries,
           plan.weight_per_minute, plan.breaker_threshold, plan.breaker_cooldown)  # fmt: skip
    if key not in _custodians:
        _custodians[key] = CustodianClient(policy_for(plan), plan.base_url, client_id, api_key)
    return _custodians[key]


def pull_custodian(plan: VenuePlan, pool: Executor) -> Harvest:
    harvest = Harvest(plan)
    if not plan.accounts:
        return harvest
    acct = plan.accounts[0]
    try:
        api_key, _ = env_credentials(plan.api_key_env)
    except SourceError as exc:
        harvest.outcomes.append(Outcome("master_balances", acct.label, (), None, exc, 0.0))
        return harvest
    client = _custodian(plan, plan.client_id or acct.label, api_key)
    calls: list[tuple[str, Callable[[], Pulled[Any]]]] = [
        ("master_balances", client.fetch_master_balances),
        ("segregated_balances", client.fetch_segregated_balances),
        ("transfers", partial(client.fetch_transfers_since, plan.transfers_since_ms)),
    ]
    if plan.settlements_due:  # every settlement_check_minutes, not every cycle
        calls.append(("settlements", client.fetch_settlements))
    if policy_for(plan).breaker.state().state == "half_open":
        endpoint, probe = calls.pop(0)  # the probe is a real call: its answer is kept
        harvest.outcomes.append(_timed(endpoint, acct.label, (), probe))
    wave = _Wave(pool)
    for endpoint, call in calls:
        wave.add(endpoint, acct.label, (), call)
    harvest.outcomes.extend(wave.results())
    return harvest
