"""Alerts (one active per limit and scope) and the notification outbox.

The invariants live in the database: a partial unique index keeps one active alert per
fingerprint, and a unique idempotency key keeps one notification per (alert, event, channel,
target), so neither a race between workers nor a retried task can duplicate them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Severity(models.TextChoices):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class AlertStatus(models.TextChoices):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


ACTIVE_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


class Alert(models.Model):
    # PROTECT: an alert is evidence; its portfolio and limit outlive it (limits are disabled,
    # never deleted).
    portfolio = models.ForeignKey(
        "positions.Portfolio", on_delete=models.PROTECT, related_name="alerts"
    )
    limit = models.ForeignKey("limits.Limit", on_delete=models.PROTECT, related_name="alerts")
    limit_key = models.CharField(max_length=200)
    breach_type = models.CharField(max_length=64)
    scope_kind = models.CharField(max_length=16)
    scope = models.CharField(max_length=128)
    fingerprint = models.CharField(max_length=400)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    peak_severity = models.CharField(max_length=8, choices=Severity.choices)
    status = models.CharField(max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    # The reading as the engine computed it (float64); the risk snapshot keeps the source figures.
    current = models.FloatField()
    limit_value = models.FloatField()
    utilization = models.FloatField()
    opening_level = models.FloatField()
    unit = models.CharField(max_length=16, blank=True)
    opened_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    # PROTECT: who acknowledged an alert must stay known; users are deactivated, not deleted.
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    ack_comment = models.TextField(blank=True)
    escalation_tier = models.PositiveSmallIntegerField(default=0)
    next_escalation_at = models.DateTimeField(null=True, blank=True)
    last_notified_at = models.DateTimeField(null=True, blank=True)
    renotify_count = models.PositiveIntegerField(default=0)
    # Everyone told about this alert so far: escalation and re-notification reach only these.
    notified_targets = models.JSONField(default=list, blank=True)
    correlation_id = models.CharField(max_length=64)
    snapshot_id = models.BigIntegerField(null=True, blank=True)
    # The inputs behind the latest reading (sources, timestamps, engine version), for audit events
    # that happen between evaluations (acknowledge, escalate, deliver).
    audit_trail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("-opened_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="alerts_one_active_per_fingerprint",
            ),
            models.CheckConstraint(
                condition=~Q(status=AlertStatus.RESOLVED) | Q(resolved_at__isnull=False),
                name="alerts_resolved_has_resolved_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=AlertStatus.ACKNOWLEDGED) | Q(acknowledged_at__isnull=False),
                name="alerts_acknowledged_has_acknowledged_at",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "severity"], name="alerts_status_severity"),
            models.Index(fields=["status", "next_escalation_at"], name="alerts_escalation_due"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.severity} {self.breach_type} {self.scope}"

    @property
    def public_id(self) -> str:
        return f"alert-{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class NotificationStatus(models.TextChoices):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # permanently: the channel refused it (e.g. a 4xx from the webhook)
    DIGESTED = "digested"  # over the hourly budget: goes out inside a digest notification


class Channel(models.TextChoices):
    PROMETHEUS = "prometheus"
    WEBHOOK = "webhook"
    EMAIL = "email"
    LOG = "log"


class Notification(models.Model):
    """One message to one target over one channel; written with the alert change it announces."""

    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(max_length=32)  # opened, upgraded, escalated, renotify, ...
    channel = models.CharField(max_length=12, choices=Channel.choices)
    target = models.CharField(max_length=64)
    # Where it goes, fixed when queued (webhook URL, email recipients): the row is self-contained.
    address = models.TextField(blank=True)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    payload = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    idempotency_key = models.CharField(max_length=300, unique=True)
    created_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    # When it took a slot of the hourly budget; retries of the same row take no new slot.
    budgeted_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="digested_items"
    )

    class Meta:
        ordering = ("id",)
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="alerts_notif_due"),
            models.Index(fields=["channel", "target", "budgeted_at"], name="alerts_notif_budget"),
        ]

    def __str__(self) -> str:
        return f"notification-{self.pk} {self.event} {self.channel}:{self.target} {self.status}"


class DeliveryAttempt(models.Model):
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="delivery_attempts"
    )
    attempted_at = models.DateTimeField()
    succeeded = models.BooleanField()
    error = models.TextField(blank=True)
    duration_ms = models.FloatField()

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"attempt {self.pk} of notification-{self.notification_id}"
