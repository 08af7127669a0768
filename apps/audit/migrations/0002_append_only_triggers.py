"""The database refuses to change or remove audit events, whoever asks.

PostgreSQL: a row trigger refuses UPDATE and DELETE, a statement trigger refuses TRUNCATE.
SQLite: BEFORE UPDATE and BEFORE DELETE triggers abort (SQLite has no TRUNCATE; its DELETE
without WHERE fires the trigger too). Both raise an integrity error naming the operation.

The SQL is kept here, frozen with the migration. Caution for later migrations: on SQLite Django
alters a table by rebuilding it, which drops these triggers; such a migration must create them
again (``verify_audit`` reports missing triggers).
"""

from django.db import migrations

POSTGRESQL_INSTALL = [
    """
    CREATE OR REPLACE FUNCTION audit_auditevent_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit trail is append-only: % on audit_auditevent is refused', TG_OP
            USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    """
    CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_change()
    """,
    """
    CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_refuse_change()
    """,
]
POSTGRESQL_UNINSTALL = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_auditevent_refuse_change()",
]
SQLITE_INSTALL = [
    """
    CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'audit trail is append-only: UPDATE on audit_auditevent is refused');
    END
    """,
    """
    CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'audit trail is append-only: DELETE on audit_auditevent is refused');
    END
    """,
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
]
INSTALL = {"postgresql": POSTGRESQL_INSTALL, "sqlite": SQLITE_INSTALL}
UNINSTALL = {"postgresql": POSTGRESQL_UNINSTALL, "sqlite": SQLITE_UNINSTALL}


def _run(statements_by_vendor, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in statements_by_vendor:
        # An unguarded audit trail must not pass unnoticed.
        raise RuntimeError(f"audit: no append-only triggers for the {vendor} backend")
    for sql in statements_by_vendor[vendor]:
        # params=None: the SQL is sent as written (the % in RAISE is PL/pgSQL's, not a param).
        schema_editor.execute(sql, params=None)


def install(apps, schema_editor):
    _run(INSTALL, schema_editor)


def uninstall(apps, schema_editor):
    _run(UNINSTALL, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
