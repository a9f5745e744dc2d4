from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from clinic_site.models import Practice


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["name", "surgeon_name", "phone", "is_demo"]
    fieldsets = [
        (None, {"fields": ["name", "is_demo"]}),
        (_("Surgeon"), {"fields": ["surgeon_name", "surgeon_title", "surgeon_bio"]}),
        (_("Contact"), {"fields": ["phone", "email", "reply_time"]}),
        (_("Address"), {"fields": ["street_address", "locality", "region", "postal_code", "country"]}),
        (_("Hours"), {"fields": ["hours", "opening_hours_spec"]}),
    ]

    def has_add_permission(self, request):
        # One identity per site: edit the existing row.
        return not Practice.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class MedicalPageAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "last_reviewed", "updated"]
    list_filter = ["status"]
    search_fields = ["title", "also_known_as", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["updated"]
    save_on_top = True
    content_fields = ["title", "slug", "also_known_as", "summary", "lead", "body", "questions", "sources"]
    fieldsets = [
        (None, {"fields": ["status", "last_reviewed", "position"]}),
        (_("Content"), {"fields": content_fields}),
    ]
    actions = ["publish", "unpublish"]

    @admin.action(description=_("Publish the selected pages"))
    def publish(self, request, queryset):
        # save() per page, not update(): each save clears the page cache.
        for page in queryset:
            page.status = page.Status.PUBLISHED
            page.save()

    @admin.action(description=_("Make the selected pages drafts"))
    def unpublish(self, request, queryset):
        for page in queryset:
            page.status = page.Status.DRAFT
            page.save()
