"""Test support: let the test runner empty the audit table between transactional tests.

A ``transaction=True`` test ends with Django's flush (TRUNCATE on PostgreSQL, DELETE on SQLite),
which the append-only triggers refuse. ``allow_audit_flush`` lifts the triggers for that one flush,
inside a transaction that puts them back before it commits: no other session ever sees the table
unguarded, and if the flush fails the rollback restores them. Nothing changes in production: the
triggers have no bypass; this only uses what the table owner can always do.

Not imported by production code (it imports pytest).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest

_TABLE = "audit_auditevent"
_PATCHED_MARK = "_audit_flush_allowed"


@contextmanager
def allow_audit_flush(using: str = "default") -> Iterator[None]:
    """Within the block, the audit table accepts DELETE and TRUNCATE on connection ``using``.

    The block runs in one transaction (or savepoint) that restores the triggers at its end.
    """
    from django.db import connections, transaction

    connection = connections[using]
    with transaction.atomic(using=using):
        if _TABLE not in connection.introspection.table_names():
            yield
            return
        with connection.cursor() as cursor:
            restore = _lift_triggers(cursor, connection.vendor)
            yield
            restore()


def _lift_triggers(cursor: Any, vendor: str) -> Callable[[], None]:
    if vendor == "postgresql":
        cursor.execute(f"ALTER TABLE {_TABLE} DISABLE TRIGGER USER")
        return lambda: cursor.execute(f"ALTER TABLE {_TABLE} ENABLE TRIGGER USER")
    # SQLite cannot disable a trigger: drop them and re-create them from their own stored SQL.
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [_TABLE]
    )
    triggers = cursor.fetchall()
    for name, _sql in triggers:
        cursor.execute(f'DROP TRIGGER "{name}"')

    def recreate() -> None:
        for _name, sql in triggers:
            cursor.execute(sql)

    return recreate


def patch_transaction_test_case_flush() -> Callable[[], None]:
    """Wrap TransactionTestCase's teardown flush in ``allow_audit_flush``; returns the undo."""
    from django.test import TransactionTestCase

    # Private Django API (absent from the type stubs): the method whose only job is the flush.
    original = TransactionTestCase.__dict__["_fixture_teardown"]
    if getattr(original, _PATCHED_MARK, False):
        return lambda: None

    def _fixture_teardown(self: TransactionTestCase) -> None:
        with ExitStack() as stack:
            for alias in self._databases_names(include_mirrors=False):  # type: ignore[attr-defined]
                stack.enter_context(allow_audit_flush(alias))
            original(self)

    setattr(_fixture_teardown, _PATCHED_MARK, True)
    setattr(TransactionTestCase, "_fixture_teardown", _fixture_teardown)  # noqa: B010
    return lambda: setattr(TransactionTestCase, "_fixture_teardown", original)


@pytest.fixture(autouse=True, scope="session")
def audit_flush_allowed() -> Iterator[None]:
    """Session-wide: every transactional test's teardown flush may empty the audit table.

    Register once in the root conftest: ``from apps.audit.testing import audit_flush_allowed``.
    """
    undo = patch_transaction_test_case_flush()
    yield
    undo()
