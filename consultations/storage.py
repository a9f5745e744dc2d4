"""Where patients' photos are kept: STORAGES["patient_photos"], a store with no public URL.

On disk, PrivateFileSystemStorage below; in the database (CLINIC_FILE_STORE=database),
stored_files.storage.PrivateDatabaseStorage. The site reaches either through photo_storage() only.
"""

from django.core.files.storage import FileSystemStorage, storages

PHOTOS = "patient_photos"


class PrivateFileSystemStorage(FileSystemStorage):
    """A FileSystemStorage that never makes a URL.

    The plain one falls back to MEDIA_URL; a photo must only ever be read through the staff view
    (consultations.photo_admin.serve), which checks who asks and records it.
    """

    def url(self, name):
        raise ValueError("Patient photos have no URL; staff open them through the admin's photo view.")


def photo_storage():
    """The storage of FileFields holding photos (a callable, so migrations do not record the backend)."""
    return storages[PHOTOS]
