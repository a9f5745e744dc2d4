"""The front desk's side of the request admin: list columns, saved views, the panel on a request's
page and its one-click outcomes. The rules themselves live in worklist.py, earlier.py and outcomes.py;
this module only shows them. ConsultationRequestAdmin (admin.py) calls it from its hooks.
"""

import copy

from django.contrib import admin, messages
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import display_for_field, label_for_field, lookup_field, unquote
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect
from django.template.defaultfilters import linebreaksbr
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from booking.models import BookingStatus
from consultations import agenda, earlier, outcomes, phones, photo_admin, worklist
from consultations.choices import ContactMethod
from consultations.models import ConsultationRequest
from practice.models import practice_for

OUTCOME_URL_NAME = "consultations_consultationrequest_outcome"


def _when(moment):
    local = timezone.localtime(moment)
    return format_html('<time datetime="{}">{}</time>', local.isoformat(), formats.date_format(local, "D, N j, P"))


def due_words(due, now=None):
    """The due time in a few words, counted in the practice's days: "Due today", "Due in 2 days",
    "Overdue by 1 day". Short, so the list's due column stays one or two lines at 1280px."""
    now = now or timezone.now()
    today, day = timezone.localdate(now), timezone.localdate(due)
    if due < now:
        # Due at the end of a day: once it has passed, that day is behind us, so at least one.
        late = max(1, (today - day).days)
        return ngettext("Overdue by %(count)d day", "Overdue by %(count)d days", late) % {"count": late}
    ahead = (day - today).days
    if ahead == 0:
        return gettext("Due today")
    if ahead == 1:
        return gettext("Due tomorrow")
    return ngettext("Due in %(count)d day", "Due in %(count)d days", ahead) % {"count": ahead}


def due_html(consultation, practice, now=None, full=False):
    """When it is due in words ("Due in 2 days"), overdue in bold and red (never by color alone);
    "—" once replied to, or when the practice promises no date. `full` adds the date and time."""
    due = worklist.due_for(consultation, practice)
    if not worklist.is_awaiting_reply(consultation) or due is None:
        return "—"
    local = timezone.localtime(due)
    words = format_html('<time datetime="{}">{}</time>', local.isoformat(), due_words(due, now))
    if worklist.is_overdue(due, consultation, now):
        words = format_html('<span class="due-overdue"><strong>{}</strong></span>', words)
    if full:
        return format_html("{} ({})", words, formats.date_format(local, "D, N j, P"))
    return words


def due_cell_html(consultation, practice):
    """The list's due column: the Time-sensitive tag above the due time (one column for both)."""
    tag = time_sensitive_tag(consultation)
    due = due_html(consultation, practice)
    return format_html("{}<br>{}", tag, due) if tag else due


def received_html(consultation):
    """The day, and the time under it: two short lines rather than one long one."""
    local = timezone.localtime(consultation.created_at)
    return format_html(
        '<time datetime="{}">{}<br>{}</time>',
        local.isoformat(),
        formats.date_format(local, "M j"),
        formats.date_format(local, "P"),
    )


def visit_cell_html(booking):
    """The list's visit column: the day over the time, and the status once it is not just booked
    ("did not come" in bold red, in words); "—" for a request with no visit booked."""
    if booking is None:
        return "—"
    local = timezone.localtime(booking.starts_at)
    when = format_html(
        '<time datetime="{}">{}<br>{}</time>',
        local.isoformat(),
        formats.date_format(local, "D, M j"),
        formats.date_format(local, "P"),
    )
    if booking.status == BookingStatus.BOOKED:
        return when
    status = booking.get_status_display()
    if booking.status == BookingStatus.NO_SHOW:
        status = format_html('<strong class="agenda-no-show">{}</strong>', status)
    return format_html("{}<br>{}", when, status)


def time_sensitive_tag(consultation):
    if not consultation.is_urgent:
        return ""
    return format_html('<span class="tag-time-sensitive">{}</span>', gettext("Time-sensitive"))


