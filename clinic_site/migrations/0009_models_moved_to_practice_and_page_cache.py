"""The practice's models and the page cache's generation now live in their own apps (state only).

Their content types follow them, so staff permissions and the admin's history stay attached.
"""

from django.db import migrations

MOVED = {"practice": "practice", "closedday": "practice", "publicimage": "practice", "teammember": "practice"}
MOVED["pagegeneration"] = "page_cache"


def move_content_types(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    for model, app_label in MOVED.items():
        content_types.objects.filter(app_label="clinic_site", model=model).update(app_label=app_label)


def move_content_types_back(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    for model, app_label in MOVED.items():
        content_types.objects.filter(app_label=app_label, model=model).update(app_label="clinic_site")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("page_cache", "0001_initial"),
        ("clinic_site", "0008_tables_renamed_for_their_new_apps"),
        ("conditions", "0006_reviewers_and_images_in_practice"),
        ("guides", "0005_reviewers_and_images_in_practice"),
        ("treatments", "0006_reviewers_and_images_in_practice"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="closedday",
                    name="one_closed_day_per_date",
                ),
                migrations.DeleteModel(
                    name="PageGeneration",
                ),
                migrations.RemoveConstraint(
                    model_name="publicimage",
                    name="public_image_alt_unless_decorative",
                ),
                migrations.RemoveField(
                    model_name="teammember",
                    name="portrait",
                ),
                migrations.RemoveField(
                    model_name="closedday",
                    name="practice",
                ),
                migrations.DeleteModel(
                    name="PublicImage",
                ),
                migrations.DeleteModel(
                    name="TeamMember",
                ),
                migrations.DeleteModel(
                    name="ClosedDay",
                ),
                migrations.DeleteModel(
                    name="Practice",
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
