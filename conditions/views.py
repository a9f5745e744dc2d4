from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _

from clinic_site import structured_data
from clinic_site.models import practice_for
from clinic_site.page_cache import cached_page
from clinic_site.views import MedicalPageDetailView, PublicListView
from conditions.models import Condition
from treatments.models import Treatment


@method_decorator(cached_page, name="dispatch")
class ConditionListView(PublicListView):
    model = Condition
    extra_context = {
        "title": _("Conditions we treat"),
        "description": _("Facial paralysis, Bell's palsy, synkinesis and their causes, explained in plain language."),
    }


class ConditionDetailView(MedicalPageDetailView):
    model = Condition
    related_name = "treatments"
    related_model = Treatment

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = structured_data.condition_page(self.object, practice_for(self.request))
        return context
