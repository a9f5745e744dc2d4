"""The model moved here from clinic_site; its table was renamed there (clinic_site 0008): state only."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("clinic_site", "0008_tables_renamed_for_their_new_apps"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PageGeneration",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("value", models.BigIntegerField(default=0)),
                    ],
                ),
            ],
        ),
    ]
