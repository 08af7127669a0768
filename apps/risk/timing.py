"""Milliseconds per stage of a portfolio's evaluation, kept on its snapshot (``compute_ms``)
and observed in ``risk_monitor_latency_seconds{calculation_type}``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from apps.core.metrics import risk_monitor_latency_seconds


class StageTimer:
    """Milliseconds per stage; each stage is also observed in the latency histogram."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.ms: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self._record(name, time.perf_counter() - began)

    def finish(self) -> dict[str, float]:
        self._record("total", time.perf_counter() - self.started)
        return self.ms

    def _record(self, name: str, seconds: float) -> None:
        self.ms[name] = round(seconds * 1000.0, 3)
        risk_monitor_latency_seconds.labels(name).observe(seconds)
