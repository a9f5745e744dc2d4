from importlib import import_module

from django.apps import apps
from django.urls import reverse
from django.utils.module_loading import module_has_submodule

from clinic_site.site_url import SiteSitemap


class SitePagesSitemap(SiteSitemap):
    def items(self):
        return [
            "home",
            "conditions:list",
            "treatments:list",
            "guides:list",
            "about",
            "contact",
            "privacy",
            "accessibility",
        ]

    def location(self, item):
        return reverse(item)


def discover():
    """The site's own pages plus the `sitemaps` dict of each installed app that has one.

    Apps register themselves this way (as admin modules do), so the project package imports none of them.
    """
    found = {"site": SitePagesSitemap}
    for config in apps.get_app_configs():
        if config.name.startswith("django.") or not module_has_submodule(config.module, "sitemaps"):
            continue
        found.update(getattr(import_module(f"{config.name}.sitemaps"), "sitemaps", {}))
    return found
