"""Finding requests whose mail has not gone out and queueing it again.

A task that failed (SMTP down) ends FAILED and is not retried, and a worker killed mid-task
leaves its task RUNNING for good; either way the request still has no delivery time, so it is
picked up here once it has waited longer than CLINIC_NOTICE_OVERDUE_SECONDS.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from consultations.models import ConsultationRequest
from consultations.tasks import enqueue_notices


def resend_overdue(now=None):
    """Re-enqueue the mail of every overdue request; the number of requests concerned."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.CLINIC_NOTICE_OVERDUE_SECONDS)
    staff_overdue = Q(notified_at__isnull=True) & (
        Q(notice_enqueued_at__isnull=True) | Q(notice_enqueued_at__lte=cutoff)
    )
    patient_overdue = (
        Q(patient_emailed_at__isnull=True)
        & ~Q(email="")
        & (Q(patient_email_enqueued_at__isnull=True) | Q(patient_email_enqueued_at__lte=cutoff))
    )
    count = 0
    candidates = ConsultationRequest.objects.exclude(status="spam").filter(created_at__lte=cutoff)
    for pk in candidates.filter(staff_overdue | patient_overdue).values_list("pk", flat=True):
        with transaction.atomic():
            # skip_locked: a request whose task is running right now holds its row lock; leave it be.
            consultation = ConsultationRequest.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if consultation is not None:
                enqueue_notices(consultation, now)
                count += 1
    return count
