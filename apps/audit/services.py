"""The one write of the audit trail: append an event to the hash chain.

Every decision of the monitor (breach, alert, limit change, breaker trip) calls ``audit_record``
inside its own ``transaction.atomic()``, so the event commits or rolls back with the decision.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from django.db import connection, transaction
from django.utils import timezone

from apps.audit.hashing import GENESIS_HASH, event_hash, normalize_payload
from apps.audit.log import audit_log_emit
from apps.audit.models import AuditEvent, AuditLevel

# Key of the PostgreSQL advisory lock that serializes writers of the chain ("RMAUDIT" in ASCII).
# Any process taking it must read the head only after it holds it.
AUDIT_CHAIN_LOCK_KEY = 0x524D4155444954
_LOCKED_HEAD_SQL = (
    "SELECT pg_advisory_xact_lock(%s); "
    "SELECT sequence, hash FROM audit_auditevent ORDER BY sequence DESC LIMIT 1"
)
SYSTEM_ACTOR_PREFIX = "system:"


class _User(Protocol):
    @property
    def is_authenticated(self) -> bool: ...

    def get_username(self) -> str: ...


def actor_for(user: _User | None) -> str:
    """The actor string of a request's user: the username, or ``anonymous`` when not logged in.

    Django's username validator refuses ``:``, so a username never looks like a system actor.
    """
    if user is None or not user.is_authenticated:
        return "anonymous"
    return user.get_username()


def system_actor(component: str) -> str:
    """The actor string of a background component: ``system:risk-engine``."""
    if not component:
        raise ValueError("component: must not be empty")
    return f"{SYSTEM_ACTOR_PREFIX}{component}"


def correlation_id_new() -> str:
    return f"risk-{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True)
class AuditEntry:
    """One event to append, as ``audit_record`` takes it; ``audit_record_many`` takes several."""

    event_type: str
    actor: str
    payload: dict[str, Any]
    correlation_id: str | None = None
    level: str = "info"


def audit_record(
    *,
    event_type: str,
    actor: str,
    payload: dict[str, Any],
    correlation_id: str | None = None,
    level: str = "info",
) -> AuditEvent:
    """Append one event to the chain and return it; its JSON log line goes out after commit.

    Works with or without an open transaction. Inside the caller's transaction the chain lock is
    held until that transaction ends, so call it late in the transaction to keep the lock short.
    """
    entry = AuditEntry(event_type, actor, payload, correlation_id, level)
    return audit_record_many(entries=[entry])[0]


def audit_record_many(*, entries: Sequence[AuditEntry]) -> list[AuditEvent]:
    """Append several events in their order under one chain lock, one head read and one INSERT.

    Same contract as ``audit_record``. No savepoint of its own: a failed append fails the
    caller's transaction, so a decision never commits without its events.
    """
    prepared = [_prepared(entry) for entry in entries]
    if not prepared:
        return []
    with transaction.atomic(savepoint=False):
        events = _chained(prepared, _locked_head())
        AuditEvent.objects.bulk_create(events)
        for event in events:
            transaction.on_commit(functools.partial(audit_log_emit, event), robust=True)
    return events


def _prepared(entry: AuditEntry) -> AuditEntry:
    _check_fields(event_type=entry.event_type, actor=entry.actor, level=entry.level)
    return replace(entry, payload=normalize_payload(entry.payload))


def _check_fields(*, event_type: str, actor: str, level: str) -> None:
    if level not in AuditLevel.values:
        raise ValueError(f"level: must be one of {', '.join(AuditLevel.values)}, got {level!r}")
    if not event_type or len(event_type) > 64:
        raise ValueError(f"event_type: must be 1 to 64 characters, got {event_type!r}")
    if not actor or len(actor) > 200:
        raise ValueError(f"actor: must be 1 to 200 characters, got {actor!r}")


def _locked_head() -> tuple[int, str]:
    """(sequence, hash) of the head, read once this transaction serializes appenders.

    PostgreSQL: a transaction-scoped advisory lock, then the head, sent in one round trip as two
    statements. Not one statement: its snapshot would be taken before the wait for the lock and
    miss a head committed meanwhile (the unique prev_hash would then refuse our insert).
    Two statements in one text need psycopg's client-side binding, Django's default.
    SQLite: settings open every transaction with BEGIN IMMEDIATE, which already holds the
    database's write lock before the head is read (``apps.audit.checks`` insists on it).
    The unique prev_hash constraint backs both: a racing writer fails instead of forking.
    """
    if connection.vendor != "postgresql":
        head = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
        return head or (0, GENESIS_HASH)
    with connection.cursor() as cursor:
        cursor.execute(_LOCKED_HEAD_SQL, [AUDIT_CHAIN_LOCK_KEY])
        cursor.nextset()
        row = cursor.fetchone()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


def _chained(entries: Sequence[AuditEntry], head: tuple[int, str]) -> list[AuditEvent]:
    sequence, prev_hash = head
    # Taken under the lock, so timestamps never go backwards along the chain on one clock.
    now = timezone.now()
    events = []
    for entry in entries:
        sequence += 1
        event = AuditEvent(
            sequence=sequence,
            timestamp=now,
            actor=entry.actor,
            event_type=entry.event_type,
            level=entry.level,
            correlation_id=entry.correlation_id or correlation_id_new(),
            payload=entry.payload,
            prev_hash=prev_hash,
        )
        event.hash = prev_hash = event_hash(event.hashed_fields())
        events.append(event)
    return events
