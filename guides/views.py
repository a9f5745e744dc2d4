from django.utils.translation import gettext_lazy as _

from guides.models import DECISION_AID_PREFIX, Guide
from medical_pages.views import MedicalPageDetailView, PublicListView


class GuideListView(PublicListView):
    model = Guide
    extra_context = {
        "title": _("Guides for patients"),
        "description": _(
            "Practical help: protecting your eye, your first visit, comparing treatments and living with facial palsy."
        ),
    }


class GuideDetailView(MedicalPageDetailView):
    model = Guide

    def get_object(self, queryset=None):
        topic = self.kwargs.get("topic")
        if topic:
            self.kwargs["slug"] = DECISION_AID_PREFIX + topic
            queryset = (queryset or self.get_queryset()).filter(kind=Guide.Kind.DECISION_AID)
        return super().get_object(queryset)

    def schema_about(self):
        return {"@type": "MedicalEntity"}
