"""The agenda: a day or a week of booked visits per team member, for the desk, in the admin.

It lives here rather than in booking because it names the patients and links to their requests
(booking knows no patient). Each visit shows its time, visit type, status and request; the desk
marks it confirmed, arrived or did not come with one click (booking.attendance holds the rules).
The page is a look at patient data: each one goes on the audit trail with the references of the
requests shown, and each mark with the request it was for.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from booking import attendance
from booking.models import HOLDING, Booking
from consultations.models import AuditEntry
from practice.models import TeamMember

AGENDA_URL_NAME = "consultations_agenda"
MARK_URL_NAME = "consultations_agenda_mark"
DAY, WEEK = "day", "week"


class AgendaForm(forms.Form):
    """What the agenda shows: a day or the week around it, for everyone or one team member."""

    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}), required=False)
    view = forms.ChoiceField(
        label=_("Show"), choices=[(DAY, _("That day")), (WEEK, _("Its week"))], required=False, initial=DAY
    )
    member = forms.ModelChoiceField(
        label=_("Team member"), queryset=TeamMember.objects.all(), required=False, empty_label=_("Everyone")
    )


@dataclass
class Day:
    day: date
    visits: list = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)


@dataclass
class Column:
    """One team member's visits over the days shown, and their counts."""

    member: TeamMember
    days: list


def request_of(booking):
    """The request the visit was booked with; None for a visit staff booked in the admin."""
    try:
        return booking.consultation
    except Booking.consultation.RelatedObjectDoesNotExist:
        return None


def _bounds(first_day, days):
    zone = timezone.get_current_timezone()
    start = datetime.combine(first_day, datetime.min.time(), zone)
    return start, datetime.combine(first_day + timedelta(days=days), datetime.min.time(), zone)


def _count(counts, booking):
    if booking.status in HOLDING:
        counts["visits"] += 1
        counts[booking.status] += 1
    else:
        counts["cancelled"] += 1


def build(first_day, days, member=None):
    """[Column] for each team member with a visit or weekly hours (or the one asked for)."""
    start, end = _bounds(first_day, days)
    bookings = (
        Booking.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("visit_type", "team_member", "consultation")
        .order_by("starts_at")
    )
    if member is not None:
        bookings = bookings.filter(team_member=member)
        members = [member]
    else:
        members = list(
            TeamMember.objects.filter(
                Q(pk__in=bookings.values("team_member")) | Q(weekly_hours__isnull=False)
            ).distinct()
        )
    dates = [first_day + timedelta(days=offset) for offset in range(days)]
    by_member = {m.pk: {d: Day(d) for d in dates} for m in members}
    for booking in bookings:
        shown = by_member[booking.team_member_id][timezone.localdate(booking.starts_at)]
        _count(shown.counts, booking)
        if booking.status in HOLDING:
            booking.request = request_of(booking)
            shown.visits.append(booking)
    return [Column(m, list(by_member[m.pk].values())) for m in members]


def shown_references(columns):
    return [
        visit.request.reference
        for column in columns
        for day in column.days
        for visit in day.visits
        if visit.request is not None
    ]


def week_start(day):
    return day - timedelta(days=day.weekday())


def agenda_url(model_admin, day, view, member=None):
    query = {"day": day.isoformat(), "view": view}
    if member is not None:
        query["member"] = member.pk
    return f"{reverse(f'{model_admin.admin_site.name}:{AGENDA_URL_NAME}')}?{urlencode(query)}"


def may_see(user):
    # Names and links to requests: both permissions.
    return user.has_perm("booking.view_booking") and user.has_perm("consultations.view_consultationrequest")


def may_mark(user):
    return user.has_perm("booking.change_booking")


def marks_for(booking, now=None):
    """The buttons a visit offers now: [(status, label)] other than its own (booking.attendance's rules)."""
    now = now or timezone.now()
    return [
        (status, status.label)
        for status in attendance.MARKS
        if status != booking.status and attendance.refusal(booking, status, now) is None
    ]


