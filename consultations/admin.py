from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consultations import agenda, audit, csv_export, front_desk_admin, phones, photo_admin, worklist
from consultations.audit import search_digest
from consultations.choices import Status
from consultations.front_desk_admin import EarlierThanFilter, QueueChangeList, QueueFilter
from consultations.groups import is_manager
from consultations.models import AuditEntry, ConsultationRequest, Note
from consultations.questions import QUESTIONS, SECTIONS
from consultations.tasks import owe_notices
from consultations.waitlist_admin import WaitlistEntryAdmin  # noqa: F401 (registers the waitlist's page)
from treatments.models import Treatment

# How the request's page shows an answer where the stored value is not what staff should read.
SHOWN_AS = {"phone": "phone_link", "bothers": "bothers_display", "treatments_of_interest": "treatments_display"}
# The summary card at the top of a request's page (front_desk_admin.summary): every question, by
# the section the patient answered it in, as (where the answer is kept, how it is shown). A question
# added to QUESTIONS appears there with no change here.
PATIENT_SECTIONS = tuple(
    (section, tuple((q.column, SHOWN_AS.get(q.column, q.column)) for q in QUESTIONS if q.section == section))
    for section in SECTIONS
)
PATIENT_FIELDS = tuple(shown for _section, answers in PATIENT_SECTIONS for _column, shown in answers)
# What the patient told us about their health. Everyone who may open a request reads it there; only
# a Manager may also list, filter or export by it. For Front desk the columns and filters are left
# out (get_list_display, get_list_filter) and a lookup on these fields in the URL is refused
# (lookup_allowed): hidden columns alone would still let `?message__icontains=…` sort patients out.
HEALTH_FIELDS = frozenset(
    name
    for question in QUESTIONS
    if question.health
    for name in (question.name, question.column)
    if name in {field.name for field in ConsultationRequest._meta.concrete_fields}
)
RECORD_FIELDS = (
    "reference",
    "created_at",
    "consent_to_contact",
    "privacy_notice_version",
    "consented_at",
)


class NoteInline(admin.StackedInline):
    """One clearly labelled box for a new note. The notes so far are shown read-only above it (they
    are a record of what happened: written once, never edited), so no empty form passes for a note."""

    model = Note
    extra = 1
    max_num = 1
    fields = ("text",)
    can_delete = False
    template = "consultations/admin/add_note.html"

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Only those who can write a note see the box.
        return self.has_add_permission(request, obj)


def failed_mail_labels(consultation):
    """ "staff notice failed", "confirmation failed": mail that was given up on (deliveries prefetched)."""
    return [
        _("%(kind)s failed") % {"kind": delivery.get_kind_display()}
        for delivery in consultation.deliveries.all()
        if delivery.failed_at
    ]


