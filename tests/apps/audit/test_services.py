from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from apps.audit.hashing import GENESIS_HASH
from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_chain_verify
from apps.audit.services import (
    AuditEntry,
    actor_for,
    audit_record,
    audit_record_many,
    system_actor,
)

pytestmark = pytest.mark.django_db


def _record(**payload: object) -> AuditEvent:
    return audit_record(event_type="risk_limit_breach", actor="system:test", payload=payload)


def test_it_starts_the_chain_at_sequence_1_with_the_genesis_prev_hash() -> None:
    event = _record(symbol="BTC-USD")

    assert (event.sequence, event.prev_hash) == (1, GENESIS_HASH)
    assert re.fullmatch("[0-9a-f]{64}", event.hash)


def test_it_links_each_event_to_the_previous_hash() -> None:
    events = [_record(n=n) for n in range(3)]

    assert [e.sequence for e in events] == [1, 2, 3]
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]


def test_it_chains_several_events_with_one_head_read_and_one_insert(
    django_assert_num_queries: Any,
) -> None:
    first = _record(n=0)
    entries = [AuditEntry("alert_updated", "system:test", {"n": n}) for n in (1, 2, 3)]

    with django_assert_num_queries(2):  # lock and head in one round trip, then the INSERT
        events = audit_record_many(entries=entries)

    assert [e.sequence for e in events] == [2, 3, 4]
    assert [e.prev_hash for e in events] == [first.hash, *(e.hash for e in events[:-1])]
    assert audit_chain_verify().intact
    assert [e.payload["n"] for e in AuditEvent.objects.order_by("sequence")] == [0, 1, 2, 3]


def test_it_appends_nothing_for_no_entries(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert audit_record_many(entries=[]) == []


def test_it_refuses_the_whole_batch_when_one_entry_is_invalid() -> None:
    entries = [AuditEntry("ok", "system:test", {}), AuditEntry("bad", "system:test", {}, level="x")]

    with pytest.raises(ValueError, match="level"):
        audit_record_many(entries=entries)

    assert not AuditEvent.objects.exists()


def test_it_stores_a_payload_that_rehashes_to_the_stored_hash() -> None:
    event = _record(
        limit=Decimal("10.000"),
        price_timestamp=datetime(2025, 9, 16, 14, 23, 40, tzinfo=UTC),
        huge=1e20,
        tiny=1.5e-7,
        desk="Zürich",
        audit_trail={"data_sources_checked": ["exchange-1", "custodian-1"], "ok": True},
    )
    stored = AuditEvent.objects.get(sequence=event.sequence)

    assert stored.payload["limit"] == "10.000"
    assert stored.payload["price_timestamp"] == "2025-09-16T14:23:40.000000Z"
    assert stored.timestamp == event.timestamp
    assert stored.computed_hash() == stored.hash == event.hash


def test_it_generates_a_correlation_id_when_none_is_given() -> None:
    assert re.fullmatch("risk-[0-9a-f]{12}", _record().correlation_id)


def test_it_keeps_the_given_correlation_id_and_level() -> None:
    event = audit_record(
        event_type="limit_change_approved",
        actor="alice",
        payload={},
        correlation_id="risk-check-001",
        level="warn",
    )

    assert (event.correlation_id, event.level) == ("risk-check-001", "warn")


def test_it_leaves_no_event_and_no_gap_when_the_outer_transaction_rolls_back() -> None:
    _record(n=1)
    with pytest.raises(RuntimeError), transaction.atomic():
        _record(n=2)
        raise RuntimeError("the decision failed after auditing")

    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == [1]
    assert _record(n=3).sequence == 2


def test_it_refuses_an_unknown_level_and_writes_nothing() -> None:
    with pytest.raises(ValueError, match="level: must be one of info, warn, error, critical"):
        audit_record(event_type="x", actor="alice", payload={}, level="fatal")

    assert not AuditEvent.objects.exists()


def test_it_names_users_and_system_components_as_actors(role_user: Callable[..., Any]) -> None:
    officer = role_user("risk_officer", username="olivia")

    assert actor_for(officer) == "olivia"
    assert actor_for(AnonymousUser()) == "anonymous"
    assert actor_for(None) == "anonymous"
    assert system_actor("circuit-breaker") == "system:circuit-breaker"
