from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import Booking, HoursChange, VisitType, WeeklyHours


@admin.register(VisitType)
class VisitTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "minutes", "by_video", "notice_hours", "horizon_days", "active"]
    list_editable = ["active"]
    filter_horizontal = ["clinicians"]
    fieldsets = [
        (None, {"fields": ["name", "minutes", "by_video", "instructions", "clinicians", "active", "position"]}),
        (_("When it can be booked"), {"fields": ["notice_hours", "horizon_days"]}),
    ]


@admin.register(WeeklyHours)
class WeeklyHoursAdmin(admin.ModelAdmin):
    list_display = ["team_member", "weekday", "starts", "ends"]
    list_filter = ["team_member", "weekday"]
    ordering = ["team_member", "weekday", "starts"]


@admin.register(HoursChange)
class HoursChangeAdmin(admin.ModelAdmin):
    list_display = ["team_member", "starts_at", "ends_at", "available", "note"]
    list_filter = ["team_member", "available"]
    date_hierarchy = "starts_at"


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """The practice's calendar: times, team members and visit types (who is booked is on the request)."""

    list_display = ["local_start", "team_member", "visit_type", "status"]
    list_filter = ["team_member", "status", "visit_type"]
    date_hierarchy = "starts_at"
    readonly_fields = ["created_at", "changed_at"]

    @admin.display(description=_("starts"), ordering="starts_at")
    def local_start(self, booking):
        return timezone.localtime(booking.starts_at).strftime("%a %b %d, %Y %I:%M %p")
