"""The JSON log line of an audit event, in the brief's "Audit Trail Logging" format.

The table is the record; the log line is the copy that log shippers and SIEMs see. It goes out
after commit, so a rolled-back decision never shows up in the logs.
"""

from __future__ import annotations

import logging
from datetime import UTC
from typing import TYPE_CHECKING, Any

from apps.core.compliance import compliance_signals_enabled

if TYPE_CHECKING:
    from apps.audit.models import AuditEvent

logger = logging.getLogger("riskmonitor.audit")

_LOG_LEVELS = {
    "info": logging.INFO,
    "warn": logging.WARNING,
    "error": logging.ERROR,
    "critical": logging.CRITICAL,
}
_ENVELOPE = (
    "timestamp", "level", "service", "logger", "message", "exception",
    "correlation_id", "event", "actor", "audit_sequence", "audit_hash",
)  # fmt: skip
# logging refuses extra= keys that shadow LogRecord attributes ("name", "args", "module", ...).
_TAKEN = set(vars(logging.makeLogRecord({}))) | {"asctime", *_ENVELOPE}


def audit_log_fields(event: AuditEvent) -> dict[str, Any]:
    """Envelope plus the payload's fields at top level; a payload key that would clash with the
    envelope or with logging's own attributes is kept as ``payload_<key>``."""
    fields: dict[str, Any] = {
        "timestamp": _iso_millis(event),
        "level": event.level,
        "correlation_id": event.correlation_id,
        "event": event.event_type,
        "actor": event.actor,
    }
    for key, value in event.payload.items():
        fields[f"payload_{key}" if key in _TAKEN else key] = value
    fields["audit_sequence"] = event.sequence
    fields["audit_hash"] = event.hash
    return fields


def audit_log_emit(event: AuditEvent) -> None:
    """The compliance signal log: off with ``EMIT_COMPLIANCE_SIGNALS`` (the row stays)."""
    if not compliance_signals_enabled():
        return
    logger.log(_LOG_LEVELS[event.level], event.event_type, extra=audit_log_fields(event))


def _iso_millis(event: AuditEvent) -> str:
    # Same precision as every other log line; the row keeps the microseconds.
    return event.timestamp.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
