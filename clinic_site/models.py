from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    # Saving this model clears the page cache (see clinic_site.page_cache).
    invalidates_pages = True

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
    reply_time = models.CharField(
        _("when the front desk replies"),
        max_length=60,
        blank=True,
        help_text=_(
            "Ends the sentence 'Our front desk team will contact you …' after a consultation request, "
            "e.g. 'within two working days'. Leave blank to promise no time."
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
            reply_time="within two working days",
            is_demo=True,
        )

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


class PageGeneration(models.Model):
    """How many times content was saved: the page cache's generation, kept where edits are kept.

    The page cache (clinic_site.page_cache) copies it into Redis; an edit saved while Redis was
    unreachable still moves it on, so a page cached before that edit is never served afterwards.
    """

    value = models.BigIntegerField(default=0)

    def __str__(self):
        return str(self.value)


def practice_for(request):
    """The practice identity, read once per request however many templates and views ask."""
    if not hasattr(request, "_practice"):
        request._practice = Practice.objects.current()
    return request._practice


class TeamMemberQuerySet(models.QuerySet):
    def reviewers(self):
        return self.filter(can_review=True)


class TeamMember(models.Model):
    """A person patients may meet; clinicians among them review the medical pages.

    The About page lists the team from these rows, so what the practice offers and who works there
    is never written into page text.
    """

    invalidates_pages = True

    name = models.CharField(_("name"), max_length=120, help_text=_("As patients should see it, e.g. Dr. Alex Example."))
    credentials = models.CharField(_("credentials"), max_length=80, blank=True, help_text=_("For example: MD, FACS."))
    role = models.CharField(_("role"), max_length=200, help_text=_("For example: Facial plastic surgeon."))
    bio = models.TextField(_("short bio"), blank=True, help_text=_("A few sentences for the About page."))
    can_review = models.BooleanField(
        _("reviews medical pages"), default=False, help_text=_("Tick for clinicians who may sign off medical pages.")
    )
    position = models.PositiveSmallIntegerField(_("position on the About page"), default=100)

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
