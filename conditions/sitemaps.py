from conditions.models import Condition
from medical_pages.sitemaps import MedicalPageSitemap


class ConditionSitemap(MedicalPageSitemap):
    model = Condition
