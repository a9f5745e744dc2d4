"""The times a visit can be booked: weekly hours and extra sessions, less time off, closed days and
bookings that hold their time, from the minimum notice to the horizon.

Sessions are laid out in the practice's time zone (a Tuesday 9:00 session is at 9:00 local time
on either side of a daylight-saving change) and cut into visits in UTC, so every visit lasts what
it says. Three queries, whatever the horizon.
"""

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from booking.models import Booking, HoursChange, WeeklyHours


@dataclass(frozen=True, order=True)
class Opening:
    starts_at: datetime
    ends_at: datetime
    team_member_id: int


def openings(visit_type, *, now=None, closed_dates=frozenset(), on=None, within_days=None):
    """Every free visit of this type, earliest first; `on` (a local date) keeps one day's, and
    `within_days` the first that many days from the minimum notice."""
    now = now or timezone.now()
    earliest = now + timedelta(hours=visit_type.notice_hours)
    latest = now + timedelta(days=visit_type.horizon_days)
    zone = timezone.get_current_timezone()
    first_day, last_day = timezone.localdate(earliest, zone), timezone.localdate(latest, zone)
    if on is not None:
        if not first_day <= on <= last_day:
            return []
        first_day = last_day = on
    elif within_days is not None:
        last_day = min(last_day, first_day + timedelta(days=within_days - 1))
    members = set(visit_type.clinicians.values_list("pk", flat=True))
    if not members:
        return []
    window_start = max(earliest, datetime.combine(first_day, datetime.min.time(), zone))
    window_end = min(latest, datetime.combine(last_day + timedelta(days=1), datetime.min.time(), zone))

    weekly = defaultdict(list)
    for hours in WeeklyHours.objects.filter(team_member__in=members):
        weekly[hours.team_member_id, hours.weekday].append(hours)
    extra, time_off = defaultdict(list), defaultdict(list)
    for change in HoursChange.objects.filter(
        team_member__in=members, ends_at__gt=window_start, starts_at__lt=window_end
    ):
        (extra if change.available else time_off)[change.team_member_id].append((change.starts_at, change.ends_at))
    # Each team member's bookings by start; they never overlap, so their ends are in order too, and
    # a visit's clash is found by bisection, not by a look at every booking.
    taken = defaultdict(list)
    bookings = Booking.objects.holding().filter(team_member__in=members).overlapping(window_start, window_end)
    for starts, ends, member in bookings.order_by("starts_at").values_list("starts_at", "ends_at", "team_member_id"):
        taken[member].append((starts, ends))
    taken_ends = {member: [ends for _starts, ends in spans] for member, spans in taken.items()}

    found = []
    length = visit_type.length
    for member in members:
        sessions = list(extra[member])
        for day in _days(first_day, last_day):
            if day in closed_dates:
                continue
            for hours in weekly[member, day.isoweekday()]:
                sessions.append((datetime.combine(day, hours.starts, zone), datetime.combine(day, hours.ends, zone)))
        for starts, ends in _subtract(_merge(sessions), time_off[member]):
            slot = starts.astimezone(UTC)
            while slot + length <= ends:
                end = slot + length
                # The first booking ending after the slot starts is the only one that can clash.
                index = bisect_right(taken_ends.get(member, ()), slot)
                free = index == len(taken[member]) or taken[member][index][0] >= end
                if free and slot >= window_start and end <= window_end:
                    found.append(Opening(slot, end, member))
                slot = end
    return sorted(found)


def times_by_day(visit_type, *, now=None, closed_dates=frozenset(), days=6, per_day=12):
    """What a patient chooses from: the first `days` local dates with a free time, each with its
    distinct start times (whoever sees the patient), at most `per_day` of them."""
    # A fortnight holds the first days with a free time unless the calendar is nearly full; only
    # then is the whole horizon searched.
    by_day = _group(openings(visit_type, now=now, closed_dates=closed_dates, within_days=14), days, per_day)
    if len(by_day) < days:
        by_day = _group(openings(visit_type, now=now, closed_dates=closed_dates), days, per_day)
    return by_day


def _group(found, days, per_day):
    zone = timezone.get_current_timezone()
    by_day = {}
    for opening in found:
        day = opening.starts_at.astimezone(zone).date()
        if day not in by_day:
            if len(by_day) == days:
                break
            by_day[day] = []
        times = by_day[day]
        if len(times) < per_day and (not times or times[-1] != opening.starts_at):
            times.append(opening.starts_at)
    return by_day


def _days(first: date, last: date):
    while first <= last:
        yield first
        first += timedelta(days=1)


def _merge(intervals):
    merged = []
    for starts, ends in sorted(intervals):
        if merged and starts <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], ends))
        else:
            merged.append((starts, ends))
    return merged


def _subtract(intervals, removed):
    for starts, ends in intervals:
        pieces = [(starts, ends)]
        for cut_start, cut_end in removed:
            pieces = [
                piece
                for piece_start, piece_end in pieces
                for piece in ((piece_start, min(piece_end, cut_start)), (max(piece_start, cut_end), piece_end))
                if piece[0] < piece[1]
            ]
        yield from pieces
