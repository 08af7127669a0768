"""One risk snapshot per (portfolio, cycle): every figure the engine computed on stored data,
the inputs' timestamps, and how long each stage took; plus the latest calculation trace."""

from __future__ import annotations

from django.db import models


class RiskSnapshot(models.Model):
    """Figures are float64 engine outputs stored as double precision (exactly what the engine
    produced; Decimal would claim a precision the computation does not have). NULL means "not
    computable" and `flags` says why; nothing missing is ever stored as 0."""

    portfolio = models.ForeignKey(
        "positions.Portfolio", on_delete=models.CASCADE, related_name="risk_snapshots"
    )
    cycle_start = models.DateTimeField()  # the ingest cycle it belongs to: the idempotency key
    as_of = models.DateTimeField()  # valuation time: mark ages and "today" are relative to it
    created_at = models.DateTimeField(auto_now_add=True)
    engine_version = models.CharField(max_length=16)

    # Headline columns, copied from `figures` for cheap history queries.
    equity = models.FloatField()
    equity_complete = models.BooleanField()
    total_pnl = models.FloatField()
    unrealized_pnl = models.FloatField()
    realized_today = models.FloatField()
    daily_pnl = models.FloatField(null=True)
    gross_notional = models.FloatField()
    net_notional = models.FloatField()
    total_notional = models.FloatField()
    leverage = models.FloatField(null=True)
    var_hist_99 = models.FloatField(null=True)
    var_param_99 = models.FloatField(null=True)
    es_99 = models.FloatField(null=True)
    drawdown = models.FloatField(null=True)
    hwm = models.FloatField(null=True)
    # The state the next evaluation starts from instead of re-reading the equity history
    # (docs/risk-methodology.md section 20): the transfer-adjusted HWM even when <= 0, and
    # the worst drawdown of the path so far. NULL on rows stored before they were kept.
    running_hwm = models.FloatField(null=True)
    running_max_drawdown = models.FloatField(null=True)

    figures = models.JSONField()  # RiskAssessment.to_dict(): per-symbol and per-asset tables
    input_as_of = models.JSONField(default=dict)  # source -> ISO time of the data used
    stale_sources = models.JSONField(default=list)  # sources older than the staleness limit
    flags = models.JSONField(default=list)  # engine flags + loader flags (missing inputs)
    compute_ms = models.JSONField(default=dict)  # stage -> milliseconds

    class Meta:
        ordering = ("-as_of",)
        get_latest_by = "as_of"
        constraints = [
            models.UniqueConstraint(
                fields=("portfolio", "cycle_start"), name="risk_snapshot_unique_cycle"
            )
        ]
        indexes = [models.Index(fields=("portfolio", "-as_of"), name="risk_snapshot_latest")]

    def __str__(self) -> str:
        return f"{self.portfolio_id} @ {self.cycle_start:%Y-%m-%d %H:%M:%S}"


class RiskTrace(models.Model):
    """The inputs and intermediate arrays of a portfolio's latest calculation, replaced each
    cycle (one row per portfolio): what /debug/risk-calculations shows so any figure can be
    recomputed by hand. Kept apart from the history so snapshots stay small."""

    portfolio = models.OneToOneField(
        "positions.Portfolio", on_delete=models.CASCADE, related_name="risk_trace"
    )
    snapshot = models.ForeignKey(RiskSnapshot, on_delete=models.SET_NULL, null=True)
    # JSON as text, not jsonb: nothing queries inside it, and parsing a large book's trace
    # into jsonb every cycle cost more than the risk computation itself.
    trace = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"trace of {self.portfolio_id}"
