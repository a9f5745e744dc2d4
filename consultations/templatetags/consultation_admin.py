from django import template
from django.conf import settings
from django.db.models import Count, Min
from django.urls import reverse

from consultations.choices import Status
from consultations.models import ConsultationRequest

register = template.Library()


@register.inclusion_tag("consultations/admin/queue.html", takes_context=True)
def consultation_queue(context):
    """New requests and overdue staff notices, for staff who can see requests."""
    request = context.get("request")
    if request is None or not request.user.has_perm("consultations.view_consultationrequest"):
        return {"queue": None}
    new = ConsultationRequest.objects.filter(status=Status.NEW).aggregate(count=Count("pk"), oldest=Min("created_at"))
    overdue = ConsultationRequest.objects.overdue().count()
    return {
        "queue": {
            "new": new["count"],
            "oldest_new": new["oldest"],
            "overdue": overdue,
            "new_url": reverse("admin:consultations_consultationrequest_changelist") + f"?status__exact={Status.NEW}",
        },
        "minutes": max(1, settings.CLINIC_NOTICE_OVERDUE_SECONDS // 60),
    }
