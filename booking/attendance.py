"""What the desk records about a visit that holds its time: confirmed, arrived, did not come.

These change neither the time nor the version (`sequence`): the patient's links and reminders stay
as they are. A cancelled visit has freed its time and is not marked (the database would refuse it
back if someone else had the time meanwhile); a visit is not marked "did not come" before it starts,
nor "arrived" before its day.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from booking.models import HOLDING, Booking, BookingStatus

# What the desk can set from the agenda or a request's page, in the order the buttons show.
MARKS = (BookingStatus.CONFIRMED, BookingStatus.ARRIVED, BookingStatus.NO_SHOW, BookingStatus.BOOKED)


class MarkRefused(Exception):
    """Says in words why the visit was not marked."""


def refusal(booking, status, now):
    """Why this visit cannot be marked `status` now, in words; None if it can."""
    if status not in MARKS:
        return _("Choose confirmed, arrived, did not come or booked.")
    if booking.status not in HOLDING:
        return _("This visit was %(status)s: it cannot be marked. Book a new time instead.") % {
            "status": booking.get_status_display().lower()
        }
    return too_early(status, booking.starts_at, now)


def too_early(status, starts_at, now):
    """Why a visit at `starts_at` cannot be marked `status` yet, in words; None if it can."""
    if status == BookingStatus.NO_SHOW and starts_at > now:
        return _("This visit has not started yet: it cannot be marked as missed.")
    if status == BookingStatus.ARRIVED and timezone.localdate(starts_at) > timezone.localdate(now):
        return _("This visit is on a later day: the patient cannot have arrived for it yet.")
    return None


def mark(booking_id, status, *, now=None):
    """Set the visit's status to one of MARKS; the booking as it is now, or MarkRefused."""
    now = now or timezone.now()
    with transaction.atomic():
        # Locked, so that a cancellation cannot slip in between the check and the update.
        booking = Booking.objects.select_for_update().filter(pk=booking_id).first()
        if booking is None:
            raise MarkRefused(_("That visit is no longer in the calendar."))
        refused = refusal(booking, status, now)
        if refused:
            raise MarkRefused(refused)
        if booking.status != status:
            booking.status = status
            booking.save(update_fields=["status", "changed_at"])
    return booking
