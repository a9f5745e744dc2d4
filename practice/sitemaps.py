from django.urls import reverse

from practice.site_url import SiteSitemap


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
