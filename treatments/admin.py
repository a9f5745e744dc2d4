from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from medical_pages.admin import MedicalPageAdmin
from treatments.models import Treatment


@admin.register(Treatment)
class TreatmentAdmin(MedicalPageAdmin):
    list_display = [*MedicalPageAdmin.list_display, "kind"]
    list_filter = [*MedicalPageAdmin.list_filter, "kind"]
    readonly_fields = [*MedicalPageAdmin.readonly_fields, "condition_links"]
    fieldsets = [
        (None, {"fields": ["status", "kind", "position"]}),
        *MedicalPageAdmin.fieldsets[1:],
        (_("Conditions"), {"fields": ["condition_links"]}),
    ]

    @admin.display(description=_("Conditions that list this treatment"))
    def condition_links(self, treatment):
        # The relation is edited on each condition; shown here so it is visible from both sides.
        links = (
            (reverse("admin:conditions_condition_change", args=[condition.pk]), condition.title)
            for condition in (treatment.conditions.all() if treatment.pk else [])
        )
        return format_html_join(", ", '<a href="{}">{}</a>', links) or "-"
