"""Taking a time for a patient: the one place a booking is made, so the race is handled once."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from booking.availability import openings
from booking.models import Booking


class TimeTaken(Exception):
    """The time is no longer free: someone else booked it a moment ago, or it was never offered."""


def book(visit_type, starts_at, *, now=None, closed_dates=frozenset()):
    """Hold `starts_at` for a visit of this type with a team member who is free then.

    Call it inside the transaction that stores what the booking is for. The free team members are
    read first (for the usual case and for SQLite), but PostgreSQL decides: its exclusion
    constraint refuses a second booking of a team member's time, so of two patients racing for
    one time exactly one gets it; the other is tried with the next free team member, if any.
    """
    free = [
        opening.team_member_id
        for opening in openings(visit_type, now=now, closed_dates=closed_dates, on=timezone.localdate(starts_at))
        if opening.starts_at == starts_at
    ]
    for team_member_id in free:
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
