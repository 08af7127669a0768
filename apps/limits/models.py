"""Limit definitions and their four-eyes change requests (docs/limits.md).

A limit's value changes only through an approved LimitChangeRequest (or a YAML load of a limit
nobody changed by hand); the admin shows limits read-only.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import Combinable
from django.utils import timezone

from apps.limits.kinds import BREACH_TYPES, KINDS

# What a DecimalField accepts on assignment (django-stubs spells it the same way).
DecimalInput = str | float | Decimal | Combinable
VALUE_DIGITS, VALUE_PLACES = 28, 10  # up to 10^18 USD, 10 decimals
WARN_DIGITS, WARN_PLACES = 6, 4


def _value_field() -> models.DecimalField[DecimalInput, Decimal]:
    return models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)


def _warn_at_field() -> models.DecimalField[DecimalInput | None, Decimal | None]:
    return models.DecimalField(
        max_digits=WARN_DIGITS, decimal_places=WARN_PLACES, null=True, blank=True
    )


_WARN_AT_VALID = Q(warn_at_utilization__isnull=True) | Q(
    warn_at_utilization__gt=0, warn_at_utilization__lte=1
)


class LimitSource(models.TextChoices):
    YAML = "yaml", "risk_limits.yaml"
    ADMIN = "admin", "four-eyes change"


class ScopeKind(models.TextChoices):
    PORTFOLIO = "portfolio"
    SYMBOL = "symbol"
    ASSET = "asset"
    SOURCE = "source"


class Limit(models.Model):
    key = models.CharField(max_length=200, unique=True)  # "position_limits.BTC-USD.max_long"
    kind = models.CharField(max_length=40, choices=[(k, s.label) for k, s in KINDS.items()])
    breach_type = models.CharField(max_length=40, choices=[(b, b) for b in BREACH_TYPES])
    scope_kind = models.CharField(max_length=16, choices=ScopeKind.choices)
    scope = models.CharField(max_length=100)  # "BTC-USD", "BTC", "portfolio", "*" (every)
    value = _value_field()
    unit = models.CharField(max_length=16)
    warn_at_utilization = _warn_at_field()
    enabled = models.BooleanField(default=True)
    source = models.CharField(max_length=8, choices=LimitSource.choices, default=LimitSource.YAML)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("key",)
        constraints = [
            models.CheckConstraint(condition=_WARN_AT_VALID, name="limits_limit_warn_at_fraction"),
            models.CheckConstraint(
                condition=Q(breach_type__in=BREACH_TYPES), name="limits_limit_breach_type_known"
            ),
        ]

    def __str__(self) -> str:
        return self.key


class RequestStatus(models.TextChoices):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"


class LimitChangeRequest(models.Model):
    """A proposed change of one limit; applied only when another risk officer approves it.

    Rejected and expired requests stay, as the record of what was asked and refused.
    """

    limit = models.ForeignKey(Limit, on_delete=models.PROTECT, related_name="change_requests")
    before_value = _value_field()
    before_warn_at_utilization = _warn_at_field()
    before_enabled = models.BooleanField()
    after_value = _value_field()
    after_warn_at_utilization = _warn_at_field()
    after_enabled = models.BooleanField()
    reason = models.TextField()
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)

    class Meta:
        ordering = ("-proposed_at", "-id")
        constraints = [
            # Four eyes, held by the database too: an approval names an approver who is not
            # the proposer.
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.APPROVED)
                | (Q(decided_by__isnull=False) & ~Q(decided_by=F("proposed_by"))),
                name="limits_request_four_eyes",
            ),
            models.CheckConstraint(
                condition=Q(status=RequestStatus.PROPOSED, decided_at__isnull=True)
                | (~Q(status=RequestStatus.PROPOSED) & Q(decided_at__isnull=False)),
                name="limits_request_decision_time",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="limits_request_status_known"
            ),
            # One open proposal per limit: a second would be based on a value about to change.
            models.UniqueConstraint(
                fields=["limit"],
                condition=Q(status=RequestStatus.PROPOSED),
                name="limits_one_open_request_per_limit",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.limit.key}: {self.status}"
