"""The foreign keys follow the models to practice; the database already points at the renamed tables."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0005_urgent_situations"),
        ("practice", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="condition",
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
                    model_name="condition",
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
