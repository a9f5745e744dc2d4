"""The patient's side of a booked visit, reached from the links in their e-mails (booking.links).

Nothing happens on GET (mail scanners open links): each page shows the visit and asks for a
button press. Never cached, never indexed; the link's token is the only thing in the URL.
"""

from datetime import timedelta
from functools import wraps

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from booking import calendar, holding, links
from booking.availability import times_by_day
from practice.models import practice_for


def _too_late(booking, practice):
    return booking.starts_at - timezone.now() < timedelta(hours=practice.booking_change_cutoff_hours)


def _refused(request):
    return render(request, "booking/link_refused.html", status=404)


def from_link(purpose):
    """A view reached by a link for `purpose`: called with the booking it names, the practice, and
    whether the visit is inside the cut-off; a refused link gets the "no longer works" page."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, token):
            practice = practice_for(request)
            try:
                booking = links.booking_for(token, purpose)
            except links.LinkRefused:
                return _refused(request)
            return view(request, token, booking, practice, _too_late(booking, practice))

        return never_cache(wrapper)

    return decorator


@from_link("cancel")
def cancel(request, token, booking, practice, too_late):
    if request.method == "POST" and not too_late:
        with transaction.atomic():
            try:
                booking = links.booking_for(token, "cancel", lock=True)
            except links.LinkRefused:  # changed since the page was shown
                return _refused(request)
            holding.cancel(booking, by="patient")
        return redirect("booking:cancelled")
    return render(request, "booking/cancel.html", {"booking": booking, "too_late": too_late})


@never_cache
def calendar_file(request, token):
    """The visit as an .ics file, for the patient's calendar."""
    try:
        booking = links.booking_for(token, "calendar")
    except links.LinkRefused:
        return _refused(request)
    response = HttpResponse(calendar.invitation_for_site(booking, practice_for(request)), content_type="text/calendar")
    response["Content-Disposition"] = 'attachment; filename="visit.ics"'
    return response


@never_cache
def cancelled(request):
    return render(request, "booking/cancelled.html")


@from_link("move")
def move(request, token, booking, practice, too_late):
    error = ""
    if request.method == "POST" and not too_late:
        chosen = parse_datetime(request.POST.get("starts_at", ""))
        offered = _offered(booking, practice)
        if chosen is None or not any(chosen == moment for moments in offered.values() for moment in moments):
            error = _("Choose one of the times below.")
        else:
            with transaction.atomic():
                try:
                    booking = links.booking_for(token, "move", lock=True)
                    booking = holding.move(booking, chosen, by="patient", closed_dates=practice.closed_dates)
                except links.LinkRefused:
                    return _refused(request)
                except holding.TimeTaken:
                    error = _("That time was just taken by someone else. Here are the next free times.")
            if not error:
                return render(request, "booking/moved.html", {"booking": booking})
    context = {"booking": booking, "too_late": too_late, "error": error}
    if not too_late:
        context["days"] = _offered(booking, practice)
    return render(request, "booking/move.html", context, status=409 if error else 200)


def _offered(booking, practice):
    return times_by_day(booking.visit_type, closed_dates=practice.closed_dates)
