"""Embedded mode's console: one short human line per event; the full JSON goes to the log file."""

from __future__ import annotations

import json
import logging
import logging.config
from pathlib import Path

from apps.core.logging import (
    ConsoleFormatter,
    JsonFormatter,
    QuietLibrariesFilter,
    log_handlers,
)


def _record(
    name: str, message: str, level: int = logging.INFO, **extra: object
) -> logging.LogRecord:
    record = logging.makeLogRecord({"name": name, "msg": message, "levelno": level})
    record.levelname = logging.getLevelName(level)
    record.created = 1796220864.5  # 14:14:24.5 UTC
    for key, value in extra.items():
        setattr(record, key, value)
    return record


SNAPSHOT_EVENT = {
    "event": "risk_snapshot_created",
    "correlation_id": "risk-951530bf2bec",
    "actor": "system:risk-engine",
    "snapshot_id": 7,
    "portfolio_id": 1,
    "equity": 4966569.88924946,
    "total_pnl": -267461.05424945994,
    "flags": {"stale": False},
    "stale_sources": ["exchange-2"],
    "audit_hash": "ab" * 32,
    "input_as_of": {"exchange-1": "2026-12-02T14:11:15+00:00"},
}


def test_an_audit_event_reads_as_one_short_line_with_the_fields_that_matter() -> None:
    line = ConsoleFormatter().format(
        _record("riskmonitor.audit", "risk_snapshot_created", **SNAPSHOT_EVENT)
    )
    assert line == (
        "14:14:24 info  risk_snapshot_created  portfolio_id=1 snapshot_id=7 "
        "equity=4,966,569.89 total_pnl=-267,461.05 stale_sources=exchange-2"
    )
    assert "\n" not in line and "audit_hash" not in line and "{" not in line


def test_the_json_formatter_still_carries_every_field_for_the_file() -> None:
    payload = json.loads(
        JsonFormatter().format(
            _record("riskmonitor.audit", "risk_snapshot_created", **SNAPSHOT_EVENT)
        )
    )
    assert payload["audit_hash"] == "ab" * 32
    assert payload["input_as_of"] == SNAPSHOT_EVENT["input_as_of"]


def test_a_warning_is_spelled_warn_and_a_long_value_is_cut() -> None:
    line = ConsoleFormatter().format(
        _record("apps.venues", "venue down", logging.WARNING, venue="exchange-1", error="x" * 200)
    )
    assert line.startswith("14:14:24 warn  venue down  venue=exchange-1 error=xxx")
    assert line.endswith("…") and len(line) < 120


def test_a_line_without_known_fields_is_the_message_alone() -> None:
    assert ConsoleFormatter().format(_record("apps.x", "started")) == "14:14:24 info  started"


def test_chatty_libraries_show_only_their_warnings() -> None:
    quiet = QuietLibrariesFilter()
    assert not quiet.filter(_record("celery.app.trace", "Task core.heartbeat succeeded"))
    assert not quiet.filter(_record("axes.apps", "AXES: BEGIN"))
    assert quiet.filter(_record("celery.app.trace", "Task failed", logging.ERROR))
    assert quiet.filter(_record("riskmonitor.audit", "alert_acknowledged"))
    assert quiet.filter(_record("celeryish", "not celery"))


def test_stack_mode_logs_json_to_stdout_only(tmp_path: Path) -> None:
    handlers = log_handlers("stack", tmp_path / "risk-monitor.log")
    assert handlers == {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}}


def test_embedded_mode_writes_the_console_line_and_the_full_json_file(
    tmp_path: Path, capsys: object
) -> None:
    log_file = tmp_path / "risk-monitor.log"
    handlers = log_handlers("embedded", log_file)
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {
                "json": {"()": JsonFormatter},
                "console": {"()": ConsoleFormatter},
            },
            "filters": {"quiet_libraries": {"()": QuietLibrariesFilter}},
            "handlers": handlers,
            "loggers": {"firstrun.test": {"handlers": list(handlers), "level": "INFO"}},
        }
    )
    logger = logging.getLogger("firstrun.test")
    try:
        logger.info("alert_acknowledged", extra={"alert_id": 42, "audit_hash": "f" * 64})
    finally:
        for handler in list(logger.handlers):
            handler.close()
            logger.removeHandler(handler)
    [line] = log_file.read_text().splitlines()
    assert json.loads(line)["audit_hash"] == "f" * 64
    assert "alert_acknowledged  alert_id=42" in capsys.readouterr().err  # type: ignore[attr-defined]
