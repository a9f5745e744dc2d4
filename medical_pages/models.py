from datetime import timedelta

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from medical_pages import figures, markup, references
from triage import table
from triage.instructions import urgent_instructions

# A medical page is due for another clinical review a year after the last one.
REVIEW_INTERVAL = timedelta(days=365)


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=MedicalPage.Status.PUBLISHED)

    def visible_to(self, request):
        """Drafts too for whoever the admin itself answers; published pages only for everyone else.

        The admin site's own rule (active staff past the second factor, staff.admin_site), not
        `is_staff` alone: a password without its second step must not preview unpublished text.
        """
        return self if admin.site.has_permission(request) else self.published()

    def due_for_review(self, today=None):
        today = today or timezone.localdate()
        return self.filter(last_reviewed__lt=today - REVIEW_INTERVAL)


class MedicalPage(models.Model):
    """A page of medical content that staff own and edit in the admin (body text in Markdown).

    Conditions, treatments and guides are the concrete kinds; each lives in its own app and finds
    this base here, which imports none of them. Each app registers its model with the page cache
    and the site's lists in its AppConfig.ready().
    """

    # The query parameter the request form is opened with from this kind of page (?condition=<slug>…):
    # a page's slug, never anything about the patient (consultations/prefill.py reads it).
    request_parameter = ""
    # Only some condition pages open with "Do this today" and the whole urgent box (conditions/onset.py).
    opens_with_today = False

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (only staff can see it)")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(_("address"), max_length=80, unique=True, help_text=_("The last part of the page's URL."))
    also_known_as = models.CharField(_("also known as"), max_length=200, blank=True)
    summary = models.CharField(
        _("summary"), max_length=160, help_text=_("One sentence for search results and link previews.")
    )
    lead = models.TextField(
        _("introduction"),
        help_text=_("Shown under the title. Markdown. Give the answer patients came for (such as how many recover)."),
    )
    urgent_situations = models.JSONField(
        _("urgent situations"),
        default=list,
        blank=True,
        help_text=_(
            "The situations from the triage table (triage/table.py) that apply to readers of this page. "
            "Their wording is shown in the urgent box; page text never says where to go or how fast. "
            "A sudden droop and other stroke signs are shown on every page."
        ),
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "Markdown: '## ' starts a section, '- ' a list item. Put a source marker such as [@AAO13] after "
            "every figure; the key must be one of this page's sources."
        ),
    )
    questions = models.TextField(
        _("frequently asked questions"),
        blank=True,
        help_text=_("Markdown: each question on its own line starting with '### ', its answer below it."),
    )
    sources = models.TextField(
        _("sources"),
        help_text=_("One source per line: - KEY: [Publisher: Title](https://…). Markers like [@KEY] cite them."),
    )
    eye_care = models.BooleanField(
        _("show the eye-care box"),
        default=False,
        help_text=_("For pages whose readers may have an eye that does not close."),
    )
    reviewed_by = models.ForeignKey(
        "practice.TeamMember",
        verbose_name=_("medically reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"can_review": True},
        related_name="+",
    )
    illustration = models.ForeignKey(
        "practice.PublicImage",
        verbose_name=_("illustration"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Optional. Shown before the body text, with its caption. Use + to upload a new image; its text "
            "alternative and caption are part of the image."
        ),
    )
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

    def clean(self):
        super().clean()
        references.validate(self)
        errors = {}
        unknown = sorted(set(self.urgent_situations) - table.BY_KEY.keys())
        if unknown:
            errors["urgent_situations"] = _("Not in the triage table: %s") % ", ".join(unknown)
        for name in ("lead", "body", "questions"):
            found = urgent_instructions(getattr(self, name))
            if found:
                errors[name] = (
                    _(
                        "Urgent advice comes from the triage table: tick its situation under 'When to get help' "
                        "instead of writing it. Found: %s"
                    )
                    % found[0][:90]
                )
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def review_due(self):
        return self.last_reviewed < timezone.localdate() - REVIEW_INTERVAL

    @cached_property
    def source_list(self):
        return references.parse(self.sources)

    def _render(self, text, renderer=markup.render):
        return renderer(text, self.source_list)

    @property
    def request_query(self):
        """The request form's query string for this page, such as "condition=bells-palsy"."""
        return urlencode({self.request_parameter: self.slug}) if self.request_parameter else ""

    @cached_property
    def lead_html(self):
        return self._render(self.lead)

    @cached_property
    def triage_rows(self):
        """The rows of the triage table this page shows, with those every page shows."""
        return table.expand(self.urgent_situations)

    @cached_property
    def _rendered_body(self):
        return self._render(self.body, markup.render_with_sections)

    @property
    def body_html(self):
        return figures.place(self.slug, self._rendered_body[0])

    @property
    def sections(self):
        """The body's ## sections, for the "On this page" list."""
        return self._rendered_body[1]

    @cached_property
    def faq(self):
        return self._render(self.questions, markup.render_questions)
