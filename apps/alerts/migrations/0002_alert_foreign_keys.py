# The alert's portfolio and limit become foreign keys on the columns that already hold their
# ids, so existing alerts keep them; the limit's value moves to ``limit_value``.

import django.db.models.deletion
from django.db import migrations, models


def _fk(to, **extra):
    return models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to=to, **extra)


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_initial"),
        ("limits", "0001_initial"),
        ("positions", "0002_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="alert", old_name="limit", new_name="limit_value"),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterField(
                    model_name="alert",
                    name="portfolio_id",
                    field=_fk("positions.portfolio", db_column="portfolio_id", related_name="+"),
                ),
                migrations.AlterField(
                    model_name="alert",
                    name="limit_id",
                    field=_fk("limits.limit", db_column="limit_id", related_name="+"),
                ),
            ],
            state_operations=[
                migrations.RemoveField(model_name="alert", name="portfolio_id"),
                migrations.RemoveField(model_name="alert", name="limit_id"),
                migrations.AddField(
                    model_name="alert",
                    name="portfolio",
                    field=_fk("positions.portfolio", related_name="alerts"),
                ),
                migrations.AddField(
                    model_name="alert",
                    name="limit",
                    field=_fk("limits.limit", related_name="alerts"),
                ),
            ],
        ),
    ]
