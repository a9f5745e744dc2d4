from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClinicSiteConfig(AppConfig):
    name = "clinic_site"
    verbose_name = _("Practice")

    def ready(self):
        from clinic_site import page_cache  # noqa: F401  (connects the invalidation signals)
