from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from medical_pages.models import MedicalPage


class Treatment(MedicalPage):
    request_parameter = "treatment"

    class Kind(models.TextChoices):
        SURGICAL = "surgical", _("Surgery")
        NON_SURGICAL = "non-surgical", _("Without surgery")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)

    class Meta(MedicalPage.Meta):
        verbose_name = _("treatment")
        verbose_name_plural = _("treatments")

    def get_absolute_url(self):
        return reverse("treatments:detail", args=[self.slug])
