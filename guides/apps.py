from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    name = "guides"
    verbose_name = _("Guides")

    def ready(self):
        # Registered here, explicitly: the page cache, the sitemap and the home page import no app.
        from guides.models import Guide
        from guides.sitemaps import GuideSitemap
        from page_cache.cache import invalidated_by
        from practice import registry

        invalidated_by(Guide)
        registry.sitemaps["guides"] = GuideSitemap
        registry.home_lists["guides"] = Guide
