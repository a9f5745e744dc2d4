from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from conditions.models import Condition
from treatments.models import Treatment


class SitePagesSitemap(Sitemap):
    def items(self):
        return [
            "home",
            "conditions:list",
            "treatments:list",
            "paralysis-vs-synkinesis",
            "about",
            "contact",
            "privacy",
            "accessibility",
        ]

    def location(self, item):
        return reverse(item)


class MedicalPageSitemap(Sitemap):
    model = None

    def items(self):
        return self.model.objects.published()

    def lastmod(self, page):
        return page.updated


class ConditionSitemap(MedicalPageSitemap):
    model = Condition


class TreatmentSitemap(MedicalPageSitemap):
    model = Treatment


sitemaps = {"site": SitePagesSitemap, "conditions": ConditionSitemap, "treatments": TreatmentSitemap}
