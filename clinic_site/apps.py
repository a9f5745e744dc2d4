from django.apps import AppConfig


class ClinicSiteConfig(AppConfig):
    """The project's configuration. It holds no models now; its migrations stay because the
    practice's tables were created by them (moved to `practice` and `page_cache` by 0008 and 0009)."""

    name = "clinic_site"
