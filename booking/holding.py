"""Taking, moving and freeing a time: the one place bookings change, so the race is handled once."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from booking.availability import Opening, openings
from booking.models import Booking, BookingStatus
from booking.signals import booking_changed


class TimeTaken(Exception):
    """The time is no longer free: someone else booked it a moment ago, or it was never offered."""


def _free_team_members(visit_type, starts_at, now, closed_dates, only=None):
    return [
        opening.team_member_id
        for opening in openings(visit_type, now=now, closed_dates=closed_dates, on=timezone.localdate(starts_at))
        if opening.starts_at == starts_at and only in (None, opening.team_member_id)
    ]


def book(visit_type, starts_at, *, now=None, closed_dates=frozenset()):
    """Hold `starts_at` for a visit of this type with a team member who is free then.

    Call it inside the transaction that stores what the booking is for. The free team members are
    read first (for the usual case and for SQLite), but PostgreSQL decides: its exclusion
    constraint refuses a second booking of a team member's time, so of two patients racing for
    one time exactly one gets it; the other is tried with the next free team member, if any.
    """
    for team_member_id in _free_team_members(visit_type, starts_at, now, closed_dates):
        try:
            with transaction.atomic():  # a savepoint: a refused insert leaves the caller's transaction usable
                return Booking.objects.create(
                    team_member_id=team_member_id,
                    visit_type=visit_type,
                    starts_at=starts_at,
                    ends_at=starts_at + visit_type.length,
                )
        except IntegrityError:
            continue
    raise TimeTaken


def _span(booking):
    """The time a booking holds, as an opening: what a move or cancellation frees."""
    return Opening(booking.starts_at, booking.ends_at, booking.team_member_id) if booking.holds_its_time else None


def move(booking, starts_at, *, by, now=None, closed_dates=frozenset(), team_member_id=None):
    """Move a booking to another free time (the same row, so its links' owner and invitation stay one);
    with `team_member_id`, only to that team member's time."""
    freed = _span(booking)
    with transaction.atomic():
        for member in _free_team_members(booking.visit_type, starts_at, now, closed_dates, team_member_id):
            try:
                with transaction.atomic():
                    Booking.objects.filter(pk=booking.pk).update(
                        team_member_id=member,
                        starts_at=starts_at,
                        ends_at=starts_at + booking.visit_type.length,
                        sequence=F("sequence") + 1,
                        changed_at=timezone.now(),
                    )
            except IntegrityError:
                continue
            booking.refresh_from_db()
            transaction.on_commit(
                lambda: booking_changed.send(Booking, booking=booking, change="moved", by=by, freed=freed)
            )
            return booking
    raise TimeTaken


def cancel(booking, *, by):
    """Free the booking's time at once; `by` is "patient" or "practice"."""
    status = BookingStatus.CANCELLED_BY_PATIENT if by == "patient" else BookingStatus.CANCELLED_BY_PRACTICE
    freed = _span(booking)
    with transaction.atomic():
        changes = {"status": status, "sequence": F("sequence") + 1, "changed_at": timezone.now()}
        Booking.objects.filter(pk=booking.pk).update(**changes)
        booking.refresh_from_db()
        transaction.on_commit(
            lambda: booking_changed.send(Booking, booking=booking, change="cancelled", by=by, freed=freed)
        )
    return booking
