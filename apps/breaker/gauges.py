"""The circuit breakers' state for Prometheus, read from the database when it scrapes: the
trip counter says how often, this says whether one is open now."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from apps.breaker.models import BreakerState, CircuitBreaker


def breaker_metrics() -> Iterator[Metric]:
    family = GaugeMetricFamily(
        "risk_circuit_breaker_open",
        "Circuit breaker state per portfolio (1 open, 0 closed)",
        labels=["portfolio"],
    )
    for name, state in CircuitBreaker.objects.values_list("portfolio__name", "state"):
        family.add_metric([name], 1.0 if state == BreakerState.OPEN else 0.0)
    yield family
