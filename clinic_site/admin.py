from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from clinic_site.models import Practice, TeamMember


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "is_demo"]
    fieldsets = [
        (None, {"fields": ["name", "is_demo"]}),
        (_("Contact"), {"fields": ["phone", "email", "reply_time"]}),
        (_("Address"), {"fields": ["street_address", "locality", "region", "postal_code", "country"]}),
        (_("Hours"), {"fields": ["hours", "opening_hours_spec"]}),
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
