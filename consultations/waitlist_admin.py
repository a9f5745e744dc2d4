"""The waitlist in the admin: read-only (it changes only by the patients' links and their visits),
and every look at it on the audit trail, since it names requests (consultations.audit)."""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from booking.templatetags.booking_times import visit_moment
from consultations import audit
from consultations.models import WaitlistEntry


class WaitingFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("yes", _("Waiting")), ("no", _("Ended"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(ended_at__isnull=self.value() == "yes")
        return queryset


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):
    list_display = ["request_link", "created_at", "visit", "wanted_before", "state", "offers_made"]
    list_display_links = None
    list_filter = [WaitingFilter, "ended_why"]
    list_select_related = ["request", "booking__visit_type", "booking__team_member"]
    ordering = ["created_at", "pk"]  # waitlist order: who asked first
    fields = ["request_link", "created_at", "visit", "wanted_before", "state", "offers_made"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(offer_count=Count("offers"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            audit.record_waitlist(request, changelist.result_list, sorted(changelist.get_filters_params()))
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        shown = (getattr(response, "context_data", None) or {}).get("original")
        if shown is not None:
            audit.record_waitlist(request, [shown])
        return response

    @admin.display(description=_("request"), ordering="request__reference")
    def request_link(self, entry):
        url = reverse(f"{self.admin_site.name}:consultations_consultationrequest_change", args=[entry.request_id])
        return format_html('<a href="{}">{}</a>', url, entry.request.reference)

    @admin.display(description=_("visit"), ordering="booking__starts_at")
    def visit(self, entry):
        booking = entry.booking
        return f"{visit_moment(booking.starts_at)}, {booking.visit_type}, {booking.get_status_display().lower()}"

    @admin.display(description=_("state"))
    def state(self, entry):
        if entry.is_waiting:
            return _("Waiting")
        return f"{entry.get_ended_why_display()} ({timezone.localtime(entry.ended_at):%Y-%m-%d %H:%M})"

    @admin.display(description=_("earlier times offered"), ordering="offer_count")
    def offers_made(self, entry):
        return entry.offer_count
