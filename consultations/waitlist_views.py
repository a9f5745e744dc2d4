"""The patient's side of the waitlist, reached from links: asking to hear of an earlier time (from
the confirmation page and e-mail), and claiming one offered by e-mail (consultations.waitlist).

As booking.views: nothing happens on GET (mail scanners open links), each page asks for a button
press; never cached; the link's token is the only thing in the URL.
"""

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from booking import links
from consultations import waitlist, waitlist_links
from consultations.models import ConsultationRequest, WaitlistEntry, WaitlistOffer
from practice.models import practice_for


def _refused(request):
    return render(request, "booking/link_refused.html", status=404)


@never_cache
def join(request, token):
    """Ask to be e-mailed if an earlier time opens for this visit, or stop asking."""
    try:
        booking = links.booking_for(token, "waitlist")
    except links.LinkRefused:
        return _refused(request)
    consultation = ConsultationRequest.objects.filter(booking=booking).first()
    if consultation is None or not waitlist.can_join(consultation, booking):
        return _refused(request)
    cutoff = timedelta(hours=practice_for(request).booking_change_cutoff_hours)
    too_late = booking.starts_at - timezone.now() < cutoff
    entry, done = waitlist.waiting_entry(booking), ""
    if request.method == "POST" and not too_late:
        if request.POST.get("action") == "leave":
            if entry is not None:
                waitlist.leave(entry, WaitlistEntry.Ended.LEFT)
            entry, done = None, "left"
        else:
            entry, done = waitlist.join(consultation, booking), "joined"
    context = {"booking": booking, "entry": entry, "too_late": too_late, "done": done}
    return render(request, "consultations/waitlist.html", context)


@never_cache
def claim(request, token):
    """An earlier time offered by e-mail: shown, then taken with a button press if still free."""
    try:
        offer_pk, sequence = waitlist_links.read(token)
    except waitlist_links.LinkRefused:
        return _refused(request)
    offer = (
        WaitlistOffer.objects.select_related(
            "freed_time__visit_type", "entry__booking__visit_type", "entry__booking__team_member"
        )
        .filter(pk=offer_pk)
        .first()
    )
    if offer is None:
        return _refused(request)
    booking = offer.entry.booking
    if request.method == "POST":
        try:
            booking = waitlist.claim(offer.pk, sequence)
        except waitlist.ClaimRefused as refused:
            reason = refused.reason
        else:
            return render(request, "booking/moved.html", {"booking": booking})
        booking.refresh_from_db()
        status = 409
    else:
        reason, status = waitlist.refusal(offer, sequence), 200
    context = {
        "offer": offer,
        "offered": offer.freed_time.starts_at,
        "booking": booking,
        "refused": reason,
        "still_waiting": reason is not None and waitlist.waiting_entry(booking) is not None,
    }
    return render(request, "consultations/earlier_time.html", context, status=status)
