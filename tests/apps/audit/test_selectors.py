from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import pytest

from apps.audit.hashing import event_hash
from apps.audit.models import AuditEvent
from apps.audit.selectors import ChainVerdict, audit_chain_verify
from apps.audit.services import audit_record

Tamper = Callable[[str, Sequence[Any]], None]

pytestmark = pytest.mark.django_db


def _chain(length: int) -> list[str]:
    return [
        audit_record(event_type="risk_evaluated", actor="system:test", payload={"n": n}).hash
        for n in range(length)
    ]


def test_it_reports_an_empty_chain_as_intact() -> None:
    assert audit_chain_verify() == ChainVerdict(events=0, head_hash=None)


def test_it_reports_an_intact_chain_with_its_head() -> None:
    hashes = _chain(5)

    verdict = audit_chain_verify(chunk_size=2)

    assert verdict.intact
    assert (verdict.events, verdict.head_hash) == (5, hashes[-1])


def test_it_names_the_sequence_whose_content_changed(tamper: Tamper) -> None:
    _chain(4)
    tamper("UPDATE audit_auditevent SET payload = '{\"n\": 99}' WHERE sequence = 3", [])

    verdict = audit_chain_verify()

    assert (verdict.broken_at, verdict.reason) == (3, "hash mismatch (row content changed)")
    assert verdict.events == 2


def test_it_names_the_successor_of_a_changed_row_that_was_rehashed(tamper: Tamper) -> None:
    _chain(4)
    forged = replace(AuditEvent.objects.get(sequence=2).hashed_fields(), payload={"n": 99})
    tamper(
        "UPDATE audit_auditevent SET payload = %s, hash = %s WHERE sequence = 2",
        ['{"n": 99}', event_hash(forged)],
    )

    verdict = audit_chain_verify()

    # Row 2 is consistent in itself now; its successor still points at the old hash.
    assert verdict.broken_at == 3
    assert verdict.reason is not None and verdict.reason.startswith("prev_hash does not match")


def test_it_names_the_event_after_a_forged_link(tamper: Tamper) -> None:
    _chain(3)
    tamper("UPDATE audit_auditevent SET prev_hash = %s WHERE sequence = 3", ["b" * 64])

    verdict = audit_chain_verify()

    assert verdict.broken_at == 3
    assert verdict.reason == (
        "prev_hash does not match the hash of sequence 2 (a row was changed or inserted)"
    )


def test_it_names_a_missing_sequence_number(tamper: Tamper) -> None:
    _chain(4)
    tamper("DELETE FROM audit_auditevent WHERE sequence = 2", [])

    verdict = audit_chain_verify()

    assert (verdict.broken_at, verdict.reason) == (2, "sequence gap (the next stored event is 3)")
