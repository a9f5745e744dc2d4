"""Finding mail that is due and has no live task, and queueing it again.

A task that failed (SMTP down) ends FAILED and is not retried by the worker, and a worker killed
mid-task leaves its task RUNNING for good. Either way the delivery is still unsent: it is queued
again here once its next attempt is due and its last task has had CLINIC_NOTICE_OVERDUE_SECONDS
to run. Deliveries that failed for good, and requests closed or held as spam, are left alone.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from consultations.models import Delivery
from consultations.tasks import enqueue


def due_deliveries(now):
    cutoff = now - timedelta(seconds=settings.CLINIC_NOTICE_OVERDUE_SECONDS)
    # Deliverable, and its last task (if any) has had its time to run.
    return Delivery.objects.deliverable(now).filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lte=cutoff))


def resend_overdue(now=None):
    """Queue a task for every delivery that is due; the number queued."""
    now = now or timezone.now()
    count = 0
    for pk in due_deliveries(now).values_list("pk", flat=True):
        with transaction.atomic():
            # skip_locked: a task is claiming or recording this delivery right now; leave it be.
            delivery = due_deliveries(now).select_for_update(skip_locked=True).filter(pk=pk).first()
            if delivery is not None:
                enqueue(delivery, now)
                count += 1
    return count
