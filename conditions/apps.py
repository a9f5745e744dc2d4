from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConditionsConfig(AppConfig):
    name = "conditions"
    verbose_name = _("Conditions")

    def ready(self):
        # Registered here, explicitly: the page cache, the sitemap and the home page import no app.
        from conditions.models import Condition
        from conditions.sitemaps import ConditionSitemap
        from page_cache.cache import invalidated_by
        from practice import registry

        invalidated_by(Condition)
        registry.sitemaps["conditions"] = ConditionSitemap
        registry.home_lists["conditions"] = Condition
