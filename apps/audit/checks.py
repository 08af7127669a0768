"""System checks: the chain lock on SQLite depends on a setting, so refuse to start without it."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error
from django.db import connections


def check_sqlite_immediate_transactions(**kwargs: Any) -> list[CheckMessage]:
    """On SQLite, audit_record relies on BEGIN IMMEDIATE to serialize appenders of the chain."""
    settings_dict = connections["default"].settings_dict
    if "sqlite" not in settings_dict["ENGINE"]:
        return []
    if settings_dict.get("OPTIONS", {}).get("transaction_mode") == "IMMEDIATE":
        return []
    return [
        Error(
            "SQLite must open transactions with BEGIN IMMEDIATE for the audit chain.",
            hint='Set DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE".',
            id="audit.E001",
        )
    ]
