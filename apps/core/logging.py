"""One JSON object per log line, so log shippers and auditors parse what the monitor says."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
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


# The fields worth a glance, in the order they are shown; everything else is in the JSON file.
CONSOLE_FIELDS = (
    "portfolio_id", "snapshot_id", "equity", "total_pnl", "var_hist_99", "stale_sources",
    "alert_id", "severity", "breach_type", "limit_key", "scope", "action", "state", "reason",
    "venue", "channel", "status", "seconds", "error",
)  # fmt: skip
CONSOLE_MAX_FIELDS = 5
CONSOLE_MAX_VALUE = 48
# Libraries that narrate every task or start at INFO: the console shows their warnings only.
QUIET_LOGGERS = ("celery.app.trace", "celery.worker", "celery.beat", "axes")


class ConsoleFormatter(logging.Formatter):
    """One short line a person reads: ``14:11:24 info  risk_snapshot_created  portfolio_id=1 ...``.

    Embedded mode only; the same records go to the JSON log file in full."""

    def format(self, record: logging.LogRecord) -> str:
        clock = datetime.fromtimestamp(record.created, tz=UTC).strftime("%H:%M:%S")
        fields = " ".join(f"{key}={value}" for key, value in console_fields(vars(record)))
        line = f"{clock} {_level_name(record.levelno):<5} {record.getMessage()}"
        line = f"{line}  {fields}" if fields else line
        if record.exc_info:
            line = f"{line}\n{self.formatException(record.exc_info)}"
        return line


def console_fields(values: dict[str, Any]) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    for key in CONSOLE_FIELDS:
        if key in values and len(shown) < CONSOLE_MAX_FIELDS:
            text = _console_value(values[key])
            if text is not None:
                shown.append((key, text))
    return shown


def _console_value(value: Any) -> str | None:
    if value is None or value == [] or isinstance(value, dict):
        return None
    if isinstance(value, float):
        text = f"{value:,.2f}"
    elif isinstance(value, list):
        text = ",".join(str(item) for item in value)
    else:
        text = str(value)
    return text if len(text) <= CONSOLE_MAX_VALUE else f"{text[: CONSOLE_MAX_VALUE - 1]}…"


class QuietLibrariesFilter(logging.Filter):
    """Drops the chatty libraries' records below WARNING (see ``QUIET_LOGGERS``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        return not any(
            record.name == name or record.name.startswith(f"{name}.") for name in QUIET_LOGGERS
        )


def log_handlers(mode: str, log_file: Path) -> dict[str, dict[str, Any]]:
    """Stack mode: JSON on stdout for the log shipper. Embedded mode (a first run in a terminal):
    one short line per event on the console, the full JSON in ``log_file``."""
    if mode == "stack":
        return {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}}
    return {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "console",
            "filters": ["quiet_libraries"],
        },
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": str(log_file),
            "maxBytes": 20 * 1024 * 1024,
            "backupCount": 5,
            "formatter": "json",
        },
    }
