"""Mail that must go out for every request, run by the database task worker (`make worker`).

Each task records its delivery on the request, so a task that failed or a worker that died is
noticed by the sweep (consultations.sweep) and the mail is sent again.
"""

import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from consultations import emails
from consultations.models import ConsultationRequest

logger = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """Mail for a request did not go out; says which request, never to whom (the task result is kept)."""


def _send(message, consultation, what):
    try:
        message.send()
    except Exception as error:
        # SMTP errors quote the recipients, and the task result stores the error and traceback:
        # replace it with one that names only the reference, and drop the original chain.
        raise DeliveryFailed(f"{what} for {consultation.reference} not sent: {type(error).__name__}") from None


@task
def notify_staff(request_id):
    # The row lock keeps two workers (a slow task and its re-enqueued copy) from both sending.
    with transaction.atomic():
        consultation = ConsultationRequest.objects.select_for_update().filter(pk=request_id).first()
        if consultation is None or consultation.notified_at is not None:
            return
        _send(emails.staff_notice(consultation), consultation, "Staff notice")
        consultation.notified_at = timezone.now()
        consultation.save(update_fields=["notified_at"])
    logger.info("Staff notified of consultation request %s", consultation.reference)


@task
def email_patient(request_id):
    with transaction.atomic():
        consultation = ConsultationRequest.objects.select_for_update().filter(pk=request_id).first()
        if consultation is None or consultation.patient_emailed_at is not None or not consultation.email:
            return
        _send(emails.patient_confirmation(consultation), consultation, "Patient confirmation")
        consultation.patient_emailed_at = timezone.now()
        consultation.save(update_fields=["patient_emailed_at"])
    logger.info("Confirmation e-mailed for consultation request %s", consultation.reference)


def enqueue_notices(consultation, now=None):
    """Queue the mail still owed for a request and note when; call inside the request's transaction."""
    now = now or timezone.now()
    fields = []
    if consultation.notified_at is None:
        notify_staff.enqueue(consultation.pk)
        consultation.notice_enqueued_at = now
        fields.append("notice_enqueued_at")
    if consultation.patient_emailed_at is None and consultation.email:
        email_patient.enqueue(consultation.pk)
        consultation.patient_email_enqueued_at = now
        fields.append("patient_email_enqueued_at")
    if fields:
        consultation.save(update_fields=fields)
