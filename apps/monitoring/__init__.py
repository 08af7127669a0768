"""The monitoring cycle: one readable path from stored venue data to risk, limits, alerts and the
after-commit fan-out (publish, gauges, breaker, notifications). See docs/architecture.md."""
