from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    default = True
    name = "staff"
    verbose_name = _("Staff access")

    def ready(self):
        from staff import sessions  # noqa: F401  (stamps the start of every staff session)


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with a site that answers only staff who passed the second factor."""

    default = False
    default_site = "staff.admin_site.StaffAdminSite"
