"""The rate limit's models now live in client_limits (state only); their content types follow them."""

from django.db import migrations

MOVED = ("ratelimitbucket", "ratelimithit")


def move_content_types(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="consultations", model__in=MOVED).update(app_label="client_limits")


def move_content_types_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="client_limits", model__in=MOVED).update(app_label="consultations")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("client_limits", "0001_initial"),
        ("consultations", "0009_rate_limit_tables_renamed"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="ratelimithit",
                    name="bucket",
                ),
                migrations.DeleteModel(
                    name="RateLimitBucket",
                ),
                migrations.DeleteModel(
                    name="RateLimitHit",
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
