from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _

from clinic_site import structured_data
from clinic_site.models import practice_for
from clinic_site.page_cache import cached_page
from clinic_site.views import MedicalPageDetailView, PublicListView
from conditions.models import Condition
from treatments.models import Treatment


@method_decorator(cached_page, name="dispatch")
class TreatmentListView(PublicListView):
    model = Treatment
    extra_context = {
        "title": _("Treatments"),
        "description": _(
            "Treatments for facial paralysis and synkinesis, from Botox and therapy to nerve and muscle surgery."
        ),
    }

    def get_queryset(self):
        # Treatments without surgery first: they are usually tried first.
        return super().get_queryset().order_by("-kind", "position", "title")


class TreatmentDetailView(MedicalPageDetailView):
    model = Treatment
    related_name = "conditions"
    related_model = Condition

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = structured_data.treatment_page(self.object, practice_for(self.request))
        return context
