from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from images import renditions
from practice.forms import PracticeForm, PublicImageForm
from practice.models import ClosedDay, Practice, PublicImage, TeamMember


class ClosedDayInline(admin.TabularInline):
    model = ClosedDay
    extra = 1
    fields = ["date", "name"]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    form = PracticeForm
    inlines = [ClosedDayInline]
    list_display = ["name", "phone", "is_demo"]
    fieldsets = [
        (None, {"fields": ["name", "is_demo"]}),
        (_("Contact"), {"fields": ["phone", "email"]}),
        (_("Address"), {"fields": ["street_address", "locality", "region", "postal_code", "country"]}),
        (_("Hours"), {"fields": ["hours", "opening_hours_spec", "open_days", "reply_working_days"]}),
        (_("Booking"), {"fields": ["booking_change_cutoff_hours", "booking_reminder_hours", "waitlist_offers"]}),
    ]

    def has_add_permission(self, request):
        # One identity per site: edit the existing row.
        return not Practice.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TeamMember)
class TeamMemberAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "role", "can_review", "position"]
    list_editable = ["position"]
    list_filter = ["can_review"]
    search_fields = ["name", "role"]


@admin.register(PublicImage)
class PublicImageAdmin(admin.ModelAdmin):
    form = PublicImageForm
    list_display = ["preview", "__str__", "caption", "size", "created"]
    list_display_links = ["preview", "__str__"]
    search_fields = ["alt", "caption"]
    readonly_fields = ["preview", "size", "source"]

    def get_fields(self, request, obj=None):
        fields = ["upload", "alt", "decorative", "caption"]
        return fields if obj is None else ["preview", "size", *fields, "source"]

    @admin.display(description=_("image"))
    def preview(self, image):
        smallest = image.by_format.get("jpg", [None])[0]
        if smallest is None:
            return "—"
        width = min(smallest["width"], 160)
        height = round(smallest["height"] * width / smallest["width"])
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="">', renditions.url(smallest["name"]), width, height
        )

    @admin.display(description=_("size in pixels"))
    def size(self, image):
        return f"{image.width} × {image.height}"
