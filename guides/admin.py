from django.contrib import admin

from guides.models import Guide
from medical_pages.admin import MedicalPageAdmin


@admin.register(Guide)
class GuideAdmin(MedicalPageAdmin):
    list_display = [*MedicalPageAdmin.list_display, "kind"]
    list_filter = [*MedicalPageAdmin.list_filter, "kind"]
    fieldsets = [
        (None, {"fields": ["status", "kind", "position"]}),
        *MedicalPageAdmin.fieldsets[1:],
    ]
