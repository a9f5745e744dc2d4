from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from clinic_site.admin import MedicalPageAdmin
from conditions.models import Condition


@admin.register(Condition)
class ConditionAdmin(MedicalPageAdmin):
    filter_horizontal = ["treatments"]
    fieldsets = [
        *MedicalPageAdmin.fieldsets,
        (_("Treatments"), {"fields": ["treatments"]}),
    ]
