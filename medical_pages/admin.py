from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class ReviewDueFilter(admin.SimpleListFilter):
    title = _("clinical review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", _("Due (reviewed more than 12 months ago)"))]

    def queryset(self, request, queryset):
        return queryset.due_for_review() if self.value() == "due" else queryset


class MedicalPageAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "last_reviewed", "review_status", "reviewed_by", "updated"]
    list_filter = ["status", ReviewDueFilter]
    list_select_related = ["reviewed_by"]
    search_fields = ["title", "also_known_as", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["updated"]
    save_on_top = True
    content_fields = [
        "title", "slug", "also_known_as", "summary", "lead", "do_today", "body", "questions", "sources", "eye_care",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["status", "position"]}),
        (_("Clinical review"), {"fields": ["reviewed_by", "last_reviewed"]}),
        (_("Content"), {"fields": content_fields}),
        (_("Illustration"), {"fields": ["illustration"]}),
    ]
    actions = ["publish", "unpublish"]

    @admin.display(description=_("review"), ordering="last_reviewed")
    def review_status(self, page):
        if page.review_due:
            return format_html('<strong class="review-due">{}</strong>', _("Due for review"))
        return _("Up to date")

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
