from guides.models import Guide
from medical_pages.sitemaps import MedicalPageSitemap


class GuideSitemap(MedicalPageSitemap):
    model = Guide
