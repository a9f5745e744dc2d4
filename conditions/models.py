from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from conditions.onset import OPENS_WITH_TODAY
from medical_pages.models import MedicalPage
from treatments.models import Treatment


class Condition(MedicalPage):
    request_parameter = "condition"

    treatments = models.ManyToManyField(
        Treatment,
        related_name="conditions",
        blank=True,
        verbose_name=_("treatments usually considered"),
        help_text=_("Shown on this page and, the other way round, on each treatment's page."),
    )

    class Meta(MedicalPage.Meta):
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")

    def get_absolute_url(self):
        return reverse("conditions:detail", args=[self.slug])

    @property
    def opens_with_today(self):
        return self.slug in OPENS_WITH_TODAY
