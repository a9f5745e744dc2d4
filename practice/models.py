from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from images import renditions

# Days of the week as ISO numbers (Monday 1 … Sunday 7), the form `Practice.open_days` stores them in.
WEEKDAY_DIGITS = "1234567"


class PracticeManager(models.Manager):
    def current(self):
        practice = self.order_by("pk").first()
        if practice is None:
            practice = self.model.demo()
            practice.save()
        return practice


class Practice(models.Model):
    """The practice's identity, shown in the header, footer, contact page and structured data.

    There is one row; `Practice.objects.current()` returns it, creating the demo practice if the
    table is empty so that a fresh site always has something to show.
    """

    name = models.CharField(_("practice name"), max_length=120)
    phone = models.CharField(
        _("phone number"),
        max_length=30,
        help_text=_("As patients should dial it, for example +1 555 010 0123."),
        validators=[RegexValidator(r"^\+?[0-9 ()-]{7,}$", _("Use digits, spaces, brackets, dashes and a leading +."))],
    )
    email = models.EmailField(_("public e-mail address"), blank=True)
    street_address = models.CharField(_("street address"), max_length=200)
    locality = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("state or region"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country code"), max_length=2, default="US", help_text=_("Two letters, e.g. US."))
    hours = models.TextField(_("opening hours"), help_text=_("One line per day or range, as patients should read it."))
    opening_hours_spec = models.CharField(
        _("opening hours for search engines"),
        max_length=200,
        blank=True,
        help_text=_("schema.org format, comma-separated, e.g. Mo-Fr 08:30-17:00"),
    )
    # The reply date promised after a consultation request is counted on these days (see reply_by).
    open_days = models.CharField(
        _("days the practice is open"),
        max_length=7,
        default="12345",
        validators=[
            RegexValidator(r"^(?=\d)1?2?3?4?5?6?7?$", _("At least one day, as numbers from 1 (Monday) to 7 (Sunday).")),
        ],
        help_text=_(
            "Replies are counted on these days only, less the closed days (holidays) listed below. "
            "Keep them in step with the opening hours."
        ),
    )
    reply_working_days = models.PositiveSmallIntegerField(
        _("working days to reply"),
        null=True,
        blank=True,
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_(
            "The front desk contacts each patient within this many open days after the day a request "
            "arrives; patients are told the date. Leave blank to promise no date."
        ),
    )
    booking_change_cutoff_hours = models.PositiveSmallIntegerField(
        _("changes by link up to (hours before)"),
        default=24,
        validators=[MaxValueValidator(336)],
        help_text=_(
            "Patients may move or cancel a booked visit from the links in their e-mails until this many hours "
            "before it; after that they are asked to call."
        ),
    )
    booking_reminder_hours = models.CharField(
        _("reminders (hours before)"),
        max_length=40,
        default="48,2",
        blank=True,
        validators=[RegexValidator(r"^(\d{1,3}(,\d{1,3})*)?$", _("Numbers of hours, separated by commas, e.g. 48,2."))],
        help_text=_("An e-mail reminder goes this many hours before each visit, e.g. 48,2. Leave blank for none."),
    )
    waitlist_offers = models.PositiveSmallIntegerField(
        _("earlier time offered to"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_(
            "When a booked time is freed, this many patients waiting for an earlier time are e-mailed at once, "
            "those who asked first; the first to claim it gets it and the others are told it is gone."
        ),
    )
    is_demo = models.BooleanField(
        _("demo practice"),
        default=False,
        help_text=_("Shows a notice on every page that this practice is fictional. Untick it for a real practice."),
    )

    objects = PracticeManager()

    class Meta:
        verbose_name = _("practice identity")
        verbose_name_plural = _("practice identity")

    def __str__(self):
        return self.name

    @classmethod
    def demo(cls):
        """The obviously fictional practice a new site starts with (555-01xx numbers are reserved)."""
        return cls(
            name="Example Facial Nerve Clinic",
            phone="+1 555 010 0123",
            email="hello@example.com",
            street_address="123 Example Street, Suite 4",
            locality="Springfield",
            region="EX",
            postal_code="00000",
            country="US",
            hours="Monday to Friday: 8:30 am to 5:00 pm\nSaturday and Sunday: closed",
            opening_hours_spec="Mo-Fr 08:30-17:00",
            open_days="12345",
            reply_working_days=2,
            is_demo=True,
        )

    def reply_by(self, received):
        """The date by which the front desk replies to a request received at this moment, or None.

        That many open days after the day it arrived, in the practice's time zone: a request on a
        Friday, with two working days and weekends closed, is answered by Tuesday.
        """
        if not self.reply_working_days or not self.open_days:
            return None
        day = timezone.localdate(received)
        remaining = self.reply_working_days
        while remaining:
            day += timedelta(days=1)
            if str(day.isoweekday()) in self.open_days and day not in self.closed_dates:
                remaining -= 1
        return day

    @cached_property
    def closed_dates(self):
        """Holidays and other days closed though open_days says open: no reply is counted on them.

        Read once per instance; practice_for() gives each request its own instance, so an edit in
        the admin counts from the next request.
        """
        if self.pk is None:  # Practice.demo() before it is saved
            return frozenset()
        return frozenset(self.closed_days.values_list("date", flat=True))

    @property
    def reminder_offsets(self):
        """The reminders' distances before a visit, longest first."""
        hours = {int(part) for part in self.booking_reminder_hours.split(",") if part.strip()}
        return [timedelta(hours=value) for value in sorted(hours, reverse=True) if value]

    @property
    def phone_uri(self):
        return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")

    @property
    def hours_lines(self):
        return [line.strip() for line in self.hours.splitlines() if line.strip()]

    @property
    def address_lines(self):
        city = " ".join(part for part in (f"{self.locality},", self.region, self.postal_code) if part)
        return [self.street_address, city]


class ClosedDay(models.Model):
    """A day the practice is closed although it is one of its open days: a holiday, a training day."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="closed_days")
    date = models.DateField(_("date"))
    name = models.CharField(
        _("reason"), max_length=80, blank=True, help_text=_("For example Thanksgiving. Seen by staff only.")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("closed day")
        verbose_name_plural = _("closed days (holidays)")
        constraints = [models.UniqueConstraint(fields=["practice", "date"], name="one_closed_day_per_date")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}".strip()


def practice_for(request):
    """The practice identity, read once per request however many templates and views ask."""
    if not hasattr(request, "_practice"):
        request._practice = Practice.objects.current()
    return request._practice


class PublicImageManager(models.Manager):
    def create_from_file(self, path, **text):
        """An image made from a file that ships with the code (a demo portrait, a page's illustration)."""
        source, ((width, height), made) = renditions.make_from_file(path)
        image = self.model(source=source, width=width, height=height, renditions=made, **text)
        image.full_clean()
        image.save()
        return image


class PublicImage(models.Model):
    """An image on public pages (a team member's portrait, a page's illustration), with its text.

    The upload itself is never kept: it is checked (images.uploads) and the renditions made
    from its pixels (images.renditions) are what is stored and served. Deleting the image
    deletes its files.
    """

    alt = models.CharField(
        _("text alternative"),
        max_length=300,
        blank=True,
        help_text=_(
            "What the image shows, in a sentence or two, for people who cannot see it. "
            "Required unless the image is decorative."
        ),
    )
    decorative = models.BooleanField(
        _("decorative only"),
        default=False,
        help_text=_(
            "Tick only if the image adds nothing that the text around it does not say. Screen readers then skip "
            "it. Leave the text alternative empty."
        ),
    )
    caption = models.CharField(
        _("caption"), max_length=300, blank=True, help_text=_("Optional. Shown under the image on the page.")
    )
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    # [{"format": "avif", "width": 640, "height": 427, "name": "…-640w.avif"}, …], smallest first:
    # kept with the image, so a page shows it without another query.
    renditions = models.JSONField(_("renditions"), default=list, editable=False)
    # For images made from a file that ships with the code (load_content): that file and its digest.
    source = models.CharField(_("made from"), max_length=200, blank=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PublicImageManager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("image for public pages")
        verbose_name_plural = _("images for public pages")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decorative=True, alt="") | (models.Q(decorative=False) & ~models.Q(alt="")),
                name="public_image_alt_unless_decorative",
                violation_error_message=_("Describe the image, or tick 'decorative only' and leave the text empty."),
            )
        ]

    def __str__(self):
        text = self.alt or self.caption or str(_("Decorative image"))
        return text if len(text) <= 70 else text[:67] + "…"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        replaced, self._replaced = getattr(self, "_replaced", []), []
        renditions.delete_after_commit(replaced, PublicImage.names_in_use)

    def clean(self):
        super().clean()
        if self.decorative and self.alt:
            raise ValidationError({"alt": _("A decorative image has no text alternative: leave this empty.")})
        if not self.decorative and not self.alt.strip():
            raise ValidationError(
                {"alt": _("Describe what the image shows, or tick 'decorative only' if it adds nothing.")}
            )

    def replace_image(self, image):
        """Make renditions of a checked PIL image; the previous ones' files go once this is saved."""
        previous = [rendition["name"] for rendition in self.renditions]
        (self.width, self.height), self.renditions = renditions.make(image)
        self._replaced = previous

    @classmethod
    def names_in_use(cls):
        return {rendition["name"] for rows in cls.objects.values_list("renditions", flat=True) for rendition in rows}

    @cached_property
    def by_format(self):
        found = {}
        for rendition in self.renditions:
            found.setdefault(rendition["format"], []).append(rendition)
        return found

    @property
    def sources(self):
        """For <source> elements: the modern formats' srcsets, best first (JPEG is the <img> itself)."""
        return [
            {"type": renditions.CONTENT_TYPES[extension], "srcset": self.srcset(extension)}
            for extension in renditions.FORMATS
            if extension != "jpg" and extension in self.by_format
        ]

    def srcset(self, extension="jpg"):
        return ", ".join(f"{renditions.url(r['name'])} {r['width']}w" for r in self.by_format.get(extension, []))

    @property
    def fallback(self):
        """The JPEG for browsers without srcset: the one nearest 640 pixels wide; its size sets the box."""
        jpegs = self.by_format.get("jpg", [])
        return min(jpegs, key=lambda r: abs(r["width"] - 640)) if jpegs else None

    @property
    def fallback_url(self):
        return renditions.url(self.fallback["name"]) if self.fallback else ""


@receiver(post_delete, sender=PublicImage)
def _delete_rendition_files(sender, instance, **kwargs):
    renditions.delete_after_commit([r["name"] for r in instance.renditions], sender.names_in_use)


class TeamMemberQuerySet(models.QuerySet):
    def reviewers(self):
        return self.filter(can_review=True)


class TeamMember(models.Model):
    """A person patients may meet; clinicians among them review the medical pages.

    The About page lists the team from these rows, so what the practice offers and who works there
    is never written into page text.
    """

    name = models.CharField(_("name"), max_length=120, help_text=_("As patients should see it, e.g. Dr. Alex Example."))
    credentials = models.CharField(_("credentials"), max_length=80, blank=True, help_text=_("For example: MD, FACS."))
    role = models.CharField(_("role"), max_length=200, help_text=_("For example: Facial plastic surgeon."))
    bio = models.TextField(_("short bio"), blank=True, help_text=_("A few sentences for the About page."))
    can_review = models.BooleanField(
        _("reviews medical pages"), default=False, help_text=_("Tick for clinicians who may sign off medical pages.")
    )
    position = models.PositiveSmallIntegerField(_("position on the About page"), default=100)
    portrait = models.ForeignKey(
        PublicImage,
        verbose_name=_("portrait"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Optional. Shown beside the name on the About page. Use + to upload a new image."),
    )

    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self):
        return self.name

    @property
    def name_with_credentials(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    @classmethod
    def create_demo_team(cls):
        """Save the demo team, each member with a drawn portrait made from practice/demo_images/."""
        for member in cls.demo_team():
            file_name, alt = DEMO_PORTRAITS[member.name]
            member.portrait = PublicImage.objects.create_from_file(DEMO_IMAGES / file_name, alt=alt)
            member.save()

    @classmethod
    def demo_team(cls):
        """The obviously fictional team a new site starts with."""
        return [
            cls(
                name="Dr. Alex Example",
                credentials="MD",
                role="Facial plastic and reconstructive surgeon (fictional demo)",
                bio=(
                    "Dr. Example is a made-up surgeon for this demonstration site. Replace this text with your "
                    "surgeon's training, experience and approach in the admin, under Team members."
                ),
                can_review=True,
                position=1,
            ),
            cls(
                name="Jordan Sample",
                credentials="PT",
                role="Facial therapist (fictional demo)",
                bio="Jordan Sample is a made-up facial therapist for this demonstration site.",
                position=2,
            ),
        ]


DEMO_IMAGES = Path(__file__).resolve().parent / "demo_images"
# Friendly cartoon portraits we drew for the fictional demo team: name → (file, text alternative).
DEMO_PORTRAITS = {
    "Dr. Alex Example": (
        "alex-example.png",
        _("Cartoon drawing of Dr. Alex Example, a made-up surgeon with round glasses and a white coat, smiling."),
    ),
    "Jordan Sample": (
        "jordan-sample.png",
        _("Cartoon drawing of Jordan Sample, a made-up therapist with curly black hair and a green top, smiling."),
    ),
}
