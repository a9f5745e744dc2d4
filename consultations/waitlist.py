"""The waitlist: patients with a booked visit who asked to be e-mailed if an earlier time opens.

When a booking frees its time (booking.signals.booking_changed, after commit: a cancellation or a
move, by the patient's link, by staff in the admin, or by another patient's claim), the time is
offered at once to the first waiting patients it fits, in the order they asked, at most the
practice's `waitlist_offers` of them: the same visit type, earlier than the visit they hold and
than the time they asked with, at least the visit type's notice ahead, and their own visit outside
the change cut-off (as for a move by link). Each gets an e-mail with a claim link
(consultations.waitlist_links).

The first claim moves that patient's visit to the freed time with the same team member
(booking.holding.move): PostgreSQL's exclusion constraint decides between claims at the same
moment, so exactly one booking gets the time. The winner's transaction closes the freed time, once
(a conditional update), ends their entry and owes each other patient offered it a "that time has
been taken" e-mail, once (a delivery per offer and kind). The winner's old time is freed in turn
and offered the same way: the cascade follows claims, and each step mails a bounded few.

Why everyone at once rather than one at a time with a hold: a freed time is usually days away, and
a hold per patient would let it go unclaimed while the next in line waits their turn; offering it to
a few at once fills it quickly, and the cap keeps the "taken" mail to those few. Who asked first is
mailed first.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from booking import holding
from booking.availability import Opening, openings
from booking.models import HOLDING, Booking
from consultations.choices import NO_MAIL_STATUSES
from consultations.models import Delivery, FreedTime, WaitlistEntry, WaitlistOffer
from consultations.tasks import enqueue
from practice.models import Practice

Ended = WaitlistEntry.Ended
Closed = FreedTime.Closed


class ClaimRefused(Exception):
    """A claim that cannot be granted; `reason` is one of the constants below, for the page to say why."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


TAKEN = "taken"  # someone else has the time
PASSED = "passed"  # the time, or the patient's own visit, is too close to change online
ENDED = "ended"  # the patient's visit was cancelled or changed, or they left the waitlist
NOT_EARLIER = "not_earlier"  # the patient's visit is already at that time or earlier


def can_join(consultation, booking):
    """Whether this visit may go on the waitlist: booked, with an e-mail address to offer times to."""
    return bool(consultation.email) and booking is not None and booking.holds_its_time


def join(consultation, booking, now=None):
    """Put the visit on the waitlist (once: a visit already waiting keeps its place)."""
    try:
        with transaction.atomic():
            return WaitlistEntry.objects.create(
                request=consultation, booking=booking, wanted_before=booking.starts_at, created_at=now or timezone.now()
            )
    except IntegrityError:  # already waiting: one waiting entry per visit (a unique constraint)
        return waiting_entry(booking)


def leave(entry, why, now=None):
    """End a waiting entry (once); whether it was waiting."""
    return bool(_end(WaitlistEntry.objects.filter(pk=entry.pk), why, now))


def _end(entries, why, now=None):
    return entries.waiting().update(ended_at=now or timezone.now(), ended_why=why)


def waiting_entry(booking):
    return WaitlistEntry.objects.waiting().filter(booking=booking).first()


def booking_changed(sender, booking, change, by, freed=None, **kwargs):
    """booking.signals.booking_changed: the visit's own entry ends if it was cancelled or moved
    earlier than asked; the time it freed is offered to those waiting."""
    entries = WaitlistEntry.objects.filter(booking=booking)
    if change == "cancelled" or not booking.holds_its_time:
        _end(entries, Ended.CANCELLED)
    else:
        _end(entries.filter(wanted_before__gt=booking.starts_at), Ended.EARLIER)
    if freed is not None:
        offer_freed_time(freed, booking.visit_type)


def eligible(visit_type, starts_at, now, practice):
    """Waiting entries a time of this visit type fits, in waitlist order (who asked first)."""
    return (
        WaitlistEntry.objects.waiting()
        .filter(
            booking__visit_type=visit_type,
            booking__status__in=HOLDING,
            booking__starts_at__gt=starts_at,
            wanted_before__gt=starts_at,
            # The patient's own visit must still be theirs to change online.
            booking__starts_at__gte=now + timedelta(hours=practice.booking_change_cutoff_hours),
        )
        .exclude(request__email="")
        .exclude(request__status__in=NO_MAIL_STATUSES)
        .select_related("request", "booking")
        .order_by("created_at", "pk")
    )


def is_free(team_member_id, visit_type, starts_at, closed_dates, now=None):
    """Whether this team member can see a visit of this type at that time now: they see the type,
    it is in their hours, beyond the visit type's notice, and nobody holds it."""
    wanted = Opening(starts_at, starts_at + visit_type.length, team_member_id)
    day = timezone.localdate(starts_at)
    return wanted in openings(visit_type, now=now, closed_dates=closed_dates, on=day)


def offer_freed_time(freed, visit_type, now=None):
    """Offer a freed time to the first waiting patients it fits; the FreedTime, or None if nobody."""
    now = now or timezone.now()
    practice = Practice.objects.current()
    if not is_free(freed.team_member_id, visit_type, freed.starts_at, practice.closed_dates, now):
        return None
    entries = list(eligible(visit_type, freed.starts_at, now, practice)[: practice.waitlist_offers])
    if not entries:
        return None
    with transaction.atomic():
        freed_time = FreedTime.objects.create(
            team_member_id=freed.team_member_id, visit_type=visit_type, starts_at=freed.starts_at, created_at=now
        )
        for entry in entries:  # in waitlist order: the first to ask is mailed first
            offer = WaitlistOffer.objects.create(freed_time=freed_time, entry=entry, created_at=now)
            delivery = Delivery.objects.create(
                request=entry.request, kind=Delivery.Kind.WAITLIST_OFFER, offer=offer, next_attempt_at=now
            )
            enqueue(delivery, now)
    return freed_time


