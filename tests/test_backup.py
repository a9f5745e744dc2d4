"""The backup drill: data in, backup, restore into an empty database and stores, everything back."""

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
from datetime import time, timedelta
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from booking.models import Booking, VisitType, WeeklyHours
from conditions.models import Condition
from consultations.models import AuditEntry, Photo
from practice.models import TeamMember
from tests.consultation_fixtures import make_request
from tests.photo_fixtures import plain_jpeg
from tests.servers import ROOT, database_env

pytestmark = pytest.mark.usefixtures("live_content")


def _new_database(name):
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    return name


def _drop_database(name):
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_database():
    """A new, empty database beside the test database, dropped afterwards."""
    name = _new_database(f"{connection.settings_dict['NAME']}_restored")
    yield name
    _drop_database(name)


def run(command, database, tmp_path, file_store="disk"):
    """manage.py backup or restore on `database`, with stores of their own under tmp_path."""
    environment = database_env(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        CLINIC_FILE_STORE=file_store,
        CLINIC_PHOTO_ROOT=str(tmp_path / "restored-photos"),
        CLINIC_PUBLIC_IMAGES_ROOT=str(tmp_path / "restored-images"),
    )
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def restore(directory, database, tmp_path, file_store="disk"):
    return run(["restore", str(directory)], database, tmp_path, file_store)


def stored_in(database):
    """The files a database holds (stored_files), by store and name, as digests."""
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{database}") as restored:
        rows = restored.execute("SELECT store, name, encode(sha256(content), 'hex') FROM stored_files_storedfile")
        return {f"{store}/{name}": digest for store, name, digest in rows}


def tree(root):
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in Path(root).rglob("*")
        if path.is_file()
    }


def save_a_photo(consultation):
    photo = Photo(request=consultation, pose="rest", width=300, height=300)
    photo.image.save("drill.jpg", ContentFile(plain_jpeg()), save=False)
    photo.thumbnail.save("drill-thumb.jpg", ContentFile(plain_jpeg((80, 80))), save=False)
    photo.save()
    return photo


