"""The model moved here from clinic_site; its table was renamed there (clinic_site 0008): state only."""

import django.core.validators
import django.db.models.deletion
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
                    name="Practice",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=120, verbose_name="practice name")),
                        (
                            "phone",
                            models.CharField(
                                help_text="As patients should dial it, for example +1 555 010 0123.",
                                max_length=30,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^\\+?[0-9 ()-]{7,}$", "Use digits, spaces, brackets, dashes and a leading +."
                                    )
                                ],
                                verbose_name="phone number",
                            ),
                        ),
                        ("email", models.EmailField(blank=True, max_length=254, verbose_name="public e-mail address")),
                        ("street_address", models.CharField(max_length=200, verbose_name="street address")),
                        ("locality", models.CharField(max_length=100, verbose_name="city")),
                        ("region", models.CharField(blank=True, max_length=100, verbose_name="state or region")),
                        ("postal_code", models.CharField(blank=True, max_length=20, verbose_name="postal code")),
                        (
                            "country",
                            models.CharField(
                                default="US",
                                help_text="Two letters, e.g. US.",
                                max_length=2,
                                verbose_name="country code",
                            ),
                        ),
                        (
                            "hours",
                            models.TextField(
                                help_text="One line per day or range, as patients should read it.",
                                verbose_name="opening hours",
                            ),
                        ),
                        (
                            "opening_hours_spec",
                            models.CharField(
                                blank=True,
                                help_text="schema.org format, comma-separated, e.g. Mo-Fr 08:30-17:00",
                                max_length=200,
                                verbose_name="opening hours for search engines",
                            ),
                        ),
                        (
                            "open_days",
                            models.CharField(
                                default="12345",
                                help_text="Replies are counted on these days only, less the closed days (holidays) listed below. Keep them in step with the opening hours.",
                                max_length=7,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^(?=\\d)1?2?3?4?5?6?7?$",
                                        "At least one day, as numbers from 1 (Monday) to 7 (Sunday).",
                                    )
                                ],
                                verbose_name="days the practice is open",
                            ),
                        ),
                        (
                            "reply_working_days",
                            models.PositiveSmallIntegerField(
                                blank=True,
                                default=2,
                                help_text="The front desk contacts each patient within this many open days after the day a request arrives; patients are told the date. Leave blank to promise no date.",
                                null=True,
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(20),
                                ],
                                verbose_name="working days to reply",
                            ),
                        ),
                        (
                            "is_demo",
                            models.BooleanField(
                                default=False,
                                help_text="Shows a notice on every page that this practice is fictional. Untick it for a real practice.",
                                verbose_name="demo practice",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "practice identity",
                        "verbose_name_plural": "practice identity",
                    },
                ),
                migrations.CreateModel(
                    name="PublicImage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "alt",
                            models.CharField(
                                blank=True,
                                help_text="What the image shows, in a sentence or two, for people who cannot see it. Required unless the image is decorative.",
                                max_length=300,
                                verbose_name="text alternative",
                            ),
                        ),
                        (
                            "decorative",
                            models.BooleanField(
                                default=False,
                                help_text="Tick only if the image adds nothing that the text around it does not say. Screen readers then skip it. Leave the text alternative empty.",
                                verbose_name="decorative only",
                            ),
                        ),
                        (
                            "caption",
                            models.CharField(
                                blank=True,
                                help_text="Optional. Shown under the image on the page.",
                                max_length=300,
                                verbose_name="caption",
                            ),
                        ),
                        ("width", models.PositiveIntegerField(default=0, editable=False, verbose_name="width")),
                        ("height", models.PositiveIntegerField(default=0, editable=False, verbose_name="height")),
                        ("renditions", models.JSONField(default=list, editable=False, verbose_name="renditions")),
                        (
                            "source",
                            models.CharField(blank=True, editable=False, max_length=200, verbose_name="made from"),
                        ),
                        ("created", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                    ],
                    options={
                        "verbose_name": "image for public pages",
                        "verbose_name_plural": "images for public pages",
                        "ordering": ["-created"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("alt", ""), ("decorative", True)),
                                    models.Q(("decorative", False), models.Q(("alt", ""), _negated=True)),
                                    _connector="OR",
                                ),
                                name="public_image_alt_unless_decorative",
                                violation_error_message="Describe the image, or tick 'decorative only' and leave the text empty.",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="TeamMember",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "name",
                            models.CharField(
                                help_text="As patients should see it, e.g. Dr. Alex Example.",
                                max_length=120,
                                verbose_name="name",
                            ),
                        ),
                        (
                            "credentials",
                            models.CharField(
                                blank=True,
                                help_text="For example: MD, FACS.",
                                max_length=80,
                                verbose_name="credentials",
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                help_text="For example: Facial plastic surgeon.", max_length=200, verbose_name="role"
                            ),
                        ),
                        (
                            "bio",
                            models.TextField(
                                blank=True, help_text="A few sentences for the About page.", verbose_name="short bio"
                            ),
                        ),
                        (
                            "can_review",
                            models.BooleanField(
                                default=False,
                                help_text="Tick for clinicians who may sign off medical pages.",
                                verbose_name="reviews medical pages",
                            ),
                        ),
                        (
                            "position",
                            models.PositiveSmallIntegerField(default=100, verbose_name="position on the About page"),
                        ),
                        (
                            "portrait",
                            models.ForeignKey(
                                blank=True,
                                help_text="Optional. Shown beside the name on the About page. Use + to upload a new image.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="practice.publicimage",
                                verbose_name="portrait",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "team member",
                        "verbose_name_plural": "team members",
                        "ordering": ["position", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="ClosedDay",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("date", models.DateField(verbose_name="date")),
                        (
                            "name",
                            models.CharField(
                                blank=True,
                                help_text="For example Thanksgiving. Seen by staff only.",
                                max_length=80,
                                verbose_name="reason",
                            ),
                        ),
                        (
                            "practice",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="closed_days",
                                to="practice.practice",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "closed day",
                        "verbose_name_plural": "closed days (holidays)",
                        "ordering": ["date"],
                        "constraints": [
                            models.UniqueConstraint(fields=("practice", "date"), name="one_closed_day_per_date")
                        ],
                    },
                ),
            ],
        ),
    ]
