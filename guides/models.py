from django.core.exceptions import ValidationError
from django.db import models
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _

from medical_pages.models import MedicalPage

# Decision aids share an address prefix: /choosing-a-treatment/<topic>/.
DECISION_AID_PREFIX = "choosing-a-treatment-"


class Guide(MedicalPage):
    """Practical help that is not about one condition or treatment: eye care, a first visit, decisions."""

    request_parameter = "guide"

    class Kind(models.TextChoices):
        GUIDE = "guide", _("Guide")
        DECISION_AID = "decision-aid", _("Decision aid (options side by side)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.GUIDE)

    class Meta(MedicalPage.Meta):
        verbose_name = _("guide")
        verbose_name_plural = _("guides")

    def get_absolute_url(self):
        if self.kind == self.Kind.DECISION_AID and self.slug.startswith(DECISION_AID_PREFIX):
            return reverse("guides:decision-aid", args=[self.slug.removeprefix(DECISION_AID_PREFIX)])
        return reverse("guides:detail", args=[self.slug])

    def clean(self):
        super().clean()
        # Guides sit at the top of the site, so a slug such as "about" would be hidden by that page.
        if self.slug:
            try:
                match = resolve(self.get_absolute_url())
            except Resolver404:
                match = None
            if match is None or match.namespace != "guides":
                raise ValidationError({"slug": _("This address is already used by another page of the site.")})
