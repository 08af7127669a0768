"""lz4 instead of pglz for the two large values written every cycle: a large book's figures
and calculation trace compress several times faster, which is most of their insert time.
A server built without lz4 keeps pglz (the block swallows only that error)."""

from django.db import migrations

FORWARD = """
DO $$ BEGIN
    ALTER TABLE risk_risktrace ALTER COLUMN trace SET COMPRESSION lz4;
    ALTER TABLE risk_risksnapshot ALTER COLUMN figures SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN NULL;
END $$;
"""
BACKWARD = """
ALTER TABLE risk_risktrace ALTER COLUMN trace SET COMPRESSION default;
ALTER TABLE risk_risksnapshot ALTER COLUMN figures SET COMPRESSION default;
"""


def _on_postgresql(sql):
    # SQLite (embedded mode) has no column compression: nothing to do there.
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("risk", "0002_risksnapshot_running_state"),
    ]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD))]
