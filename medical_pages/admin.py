from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from triage import table


class ReviewDueFilter(admin.SimpleListFilter):
    title = _("clinical review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", _("Due (reviewed more than 12 months ago)"))]

    def queryset(self, request, queryset):
        return queryset.due_for_review() if self.value() == "due" else queryset


class MedicalPageForm(forms.ModelForm):
    # The situations as checkboxes, each labeled with its tier and the reader's words.
    urgent_situations = forms.TypedMultipleChoiceField(
        choices=table.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("urgent situations"),
        help_text=_(
            "Tick the situations readers of this page may be in. Their wording comes from the triage table; "
            "a sudden droop and other stroke signs are always shown."
        ),
    )


class MedicalPageAdmin(admin.ModelAdmin):
    form = MedicalPageForm
    list_display = ["title", "status", "last_reviewed", "review_status", "reviewed_by", "updated"]
    list_filter = ["status", ReviewDueFilter]
    list_select_related = ["reviewed_by"]
    search_fields = ["title", "also_known_as", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["updated"]
    save_on_top = True
    content_fields = [
        "title", "slug", "also_known_as", "summary", "lead", "body", "questions", "sources", "eye_care",
    ]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["status", "position"]}),
        (_("Clinical review"), {"fields": ["reviewed_by", "last_reviewed"]}),
        (_("Content"), {"fields": content_fields}),
        (_("When to get help"), {"fields": ["urgent_situations"]}),
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
