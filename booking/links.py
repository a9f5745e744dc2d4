"""Signed links that let a patient move or cancel a visit from an e-mail, without signing in.

Each link is for one purpose (a cancel link cannot move a visit), names only the booking's number
and version (no patient detail in the URL), expires, and dies with any change to the booking: the
version is the booking's `sequence`, which every move or cancellation moves on, so a used or older
link is refused.
"""

from datetime import timedelta

from django.core import signing
from django.urls import reverse

from booking.models import Booking

PURPOSES = ("cancel", "move", "calendar")  # booking's own pages (booking/urls.py)
# Links about a booking to another app's page: consultations' "tell me if an earlier time opens".
OTHER_PURPOSES = ("waitlist",)
# Links are good for at most this long, whatever the booking's date (the horizon is at most a year).
MAX_AGE = timedelta(days=400)


class LinkRefused(Exception):
    """Forged, expired, for another purpose, or for a booking that has changed since."""


def token(booking, purpose):
    assert purpose in PURPOSES + OTHER_PURPOSES
    return signing.dumps([booking.pk, booking.sequence], salt=f"booking.link.{purpose}")


def url(booking, purpose):
    return reverse(f"booking:{purpose}", args=[token(booking, purpose)])


def booking_for(value, purpose, *, lock=False):
    """The booking a link is for, as it still is; LinkRefused otherwise. `lock` takes its row lock."""
    try:
        pk, sequence = signing.loads(value, salt=f"booking.link.{purpose}", max_age=MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise LinkRefused from error
    # The booking's row only: locking its visit type and team member too (select_related joins them)
    # would deadlock with a booking made on the form at the same moment.
    bookings = Booking.objects.select_for_update(of=("self",)) if lock else Booking.objects
    booking = bookings.select_related("visit_type", "team_member").filter(pk=pk, sequence=sequence).first()
    if booking is None or not booking.holds_its_time:
        raise LinkRefused
    return booking
