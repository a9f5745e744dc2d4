"""The front desk's worklist: when a request is due, the order of the list, and the saved views.

A request is **due** by the end of the day the practice promised the patient a reply
(Practice.reply_by: that many open days after the day it arrived, counted on the practice's open
days). The patient's confirmation, their e-mail and this queue read the same promise, so staff
never work to a date other than the one the patient was given. `due_by` is the one place the queue
reads it; the list's order, the overdue marks and the "Due today" view all follow from it.

The list is sorted in the database by arrival, not by a stored due time: the promised day never
moves earlier for a later arrival (tests/test_front_desk.py checks it hour by hour), so oldest
arrival first *is* oldest due first within each group, and nothing stored goes stale when the
practice changes its open days. Time-sensitive requests, due sooner, are a group of their own on top.
"""

from datetime import datetime, time, timedelta

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone

from consultations.choices import FINISHED_STATUSES, Onset, Status

# The promise is to reply: it runs while nobody has been in touch yet.
AWAITING_REPLY = (Status.NEW,)
# Time-sensitive requests stay pinned on top until the patient is reached (booked) or it is closed:
# after a voicemail or an e-mail (status contacted) they still need reaching, and soon.
STILL_TO_REACH = (Status.NEW, Status.CONTACTED)
# A time-sensitive request: symptoms began in the last three days (ConsultationRequest.is_urgent).
TIME_SENSITIVE = Q(onset=Onset.LAST_3_DAYS)


def due_by(created_at, practice, time_sensitive=False):
    """The end of the day by which the front desk replies, in the practice's time zone.

    Time-sensitive: the end of the day it arrived, whatever the practice promises (the advice to
    the patient is "today"). Otherwise the end of the day the practice promised; None when it
    promises no date (then nothing is ever overdue).
    """
    day = timezone.localdate(created_at) if time_sensitive else practice.reply_by(created_at)
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.max))


def due_for(consultation, practice):
    return due_by(consultation.created_at, practice, consultation.is_urgent)


def is_awaiting_reply(consultation):
    return consultation.status in AWAITING_REPLY


def is_overdue(due, consultation, now=None):
    return is_awaiting_reply(consultation) and due is not None and due < (now or timezone.now())


def ordering():
    """The list's order: time-sensitive requests still to reach, then the rest awaiting a reply,
    oldest due first; then everything else (being handled or finished), newest first."""
    pinned = TIME_SENSITIVE & Q(status__in=STILL_TO_REACH)
    awaiting = Q(status__in=AWAITING_REPLY)
    group = Case(
        When(pinned, then=Value(0)), When(awaiting, then=Value(1)), default=Value(2), output_field=IntegerField()
    )
    # Arrival order is due order (see the module's docstring); the other group has no due time.
    due_order = Case(When(pinned | awaiting, then=F("created_at")))
    return [group.asc(), due_order.asc(nulls_last=True), F("created_at").desc()]


def open_requests(queryset):
    """Requests still being worked: not completed, closed or held as spam."""
    return queryset.exclude(status__in=FINISHED_STATUSES)


def _due_before(queryset, practice, moment):
    """Requests awaiting a reply whose due time is before `moment`.

    Chosen with due_by itself rather than a database expression, so the rule lives in one place;
    requests awaiting a reply are the desk's inbox, a short list.
    """
    awaiting = queryset.filter(status__in=AWAITING_REPLY).values_list("pk", "created_at", "onset")
    return queryset.filter(
        pk__in=[
            pk
            for pk, created_at, onset in awaiting
            if (due := due_by(created_at, practice, onset == Onset.LAST_3_DAYS)) and due < moment
        ]
    )


def due_today(queryset, practice, now=None):
    """Requests awaiting a reply that are due by the end of today (those overdue included)."""
    now = timezone.localtime(now or timezone.now())
    end_of_today = timezone.make_aware(datetime.combine(now.date() + timedelta(days=1), time.min))
    return _due_before(queryset, practice, end_of_today)


def overdue(queryset, practice, now=None):
    """Requests awaiting a reply whose due time has passed."""
    return _due_before(queryset, practice, now or timezone.now())


def time_sensitive(queryset):
    """Time-sensitive requests still to reach: the ones pinned on top of the list."""
    return queryset.filter(TIME_SENSITIVE, status__in=STILL_TO_REACH)


def next_in_queue(queryset, current_pk):
    """The open request after this one in `queryset`, the list the desk is working, in its order
    ("Save and next"); None at the end.

    Read before the change is saved: an outcome moves the request within the order, and the desk
    means the one that came after it on the list they were working.
    """
    # As text: the admin's object id comes from the URL.
    order = [str(pk) for pk in open_requests(queryset).values_list("pk", flat=True)]
    current = str(current_pk)
    following = order[order.index(current) + 1 :] if current in order else order
    return next((int(pk) for pk in following if pk != current), None)
