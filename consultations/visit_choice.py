"""The visit a patient may choose at the end of the form, or a call to arrange one.

The times are booking's (booking.availability): for each visit type offered, the first days with
a free time. A choice travels as "<visit type>@<start in UTC>" and is checked again when the form
is sent (the time must still be free); the booking itself is made with the request, in its
transaction (consultations.submissions), where the database has the last word.
"""

from datetime import UTC, datetime

from django.utils import timezone

from booking.availability import openings, times_by_day
from booking.models import Booking, VisitType
from booking.templatetags.booking_times import ZONE_NAMES

CALL = "call"


def offers(closed_dates):
    """[(visit type, {local date: [start, …]})] for every visit type with a free time."""
    found = []
    for visit_type in VisitType.objects.offered():
        days = times_by_day(visit_type, closed_dates=closed_dates)
        if days:
            found.append((visit_type, days))
    return found


def zone_name():
    """The practice's time zone as patients say it ("Eastern"), for the times the form shows."""
    zone = timezone.get_current_timezone()
    return str(ZONE_NAMES.get(str(zone)) or timezone.localtime(timezone.now(), zone).strftime("%Z"))


def value(visit_type, moment):
    return f"{visit_type.pk}@{moment.astimezone(UTC).strftime('%Y-%m-%dT%H:%MZ')}"


def parse(text):
    """(visit type id, start) from a value, or None if it is not one."""
    pk, _at, moment = text.partition("@")
    try:
        return int(pk), datetime.strptime(moment, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def booked_by_this_form(token_hash, visit_type_id, moment):
    """The visit type, if a request sent with this same form already holds this time; else None.

    The same form sent again (its connection dropped after the request was stored, or Back and Send)
    must find its own request, not be told that its time was taken: by itself."""
    if token_hash is None:
        return None
    booking = (
        Booking.objects.holding()
        .filter(consultation__form_token=token_hash, visit_type_id=visit_type_id, starts_at=moment)
        .select_related("visit_type")
        .first()
    )
    return booking.visit_type if booking else None


def still_free(visit_type_id, moment, closed_dates):
    """The visit type, if this start is free for it now; None if it is taken or was never offered."""
    visit_type = VisitType.objects.offered().filter(pk=visit_type_id).first()
    if visit_type is None:
        return None
    day = timezone.localdate(moment)
    free = {opening.starts_at for opening in openings(visit_type, closed_dates=closed_dates, on=day)}
    return visit_type if moment in free else None
