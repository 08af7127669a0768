"""Creates the four role groups. Their permissions are attached after every migrate
(apps.core.signals), because apps migrated later bring permissions of their own."""

from django.db import migrations

ROLES = ("risk_officer", "trader", "auditor", "integration")


def create_groups(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for role in ROLES:
        group_model.objects.get_or_create(name=role)


def drop_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, drop_groups)]
