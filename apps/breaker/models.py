"""The circuit breaker of each portfolio, its history, and the liquidation plans it proposes.

Transitions lock the breaker row (``select_for_update``); liquidation steps are claimed with a
conditional UPDATE, so no order is ever sent twice, whatever the number of workers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class BreakerState(models.TextChoices):
    CLOSED = "closed"
    OPEN = "open"


class TripReason(models.TextChoices):
    # The brief's names; they are also the ``reason`` label of the Prometheus counter.
    PORTFOLIO_LOSS = "portfolio_loss_limit"
    RAPID_DRAWDOWN = "rapid_drawdown"
    CRITICAL_ALERTS = "critical_alert_cascade"
    MANUAL = "manual"


class CircuitBreaker(models.Model):
    portfolio = models.OneToOneField(
        "positions.Portfolio", on_delete=models.CASCADE, related_name="circuit_breaker"
    )
    state = models.CharField(max_length=8, choices=BreakerState.choices, default="closed")
    reason = models.CharField(max_length=32, choices=TripReason.choices, blank=True)
    reason_detail = models.TextField(blank=True)  # the officer's words, or the figure that tripped
    trigger_value = models.FloatField(null=True, blank=True)
    tripped_at = models.DateTimeField(null=True, blank=True)
    tripped_by = models.CharField(max_length=200, blank=True)  # audit actor string
    # Recovery: conditions clear since (set by evaluations), closes at recovery_due_at.
    conditions_clear_since = models.DateTimeField(null=True, blank=True)
    recovery_due_at = models.DateTimeField(null=True, blank=True)
    # The figures of the latest evaluation: the periodic recovery decides on these.
    last_evaluated_at = models.DateTimeField(null=True, blank=True)
    last_total_pnl = models.FloatField(null=True, blank=True)
    last_rapid_drawdown = models.FloatField(null=True, blank=True)
    last_critical_alerts = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("portfolio__name",)
        constraints = [
            models.CheckConstraint(
                condition=Q(state="closed") | Q(tripped_at__isnull=False, reason__gt=""),
                name="breaker_open_has_trip",
            )
        ]

    def __str__(self) -> str:
        return f"breaker of {self.portfolio}: {self.state}"


class BreakerEventKind(models.TextChoices):
    TRIPPED = "tripped"
    RESET = "reset"
    RECOVERED = "recovered"


class BreakerEvent(models.Model):
    """Transition history, for the admin and the API (the audit trail is the record)."""

    breaker = models.ForeignKey(CircuitBreaker, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=BreakerEventKind.choices)
    reason = models.CharField(max_length=32, blank=True)
    detail = models.TextField(blank=True)
    actor = models.CharField(max_length=200)
    at = models.DateTimeField()
    correlation_id = models.CharField(max_length=64)

    class Meta:
        ordering = ("-at", "-id")

    def __str__(self) -> str:
        return f"{self.kind} {self.reason} at {self.at:%Y-%m-%d %H:%M:%S}"


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed"  # waits for a risk officer (auto-liquidation off)
    APPROVED = "approved"  # queued for execution
    EXECUTING = "executing"
    DONE = "done"
    FAILED = "failed"  # no step succeeded
    PARTIALLY_FAILED = "partially_failed"
    CANCELLED = "cancelled"  # the breaker closed before anyone approved it


ACTIVE_PLAN_STATUSES = (PlanStatus.PROPOSED, PlanStatus.APPROVED, PlanStatus.EXECUTING)


class LiquidationPlan(models.Model):
    breaker = models.ForeignKey(CircuitBreaker, on_delete=models.CASCADE, related_name="plans")
    status = models.CharField(max_length=20, choices=PlanStatus.choices)
    trip_reason = models.CharField(max_length=32, choices=TripReason.choices)
    auto = models.BooleanField(default=False)  # approved by CIRCUIT_BREAKER_AUTO_LIQUIDATE
    created_at = models.DateTimeField()
    # PROTECT: who approved a liquidation must stay known; users are deactivated, not deleted.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    correlation_id = models.CharField(max_length=64)
    # What the plan was built from: account -> snapshot id and as_of.
    sources = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["breaker"],
                condition=Q(status__in=ACTIVE_PLAN_STATUSES),
                name="breaker_one_active_plan",
            ),
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True)
                | Q(status__in=["approved", "executing", "done", "failed", "partially_failed"]),
                name="breaker_plan_approved_status",
            ),
        ]

    def __str__(self) -> str:
        return f"liquidation-plan-{self.pk} {self.status}"


class StepKind(models.TextChoices):
    CANCEL_ORDERS = "cancel_orders"
    CLOSE_POSITION = "close_position"


class StepStatus(models.TextChoices):
    PENDING = "pending"
    SENDING = "sending"  # claimed by one executor; never claimed again
    DONE = "done"
    FAILED = "failed"


class LiquidationStep(models.Model):
    plan = models.ForeignKey(LiquidationPlan, on_delete=models.CASCADE, related_name="steps")
    seq = models.PositiveIntegerField()  # execution order within the plan
    venue = models.ForeignKey("venues.Venue", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey("venues.Account", on_delete=models.PROTECT, related_name="+")
    market = models.CharField(max_length=8)  # spot / futures
    kind = models.CharField(max_length=16, choices=StepKind.choices)
    venue_symbol = models.CharField(max_length=64)  # BTCUSDT
    ccxt_symbol = models.CharField(max_length=64)  # BTC/USDT or BTC/USDT:USDT
    side = models.CharField(max_length=4, blank=True)  # buy / sell; empty for cancels
    amount = models.DecimalField(max_digits=38, decimal_places=18, default=0)  # base units
    reduce_only = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=StepStatus.choices, default="pending")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    venue_order_id = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    executed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("plan", "seq")
        constraints = [
            models.UniqueConstraint(fields=["plan", "seq"], name="breaker_step_unique_seq"),
            models.CheckConstraint(
                condition=Q(kind="cancel_orders") | Q(amount__gt=0, side__in=["buy", "sell"]),
                name="breaker_step_close_has_size",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == StepKind.CANCEL_ORDERS:
            return f"cancel orders {self.venue_symbol} on {self.account}"
        return f"{self.side} {self.amount} {self.venue_symbol} on {self.account}"
