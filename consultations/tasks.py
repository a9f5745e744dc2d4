"""Mail that must go out for every request, run by the database task worker (`make worker`).

Each e-mail owed has a Delivery row. A task claims it (a short transaction), sends with no lock
held, then records the outcome (another short transaction): a slow mail server never holds up
staff working on the request, and a second copy of the task finds the mail claimed or sent and
leaves it alone. A failed attempt is tried again later (CLINIC_MAIL_RETRY_DELAYS); after the
last one the delivery is marked failed, shown to staff, and nothing more is sent.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from consultations import emails, visit_mail
from consultations.models import Delivery

logger = logging.getLogger(__name__)

# Each kind of mail's message, built from its delivery.
MESSAGES = {
    Delivery.Kind.STAFF_NOTICE: lambda delivery: emails.staff_notice(delivery.request),
    Delivery.Kind.CONFIRMATION: lambda delivery: emails.patient_confirmation(delivery.request),
    Delivery.Kind.VISIT_MOVED: emails.visit_moved,
    Delivery.Kind.VISIT_CANCELLED: emails.visit_cancelled,
    Delivery.Kind.REMINDER: emails.visit_reminder,
    Delivery.Kind.WAITLIST_OFFER: emails.earlier_time_offered,
    Delivery.Kind.WAITLIST_TAKEN: emails.earlier_time_taken,
}
WHAT = {
    Delivery.Kind.STAFF_NOTICE: "Staff notice",
    Delivery.Kind.CONFIRMATION: "Patient confirmation",
    Delivery.Kind.VISIT_MOVED: "Visit moved mail",
    Delivery.Kind.VISIT_CANCELLED: "Visit cancelled mail",
    Delivery.Kind.REMINDER: "Visit reminder",
    Delivery.Kind.WAITLIST_OFFER: "Earlier time offer",
    Delivery.Kind.WAITLIST_TAKEN: "Earlier time taken mail",
}


class DeliveryFailed(Exception):
    """Mail for a request did not go out; says which request, never to whom (the task result is kept)."""


def max_attempts():
    return len(settings.CLINIC_MAIL_RETRY_DELAYS) + 1


def _claim(**which):
    """The delivery, claimed for one attempt, or None when there is nothing to send now."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.deliverable(now)
            # Only the delivery's row is locked (the booking is an outer join, which cannot be).
            .select_for_update(of=("self",))
            .select_related("request", "request__booking")
            .filter(**which)
            .first()
        )
        if delivery is None:
            return None
        if not visit_mail.still_owed(delivery, now):
            # A reminder for a visit moved, cancelled or already begun (the worker was down): it is
            # not owed any more, and goes without a word.
            delivery.delete()
            return None
        delivery.attempts += 1
        delivery.claimed_at = now
        delivery.save(update_fields=["attempts", "claimed_at"])
    return delivery


def _record(delivery, error=None):
    now = timezone.now()
    delivery.claimed_at = None
    if error is None:
        delivery.sent_at = now
    else:
        delivery.last_error = type(error).__name__[:100]
        if delivery.attempts >= max_attempts():
            delivery.failed_at = now
        else:
            delay = settings.CLINIC_MAIL_RETRY_DELAYS[delivery.attempts - 1]
            delivery.next_attempt_at = now + timedelta(seconds=delay)
            delivery.enqueued_at = None  # due for the sweep once the delay has passed
    delivery.save(update_fields=["claimed_at", "sent_at", "last_error", "failed_at", "next_attempt_at", "enqueued_at"])


def deliver(request_id, kind):
    _send(_claim(request_id=request_id, kind=kind))


def _send(delivery):
    if delivery is None:
        return
    consultation = delivery.request
    what = WHAT[delivery.kind]
    try:
        MESSAGES[delivery.kind](delivery).send()
    except Exception as error:
        _record(delivery, error)
        if delivery.failed_at:
            logger.error("%s for %s failed for good after %d attempts", what, consultation.reference, delivery.attempts)
        # SMTP errors quote the recipients, and the task result stores the error and traceback:
        # replace it with one that names only the reference, and drop the original chain.
        raise DeliveryFailed(f"{what} for {consultation.reference} not sent: {type(error).__name__}") from None
    _record(delivery)
    logger.info("%s sent for consultation request %s", what, consultation.reference)


@task
def notify_staff(request_id):
    deliver(request_id, Delivery.Kind.STAFF_NOTICE)


@task
def email_patient(request_id):
    deliver(request_id, Delivery.Kind.CONFIRMATION)


@task
def send_visit_mail(delivery_id):
    """Mail about the visit booked with a request: one task per delivery (there may be several of a kind)."""
    _send(_claim(pk=delivery_id))


TASKS = {Delivery.Kind.STAFF_NOTICE: notify_staff, Delivery.Kind.CONFIRMATION: email_patient}


def owe_notices(consultation, now=None):
    """Record the mail owed for a new request and queue it; call inside the request's transaction."""
    now = now or timezone.now()
    kinds = [Delivery.Kind.STAFF_NOTICE]
    if consultation.email:
        kinds.append(Delivery.Kind.CONFIRMATION)
    for kind in kinds:
        delivery, _created = Delivery.objects.get_or_create(
            request=consultation, kind=kind, defaults={"next_attempt_at": now}
        )
        enqueue(delivery, now)
    if consultation.booking_id is not None and consultation.email:
        visit_mail.owe_reminders(consultation, consultation.booking, now)


def enqueue(delivery, now):
    if delivery.kind in TASKS:
        TASKS[delivery.kind].enqueue(delivery.request_id)
    else:
        send_visit_mail.enqueue(delivery.pk)
    delivery.enqueued_at = now
    delivery.save(update_fields=["enqueued_at"])