def claim(offer_pk, sequence, now=None):
    """Give the offer's freed time to its patient: their visit (still at version `sequence`, as the
    claim link was made for) moves there. The booking, moved; ClaimRefused otherwise, nothing changed."""
    now = now or timezone.now()
    practice = Practice.objects.current()
    with transaction.atomic():
        offer = WaitlistOffer.objects.select_related("freed_time__visit_type", "entry").get(pk=offer_pk)
        # The patient's visit, locked: a cancellation or move by their own link waits for the claim,
        # or the claim sees it done. Its row only: locking the visit type's too would hold up (and
        # deadlock with) any booking of that type, whose foreign key check must share it.
        bookings = Booking.objects.select_for_update(of=("self",)).select_related("visit_type")
        booking = bookings.get(pk=offer.entry.booking_id)
        _check(offer, booking, sequence, now, practice)
        freed = offer.freed_time
        try:
            holding.move(
                booking,
                freed.starts_at,
                by="patient",
                now=now,
                closed_dates=practice.closed_dates,
                team_member_id=freed.team_member_id,
            )
        except holding.TimeTaken:
            taken = True
        else:
            taken = False
            if not _close(freed, Closed.CLAIMED, now):
                raise ClaimRefused(TAKEN)  # closed meanwhile: undo the move
            WaitlistOffer.objects.filter(pk=offer.pk).update(claimed_at=now)
            _end(WaitlistEntry.objects.filter(pk=offer.entry_id), Ended.EARLIER, now)
            tell_the_others(freed, offer, now)
    if taken:
        # Booked by someone else (a claim or not): the others hear it once, from whoever closes it.
        with transaction.atomic():
            if _close(freed, Closed.TAKEN, now):
                tell_the_others(freed, offer, now)
        raise ClaimRefused(TAKEN)
    return booking


def refusal(offer, sequence, now=None):
    """Why a claim of this offer would be refused now (one of the reasons above), or None: for the
    page the claim link opens, before the patient presses the button."""
    try:
        _check(offer, offer.entry.booking, sequence, now or timezone.now(), Practice.objects.current())
    except ClaimRefused as refused:
        return refused.reason
    return None


def _check(offer, booking, sequence, now, practice):
    freed, entry = offer.freed_time, offer.entry
    if not freed.is_open:
        raise ClaimRefused(PASSED if freed.closed_why == Closed.PASSED else TAKEN)
    if not entry.is_waiting or not booking.holds_its_time or booking.sequence != sequence:
        raise ClaimRefused(ENDED)
    if freed.starts_at >= booking.starts_at:
        raise ClaimRefused(NOT_EARLIER)
    too_close = now + timedelta(hours=freed.visit_type.notice_hours)
    if freed.starts_at < too_close or booking.starts_at < now + timedelta(hours=practice.booking_change_cutoff_hours):
        raise ClaimRefused(PASSED)


def _close(freed, why, now):
    """Close a freed time that is still open; whether this call closed it (only one ever does)."""
    return FreedTime.objects.filter(pk=freed.pk, closed_at__isnull=True).update(closed_at=now, closed_why=why)


def tell_the_others(freed, claimed_by, now):
    """The time is gone: offer mails not yet on their way are dropped, and each patient whose offer
    went out (or is going out) is owed one "that time has been taken" e-mail."""
    others = WaitlistOffer.objects.filter(freed_time=freed).exclude(pk=getattr(claimed_by, "pk", None))
    offers = Delivery.objects.filter(offer__in=others, kind=Delivery.Kind.WAITLIST_OFFER)
    offers.filter(sent_at__isnull=True, claimed_at__isnull=True).delete()
    told = offers.exclude(sent_at__isnull=True, claimed_at__isnull=True).select_related("offer__entry")
    for offer_mail in told:
        delivery, created = Delivery.objects.get_or_create(
            offer=offer_mail.offer,
            kind=Delivery.Kind.WAITLIST_TAKEN,
            defaults={"request_id": offer_mail.request_id, "next_attempt_at": now},
        )
        if created:
            enqueue(delivery, now)


def close_gone(now=None):
    """For the sweep: freed times now too close are closed quietly, those booked by someone outside
    the waitlist are closed and the patients offered them told; entries whose visit passed end."""
    now = now or timezone.now()
    closed_dates = Practice.objects.current().closed_dates
    _end(WaitlistEntry.objects.filter(booking__starts_at__lte=now), Ended.PASSED, now)
    for freed in FreedTime.objects.filter(closed_at__isnull=True).select_related("visit_type"):
        if freed.starts_at < now + timedelta(hours=freed.visit_type.notice_hours):
            _close(freed, Closed.PASSED, now)
        elif not is_free(freed.team_member_id, freed.visit_type, freed.starts_at, closed_dates, now):
            with transaction.atomic():
                if _close(freed, Closed.TAKEN, now):
                    tell_the_others(freed, None, now)
