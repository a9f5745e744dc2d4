"""A backup: the database as pg_dump writes it (custom format) and every stored file, with a manifest.

    <directory>/manifest.json   when, which release, each part's SHA-256, and how many rows each
                                 table held, so a restore can be checked, not trusted
    <directory>/database.dump   pg_dump --format=custom: one consistent snapshot
    <directory>/files.tar       every file of the stores listed in STORES, read through Django's
                                 storage API (a directory on disk or a bucket alike), except the
                                 stores kept in the database (CLINIC_FILE_STORE=database): their
                                 files are rows of the dump already, and are restored with it once

The database is dumped first and the files read after, so every file a row of the dump names is in
the archive (a file added meanwhile is an orphan, which the daily clean-up deletes). The directory is
readable by its owner only: it holds patients' requests and photos.

A backup may be restored into stores of the other kind: files from the archive are saved through
whatever storage the site now has (disk to database, to move to several servers), and files the
dump holds are written out to a store on disk (database to disk, back to one server).
"""

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.utils import timezone

from stored_files.models import StoredFile
from stored_files.storage import DatabaseStorage

# The stores whose files a restore needs: patients' photos and the public images' renditions.
STORES = ("patient_photos", "public_images")
MANIFEST, DATABASE, FILES = "manifest.json", "database.dump", "files.tar"
# Where a backup holds a store's files (the manifest's "stores"): in the archive, or in the dump.
IN_ARCHIVE, IN_DATABASE = FILES, "database"


class BackupError(Exception):
    pass


def database_url():
    settings_dict = connection.settings_dict
    if connection.vendor != "postgresql":
        raise BackupError("backup and restore need PostgreSQL (the SQLite demo is one file: copy db.sqlite3).")
    # The password goes in PGPASSWORD (_run), not on a command line other users can list.
    user, host, port = settings_dict.get("USER") or "", settings_dict.get("HOST") or "", settings_dict.get("PORT") or ""
    location = f"{host}:{port}" if port else host
    return f"postgresql://{user + '@' if user else ''}{location}/{settings_dict['NAME']}"


def _run(program, *arguments):
    """Run a PostgreSQL client program (found on the PATH) with our own arguments, no shell."""
    path = shutil.which(program)
    if path is None:
        raise BackupError(f"{program} is not installed (Debian: apt install postgresql-client)")
    environment = {**os.environ}
    if connection.settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = connection.settings_dict["PASSWORD"]
    result = subprocess.run(  # noqa: S603 (our own arguments)
        [path, *arguments], capture_output=True, text=True, env=environment
    )
    if result.returncode:
        raise BackupError(f"{program} failed: {result.stderr.strip()[-500:]}")


def row_counts():
    """How many rows each of the site's tables holds (Django's own and ours alike)."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def in_database(store):
    """Whether the store's files are rows of the site's database (stored_files)."""
    return isinstance(storages[store], DatabaseStorage)


def _stored_names(storage, directory=""):
    try:
        subdirectories, files = storage.listdir(directory)
    except FileNotFoundError:  # a store on disk that nothing was ever saved to
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for subdirectory in sorted(subdirectories):
        yield from _stored_names(storage, f"{directory}/{subdirectory}" if directory else subdirectory)


def _digest(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write(directory):
    """Write a backup into `directory` (created, owner-only); the manifest."""
    directory = Path(directory)
    previous_umask = os.umask(0o077)
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=False)
        counts = row_counts()
        kept = {store: IN_DATABASE if in_database(store) else IN_ARCHIVE for store in STORES}
        # Those in the dump, counted now as the rows are (the dump follows at once).
        files = StoredFile.objects.filter(store__in=[store for store in STORES if kept[store] == IN_DATABASE]).count()
        _run(
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={directory / DATABASE}",
            f"--dbname={database_url()}",
        )
        with tarfile.open(directory / FILES, "w") as archive:
            for store in (store for store in STORES if kept[store] == IN_ARCHIVE):
                storage = storages[store]
                for name in _stored_names(storage):
                    with storage.open(name, "rb") as stream:
                        data = stream.read()
                    member = tarfile.TarInfo(f"{store}/{name}")
                    member.size, member.mode = len(data), 0o600
                    archive.addfile(member, io.BytesIO(data))
                    files += 1
        manifest = {
            "created_at": timezone.now().isoformat(),
            "release": settings.CLINIC_RELEASE,
            "sha256": {part: _digest(directory / part) for part in (DATABASE, FILES)},
            "files": files,
            "stores": kept,
            "rows": counts,
        }
        (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    finally:
        os.umask(previous_umask)
    return manifest


def read(directory):
    """The manifest of a backup whose parts are whole (their SHA-256 as written); BackupError if not."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{directory} holds no readable {MANIFEST}: {error}") from error
    for part, expected in manifest["sha256"].items():
        if _digest(directory / part) != expected:
            raise BackupError(f"{directory / part} is not the file the backup wrote (its SHA-256 differs)")
    return manifest


def restore(directory):
    """Restore a backup into this site's database and stores, which must be empty; the manifest."""
    directory = Path(directory)
    manifest = read(directory)
    if connection.introspection.table_names():
        raise BackupError(
            f"the database {connection.settings_dict['NAME']} is not empty: restore into a new, empty database"
        )
    # A store in the database is as empty as the database, checked above.
    for store in (store for store in STORES if not in_database(store)):
        if any(True for _name in _stored_names(storages[store])):
            raise BackupError(f"the file store {store!r} is not empty: restore into empty stores")
    _run(
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        f"--dbname={database_url()}",
        str(directory / DATABASE),
    )
    # Checked before any file is put back: files saved into a store in the database add rows.
    restored = row_counts()
    differing = {
        label: (count, restored.get(label)) for label, count in manifest["rows"].items() if restored.get(label) != count
    }
    if differing:
        raise BackupError(f"rows restored differ from the backup's (table: backup, restored): {differing}")
    with tarfile.open(directory / FILES) as archive:
        for member in archive.getmembers():
            if not member.isfile():
                continue
            store, name = member.name.split("/", 1)
            if store not in STORES or ".." in Path(name).parts:
                raise BackupError(f"{member.name} is not a file this site stores")
            _put_back(store, name, archive.extractfile(member).read())
    # Files the dump brought back for a store the site now keeps on disk: written out, then dropped
    # from the table, so that each file is in one place.
    for store, kept in manifest.get("stores", {}).items():
        if kept == IN_DATABASE and not in_database(store):
            for row in StoredFile.objects.filter(store=store).iterator(chunk_size=20):
                _put_back(store, row.name, bytes(row.content))
            StoredFile.objects.filter(store=store).delete()
    return manifest


def _put_back(store, name, data):
    saved = storages[store].save(name, ContentFile(data))
    if saved != name:
        raise BackupError(f"{store}/{name} was stored as {saved}")
