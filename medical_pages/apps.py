from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MedicalPagesConfig(AppConfig):
    name = "medical_pages"
    verbose_name = _("Medical pages")
