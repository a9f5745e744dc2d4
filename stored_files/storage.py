"""Django storages whose files are rows in the database, for sites served by more than one server.

A file saved by one server is at once readable by every other, in the same database the rows that
name it live in: no shared disk, no object store. Files are read whole into memory, which suits
what the site keeps (re-encoded photos of a few MB at most, image renditions of a few hundred KB).

DatabaseStorage builds URLs from base_url as FileSystemStorage does (public images, served by
images.serving); PrivateDatabaseStorage has no URL at all (patients' photos). Neither can be listed
from outside: the admin does not show the table, and nothing but the storage API reads it.
"""

from urllib.parse import urljoin

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.core.files.utils import validate_file_name
from django.db import IntegrityError, transaction
from django.utils.deconstruct import deconstructible
from django.utils.encoding import filepath_to_uri

from stored_files.models import NAME_LENGTH, StoredFile

# Tries at a free name when other servers keep taking the ones found free; each loss is a real clash.
ATTEMPTS = 10


@deconstructible(path="stored_files.storage.DatabaseStorage")
class DatabaseStorage(Storage):
    def __init__(self, store, base_url=None):
        self.store = store
        self.base_url = base_url if base_url is None or base_url.endswith("/") else base_url + "/"

    def _files(self):
        return StoredFile.objects.filter(store=self.store)

    def _row(self, name, *fields):
        try:
            return self._files().values_list(*fields).get(name=name)
        except StoredFile.DoesNotExist:
            raise FileNotFoundError(f"{name!r} is not in the {self.store!r} store") from None

    def _open(self, name, mode="rb"):
        if mode != "rb":
            raise ValueError(f"Stored files open for reading in binary mode ('rb') only, not {mode!r}; save() writes.")
        (content,) = self._row(name, "content")
        return ContentFile(bytes(content), name=name)

    def save(self, name, content, max_length=None):
        """Store the content under `name`, or a free name like it; the name stored.

        Two servers may find the same name free at once: the unique constraint lets one insert
        in, and the other tries again with a new name. Each try is a savepoint, so a lost race
        leaves the caller's transaction usable.
        """
        if name is None:
            name = content.name
        if not hasattr(content, "chunks"):
            content = File(content, name)
        validate_file_name(name, allow_relative_path=True)
        data = b"".join(content.chunks())
        max_length = min(max_length or NAME_LENGTH, NAME_LENGTH)
        for _attempt in range(ATTEMPTS):
            candidate = self.get_available_name(name, max_length=max_length)
            validate_file_name(candidate, allow_relative_path=True)
            try:
                with transaction.atomic():
                    StoredFile.objects.create(store=self.store, name=candidate, content=data, size=len(data))
            except IntegrityError:
                if not self.exists(candidate):
                    raise  # not a clash of names: another rule refused the row
                continue
            return candidate
        raise FileExistsError(f"No free name like {name!r} in the {self.store!r} store after {ATTEMPTS} tries")

    def delete(self, name):
        if not name:
            raise ValueError("The name must be given to delete().")
        self._files().filter(name=name).delete()

    def exists(self, name):
        return self._files().filter(name=name).exists()

    def listdir(self, path):
        """The "directories" (first parts of longer names) and files directly under `path`."""
        prefix = path.strip("/")
        prefix = prefix + "/" if prefix else ""
        directories, files = set(), []
        for name in self._files().filter(name__startswith=prefix).values_list("name", flat=True):
            head, slash, _rest = name[len(prefix) :].partition("/")
            if slash:
                directories.add(head)
            else:
                files.append(head)
        return sorted(directories), sorted(files)

    def size(self, name):
        (size,) = self._row(name, "size")
        return size

    def url(self, name):
        if self.base_url is None:
            raise ValueError("This file is not accessible via a URL.")
        return urljoin(self.base_url, filepath_to_uri(name).lstrip("/"))

    def get_created_time(self, name):
        # The ORM gives what Storage promises: aware with USE_TZ, naive local time without.
        (created_at,) = self._row(name, "created_at")
        return created_at

    # A stored file never changes and nothing records reads: all three times are its creation.
    get_modified_time = get_accessed_time = get_created_time


@deconstructible(path="stored_files.storage.PrivateDatabaseStorage")
class PrivateDatabaseStorage(DatabaseStorage):
    """A DatabaseStorage that never makes a URL: its files are read only through views that check who asks."""

    def __init__(self, store):
        super().__init__(store, base_url=None)

    def url(self, name):
        raise ValueError(
            f"Files of the private {self.store!r} store have no URL; views that check who asks serve them."
        )
