from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from apps.audit.hashing import (
    GENESIS_HASH,
    HashedFields,
    canonical_json,
    event_hash,
    iso_utc,
    normalize_payload,
)

MOMENT = datetime(2025, 9, 16, 14, 23, 45, 123456, tzinfo=UTC)


def _fields(**changes: Any) -> HashedFields:
    base: dict[str, Any] = {
        "sequence": 1,
        "timestamp": MOMENT,
        "actor": "system:risk-engine",
        "event_type": "risk_limit_breach",
        "level": "warn",
        "correlation_id": "risk-check-001",
        "payload": {"symbol": "BTC-USD", "current_position": "12.5"},
        "prev_hash": GENESIS_HASH,
    }
    return HashedFields(**{**base, **changes})


def test_it_writes_canonical_json_with_sorted_keys_and_no_spaces() -> None:
    assert canonical_json({"b": [1, {"d": 2, "c": 3}], "a": None}) == (
        '{"a":null,"b":[1,{"c":3,"d":2}]}'
    )


def test_it_keeps_non_ascii_text_as_utf8() -> None:
    assert canonical_json({"desk": "Zürich €"}) == '{"desk":"Zürich €"}'


def test_it_formats_timestamps_in_utc_with_microseconds_and_z() -> None:
    plus_two = timezone(timedelta(hours=2))
    assert iso_utc(datetime(2025, 1, 2, 5, 0, tzinfo=plus_two)) == "2025-01-02T03:00:00.000000Z"
    assert iso_utc(MOMENT) == "2025-09-16T14:23:45.123456Z"


def test_it_refuses_naive_timestamps() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        iso_utc(datetime(2025, 1, 2))


def test_it_hashes_the_documented_canonical_document() -> None:
    document = (
        '{"actor":"system:risk-engine","correlation_id":"risk-check-001",'
        '"event_type":"risk_limit_breach","level":"warn",'
        '"payload":{"current_position":"12.5","symbol":"BTC-USD"},'
        f'"prev_hash":"{GENESIS_HASH}","sequence":1,'
        '"timestamp":"2025-09-16T14:23:45.123456Z"}'
    )
    assert event_hash(_fields()) == hashlib.sha256(document.encode()).hexdigest()


@pytest.mark.parametrize(
    "change",
    [
        {"sequence": 2},
        {"timestamp": MOMENT + timedelta(microseconds=1)},
        {"actor": "alice"},
        {"event_type": "limit_change_approved"},
        {"level": "critical"},
        {"correlation_id": "risk-check-002"},
        {"payload": {"symbol": "BTC-USD", "current_position": "12.6"}},
        {"prev_hash": "f" * 64},
    ],
)
def test_it_changes_the_hash_when_any_field_changes(change: dict[str, Any]) -> None:
    assert event_hash(_fields(**change)) != event_hash(_fields())


def test_it_normalizes_values_to_what_the_database_gives_back() -> None:
    ident = uuid.UUID("12345678-1234-5678-1234-567812345678")
    payload = {
        "limit": Decimal("10.00"),
        "price_timestamp": MOMENT,
        "trade_date": date(2025, 9, 16),
        "alert": ident,
        "venues": ("exchange-1", "custodian-1"),
        "nested": {"size": 1.5, "flat": -0.0, "huge": 1e20, "ok": True, "none": None},
    }
    assert normalize_payload(payload) == {
        "limit": "10.00",
        "price_timestamp": "2025-09-16T14:23:45.123456Z",
        "trade_date": "2025-09-16",
        "alert": str(ident),
        "venues": ["exchange-1", "custodian-1"],
        "nested": {"size": 1.5, "flat": 0.0, "huge": 10**20, "ok": True, "none": None},
    }


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), Decimal("NaN")])
def test_it_refuses_numbers_that_are_not_finite(bad: object) -> None:
    with pytest.raises(ValueError, match=r"payload\.figure: must be a finite number"):
        normalize_payload({"figure": bad})


def test_it_refuses_values_json_cannot_carry() -> None:
    with pytest.raises(TypeError, match=r"payload\.raw: cannot be stored"):
        normalize_payload({"raw": b"bytes"})
    with pytest.raises(TypeError, match="keys must be strings"):
        normalize_payload({"ok": {1: "one"}})
