"""The database itself refuses to change or remove audit events (migration 0002)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_guard_problem
from apps.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> AuditEvent:
    return audit_record(event_type="risk_limit_breach", actor="system:test", payload={"n": 1})


def _raw(sql: str) -> None:
    # A savepoint, so the refused statement does not poison the test's transaction.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def test_it_refuses_update_through_raw_sql(event: AuditEvent) -> None:
    with pytest.raises(IntegrityError, match="append-only: UPDATE"):
        _raw("UPDATE audit_auditevent SET actor = 'mallory'")

    assert AuditEvent.objects.get().actor == "system:test"


def test_it_refuses_delete_through_raw_sql(event: AuditEvent) -> None:
    with pytest.raises(IntegrityError, match="append-only: DELETE"):
        _raw("DELETE FROM audit_auditevent")

    assert AuditEvent.objects.count() == 1


def test_it_refuses_truncate(event: AuditEvent) -> None:
    with pytest.raises(IntegrityError, match="append-only: TRUNCATE"):
        _raw("TRUNCATE audit_auditevent")


def test_it_refuses_changes_through_the_orm(event: AuditEvent) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.update(level="info")
    with pytest.raises(IntegrityError), transaction.atomic():
        event.delete()


def test_it_reports_a_disabled_trigger_as_a_guard_problem() -> None:
    assert audit_guard_problem() is None
    with transaction.atomic():
        _raw("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_no_truncate")
        problem = audit_guard_problem()
        transaction.set_rollback(True)

    assert problem == "append-only triggers missing or disabled: audit_auditevent_no_truncate"
    assert audit_guard_problem() is None
