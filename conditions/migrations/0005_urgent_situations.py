"""The "Do this today" text gives way to situations from the triage table (triage/table.py).

Pages whose content was loaded and never edited are hashed anew without the old text, so
load_content keeps updating them; a page staff edited keeps counting as edited.
"""

from django.db import migrations, models

from medical_pages.content_loader import forget_do_today

HELP = (
    "The situations from the triage table (triage/table.py) that apply to readers of this page. Their wording "
    "is shown in the urgent box; page text never says where to go or how fast. A sudden droop and other "
    "stroke signs are shown on every page."
)


def refingerprint(apps, schema_editor):
    for page in apps.get_model("conditions", "Condition").objects.all():
        forget_do_today(page, relations=["treatments"])


class Migration(migrations.Migration):
    dependencies = [("conditions", "0004_illustration")]

    operations = [
        migrations.AddField(
            model_name="condition",
            name="urgent_situations",
            field=models.JSONField(blank=True, default=list, help_text=HELP, verbose_name="urgent situations"),
        ),
        migrations.RunPython(refingerprint, migrations.RunPython.noop),
        migrations.RemoveField(model_name="condition", name="do_today"),
    ]
