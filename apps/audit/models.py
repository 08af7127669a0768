"""The audit trail: one append-only, hash-chained table.

Rows are written only by ``apps.audit.services.audit_record``; the database refuses UPDATE,
DELETE and TRUNCATE on the table (migration 0002), so nothing here offers to change a row.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from apps.audit.hashing import HashedFields, event_hash


class AuditLevel(models.TextChoices):
    INFO = "info"
    WARN = "warn"
    ERROR = "error"
    CRITICAL = "critical"


class AuditEvent(models.Model):
    # The chain position is the identity: gapless from 1, assigned under the chain lock, so an
    # auto-increment id (which skips numbers on rollback) would only add confusion.
    sequence = models.PositiveBigIntegerField(primary_key=True)
    timestamp = models.DateTimeField()
    actor = models.CharField(max_length=200)
    event_type = models.CharField(max_length=64)
    level = models.CharField(max_length=8, choices=AuditLevel.choices)
    correlation_id = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["sequence"]
        # Only viewing exists: no add, change or delete permission can be granted to anyone.
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(condition=Q(sequence__gte=1), name="audit_sequence_from_1"),
            models.CheckConstraint(
                condition=Q(level__in=AuditLevel.values), name="audit_level_known"
            ),
            # One successor per event: two writers racing past the lock could not fork the chain.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_prev_hash_unique"),
            models.UniqueConstraint(fields=["hash"], name="audit_hash_unique"),
        ]
        indexes = [
            models.Index(fields=["event_type", "timestamp"], name="audit_type_time_idx"),
            models.Index(fields=["correlation_id"], name="audit_correlation_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.event_type} by {self.actor}"

    def hashed_fields(self) -> HashedFields:
        return HashedFields(
            sequence=self.sequence,
            timestamp=self.timestamp,
            actor=self.actor,
            event_type=self.event_type,
            level=self.level,
            correlation_id=self.correlation_id,
            payload=self.payload,
            prev_hash=self.prev_hash,
        )

    def computed_hash(self) -> str:
        """The hash this row's stored content gives now; differs from ``hash`` if it was changed."""
        return event_hash(self.hashed_fields())