class FailedMailFilter(admin.SimpleListFilter):
    title = _("e-mail")
    parameter_name = "mail"

    def lookups(self, request, model_admin):
        return [("failed", _("Failed")), ("pending", _("Not yet sent"))]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.with_failed_mail()
        if self.value() == "pending":
            return queryset.filter(deliveries__sent_at__isnull=True, deliveries__failed_at__isnull=True).distinct()
        return queryset


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(admin.ModelAdmin):
    """Requests as staff work them. One class: each hook below says in order what it adds to the
    admin's own behaviour, calling out to the module that holds the rule: the audit trail
    (audit.py), the front desk's queue, panel and outcomes (front_desk_admin.py), photos
    (photo_admin.py). No mixin order to get right."""

    class Media:
        css = {"all": ["consultations/front-desk.css", "consultations/agenda.css", "css/admin-photos.css"]}

    # A request has no page on the public site.
    view_on_site = False
    # Readable at 1280px with the side navigation open (front-desk.css puts the filters above the
    # list there): the Time-sensitive tag shares the due column, e-mail problems the status column,
    # earlier requests the name's, attempts the way to reach; when symptoms began is a filter (the
    # tag says what matters in the list).
    list_display = (
        "reference",
        "due",
        "received",
        "status_and_mail",
        "visit",
        "name_and_earlier",
        "how_to_reach",
        "concern_title",
        "assigned_to",
    )
    list_filter = (
        QueueFilter,
        EarlierThanFilter,
        "status",
        FailedMailFilter,
        "concern_title",
        "onset",
        "created_at",
        "assigned_to",
    )
    # Contact details and the reference only: a search must never find patients by what they told us.
    search_fields = ("reference", "name", "email", "phone")
    search_help_text = _("Reference, name, e-mail address or phone number.")
    date_hierarchy = "created_at"
    list_select_related = ("assigned_to", "booking")
    actions = (
        "mark_contacted",
        "mark_scheduled",
        "mark_closed",
        "mark_spam",
        "mark_not_spam",
        "assign_to_me",
        "export_csv",
    )
    inlines = [NoteInline]
    # What the patient sent is not in the form: the summary card above it shows it, answers and
    # photos, beside the front desk's panel and the notes (templates/admin/consultations/...).
    patient_sections = PATIENT_SECTIONS
    fieldsets = (
        (_("Handling"), {"fields": ("status", "assigned_to", "contact_attempts", "mail_status")}),
        (_("Record"), {"fields": RECORD_FIELDS, "classes": ("collapse",)}),
    )
    readonly_fields = PATIENT_FIELDS + RECORD_FIELDS + ("contact_attempts", "mail_status", "photo_thumbnails")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("deliveries")

    # Pages: the admin's own, then what each one records or adds.

    def get_urls(self):
        # Ours first: the admin's own "<object_id>/" pattern would otherwise take these paths.
        return [
            *agenda.agenda_urls(self),
            *front_desk_admin.outcome_urls(self),
            *photo_admin.photo_urls(self),
            *super().get_urls(),
        ]

    def get_changelist(self, request, **kwargs):
        return QueueChangeList

    def get_ordering(self, request):
        return worklist.ordering()

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            # The page's own result list: reading it here fills the cache the template then uses, so
            # the rows audited are the rows shown, and each carries what its columns need.
            shown = list(changelist.result_list)
            audit.record_list(request, changelist, shown)
            front_desk_admin.prepare_rows(request, shown)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            request.kept_note = front_desk_admin.take_kept_note(request, object_id)
        elif "_savenext" in request.POST:
            # Before the save moves this request in the order (front_desk_admin.go_to_next).
            request.next_in_queue = front_desk_admin.next_after(self, request, unquote(object_id))
        response = super().change_view(request, object_id, form_url, extra_context)
        # A page with the request on it: the first look, or the form shown again with an error.
        audit.record_page(request, response, audit.Action.VIEW, "original")
        return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(front_desk_admin.change_form_context(self, request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        if "_savenext" in request.POST:
            self.message_user(request, _("“%(reference)s” was saved.") % {"reference": obj.reference}, messages.SUCCESS)
            return front_desk_admin.go_to_next(self, request, request.next_in_queue)
        return super().response_change(request, obj)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, NoteInline) and request.method == "GET":
            kwargs["initial"] = front_desk_admin.note_initial(self, request, obj)
        return kwargs

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        audit.record_page(request, response, audit.Action.HISTORY, "object")
        return response

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        return audit.audited_actions(super().get_actions(request, action_location=action_location))

    def outcome_view(self, request, object_id):
        return front_desk_admin.outcome_view(self, request, object_id)

    def agenda_view(self, request):
        return agenda.agenda_view(self, request)

    def mark_view(self, request, booking_id):
        return agenda.mark_view(self, request, booking_id)

    def photo_view(self, request, photo_id, size):
        return photo_admin.serve(self, request, photo_id, size)

    # Columns and read-only fields.

    @admin.display(description=_("due"))
    def due(self, obj):
        # Not sortable by itself: the list is in due order already, and "received" sorts the same way.
        # The practice is read once for the page (front_desk_admin.prepare_rows), not once a row.
        return front_desk_admin.due_cell_html(obj, obj.practice)

    @admin.display(description=_("received"), ordering="created_at")
    def received(self, obj):
        return front_desk_admin.received_html(obj)

    @admin.display(description=_("status"), ordering="status")
    def status_and_mail(self, obj):
        """The status, and under it any e-mail given up on, in words ("Confirmation failed")."""
        problems = failed_mail_labels(obj)
        if not problems:
            return obj.get_status_display()
        return format_html(
            '{}<br><span class="mail-failed">{}</span>', obj.get_status_display(), ", ".join(map(str, problems))
        )

    @admin.display(description=_("visit"), ordering="booking__starts_at")
    def visit(self, obj):
        return front_desk_admin.visit_cell_html(obj.booking)

    @admin.display(description=_("how to reach"))
    def how_to_reach(self, obj):
        return front_desk_admin.how_to_reach_html(obj, attempts=True)

    @admin.display(description=_("name"), ordering="name")
    def name_and_earlier(self, obj):
        earlier = front_desk_admin.earlier_link(self, obj)
        return format_html("{}<br>{}", obj.name, earlier) if earlier != "—" else obj.name

    @admin.display(description=_("phone"))
    def phone_link(self, obj):
        return phones.tel_link(obj.phone) or "—"

    @admin.display(description=_("earlier requests"))
    def earlier_requests(self, obj):
        return front_desk_admin.earlier_link(self, obj)

    @admin.display(description=_("photos"))
    def photo_thumbnails(self, obj):
        return photo_admin.thumbnails_html(self, obj)

    def has_add_permission(self, request):
        # Requests come from patients, through the form.
        return False

    def get_list_display(self, request):
        # Front desk works the list by name and contact; the health concern is on the request itself.
        columns = super().get_list_display(request)
        return columns if is_manager(request.user) else [c for c in columns if c not in HEALTH_FIELDS]

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        return filters if is_manager(request.user) else [f for f in filters if f not in HEALTH_FIELDS]

    def lookup_allowed(self, lookup, value, request):
        # Django allows a lookup on any field of the model itself, listed as a filter or not. A health
        # field only as a Manager's filter offers it; free text (`message__icontains`) never.
        field = lookup.split(LOOKUP_SEP, 1)[0]
        if field in HEALTH_FIELDS and field not in self.get_list_filter(request):
            return False
        return super().lookup_allowed(lookup, value, request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_to":
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_export_permission(self, request):
        return request.user.has_perm("consultations.export_consultationrequest")

    @admin.display(description=_("treatments of interest"))
    def treatments_display(self, obj):
        titles = dict(Treatment.objects.filter(slug__in=obj.treatments_of_interest).values_list("slug", "title"))
        return ", ".join(titles.get(slug, slug) for slug in obj.treatments_of_interest) or "—"

    @admin.display(description=_("what bothers you most"))
    def bothers_display(self, obj):
        return ", ".join(map(str, obj.bothers_labels)) or "—"

    @admin.display(description=_("e-mail"))
    def mail_status(self, obj):
        deliveries = obj.deliveries.all()
        if not deliveries:
            return _("None sent (held as possible spam).") if obj.status == Status.SPAM else "—"
        return format_html_join(
            "",
            "<p>{}: {} ({})</p>",
            (
                (
                    delivery.get_kind_display().capitalize(),
                    _("%(kind)s failed") % {"kind": delivery.get_kind_display()}
                    if delivery.failed_at
                    else delivery.state,
                    ngettext("%(count)d attempt", "%(count)d attempts", delivery.attempts)
                    % {"count": delivery.attempts},
                )
                for delivery in deliveries
            ),
        )

    def get_search_results(self, request, queryset, search_term):
        filtered = queryset
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Phones are stored in international form; find them however staff type the number.
        number = phones.parse_typed(search_term)
        if number is None:
            return queryset, may_have_duplicates
        return queryset | filtered.filter(phone=phones.stored_form(number)), may_have_duplicates

    def save_model(self, request, obj, form, change):
        obj.staff_changed_at = timezone.now()
        super().save_model(request, obj, form, change)
        audit.record_change(request, obj, form)

    def delete_model(self, request, obj):
        audit.record_deletion(request, [obj.reference])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        audit.record_deletion(request, queryset.values_list("reference", flat=True))
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        for note in formset.save(commit=False):
            if note.pk is None:
                note.author = request.user
            note.save()
        formset.save_m2m()

    def _set_status(self, request, queryset, status):
        updated = queryset.update(status=status, staff_changed_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d request marked %(status)s.", "%(count)d requests marked %(status)s.", updated)
            % {"count": updated, "status": Status(status).label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark as contacted"), permissions=["change"])
    def mark_contacted(self, request, queryset):
        self._set_status(request, queryset, Status.CONTACTED)

    @admin.action(description=_("Mark as scheduled"), permissions=["change"])
    def mark_scheduled(self, request, queryset):
        self._set_status(request, queryset, Status.SCHEDULED)

    @admin.action(description=_("Mark as closed"), permissions=["change"])
    def mark_closed(self, request, queryset):
        self._set_status(request, queryset, Status.CLOSED)

    @admin.action(description=_("Mark as spam"), permissions=["change"])
    def mark_spam(self, request, queryset):
        self._set_status(request, queryset, Status.SPAM)

    @admin.action(description=_("Not spam: send the notices now"), permissions=["change"])
    def mark_not_spam(self, request, queryset):
        count = 0
        for consultation in queryset.filter(status=Status.SPAM):
            with transaction.atomic():
                consultation.status = Status.NEW
                consultation.staff_changed_at = timezone.now()
                consultation.save(update_fields=["status", "staff_changed_at", "updated_at"])
                # The staff notice and the confirmation held back when it looked like spam.
                owe_notices(consultation)
            count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d request moved out of spam; its notices are on their way.",
                "%(count)d requests moved out of spam; their notices are on their way.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Assign to me"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        updated = queryset.update(assigned_to=request.user, staff_changed_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d request assigned to you.", "%(count)d requests assigned to you.", updated)
            % {"count": updated},
        )

    @admin.action(description=_("Export selected requests as CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        return csv_export.export(queryset.select_related("assigned_to"))


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "action", "references", "filters", "detail")
    list_filter = ("action", "at")
    search_fields = ("username", "references")
    search_help_text = _("Username or reference; or the words of a search, to find who searched for them.")
    date_hierarchy = "at"

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term:
            return found, may_have_duplicates
        return found | queryset.filter(search_digest=search_digest(search_term)), may_have_duplicates

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
