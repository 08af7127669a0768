"""The monitor's own Prometheus signals, named as the brief names them (BRIEF "Prometheus
Metrics"). Defined once here so every process registers the same series.

Several processes serve (web, workers): with PROMETHEUS_MULTIPROC_DIR set, each writes its own
files and /metrics aggregates them. Gauges use "mostrecent" so the last value written by any
process wins, rather than one series per process id."""

from __future__ import annotations

from typing import Final, Literal

from prometheus_client import Counter, Gauge, Histogram

_GAUGE_MODE: Final[Literal["mostrecent"]] = "mostrecent"

risk_compliance_status = Gauge(
    "risk_compliance_status",
    "Risk compliance status: 0 ok, 1 warn (at the alert level), 2 breach (critical severity)",
    ["mandate", "symbol"],
    multiprocess_mode=_GAUGE_MODE,
)
risk_alert_generated = Counter(
    "risk_alert_generated", "Risk alerts generated", ["severity", "alert_type", "asset"]
)
risk_limit_utilization = Gauge(
    "risk_limit_utilization",
    "Risk limit utilization ratio",
    ["limit_type", "symbol"],
    multiprocess_mode=_GAUGE_MODE,
)
risk_position_size = Gauge(
    "risk_position_size",
    "Current position sizes",
    ["symbol", "venue"],
    multiprocess_mode=_GAUGE_MODE,
)
risk_portfolio_pnl = Gauge(
    "risk_portfolio_pnl", "Current portfolio P&L", ["currency"], multiprocess_mode=_GAUGE_MODE
)
risk_delta_exposure = Gauge(
    "risk_delta_exposure", "Net underlying exposure", ["asset"], multiprocess_mode=_GAUGE_MODE
)
risk_drawdown = Gauge(
    "risk_drawdown", "Portfolio drawdown from peak", ["timeframe"], multiprocess_mode=_GAUGE_MODE
)
risk_circuit_breaker_triggered = Counter(
    "risk_circuit_breaker_triggered", "Circuit breaker activations", ["reason"]
)
risk_monitor_latency_seconds = Histogram(
    "risk_monitor_latency_seconds",
    "Risk calculation latency",
    ["calculation_type"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
risk_data_staleness_seconds = Gauge(
    "risk_data_staleness_seconds",
    "Age of risk data",
    ["data_source"],
    multiprocess_mode=_GAUGE_MODE,
)
risk_ingest_quarantined = Counter(
    "risk_ingest_quarantined", "Venue payloads rejected at the boundary", ["venue", "endpoint"]
)
risk_ingest_requests = Counter(
    "risk_ingest_requests", "Calls to venue APIs", ["venue", "endpoint", "outcome"]
)
