from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from conditions.models import Condition
from medical_pages.admin import MedicalPageAdmin


@admin.register(Condition)
class ConditionAdmin(MedicalPageAdmin):
    filter_horizontal = ["treatments"]
    fieldsets = [
        *MedicalPageAdmin.fieldsets,
        (_("Treatments"), {"fields": ["treatments"]}),
    ]
