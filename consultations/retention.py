"""Deleting requests once the clinic no longer needs them (CLINIC_RETENTION_DAYS, CLINIC_OPEN_RETENTION_DAYS).

The worker runs this daily (consultations.housekeeping); the privacy notice states both periods.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from consultations.choices import FINISHED_STATUSES
from consultations.models import ConsultationRequest


def expired_requests(now=None):
    now = now or timezone.now()
    finished = Q(status__in=FINISHED_STATUSES, created_at__lt=now - timedelta(days=settings.CLINIC_RETENTION_DAYS))
    # A request left open (never completed or closed) is not kept for ever either: it goes once
    # nobody has changed it for the open period.
    left_open = ~Q(status__in=FINISHED_STATUSES) & Q(
        updated_at__lt=now - timedelta(days=settings.CLINIC_OPEN_RETENTION_DAYS)
    )
    return ConsultationRequest.objects.filter(finished | left_open)


def delete_expired(now=None):
    """Delete expired requests with their notes and delivery records; the number of requests deleted."""
    expired = expired_requests(now)
    count = expired.count()
    expired.delete()
    return count
