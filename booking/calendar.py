"""The `.ics` invitation for a booking (RFC 5545, written by the icalendar package).

The visit's start and end carry the practice's time zone with its VTIMEZONE, so a calendar shows
the right local time on either side of a daylight-saving change. Nothing about the patient or
their health is in it: the practice, the kind of visit, where, and how to change it.
"""

from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from booking import links
from booking.models import BookingStatus


def invitation_for_site(booking, practice):
    """The invitation with this site's host in its UID and the link to move or cancel in its text."""
    site = settings.CLINIC_SITE_URL
    return invitation(
        booking, practice=practice, site_host=urlsplit(site).hostname, change_url=site + links.url(booking, "move")
    )


def invitation(booking, *, practice, site_host, change_url=""):
    """The invitation as bytes; for a cancelled booking, the cancellation of the same event."""
    zone = timezone.get_current_timezone()
    cancelled = booking.status in (BookingStatus.CANCELLED_BY_PATIENT, BookingStatus.CANCELLED_BY_PRACTICE)
    visit = booking.visit_type
    if visit.by_video:
        location = _("By video (the link comes by e-mail before the visit)")
    else:
        location = ", ".join(part for part in [practice.name, *practice.address_lines] if part.strip(", "))
    lines = [visit.instructions.strip(), _("Questions, or to change it: call %(phone)s.") % {"phone": practice.phone}]
    if change_url and not cancelled:
        lines.append(_("Move or cancel online: %(url)s") % {"url": change_url})
    event = icalendar.Event.new(
        uid=f"booking-{booking.pk}@{site_host}",
        sequence=booking.sequence,
        stamp=timezone.now(),
        start=booking.starts_at.astimezone(zone),
        end=booking.ends_at.astimezone(zone),
        summary=_("%(visit)s at %(practice)s") % {"visit": visit.name, "practice": practice.name},
        location=location,
        description="\n\n".join(line for line in lines if line),
        status="CANCELLED" if cancelled else "CONFIRMED",
    )
    calendar = icalendar.Calendar.new(
        prodid=f"-//{practice.name}//Booking//EN",
        method="CANCEL" if cancelled else "PUBLISH",
        subcomponents=[event],
    )
    calendar.add_missing_timezones()
    return calendar.to_ical()
