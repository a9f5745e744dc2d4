from django.utils.translation import gettext_lazy as _

from medical_pages.views import MedicalPageDetailView, PublicListView
from treatments import goals
from treatments.models import Treatment
from treatments.structured_data import treatment_about


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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["goal_groups"] = goals.grouped(context["object_list"])
        return context


class TreatmentDetailView(MedicalPageDetailView):
    model = Treatment
    # The conditions that list this treatment: the reverse side of Condition.treatments.
    related_name = "conditions"

    def schema_about(self):
        return treatment_about(self.object)
