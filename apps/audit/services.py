"""The one write of the audit trail: append an event to the hash chain.

Every decision of the monitor (breach, alert, limit change, breaker trip) calls ``audit_record``
inside its own ``transaction.atomic()``, so the event commits or rolls back with the decision.
"""

from __future__ import annotations

import functools
import uuid
from typing import Any, Protocol

from django.db import connection, transaction
from django.utils import timezone

from apps.audit.hashing import GENESIS_HASH, event_hash, normalize_payload
from apps.audit.log import audit_log_emit
from apps.audit.models import AuditEvent, AuditLevel

# Key of the PostgreSQL advisory lock that serializes writers of the chain ("RMAUDIT" in ASCII).
# Any process taking it must read the head only after it holds it.
AUDIT_CHAIN_LOCK_KEY = 0x524D4155444954
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
    _check_fields(event_type=event_type, actor=actor, level=level)
    body = normalize_payload(payload)
    with transaction.atomic():
        _lock_chain()
        event = _append(
            event_type=event_type,
            actor=actor,
            payload=body,
            correlation_id=correlation_id or correlation_id_new(),
            level=level,
        )
        transaction.on_commit(functools.partial(audit_log_emit, event), robust=True)
    return event


def _check_fields(*, event_type: str, actor: str, level: str) -> None:
    if level not in AuditLevel.values:
        raise ValueError(f"level: must be one of {', '.join(AuditLevel.values)}, got {level!r}")
    if not event_type or len(event_type) > 64:
        raise ValueError(f"event_type: must be 1 to 64 characters, got {event_type!r}")
    if not actor or len(actor) > 200:
        raise ValueError(f"actor: must be 1 to 200 characters, got {actor!r}")


def _lock_chain() -> None:
    """Serialize appenders across processes until the current transaction ends.

    PostgreSQL: a transaction-scoped advisory lock, taken before the head is read.
    SQLite: settings open every transaction with BEGIN IMMEDIATE, which already holds the
    database's write lock before the head is read (``apps.audit.checks`` insists on it).
    The unique prev_hash constraint backs both: a racing writer fails instead of forking.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK_KEY])


def _append(
    *, event_type: str, actor: str, payload: dict[str, Any], correlation_id: str, level: str
) -> AuditEvent:
    head = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    sequence, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    event = AuditEvent(
        sequence=sequence,
        # Taken under the lock, so timestamps never go backwards along the chain on one clock.
        timestamp=timezone.now(),
        actor=actor,
        event_type=event_type,
        level=level,
        correlation_id=correlation_id,
        payload=payload,
        prev_hash=prev_hash,
    )
    event.hash = event_hash(event.hashed_fields())
    event.save(force_insert=True)
    return event
