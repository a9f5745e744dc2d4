from medical_pages.sitemaps import MedicalPageSitemap
from treatments.models import Treatment


class TreatmentSitemap(MedicalPageSitemap):
    model = Treatment


# Found by clinic_site.sitemaps.discover(): every app's sitemaps module adds to the site map.
sitemaps = {"treatments": TreatmentSitemap}
