from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register

from consultations.storage import PHOTOS


@register()
def staff_recipients(app_configs, **kwargs):
    # With nobody to tell, a notice would be "sent" to no one and the request marked announced.
    if not settings.CLINIC_STAFF_EMAILS:
        return [
            Error(
                "CLINIC_STAFF_EMAILS is empty: nobody would be told of new consultation requests.",
                hint="Set CLINIC_STAFF_EMAILS to one or more comma-separated addresses.",
                id="consultations.E001",
            )
        ]
    return []


@register()
def photos_stay_private(app_configs, **kwargs):
    """Patients' photos must never be in, or hold, a directory the site or a web server publishes."""
    if settings.CLINIC_PHOTO_ROOT is None:
        return []  # kept in the database (CLINIC_FILE_STORE=database): no directory to publish
    root = Path(settings.CLINIC_PHOTO_ROOT).resolve()
    public = [settings.STATIC_ROOT, *settings.STATICFILES_DIRS, settings.MEDIA_ROOT]
    # Every other file store too (default uploads, public images...): none of them is private.
    public += [entry.get("OPTIONS", {}).get("location") for name, entry in settings.STORAGES.items() if name != PHOTOS]
    for directory in filter(None, public):
        directory = Path(directory).resolve()
        if root.is_relative_to(directory) or directory.is_relative_to(root):
            return [
                Error(
                    f"CLINIC_PHOTO_ROOT ({root}) overlaps a public directory ({directory}).",
                    hint="Point CLINIC_PHOTO_ROOT at a private directory of its own, outside the site's files.",
                    id="consultations.E002",
                )
            ]
    return []
