"""The foreign keys follow the models to practice; the database already points at the renamed tables."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("practice", "0001_initial"),
        ("treatments", "0005_urgent_situations"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="treatment",
                    name="illustration",
                    field=models.ForeignKey(
                        blank=True,
                        help_text="Optional. Shown before the body text, with its caption. Use + to upload a new image; its text alternative and caption are part of the image.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="practice.publicimage",
                        verbose_name="illustration",
                    ),
                ),
                migrations.AlterField(
                    model_name="treatment",
                    name="reviewed_by",
                    field=models.ForeignKey(
                        blank=True,
                        limit_choices_to={"can_review": True},
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="practice.teammember",
                        verbose_name="medically reviewed by",
                    ),
                ),
            ],
        ),
    ]
