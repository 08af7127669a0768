"""The test-support flush: the runner may empty the table, nobody else ever sees it unguarded."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_guard_problem
from apps.audit.services import audit_record
from apps.audit.testing import allow_audit_flush

pytestmark = pytest.mark.django_db(transaction=True)


def _flush() -> None:
    call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)


def test_it_refuses_a_flush_outside_the_helper() -> None:
    audit_record(event_type="probe", actor="system:test", payload={})

    with pytest.raises(CommandError) as failure:
        _flush()

    assert isinstance(failure.value.__cause__, IntegrityError)
    assert "append-only: TRUNCATE" in str(failure.value.__cause__)

    assert AuditEvent.objects.count() == 1


def test_it_lets_a_flush_empty_the_table_and_restores_the_triggers() -> None:
    audit_record(event_type="probe", actor="system:test", payload={})

    with allow_audit_flush():
        _flush()

    assert not AuditEvent.objects.exists()
    assert audit_guard_problem() is None
