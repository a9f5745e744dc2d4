from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoredFilesConfig(AppConfig):
    """Files kept in the database, which every server reads (CLINIC_FILE_STORE=database)."""

    name = "stored_files"
    verbose_name = _("Stored files")