@pytest.mark.parametrize("file_store", ["disk", "database"])
def test_the_drill_brings_back_every_request_photo_booking_audit_entry_and_page(
    empty_database, tmp_path, file_store, request
):
    if file_store == "database":
        request.getfixturevalue("database_file_store")
        # The content's renditions were made on disk before the store changed: one of the database's own.
        storages["public_images"].save("0123456789abcdef0123-640w.jpg", ContentFile(plain_jpeg()))
    consultation = make_request(name="Drill Patient")
    save_a_photo(consultation)
    doctor = TeamMember.objects.create(name="Dr. Drill", role="Surgeon")
    WeeklyHours.objects.create(team_member=doctor, weekday=2, starts=time(9), ends=time(10))
    visit = VisitType.objects.create(name="New consultation", minutes=30)
    starts = timezone.now() + timedelta(days=3)
    Booking.objects.create(team_member=doctor, visit_type=visit, starts_at=starts, ends_at=starts + visit.length)
    AuditEntry.objects.create(action="view", username="desk", references=consultation.reference)

    call_command("backup", to=str(tmp_path / "backups"))
    (directory,) = (tmp_path / "backups").iterdir()
    assert directory.stat().st_mode & 0o777 == 0o700
    assert {path.name: path.stat().st_mode & 0o777 for path in directory.iterdir()} == {
        "manifest.json": 0o600,
        "database.dump": 0o600,
        "files.tar": 0o600,
    }

    result = restore(directory, empty_database, tmp_path, file_store)
    assert result.returncode == 0, result.stderr
    assert "each table's count as backed up" in result.stdout
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{empty_database}") as restored:
        rows = {
            table: restored.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 (our table names)
            for table in (
                "consultations_consultationrequest",
                "consultations_photo",
                "booking_booking",
                "consultations_auditentry",
                "conditions_condition",
            )
        }
        name = restored.execute("SELECT name FROM consultations_consultationrequest").fetchone()[0]
    assert rows == {
        "consultations_consultationrequest": 1,
        "consultations_photo": 1,
        "booking_booking": 1,
        "consultations_auditentry": AuditEntry.objects.count(),
        "conditions_condition": Condition.objects.count(),
    }
    assert name == "Drill Patient"
    # Every photo and every public image, byte for byte, each in one place.
    if file_store == "disk":
        assert tree(tmp_path / "restored-photos") == tree(storages["patient_photos"].location)
        assert tree(tmp_path / "restored-images") == tree(storages["public_images"].location)
        assert tree(tmp_path / "restored-photos")
        assert stored_in(empty_database) == {}
    else:
        with tarfile.open(directory / "files.tar") as archive:
            assert archive.getnames() == []  # the dump holds them
        assert stored_in(empty_database) == stored_in(connection.settings_dict["NAME"])
        assert {name.split("/")[0] for name in stored_in(empty_database)} == {"patient_photos", "public_images"}
        assert not (tmp_path / "restored-photos").exists() and not (tmp_path / "restored-images").exists()

    # Never over data: a second restore into the same database is refused, and so is a damaged backup.
    again = restore(directory, empty_database, tmp_path / "again", file_store)
    assert again.returncode != 0 and "is not empty" in again.stderr
    if file_store == "disk":  # an empty database, but a photo directory with a file in it
        (tmp_path / "full" / "restored-photos").mkdir(parents=True)
        (tmp_path / "full" / "restored-photos" / "face.jpg").write_bytes(b"someone's photo")
        full = restore(directory, _new_database(empty_database), tmp_path / "full")
        assert full.returncode != 0 and "the file store 'patient_photos' is not empty" in full.stderr
    damaged = tmp_path / "damaged"
    shutil.copytree(directory, damaged)
    with open(damaged / "database.dump", "r+b") as dump:
        dump.seek(200)
        # Every bit of four bytes flipped: writing zeros changes nothing where the dump has zeros already.
        flipped = bytes(byte ^ 0xFF for byte in dump.read(4))
        dump.seek(200)
        dump.write(flipped)
    refused = restore(damaged, empty_database, tmp_path / "damaged-stores")
    assert refused.returncode != 0 and "SHA-256 differs" in refused.stderr
    assert os.listdir(tmp_path / "backups") == [directory.name]


def test_a_backup_moves_the_files_from_disk_into_the_database_and_back(tmp_path):
    """From one server to two (CLINIC_FILE_STORE=database) and back: restore the backup with the
    other store, and each file lands in that store once."""
    photo = save_a_photo(make_request(name="Moving Patient"))
    on_disk = tree(storages["patient_photos"].location)
    call_command("backup", to=str(tmp_path / "from-disk"))
    (from_disk,) = (tmp_path / "from-disk").iterdir()
    into_database = _new_database(f"{connection.settings_dict['NAME']}_into_database")
    back_on_disk = _new_database(f"{connection.settings_dict['NAME']}_back_on_disk")
    try:
        result = restore(from_disk, into_database, tmp_path / "database-stores", "database")
        assert result.returncode == 0, result.stderr
        in_database = stored_in(into_database)
        assert {name: digest for name, digest in in_database.items() if name.startswith("patient_photos/")} == {
            f"patient_photos/{name}": digest for name, digest in on_disk.items()
        }
        assert f"patient_photos/{photo.image.name}" in in_database
        assert not (tmp_path / "database-stores" / "restored-photos").exists()

        result = run(["backup", "--to", str(tmp_path / "from-database")], into_database, tmp_path, "database")
        assert result.returncode == 0, result.stderr
        (from_database,) = (tmp_path / "from-database").iterdir()
        result = restore(from_database, back_on_disk, tmp_path / "disk-stores", "disk")
        assert result.returncode == 0, result.stderr
        assert tree(tmp_path / "disk-stores" / "restored-photos") == on_disk
        assert stored_in(back_on_disk) == {}
    finally:
        _drop_database(into_database)
        _drop_database(back_on_disk)
