from conditions.models import Condition
from medical_pages.sitemaps import MedicalPageSitemap


class ConditionSitemap(MedicalPageSitemap):
    model = Condition


# Found by clinic_site.sitemaps.discover(): every app's sitemaps module adds to the site map.
sitemaps = {"conditions": ConditionSitemap}
