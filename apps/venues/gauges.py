"""Venue connectivity for Prometheus, read from the data-source statuses when it scrapes."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from apps.venues.selectors import connectivity

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
