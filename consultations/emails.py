"""The two e-mails about a request. Neither carries anything about the patient's health; the
staff notice carries nothing about the patient at all, only the reference, a link and, for a
time-sensitive request, those words (never why: not the onset, the concern or anything sent)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from booking import calendar, links
from consultations import waitlist_links
from practice.models import Practice
from practice.site_url import absolute_url


def staff_notice(consultation):
    context = {
        "reference": consultation.reference,
        # The request's page in the admin. Not get_absolute_url: a request has no page on the site,
        # and the admin's "View on site" must not lead back into the admin.
        "admin_url": absolute_url(reverse("admin:consultations_consultationrequest_change", args=[consultation.pk])),
        "received": consultation.created_at,
        "time_sensitive": consultation.is_urgent,
        # How many photos came, never the photos: staff open them in the admin.
        "photo_count": consultation.photos.count(),
    }
    subject = _("New consultation request %(reference)s") % {"reference": consultation.reference}
    if consultation.is_urgent:
        subject = _("Time-sensitive: %(subject)s") % {"subject": subject}
    return EmailMessage(
        subject=subject,
        body=render_to_string("consultations/email/staff_notice.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=settings.CLINIC_STAFF_EMAILS,
    )


def patient_confirmation(consultation):
    practice = Practice.objects.current()
    context = {
        "reference": consultation.reference,
        "practice": practice,
        "reply_by": practice.reply_by(consultation.created_at),
        "site_url": absolute_url("/"),
        "emergency_number": settings.CLINIC_EMERGENCY_NUMBER,
    }
    booking = consultation.booking
    if booking is not None and booking.holds_its_time:
        # The visit, its links and its invitation: the time, the place, how to change it; no health detail.
        context["booking"] = booking
        context.update({f"{purpose}_url": absolute_url(links.url(booking, purpose)) for purpose in ("move", "cancel")})
        context["waitlist_url"] = absolute_url(waitlist_links.join_url(booking))
        context["on_waitlist"] = booking.waitlist_entries.waiting().exists()
    message = EmailMessage(
        subject=_("We have your consultation request %(reference)s") % {"reference": consultation.reference},
        body=render_to_string("consultations/email/patient_confirmation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[consultation.email],
    )
    if "booking" in context:
        message.attach("visit.ics", calendar.invitation_for_site(booking, practice), "text/calendar")
    return message


def _visit_message(delivery, subject, template, invitation=True):
    consultation, booking = delivery.request, delivery.request.booking
    practice = Practice.objects.current()
    context = {
        "reference": consultation.reference,
        "practice": practice,
        "booking": booking,
        "site_url": absolute_url("/"),
        "reminder_hours": delivery.reminder_hours,
    }
    if booking.holds_its_time:
        context.update({f"{purpose}_url": absolute_url(links.url(booking, purpose)) for purpose in ("move", "cancel")})
    message = EmailMessage(
        subject=subject % {"reference": consultation.reference},
        body=render_to_string(template, context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[consultation.email],
    )
    if invitation:
        # The same event as before: a calendar replaces it (higher SEQUENCE) or removes it (METHOD:CANCEL).
        message.attach("visit.ics", calendar.invitation_for_site(booking, practice), "text/calendar")
    return message


def visit_moved(delivery):
    return _visit_message(
        delivery, _("Your visit has a new time (%(reference)s)"), "consultations/email/visit_moved.txt"
    )


def visit_cancelled(delivery):
    return _visit_message(
        delivery, _("Your visit is cancelled (%(reference)s)"), "consultations/email/visit_cancelled.txt"
    )


def visit_reminder(delivery):
    return _visit_message(
        delivery, _("Reminder: your visit (%(reference)s)"), "consultations/email/visit_reminder.txt", invitation=False
    )


def _earlier_time_message(delivery, subject, template):
    """Mail about an earlier time offered from the waitlist: the time, the visit it would replace,
    and (for an offer) the link to claim it; nothing about the patient's health."""
    offer = delivery.offer
    consultation, booking = delivery.request, offer.entry.booking
    context = {
        "reference": consultation.reference,
        "practice": Practice.objects.current(),
        "offered": offer.freed_time.starts_at,
        "booking": booking,
        "still_waiting": offer.entry.is_waiting and booking.holds_its_time,
        "claim_url": absolute_url(waitlist_links.url(offer)),
        "site_url": absolute_url("/"),
    }
    return EmailMessage(
        subject=subject % {"reference": consultation.reference},
        body=render_to_string(template, context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[consultation.email],
    )


def earlier_time_offered(delivery):
    return _earlier_time_message(
        delivery, _("An earlier time for your visit (%(reference)s)"), "consultations/email/earlier_time_offered.txt"
    )


def earlier_time_taken(delivery):
    return _earlier_time_message(
        delivery, _("The earlier time has been taken (%(reference)s)"), "consultations/email/earlier_time_taken.txt"
    )
