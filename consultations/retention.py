"""Deleting finished requests once the clinic no longer needs them (CLINIC_RETENTION_DAYS)."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from consultations.choices import FINISHED_STATUSES
from consultations.models import ConsultationRequest


def expired_requests(now=None):
    cutoff = (now or timezone.now()) - timedelta(days=settings.CLINIC_RETENTION_DAYS)
    return ConsultationRequest.objects.filter(status__in=FINISHED_STATUSES, created_at__lt=cutoff)


def delete_expired(now=None):
    """Delete expired requests and their notes; the number of requests deleted."""
    expired = expired_requests(now)
    count = expired.count()
    expired.delete()
    return count
