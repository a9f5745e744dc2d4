from django.core.validators import RegexValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from clinic_site import markup


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
    surgeon_name = models.CharField(_("surgeon's name"), max_length=120)
    surgeon_title = models.CharField(
        _("surgeon's title"), max_length=200, help_text=_("For example: Facial plastic and reconstructive surgeon.")
    )
    surgeon_bio = models.TextField(_("about the surgeon"), help_text=_("A short paragraph for the About page."))
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
            surgeon_name="Dr. Alex Example",
            surgeon_title="Facial plastic and reconstructive surgeon (fictional demo)",
            surgeon_bio=(
                "Dr. Example is a made-up surgeon for this demonstration site. Replace this text with "
                "your surgeon's training, experience and approach in the admin, under Practice identity."
            ),
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


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=MedicalPage.Status.PUBLISHED)

    def visible_to(self, user):
        """Staff may preview drafts; everyone else sees published pages only."""
        return self if user.is_staff else self.published()


class MedicalPage(models.Model):
    """A page of medical content that staff own and edit in the admin (body text in Markdown)."""

    invalidates_pages = True

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (only staff can see it)")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("address"), max_length=80, unique=True, help_text=_("The last part of the page's URL."))
    also_known_as = models.CharField(_("also known as"), max_length=200, blank=True)
    summary = models.CharField(
        _("summary"), max_length=160, help_text=_("One sentence for search results and link previews.")
    )
    lead = models.TextField(_("introduction"), help_text=_("Shown under the title. Markdown."))
    body = models.TextField(_("body"), help_text=_("Markdown: '## ' starts a section, '- ' a list item."))
    questions = models.TextField(
        _("frequently asked questions"),
        blank=True,
        help_text=_("Markdown: each question on its own line starting with '### ', its answer below it."),
    )
    sources = models.TextField(_("sources"), help_text=_("Markdown list of links: - [Publisher: Title](https://…)"))
    last_reviewed = models.DateField(_("last reviewed"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    position = models.PositiveSmallIntegerField(_("position in lists"), default=100)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    # Fingerprint of the content as last loaded from the repository; load_content updates a row
    # only while it still matches, so staff edits are never overwritten.
    loaded_hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = PageQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "title"]

    def __str__(self):
        return self.title

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @cached_property
    def lead_html(self):
        return markup.render(self.lead)

    @cached_property
    def _rendered_body(self):
        return markup.render_with_sections(self.body)

    @property
    def body_html(self):
        return self._rendered_body[0]

    @property
    def sections(self):
        """The body's ## sections, for the "On this page" list."""
        return self._rendered_body[1]

    @cached_property
    def faq(self):
        return markup.render_questions(self.questions)

    @cached_property
    def sources_html(self):
        return markup.render(self.sources)
