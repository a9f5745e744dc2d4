from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from practice.models import practice_for
from staff import second_factor

# Apps the site needs but staff do not work in: sign-in records, second-factor devices, the task
# queue. Only superusers see them in the index and the side navigation (they unlock accounts and
# reset devices); for anyone else who was given a permission on them they are noise in the menu.
TECHNICAL_APPS = frozenset({"axes", "otp_totp", "otp_static", "django_tasks_database"})


class StaffAdminSite(admin.AdminSite):
    """The admin answers only active staff who passed the second factor (where it is required)."""

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        if request.user.is_superuser:
            return apps
        return [app for app in apps if app["app_label"] not in TECHNICAL_APPS]

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not second_factor.required() or second_factor.is_verified(request.user)

    def login(self, request, extra_context=None):
        # Password accepted but no second factor yet: go on to the code, or to enrolment.
        user = request.user
        if second_factor.required() and user.is_active and user.is_staff and not second_factor.is_verified(user):
            step = "staff:verify" if second_factor.authenticator(user) else "staff:enrol"
            after = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index", current_app=self.name)
            return redirect(f"{reverse(step)}?{urlencode({REDIRECT_FIELD_NAME: after})}")
        return super().login(request, extra_context)

    def each_context(self, request):
        # The practice's name, read per request: it can be changed in the admin at any time.
        practice = practice_for(request).name
        return {
            **super().each_context(request),
            "site_header": practice,
            "site_title": _("%(practice)s staff") % {"practice": practice},
            "second_factor_required": second_factor.required(),
        }

    def index(self, request, extra_context=None):
        # The index's heading comes from index_title, a class attribute: here it follows the practice too.
        title = _("%(practice)s administration") % {"practice": practice_for(request).name}
        return super().index(request, {"title": title, **(extra_context or {})})
