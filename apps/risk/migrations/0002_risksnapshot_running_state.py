from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("risk", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="risksnapshot",
            name="running_hwm",
            field=models.FloatField(null=True),
        ),
        migrations.AddField(
            model_name="risksnapshot",
            name="running_max_drawdown",
            field=models.FloatField(null=True),
        ),
    ]
