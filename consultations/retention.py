"""Deleting finished requests once the clinic no longer needs them (CLINIC_RETENTION_DAYS).

The period runs from the last staff change, not from when the request arrived: closing or marking an
old request as spam keeps it for the full period, so no one can have a request deleted by proxy.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from consultations.choices import FINISHED_STATUSES
from consultations.models import AuditEntry, ConsultationRequest


def expired_requests(now=None):
    cutoff = (now or timezone.now()) - timedelta(days=settings.CLINIC_RETENTION_DAYS)
    return (
        ConsultationRequest.objects.filter(status__in=FINISHED_STATUSES)
        .alias(last_change=Coalesce("staff_changed_at", "created_at"))
        .filter(last_change__lt=cutoff)
    )


@transaction.atomic
def delete_expired(now=None):
    """Delete expired requests and their notes, on the audit trail; the number of requests deleted."""
    expired = expired_requests(now)
    references = list(expired.values_list("reference", flat=True))
    if references:
        AuditEntry.record(None, AuditEntry.Action.DELETE, references, detail="retention period")
    ConsultationRequest.objects.filter(reference__in=references).delete()
    return len(references)
