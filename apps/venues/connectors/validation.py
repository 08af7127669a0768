"""Boundary checks: every number a venue sends becomes a finite Decimal here, or the payload is
refused. Functions raise ``PayloadRejected`` naming the field and the problem."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from apps.venues.connectors.base import PayloadRejected
from riskmonitor.lib.clock import now_ms

EXCERPT_LIMIT = 2048
FUTURE_SKEW_MS = 10_000  # venue clocks may run a little ahead of ours; more is impossible
EARLIEST_MS = 1_230_768_000_000  # 2009-01-01: no crypto venue reports anything older


def excerpt(raw: str | bytes | None) -> str:
    if raw is None:
        return ""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    # Control characters (a NUL above all) cannot be stored as text: shown escaped instead.
    shown = "".join(
        c if c.isprintable() or c in "\n\t" else repr(c)[1:-1] for c in text[:EXCERPT_LIMIT]
    )
    return shown[:EXCERPT_LIMIT]


def mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PayloadRejected(f"{where}: expected a JSON object, got {type(value).__name__}")
    return value


def rows(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise PayloadRejected(f"{where}: expected a JSON array, got {type(value).__name__}")
    return value


def field(row: Mapping[str, Any], name: str, where: str) -> Any:
    if name not in row or row[name] is None:
        raise PayloadRejected(f"{where}.{name}: missing")
    return row[name]


def text(row: Mapping[str, Any], name: str, where: str) -> str:
    value = field(row, name, where)
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value) == "":
        raise PayloadRejected(f"{where}.{name}: expected a non-empty string, got {value!r}")
    return str(value)


def decimal(value: Any, where: str) -> Decimal:
    """A finite Decimal from a JSON string or integer (floats are refused: they lose digits)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PayloadRejected(f"{where}: expected a decimal string, got {value!r}")
    try:
        parsed = Decimal(str(value).strip())
    except InvalidOperation:
        raise PayloadRejected(f"{where}: not a number: {str(value)[:40]!r}") from None
    if not parsed.is_finite():
        raise PayloadRejected(f"{where}: not finite: {value!r}")
    return parsed


def amount(row: Mapping[str, Any], name: str, where: str) -> Decimal:
    return decimal(field(row, name, where), f"{where}.{name}")


def non_negative(row: Mapping[str, Any], name: str, where: str) -> Decimal:
    value = amount(row, name, where)
    if value < 0:
        raise PayloadRejected(f"{where}.{name}: negative: {value}")
    return value


def price(row: Mapping[str, Any], name: str, where: str) -> Decimal:
    value = amount(row, name, where)
    if value <= 0:
        raise PayloadRejected(f"{where}.{name}: price must be positive, got {value}")
    return value


def optional_price(row: Mapping[str, Any], name: str, where: str) -> Decimal | None:
    return price(row, name, where) if row.get(name) not in (None, "") else None


def timestamp_ms(value: Any, where: str, now: int | None = None) -> int:
    """Epoch milliseconds, not before 2009 and not in the future beyond a small skew."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PayloadRejected(f"{where}: expected epoch milliseconds, got {value!r}")
    try:
        moment = int(value)
    except ValueError:
        raise PayloadRejected(f"{where}: expected epoch milliseconds, got {value!r}") from None
    return checked_time(moment, where, now)


def iso_time_ms(value: Any, where: str, now: int | None = None) -> int:
    """An ISO 8601 time with a zone (``2026-11-01T00:00:00.000Z``) as epoch milliseconds."""
    if not isinstance(value, str):
        raise PayloadRejected(f"{where}: expected an ISO 8601 time, got {value!r}")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise PayloadRejected(f"{where}: not an ISO 8601 time: {value[:40]!r}") from None
    if moment.tzinfo is None:
        raise PayloadRejected(f"{where}: time without a zone: {value!r}")
    return checked_time(int(moment.timestamp() * 1000), where, now)


def checked_time(moment: int, where: str, now: int | None = None) -> int:
    current = now_ms() if now is None else now
    if moment > current + FUTURE_SKEW_MS:
        raise PayloadRejected(f"{where}: {moment} is in the future (now {current})")
    if moment < EARLIEST_MS:
        raise PayloadRejected(f"{where}: {moment} is impossibly old")
    return moment


def fresh(moment: int, where: str, max_age_ms: int, now: int | None = None) -> int:
    """A time that must be close to now (a quote's time, a custodian's ``as_of``)."""
    current = now_ms() if now is None else now
    if current - moment > max_age_ms:
        raise PayloadRejected(f"{where}: {current - moment} ms old, more than {max_age_ms} ms")
    return moment


def watermarks_regressed(previous: Mapping[str, Any], current: Mapping[str, int]) -> str | None:
    """A reason when any key's venue time went back from what we saw before, else None."""
    for key, moment in current.items():
        seen = previous.get(key)
        if isinstance(seen, int) and moment < seen:
            return f"{key}: time {moment} is older than {seen} seen before"
    return None
