"""The audit chain's hash: canonical JSON of an event's fields plus the previous event's hash.

Framework-free on purpose: an auditor can re-implement (or re-run) these few functions against an
export of the table without Django. docs/audit.md states the same rules in prose.
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

GENESIS_HASH = "0" * 64

# A float from 1e16 up is written by json.dumps in exponent form ("1e+16"), but PostgreSQL's jsonb
# gives it back as a plain integer ("10000000000000000"), which would re-hash differently.
_FLOAT_INT_LIMIT = 1e16


@dataclass(frozen=True)
class HashedFields:
    """The fields of one event that its hash covers, in stored form."""

    sequence: int
    timestamp: datetime
    actor: str
    event_type: str
    level: str
    correlation_id: str
    payload: dict[str, Any]
    prev_hash: str


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 kept as is: one text per value, whatever the key order."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC, always with microseconds and a Z: ``2025-09-16T14:23:45.123456Z``."""
    if moment.tzinfo is None:
        raise ValueError(f"timestamp: must be timezone-aware, got {moment.isoformat()}")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(fields: HashedFields) -> str:
    """SHA-256 hex of the canonical JSON of the event's fields and its predecessor's hash."""
    document = {
        "sequence": fields.sequence,
        "timestamp": iso_utc(fields.timestamp),
        "actor": fields.actor,
        "event_type": fields.event_type,
        "level": fields.level,
        "correlation_id": fields.correlation_id,
        "payload": fields.payload,
        "prev_hash": fields.prev_hash,
    }
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()


def normalize_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload as it will read back from the database, so that the stored row re-hashes
    to the hash computed before the insert.

    Decimal becomes its string (no float rounding of money), datetime ISO UTC with microseconds,
    date ISO, UUID its string, tuples lists. NaN and infinities are refused.
    """
    if not isinstance(payload, Mapping):
        raise TypeError(f"payload: must be a mapping, got {type(payload).__name__}")
    return _normalize_mapping(payload, path="payload")


def _normalize_mapping(mapping: Mapping[Any, Any], path: str) -> dict[str, Any]:
    normalized: dict[str, Any] = {}
    for key, value in mapping.items():
        if not isinstance(key, str):
            raise TypeError(f"{path}: keys must be strings, got {key!r}")
        normalized[key] = _normalize(value, f"{path}.{key}")
    return normalized


def _normalize(value: Any, path: str) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return _normalize_float(value, path)
    if isinstance(value, Mapping):
        return _normalize_mapping(value, path)
    if isinstance(value, list | tuple):
        return [_normalize(item, f"{path}[{index}]") for index, item in enumerate(value)]
    return _normalize_scalar(value, path)


def _normalize_float(value: float, path: str) -> float | int:
    if not math.isfinite(value):
        raise ValueError(f"{path}: must be a finite number, got {value!r}")
    if value.is_integer() and abs(value) >= _FLOAT_INT_LIMIT:
        return int(value)
    # jsonb has no negative zero; 0.0 is what comes back.
    return value + 0.0


def _normalize_scalar(value: Any, path: str) -> str:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{path}: must be a finite number, got {value!r}")
        return str(value)
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{path}: cannot be stored in the audit trail: {type(value).__name__}")
