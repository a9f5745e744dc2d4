from medical_pages.sitemaps import MedicalPageSitemap
from treatments.models import Treatment


class TreatmentSitemap(MedicalPageSitemap):
    model = Treatment