def how_to_reach_html(consultation, attempts=False):
    """The preferred way and time, then the phone as a tel: link (and the address when e-mail is
    preferred); with `attempts`, the contact attempts so far, once there are some (the list)."""
    way = consultation.get_preferred_contact_display()
    # The best time may be blank: a patient who asked for e-mail is not asked when to call.
    if consultation.best_time:
        way = gettext("%(way)s, %(time)s") % {"way": way, "time": consultation.get_best_time_display().lower()}
    parts = [format_html('<span class="contact-way">{}</span>', way)]
    if consultation.phone:
        parts.append(phones.tel_link(consultation.phone))
    if consultation.preferred_contact == ContactMethod.EMAIL and consultation.email:
        parts.append(format_html('<a href="mailto:{}">{}</a>', consultation.email, consultation.email))
    if attempts and consultation.contact_attempts:
        count = consultation.contact_attempts
        label = ngettext("%(count)d attempt so far", "%(count)d attempts so far", count) % {"count": count}
        parts.append(format_html('<span class="contact-attempts">{}</span>', label))
    return format_html_join(mark_safe("<br>"), "{}", ((part,) for part in parts))  # noqa: S308 (a constant)


class QueueFilter(admin.SimpleListFilter):
    """Saved views: one click to the requests that are mine, nobody's yet, due by tonight, overdue, or
    time-sensitive and still to reach."""

    title = _("saved views")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [
            ("mine", _("Mine")),
            ("unassigned", _("Unassigned")),
            ("due-today", _("Due today (and overdue)")),
            ("overdue", _("Overdue")),
            ("time-sensitive", _("Time-sensitive")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value == "mine":
            return worklist.open_requests(queryset).filter(assigned_to=request.user)
        if value == "unassigned":
            return worklist.open_requests(queryset).filter(assigned_to__isnull=True)
        if value == "due-today":
            return worklist.due_today(queryset, practice_for(request))
        if value == "overdue":
            return worklist.overdue(queryset, practice_for(request))
        if value == "time-sensitive":
            return worklist.time_sensitive(queryset)
        raise IncorrectLookupParameters(f"Unknown saved view {value!r}.")


class EarlierThanFilter(admin.SimpleListFilter):
    """The requests that came before one request from the same phone or e-mail (its "earlier" link).

    The URL carries the request's id only, never the phone number or address it matches on.
    """

    title = _("same contact")
    parameter_name = "earlier_than"

    def _anchor(self):
        try:
            pk = int(self.value())
        except ValueError:
            raise IncorrectLookupParameters("earlier_than takes a request's id.") from None
        return ConsultationRequest.objects.filter(pk=pk).first()

    def lookups(self, request, model_admin):
        # Listed only while in use, so the filter shows what the list is limited to, with "All" to leave.
        if self.value() is None:
            return []
        anchor = self._anchor()
        label = _("Earlier than %(reference)s") % {"reference": anchor} if anchor else _("A request no longer kept")
        return [(self.value(), label)]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        anchor = self._anchor()
        return earlier.earlier_than(queryset, anchor) if anchor else queryset.none()


class QueueChangeList(ChangeList):
    def get_ordering_field_columns(self):
        # The default order is the queue's (worklist.ordering), which no one column shows: marking
        # "received" as sorted would tell staff the list is newest first. A column staff click is
        # marked as usual.
        if ORDER_VAR not in self.params:
            return {}
        return super().get_ordering_field_columns()


def earlier_link(model_admin, obj):
    """The "earlier requests" cell: a link to the list of just those, by this request's id (never its phone)."""
    found = getattr(obj, "earlier_found", None)
    if not found:
        return "—"
    url = reverse(f"{model_admin.admin_site.name}:consultations_consultationrequest_changelist")
    label = ngettext("%(count)d earlier request", "%(count)d earlier requests", len(found)) % {"count": len(found)}
    return format_html('<a href="{}?earlier_than={}">{}</a>', url, obj.pk, label)


def prepare_rows(request, shown):
    """Give each request on a list page its earlier requests and the practice (for the due column).

    `shown` is the page's own result list, which the template reads next: the earlier requests are
    looked up once for the page (and recorded), the practice read once, not once a row.
    """
    found = earlier.find(shown)
    practice = practice_for(request)
    for consultation in shown:
        consultation.earlier_found = found.get(consultation.pk, [])
        consultation.practice = practice
    earlier.record(request.user, found, shown)


def summary(model_admin, obj):
    """The patient's answers for the summary card: [(section, [(label, shown)])], answered ones only.

    Shown as the admin shows a read-only field (a display method where there is one, the choice's
    label otherwise), from model_admin.patient_sections, which derives from QUESTIONS.
    """
    sections = []
    for section, answers in model_admin.patient_sections:
        rows = []
        for column, shown in answers:
            if getattr(obj, column, None) in (None, "", [], ()):
                continue  # not asked, or left blank: nothing to read
            field, attr, value = lookup_field(shown, obj, model_admin)
            if field is None:
                html = value if hasattr(value, "__html__") else linebreaksbr(value)
            else:
                html = linebreaksbr(display_for_field(value, field, model_admin.get_empty_value_display()))
            rows.append((capfirst(label_for_field(shown, obj.__class__, model_admin)), conditional_escape(html)))
        if rows:
            sections.append((section, rows))
    return sections


def missed_before(found):
    """The references of the earlier requests (earlier.find) whose visit the patient did not come to."""
    if not found:
        return []
    return list(
        ConsultationRequest.objects.filter(pk__in=[e.pk for e in found], booking__status=BookingStatus.NO_SHOW)
        .order_by("created_at")
        .values_list("reference", flat=True)
    )


def visit_context(model_admin, request, obj, found):
    """The visit booked with the request, its one-click marks, and the visits missed before."""
    booking = obj.booking
    site = model_admin.admin_site.name
    return {
        "booking": booking,
        "marks": agenda.marks_for(booking) if booking and agenda.may_mark(request.user) else [],
        "mark_url": reverse(f"{site}:{agenda.MARK_URL_NAME}", args=[booking.pk]) if booking else "",
        "here": change_url(model_admin, obj.pk),
        "missed_before": missed_before(found),
    }


def change_form_context(model_admin, request, obj):
    """The summary card, the Front desk panel and the notes so far, for a request's page."""
    found = earlier.find([obj])
    earlier.record(request.user, found, [obj])
    may_record = may_record_outcome(model_admin, request, obj)
    site = model_admin.admin_site.name
    return {
        "visit": visit_context(model_admin, request, obj, found.get(obj.pk, [])),
        "summary": summary(model_admin, obj),
        "photos": photo_admin.thumbnails_html(model_admin, obj),
        "front_desk": {
            "time_sensitive": time_sensitive_tag(obj),
            "due": due_html(obj, practice_for(request), full=True),
            "how_to_reach": how_to_reach_html(obj),
            "attempts": obj.contact_attempts,
            # The visit's latest waitlist entry, waiting or ended (consultations.waitlist).
            "waitlist": obj.waitlist_entries.order_by("-created_at", "-pk").first(),
            "earlier": [
                (reverse(f"{site}:consultations_consultationrequest_change", args=[e.pk]), e)
                for e in found.get(obj.pk, [])
            ],
            "outcomes": outcomes.offered(obj) if may_record else [],
            # The list the desk came from goes with the outcome, for "then open the next request".
            "outcome_url": keeping_the_list(model_admin, request, reverse(f"{site}:{OUTCOME_URL_NAME}", args=[obj.pk])),
            # A note typed with an outcome that was refused, given back (else in "Add a note").
            "kept_note": getattr(request, "kept_note", "") if may_record else "",
            "note_max_length": outcomes.NOTE_MAX_LENGTH,
        },
        # Notes so far, read-only above the box for a new one (None: not the user's to see).
        "notes": list(obj.notes.select_related("author")) if request.user.has_perm("consultations.view_note") else None,
    }


def may_record_outcome(model_admin, request, obj):
    return model_admin.has_change_permission(request, obj) and outcomes.can_record(obj)


# A note typed with an outcome the server refused is kept in the session (server-side, never in the
# URL), for the page the desk is sent back to, and given back once.
KEPT_NOTE = "front_desk_kept_note"


def keep_note(request, obj, note):
    if note.strip():
        request.session[KEPT_NOTE] = {"request": obj.pk, "text": note}


def take_kept_note(request, object_id):
    """The note kept for this request's page, removed from the session; "" when there is none."""
    kept = request.session.get(KEPT_NOTE)
    if not kept or str(kept["request"]) != str(object_id):
        return ""
    del request.session[KEPT_NOTE]
    return kept["text"]


def note_initial(model_admin, request, obj):
    """The kept note for the "Add a note" box, when the outcome form that would show it is absent."""
    note = getattr(request, "kept_note", "")
    if note and obj is not None and not may_record_outcome(model_admin, request, obj):
        return [{"text": note}]
    return None


def change_url(model_admin, pk):
    return reverse(f"{model_admin.admin_site.name}:consultations_consultationrequest_change", args=[pk])


def listed(model_admin, request):
    """The requests of the list this one was opened from, in that list's order: its view, filters,
    search and sort, which the admin keeps in `_changelist_filters` on the request's page. Without
    them (a request opened from elsewhere), the whole list."""
    listing = copy.copy(request)
    listing.GET = QueryDict(request.GET.get("_changelist_filters", ""))
    try:
        return model_admin.get_changelist_instance(listing).queryset
    except (IncorrectLookupParameters, DisallowedModelAdminLookup):
        return model_admin.get_queryset(request).order_by(*worklist.ordering())


def next_after(model_admin, request, current_pk):
    """The open request after this one in the list the desk is working ("Save and next")."""
    return worklist.next_in_queue(listed(model_admin, request), current_pk)


def keeping_the_list(model_admin, request, url):
    """`url` with the list the desk came from kept, so the next page leads back to the same list."""
    context = {"preserved_filters": model_admin.get_preserved_filters(request), "opts": model_admin.opts}
    return add_preserved_filters(context, url)


def go_to_next(model_admin, request, next_pk):
    """To the next request in the list, or back to the list when this was the last."""
    if next_pk is None:
        model_admin.message_user(request, gettext("That was the last open request in the list."), messages.INFO)
        changelist = reverse(f"{model_admin.admin_site.name}:consultations_consultationrequest_changelist")
        return redirect(keeping_the_list(model_admin, request, changelist))
    return redirect(keeping_the_list(model_admin, request, change_url(model_admin, next_pk)))


def outcome_urls(model_admin):
    # admin_view: only staff the admin answers (past the second factor), with the CSRF check.
    view = model_admin.admin_site.admin_view(model_admin.outcome_view)
    return [path("<path:object_id>/outcome/", view, name=OUTCOME_URL_NAME)]


def outcome_view(model_admin, request, object_id):
    """POST only (admin_view adds the CSRF check); needs permission to change this request."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None:
        raise Http404(gettext("No consultation request with that id."))
    if not model_admin.has_change_permission(request, obj):
        raise PermissionDenied
    note = request.POST.get("note", "")
    # "Then open the next request": where this one stood before the outcome moves it in the order.
    next_pk = next_after(model_admin, request, obj.pk) if request.POST.get("next") else None
    try:
        consultation, outcome = outcomes.record(obj.pk, request.POST.get("outcome", ""), request.user, note)
    except outcomes.OutcomeRefused as refused:
        model_admin.message_user(request, str(refused), messages.ERROR)
        keep_note(request, obj, note)
        if note.strip():
            model_admin.message_user(request, gettext("Your note was not saved; it is back in its box."))
    else:
        model_admin.log_change(request, consultation, gettext("Recorded: %(outcome)s") % {"outcome": outcome.label})
        model_admin.message_user(
            request,
            gettext("Recorded “%(outcome)s”: a note, one more attempt, status %(status)s.")
            % {"outcome": outcome.label, "status": consultation.get_status_display().lower()},
            messages.SUCCESS,
        )
        if request.POST.get("next"):
            return go_to_next(model_admin, request, next_pk)
    return redirect(keeping_the_list(model_admin, request, change_url(model_admin, obj.pk)))
