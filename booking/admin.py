from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.attendance import too_early
from booking.availability import Opening
from booking.models import HOLDING, Booking, HoursChange, VisitType, WeeklyHours
from booking.signals import booking_changed, staff_changed


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


class BookingForm(forms.ModelForm):
    """A booking moved by staff: the end follows from the visit type, and the time must be free."""

    class Meta:
        model = Booking
        fields = ["team_member", "visit_type", "starts_at", "status"]

    def clean(self):
        cleaned = super().clean()
        visit_type, starts_at, member = cleaned.get("visit_type"), cleaned.get("starts_at"), cleaned.get("team_member")
        early = (
            starts_at and "status" in self.changed_data and too_early(cleaned.get("status"), starts_at, timezone.now())
        )
        if early:
            raise forms.ValidationError(early)
        if visit_type and starts_at and member and cleaned.get("status") in HOLDING:
            ends_at = starts_at + visit_type.length
            clash = Booking.objects.holding().filter(team_member=member).overlapping(starts_at, ends_at)
            if clash.exclude(pk=self.instance.pk).exists():
                raise forms.ValidationError(_("%(member)s already has a visit then.") % {"member": member})
            self.instance.ends_at = ends_at
        return cleaned


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """The practice's calendar: times, team members and visit types (who is booked is on the request)."""

    form = BookingForm
    list_display = ["local_start", "team_member", "visit_type", "status"]
    list_filter = ["team_member", "status", "visit_type"]
    date_hierarchy = "starts_at"
    readonly_fields = ["created_at", "changed_at"]

    def save_model(self, request, obj, form, change):
        """A new time or a cancellation by staff: a new version of the visit, and the patient is told
        (booking.signals.booking_changed, after the save is committed)."""
        moved = change and {"starts_at", "team_member", "visit_type"} & set(form.changed_data)
        cancelled = change and "status" in form.changed_data and obj.status not in HOLDING
        freed = None
        if moved or cancelled:
            obj.sequence += 1
            before = Booking.objects.get(pk=obj.pk)
            if before.holds_its_time:
                freed = Opening(before.starts_at, before.ends_at, before.team_member_id)
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            staff_changed.send(Booking, booking=obj, user=request.user, fields=list(form.changed_data))
        if moved or cancelled:
            what = "cancelled" if cancelled else "moved"
            transaction.on_commit(
                lambda: booking_changed.send(Booking, booking=obj, change=what, by="practice", freed=freed)
            )

    @admin.display(description=_("starts"), ordering="starts_at")
    def local_start(self, booking):
        return timezone.localtime(booking.starts_at).strftime("%a %b %d, %Y %I:%M %p")
