"""How every request to a venue is sent: within the rate budget, with a timeout, retried with
backoff and jitter for transient failures only, counted in ``risk_ingest_requests``."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from apps.core.metrics import risk_ingest_requests
from apps.venues.connectors.base import ErrorKind, SourceError
from apps.venues.connectors.ratelimit import RateLimiter
from apps.venues.connectors.source_circuit import CircuitBreaker

BACKOFF_BASE_SECONDS = 0.2
BACKOFF_CAP_SECONDS = 2.0
DEFAULT_RETRY_AFTER_SECONDS = 60.0


def backoff_seconds(attempt: int) -> float:
    """Full jitter (AWS architecture blog): uniform in [0, min(cap, base * 2**attempt)]."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt)
    return random.uniform(ceiling / 4, ceiling)  # noqa: S311 - jitter, not crypto


@dataclass(frozen=True)
class Policy:
    """The wire rules of one venue."""

    venue: str
    timeout: float  # seconds, every request
    retries: int  # extra attempts after the first, transient failures only
    limiter: RateLimiter
    breaker: CircuitBreaker

    def send[T](self, endpoint: str, key: str, weight: int, request: Callable[[], T]) -> T:
        """Run ``request`` (one HTTP round trip); raises SourceError after the last attempt."""
        for attempt in range(self.retries + 1):
            try:
                self.limiter.acquire(key, weight, max_wait=self.timeout)
            except SourceError:
                risk_ingest_requests.labels(self.venue, endpoint, ErrorKind.RATE_BUDGET).inc()
                raise
            try:
                result = request()
            except SourceError as exc:
                risk_ingest_requests.labels(self.venue, endpoint, exc.kind).inc()
                if exc.kind == ErrorKind.RATE_LIMITED:
                    self.limiter.pause(exc.retry_after or DEFAULT_RETRY_AFTER_SECONDS)
                    if (exc.retry_after or DEFAULT_RETRY_AFTER_SECONDS) > self.timeout:
                        raise  # waiting it out would outlast this cycle: the next one tries
                if not exc.transient or attempt >= self.retries:
                    raise
                time.sleep(backoff_seconds(attempt))
                continue
            risk_ingest_requests.labels(self.venue, endpoint, "ok").inc()
            return result
        raise AssertionError("unreachable: the last attempt returns or raises")

    def guarded[T](self, call: Callable[[], T]) -> T:
        """One endpoint call (maybe several requests) behind the venue's circuit breaker."""
        probing = self.breaker.before_call()
        try:
            result = call()
        except SourceError as exc:
            if exc.transient:
                self.breaker.failure()
            raise
        finally:
            if probing:
                self.breaker.probe_done()
        self.breaker.success()
        return result
