from django import template
from django.conf import settings
from django.db.models import Count, Min
from django.urls import reverse

from consultations import agenda, worklist
from consultations.choices import Status
from consultations.models import ConsultationRequest, Delivery
from practice.models import practice_for

register = template.Library()


@register.inclusion_tag("consultations/admin/queue.html", takes_context=True)
def consultation_queue(context):
    """The desk's counts (time-sensitive, overdue, new, each a link to that list), mail overdue or
    given up on, and requests held as spam, for staff who can see requests."""
    request = context.get("request")
    if request is None or not request.user.has_perm("consultations.view_consultationrequest"):
        return {"queue": None}
    new = ConsultationRequest.objects.filter(status=Status.NEW).aggregate(count=Count("pk"), oldest=Min("created_at"))
    overdue = ConsultationRequest.objects.overdue().distinct().count()
    changelist = reverse("admin:consultations_consultationrequest_changelist")
    failed = {
        kind: ConsultationRequest.objects.filter(deliveries__kind=kind, deliveries__failed_at__isnull=False).count()
        for kind in Delivery.Kind
    }
    requests = ConsultationRequest.objects.all()
    return {
        "queue": {
            "time_sensitive": worklist.time_sensitive(requests).count(),
            "time_sensitive_url": f"{changelist}?queue=time-sensitive",
            "late": worklist.overdue(requests, practice_for(request)).count(),
            "late_url": f"{changelist}?queue=overdue",
            "new": new["count"],
            "oldest_new": new["oldest"],
            "overdue": overdue,
            "new_url": f"{changelist}?status__exact={Status.NEW}",
            "staff_notice_failed": failed[Delivery.Kind.STAFF_NOTICE],
            "confirmation_failed": failed[Delivery.Kind.CONFIRMATION],
            "failed_url": f"{changelist}?mail=failed",
            "spam": ConsultationRequest.objects.filter(status=Status.SPAM).count(),
            "spam_url": f"{changelist}?status__exact={Status.SPAM}",
            "agenda_url": reverse(f"admin:{agenda.AGENDA_URL_NAME}") if agenda.may_see(request.user) else "",
        },
        "minutes": max(1, settings.CLINIC_NOTICE_OVERDUE_SECONDS // 60),
    }
