"""Rate budget, circuit breaker, retries and the ccxt URL mapping."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from apps.venues.connectors import binance
from apps.venues.connectors.base import ErrorKind, SourceError
from apps.venues.connectors.calls import Policy
from apps.venues.connectors.ratelimit import RateLimiter
from apps.venues.connectors.source_circuit import CircuitBreaker

from .conftest import clear_wire_state


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    clear_wire_state()
    yield
    clear_wire_state()


def test_it_maps_every_ccxt_api_group_like_the_simulators_do() -> None:
    import ccxt

    from simulators import ccxt_urls

    assert binance.ccxt_urls("http://127.0.0.1:9") == ccxt_urls("http://127.0.0.1:9")
    assert set(binance.API_PREFIXES) == set(ccxt.binance().urls["api"])


def test_it_grants_weight_up_to_the_budget_then_refuses() -> None:
    limiter = RateLimiter("test-venue", 10)
    limiter.acquire("ip", 6, max_wait=0)
    limiter.acquire("ip", 4, max_wait=0)

    with pytest.raises(SourceError) as refused:
        limiter.acquire("ip", 1, max_wait=0.1)

    assert refused.value.kind == ErrorKind.RATE_BUDGET
    assert limiter.used("ip") == 10
    limiter.acquire("key-other", 10, max_wait=0)  # budgets are per key


def _evalsha_calls() -> int:
    from apps.venues.connectors.store import redis_client

    stats = redis_client().info("commandstats").get("cmdstat_evalsha", {})
    return int(stats.get("calls", 0))


def test_asks_that_arrive_together_share_round_trips_and_never_overspend() -> None:
    limiter = RateLimiter("test-venue", 10)
    start = threading.Barrier(30)
    outcomes: list[str] = []

    def ask(n: int) -> None:
        start.wait()
        try:
            limiter.acquire(f"key-{n % 2}", 1, max_wait=0.1)
            outcomes.append(f"key-{n % 2}")
        except SourceError as exc:
            outcomes.append(exc.kind)

    before = _evalsha_calls()
    threads = [threading.Thread(target=ask, args=(n,)) for n in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # 15 asks per key, 10 fit: exactly 10 granted per key, the rest refused.
    assert sorted(outcomes) == ["key-0"] * 10 + ["key-1"] * 10 + [ErrorKind.RATE_BUDGET] * 10
    assert limiter.used("key-0") == limiter.used("key-1") == 10
    assert _evalsha_calls() - before < 30  # coalesced: fewer round trips than asks

    for n in range(2):
        with pytest.raises(SourceError) as refused:
            limiter.acquire(f"key-{n}", 1, max_wait=0.1)
        assert refused.value.kind == ErrorKind.RATE_BUDGET


def test_it_waits_out_a_venue_wide_pause() -> None:
    limiter = RateLimiter("test-venue", 100)
    limiter.pause(0.3)
    started = time.monotonic()

    limiter.acquire("ip", 1, max_wait=2)

    assert time.monotonic() - started >= 0.25


def test_it_opens_after_consecutive_failures_and_probes_once_after_cooldown() -> None:
    breaker = CircuitBreaker("test-venue", threshold=2, cooldown=0.2)
    breaker.failure()
    breaker.before_call()
    breaker.failure()

    with pytest.raises(SourceError, match="circuit open"):
        breaker.before_call()
    time.sleep(0.25)
    assert breaker.before_call() is True  # the probe
    with pytest.raises(SourceError, match="probe in flight"):
        breaker.before_call()
    breaker.success()
    assert breaker.state().state == "closed"


def _policy(retries: int) -> Policy:
    return Policy(
        "test-venue",
        1.0,
        retries,
        RateLimiter("test-venue", 1000),
        CircuitBreaker("test-venue", 100, 1.0),
    )


@pytest.mark.parametrize(
    ("kind", "calls"),
    [(ErrorKind.SERVER, 3), (ErrorKind.AUTH, 1), (ErrorKind.INVALID, 1), (ErrorKind.TIMEOUT, 3)],
)
def test_it_retries_transient_errors_only(kind: str, calls: int) -> None:
    attempts: list[int] = []

    def failing() -> None:
        attempts.append(1)
        raise SourceError(kind, "boom")

    with pytest.raises(SourceError):
        _policy(retries=2).send("balances", "ip", 1, failing)

    assert len(attempts) == calls
