from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from apps.audit.services import audit_record
from apps.core.logging import JsonFormatter

pytestmark = pytest.mark.django_db

BREACH = {
    "breach_type": "position_limit_long",
    "symbol": "BTC-USD",
    "current_position": 12.5,
    "position_limit": 10.0,
    "breach_severity": "high",
    "alert_id": "alert-456789",
    "compliance_action": "alert_generated",
    "audit_trail": {
        "data_sources_checked": ["exchange-1", "exchange-2", "custodian-1"],
        "calculation_method": "net_position_aggregation",
        "price_timestamp": "2025-09-16T14:23:40.000Z",
        "risk_engine_version": "2.1.3",
    },
}


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    formatter = JsonFormatter()
    return [
        json.loads(formatter.format(record))
        for record in caplog.records
        if record.name == "riskmonitor.audit"
    ]


def test_it_logs_the_event_after_commit_in_the_brief_format(
    caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    caplog.set_level(logging.INFO, logger="riskmonitor.audit")
    with django_capture_on_commit_callbacks(execute=True):
        event = audit_record(
            event_type="risk_limit_breach",
            actor="system:limit-monitor",
            payload=BREACH,
            correlation_id="risk-check-001",
            level="warn",
        )
        assert _lines(caplog) == []  # nothing before commit

    [line] = _lines(caplog)
    assert line["timestamp"] == event.timestamp.isoformat(timespec="milliseconds")[:23] + "Z"
    assert {k: line[k] for k in ("level", "service", "correlation_id", "event")} == {
        "level": "warn",
        "service": "risk-monitor",
        "correlation_id": "risk-check-001",
        "event": "risk_limit_breach",
    }
    assert {k: line[k] for k in BREACH} == BREACH
    assert (line["audit_sequence"], line["audit_hash"]) == (event.sequence, event.hash)


def test_it_does_not_log_an_event_whose_transaction_rolled_back(
    caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    caplog.set_level(logging.INFO, logger="riskmonitor.audit")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        audit_record(event_type="risk_limit_breach", actor="system:test", payload={})
        raise RuntimeError("rolled back")

    assert callbacks == []
    assert _lines(caplog) == []


def test_it_renames_payload_keys_that_clash_with_the_envelope_or_logging(
    caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    caplog.set_level(logging.INFO, logger="riskmonitor.audit")
    with django_capture_on_commit_callbacks(execute=True):
        audit_record(
            event_type="limit_change_approved",
            actor="alice",
            payload={"message": "approved", "level": "x", "name": "max_long", "symbol": "ETH-USD"},
        )

    [line] = _lines(caplog)
    assert line["level"] == "info"
    assert line["message"] == "limit_change_approved"
    assert line["payload_message"] == "approved"
    assert (line["payload_level"], line["payload_name"]) == ("x", "max_long")
    assert line["symbol"] == "ETH-USD"
