from django.utils.translation import gettext_lazy as _

from conditions.models import Condition
from medical_pages.views import MedicalPageDetailView, PublicListView
from practice.structured_data import absolute
from treatments.structured_data import treatment_about


class ConditionListView(PublicListView):
    model = Condition
    extra_context = {
        "title": _("Conditions explained"),
        "description": _("Facial paralysis, Bell's palsy, synkinesis and their causes, explained in plain language."),
    }


class ConditionDetailView(MedicalPageDetailView):
    model = Condition
    related_name = "treatments"

    def schema_about(self):
        treatments = [
            {**treatment_about(t), "name": t.title, "url": absolute(t.get_absolute_url())}
            for t in self.object.related_pages
        ]
        return {"@type": "MedicalCondition", "possibleTreatment": treatments}
