"""Venue connectivity for Prometheus, read from the data-source statuses when it scrapes."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from apps.venues.selectors import connectivity, source_health

# "stale" and "degraded" venues still answer some calls; "down" answers none, "unknown" has
# never answered since the statuses were created.
_UP_STATES = frozenset({"ok", "degraded", "stale"})


def venue_metrics() -> Iterator[Metric]:
    family = GaugeMetricFamily(
        "risk_venue_up",
        "1 while at least one call to the venue succeeds, 0 when every source fails",
        labels=["venue"],
    )
    for venue in connectivity()["venues"]:
        family.add_metric([venue["venue"]], 1.0 if venue["state"] in _UP_STATES else 0.0)
    yield family
    yield _stale_sources()


def _stale_sources() -> Metric:
    """The verdict beside the brief's age gauge: a settlement source is fine at an age that
    would be stale for prices, so alert rules use this, judged on each source's own schedule."""
    family = GaugeMetricFamily(
        "risk_data_source_stale",
        "1 when the source is overdue against its own schedule or its last pull failed",
        labels=["data_source", "venue"],
    )
    for health in source_health():
        family.add_metric([health.source, health.venue], 1.0 if health.stale else 0.0)
    return family
