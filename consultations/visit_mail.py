"""Mail about the visit booked with a request: reminders, and word of a move or a cancellation.

Each is a Delivery (consultations.models) like the confirmation, so it is sent by the worker at
most once, retried within bounds, and recorded. A reminder is owed for one version of the visit
(the booking's `sequence`) and waits until its time (its `next_attempt_at`): the sweep
(consultations.mail_retries) queues it once due, also after the worker was down. When the visit
moves or is cancelled (booking.signals.booking_changed), the reminders of the old version go and
the patient is told; a reminder whose version is gone, or whose visit has begun, is never sent.
"""

from django.db import transaction
from django.utils import timezone

from consultations.models import ConsultationRequest, Delivery
from practice.models import Practice


def owe_reminders(consultation, booking, now=None):
    """The reminders for this version of the visit, each due its hours before it (practice setting)."""
    now = now or timezone.now()
    for offset in Practice.objects.current().reminder_offsets:
        due = booking.starts_at - offset
        if due <= now:
            continue  # booked at short notice: this reminder would come after the booking itself
        Delivery.objects.get_or_create(
            request=consultation,
            kind=Delivery.Kind.REMINDER,
            booking_sequence=booking.sequence,
            reminder_hours=int(offset.total_seconds() // 3600),
            defaults={"next_attempt_at": due},
        )


def still_owed(delivery, now):
    """Whether mail about a visit still says something true: the version it is about is current
    (a cancellation is always news), a reminder comes before the visit, and an earlier time offered
    is still there to claim (consultations.waitlist; word that it was taken is always news)."""
    if delivery.kind == Delivery.Kind.WAITLIST_OFFER:
        return delivery.offer.is_open
    if delivery.kind not in (Delivery.Kind.REMINDER, Delivery.Kind.VISIT_MOVED):
        return True
    booking = delivery.request.booking
    if booking is None or not booking.holds_its_time or booking.sequence != delivery.booking_sequence:
        return False
    return delivery.kind != Delivery.Kind.REMINDER or booking.starts_at > now


def booking_changed(sender, booking, change, by, **kwargs):
    """booking.signals.booking_changed: the reminders of the old version go; the patient is told."""
    from consultations.tasks import enqueue

    consultation = ConsultationRequest.objects.filter(booking=booking).first()
    if consultation is None or not consultation.email:
        return  # a phone-only patient: the front desk calls
    now = timezone.now()
    with transaction.atomic():
        consultation.deliveries.filter(kind=Delivery.Kind.REMINDER, sent_at__isnull=True).exclude(
            booking_sequence=booking.sequence
        ).delete()
        kind = Delivery.Kind.VISIT_CANCELLED if change == "cancelled" else Delivery.Kind.VISIT_MOVED
        delivery, created = Delivery.objects.get_or_create(
            request=consultation, kind=kind, booking_sequence=booking.sequence, defaults={"next_attempt_at": now}
        )
        if created:
            enqueue(delivery, now)
        if change == "moved":
            owe_reminders(consultation, booking, now)
