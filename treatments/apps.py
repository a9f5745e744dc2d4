from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreatmentsConfig(AppConfig):
    name = "treatments"
    verbose_name = _("Treatments")

    def ready(self):
        # Registered here, explicitly: the page cache, the sitemap and the home page import no app.
        from page_cache.cache import invalidated_by
        from practice import registry
        from treatments.models import Treatment
        from treatments.sitemaps import TreatmentSitemap

        invalidated_by(Treatment)
        registry.sitemaps["treatments"] = TreatmentSitemap