def agenda_view(model_admin, request):
    if not may_see(request.user):
        raise PermissionDenied
    form = AgendaForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    day = chosen.get("day") or timezone.localdate()
    view = chosen.get("view") or DAY
    member = chosen.get("member")
    first_day, days = (week_start(day), 7) if view == WEEK else (day, 1)
    columns = build(first_day, days, member)
    AuditEntry.record(
        request.user,
        AuditEntry.Action.AGENDA,
        shown_references(columns),
        detail=f"{view} {first_day.isoformat()} member={member.pk if member else 'all'}",
    )
    step = timedelta(days=days)
    can_mark = may_mark(request.user)
    now = timezone.now()
    for column in columns:
        for shown in column.days:
            for visit in shown.visits:
                visit.marks = marks_for(visit, now) if can_mark else []
    here = agenda_url(model_admin, day, view, member)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Agenda: the week of %(day)s") % {"day": formats.date_format(first_day, "F j, Y")}
        if view == WEEK
        else gettext("Agenda: %(day)s") % {"day": formats.date_format(day, "l, F j, Y")},
        "form": form if form.is_bound else AgendaForm(initial={"day": day, "view": view}),
        "columns": columns,
        "dates": [first_day + timedelta(days=offset) for offset in range(days)],
        "week": view == WEEK,
        "earlier_url": agenda_url(model_admin, day - step, view, member),
        "later_url": agenda_url(model_admin, day + step, view, member),
        "today_url": agenda_url(model_admin, timezone.localdate(), view, member),
        "other_view_url": agenda_url(model_admin, day, DAY if view == WEEK else WEEK, member),
        "here": here,
        "mark_url_name": f"{model_admin.admin_site.name}:{MARK_URL_NAME}",
        "request_url_name": f"{model_admin.admin_site.name}:consultations_consultationrequest_change",
        "opts": model_admin.opts,
    }
    return TemplateResponse(request, "consultations/admin/agenda.html", context)


def mark_view(model_admin, request, booking_id):
    """POST only (admin_view adds the CSRF check): set a visit's status, then back where the desk was."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not may_mark(request.user):
        raise PermissionDenied
    status = request.POST.get("status", "")
    try:
        booking = attendance.mark(booking_id, status)
    except attendance.MarkRefused as refused:
        model_admin.message_user(request, str(refused), messages.ERROR)
    else:
        consultation = request_of(booking)
        label = booking.get_status_display()
        AuditEntry.record(
            request.user,
            AuditEntry.Action.VISIT,
            [consultation.reference] if consultation else [],
            detail=f"booking {booking.pk} status={booking.status}",
        )
        LogEntry.objects.log_actions(
            request.user.pk, [booking], CHANGE, gettext("Marked: %(status)s") % {"status": label}
        )
        local = timezone.localtime(booking.starts_at)
        model_admin.message_user(
            request,
            gettext("The visit at %(time)s with %(member)s is now: %(status)s.")
            % {"time": formats.date_format(local, "P, D N j"), "member": booking.team_member, "status": label},
            messages.SUCCESS,
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse(f"{model_admin.admin_site.name}:{AGENDA_URL_NAME}")
    return redirect(back)


def agenda_urls(model_admin):
    # admin_view: only staff the admin answers (past the second factor), with the CSRF check.
    site = model_admin.admin_site
    return [
        path("agenda/", site.admin_view(model_admin.agenda_view), name=AGENDA_URL_NAME),
        path("agenda/visit/<int:booking_id>/", site.admin_view(model_admin.mark_view), name=MARK_URL_NAME),
    ]


def record_staff_change(sender, booking, user, fields, **kwargs):
    """booking.signals.staff_changed: a booking saved in the admin goes on the audit trail."""
    consultation = request_of(booking)
    AuditEntry.record(
        user,
        AuditEntry.Action.VISIT,
        [consultation.reference] if consultation else [],
        detail=f"booking {booking.pk} " + ",".join(fields),
    )
