"""Deleting requests once the clinic no longer needs them (CLINIC_RETENTION_DAYS, CLINIC_OPEN_RETENTION_DAYS).

Both periods run from the last staff change (or arrival, if staff never changed it), not from
arrival alone: closing or marking an old request as spam keeps it for the full period, so no one
can have a request deleted by proxy. The worker runs this daily (consultations.housekeeping); the
privacy notice states both periods.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from consultations.choices import FINISHED_STATUSES
from consultations.models import AuditEntry, ConsultationRequest


def expired_requests(now=None):
    now = now or timezone.now()
    finished = Q(status__in=FINISHED_STATUSES, last_change__lt=now - timedelta(days=settings.CLINIC_RETENTION_DAYS))
    # A request left open (never completed or closed) is not kept for ever either.
    left_open = ~Q(status__in=FINISHED_STATUSES) & Q(
        last_change__lt=now - timedelta(days=settings.CLINIC_OPEN_RETENTION_DAYS)
    )
    return ConsultationRequest.objects.alias(last_change=Coalesce("staff_changed_at", "created_at")).filter(
        finished | left_open
    )


@transaction.atomic
def delete_expired(now=None):
    """Delete expired requests with their notes, delivery records and photos, on the audit trail; how many.

    Photo files go once this transaction commits (the Photo post_delete receiver, consultations.photos).
    """
    expired = expired_requests(now)
    references = list(expired.values_list("reference", flat=True))
    if references:
        AuditEntry.record(None, AuditEntry.Action.DELETE, references, detail="retention period")
    ConsultationRequest.objects.filter(reference__in=references).delete()
    return len(references)
