from guides.models import Guide
from medical_pages.sitemaps import MedicalPageSitemap


class GuideSitemap(MedicalPageSitemap):
    model = Guide


# Found by clinic_site.sitemaps.discover(): every app's sitemaps module adds to the site map.
sitemaps = {"guides": GuideSitemap}
