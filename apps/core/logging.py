"""One JSON object per log line, so log shippers and auditors parse what the monitor says."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

SERVICE = "risk-monitor"
_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Formats a record as JSON; fields passed with ``extra=`` become top-level keys."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "timestamp": _iso_millis(record.created),
            "level": _level_name(record.levelno),
            "service": SERVICE,
            "logger": record.name,
            "message": record.getMessage(),
        }
        payload.update({k: v for k, v in vars(record).items() if k not in _RESERVED})
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, separators=(",", ":"))


def _iso_millis(created: float) -> str:
    return (
        datetime.fromtimestamp(created, tz=UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def _level_name(levelno: int) -> str:
    # The brief's audit format spells warnings "warn".
    return {logging.WARNING: "warn"}.get(levelno, logging.getLevelName(levelno).lower())
