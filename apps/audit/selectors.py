"""Reads of the audit trail: verifying the chain and its database guard."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection

from apps.audit.hashing import GENESIS_HASH, HashedFields, event_hash
from apps.audit.models import AuditEvent

_HASHED = ("sequence", "timestamp", "actor", "event_type", "level", "correlation_id", "payload")
# The triggers of migration 0002 and the pg_trigger states in which they fire for the app's
# sessions ("O": origin and local, "A": always).
_GUARD_TRIGGERS = {
    "postgresql": {"audit_auditevent_append_only", "audit_auditevent_no_truncate"},
    "sqlite": {"audit_auditevent_no_update", "audit_auditevent_no_delete"},
}
_PG_FIRING = {"O", "A"}


@dataclass(frozen=True)
class ChainVerdict:
    events: int
    head_hash: str | None
    broken_at: int | None = None
    reason: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_at is None


@dataclass(frozen=True)
class _Row:
    fields: HashedFields
    hash: str


def audit_chain_verify(*, chunk_size: int = 5000) -> ChainVerdict:
    """Walk the whole chain in sequence order and stop at the first broken link.

    Checks, per row: the sequence follows the previous one (gapless from 1), prev_hash is the
    previous row's hash (genesis: 64 zeros), and the stored hash is the one its content gives.
    """
    expected_prev = GENESIS_HASH
    count = 0
    for row in _rows(chunk_size):
        reason = _link_problem(row, sequence=count + 1, prev_hash=expected_prev)
        if reason is not None:
            return ChainVerdict(events=count, head_hash=None, broken_at=count + 1, reason=reason)
        count += 1
        expected_prev = row.hash
    return ChainVerdict(events=count, head_hash=expected_prev if count else None)


def audit_guard_problem() -> str | None:
    """Why the database would not refuse changes to the table now, or None when it would."""
    expected = _GUARD_TRIGGERS.get(connection.vendor)
    if expected is None:
        return f"no append-only triggers exist for the {connection.vendor} backend"
    missing = sorted(expected - _firing_triggers())
    if missing:
        return f"append-only triggers missing or disabled: {', '.join(missing)}"
    return None


def _rows(chunk_size: int) -> Iterator[_Row]:
    # values_list skips model instances: the walk is a tight loop over tuples.
    query = AuditEvent.objects.order_by("sequence").values_list(*_HASHED, "prev_hash", "hash")
    for *hashed, stored_hash in query.iterator(chunk_size=chunk_size):
        yield _Row(HashedFields(*hashed), stored_hash)


def _link_problem(row: _Row, *, sequence: int, prev_hash: str) -> str | None:
    if row.fields.sequence != sequence:
        return f"sequence gap (the next stored event is {row.fields.sequence})"
    if row.fields.prev_hash != prev_hash:
        previous = "genesis" if sequence == 1 else f"sequence {sequence - 1}"
        return f"prev_hash does not match the hash of {previous} (a row was changed or inserted)"
    if event_hash(row.fields) != row.hash:
        return "hash mismatch (row content changed)"
    return None


def _firing_triggers() -> set[str]:
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, tgenabled FROM pg_trigger "
                "WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [table],
            )
            return {name for name, state in cursor.fetchall() if state in _PG_FIRING}
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
        )
        return {name for (name,) in cursor.fetchall()}
