from django.urls import reverse

from clinic_site.site_url import SiteSitemap
from conditions.models import Condition
from treatments.models import Treatment


class SitePagesSitemap(SiteSitemap):
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


class MedicalPageSitemap(SiteSitemap):
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
