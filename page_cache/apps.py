from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PageCacheConfig(AppConfig):
    """Whole public pages kept in Redis and dropped when content they show is saved (page_cache.cache)."""

    name = "page_cache"
    verbose_name = _("Page cache")
