"""Files kept in PostgreSQL (CLINIC_FILE_STORE=database): what every server of a site reads alike."""

import io
import os
import re
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone
from PIL import Image

from consultations import photos
from consultations.groups import FRONT_DESK
from consultations.models import AuditEntry, ConsultationRequest, HeldPhoto, Photo
from consultations.storage import photo_storage
from practice.models import PublicImage
from stored_files.models import StoredFile
from stored_files.storage import DatabaseStorage, PrivateDatabaseStorage
from tests.consultation_fixtures import FormClient, answers, make_request, post_data
from tests.file_store_fixtures import DATABASE_STORES
from tests.pages import anonymous_client
from tests.photo_fixtures import camera_jpeg, plain_jpeg, upload
from tests.servers import database_env, free_port, start_gunicorn, stop
from tests.staff_fixtures import sign_in_verified
from tests.test_consultation_photos import URL, photo_urls, staff, stored_photo
from tests.test_public_images import IMMUTABLE, png
from tests.test_public_images import upload as upload_image
from tests.test_settings import PRODUCTION, manage

PUBLIC = DatabaseStorage("public_images", base_url="/images/")
PRIVATE = PrivateDatabaseStorage("patient_photos")


@pytest.fixture
def gates_off(settings):
    settings.CLINIC_CONSULTATION_SPAM_CHECKS = False
    settings.CLINIC_CONSULTATION_RATE_LIMIT = 0


def on_disk(name):
    """Whether a file of this name is in the run's photo directory (the disk store's)."""
    return Path(settings.CLINIC_PHOTO_ROOT, name).exists()


# The storage.


def test_a_saved_file_reads_back_with_its_size_times_and_listing(db):
    before = timezone.now()
    name = PRIVATE.save("held/abc.upload", ContentFile(b"\x00photo bytes\xff"))
    assert name == "held/abc.upload"
    assert PRIVATE.exists(name) and not PRIVATE.exists("held/other.upload")
    with PRIVATE.open(name) as stream:
        assert stream.read() == b"\x00photo bytes\xff"
    assert PRIVATE.size(name) == 13
    created = PRIVATE.get_created_time(name)
    assert before - timedelta(seconds=5) <= created <= timezone.now() and created.tzinfo is not None
    assert PRIVATE.get_modified_time(name) == PRIVATE.get_accessed_time(name) == created
    PRIVATE.save("top.jpg", ContentFile(b"top"))
    PRIVATE.save("held/deeper/one.jpg", ContentFile(b"deep"))
    assert PRIVATE.listdir("") == (["held"], ["top.jpg"])
    assert PRIVATE.listdir("held") == (["deeper"], ["abc.upload"])
    assert PRIVATE.listdir("held/deeper/") == ([], ["one.jpg"])
    PRIVATE.delete(name)
    PRIVATE.delete(name)  # already gone: nothing to do, as on disk
    assert not PRIVATE.exists(name)
    for read in (PRIVATE.open, PRIVATE.size, PRIVATE.get_modified_time):
        with pytest.raises(FileNotFoundError):
            read(name)


def test_a_name_taken_gets_another_and_the_first_file_is_kept(db):
    first = PUBLIC.save("0123456789abcdef0123-640w.avif", ContentFile(b"first"))
    second = PUBLIC.save("0123456789abcdef0123-640w.avif", ContentFile(b"second"))
    assert first == "0123456789abcdef0123-640w.avif"
    assert re.fullmatch(r"0123456789abcdef0123-640w_[A-Za-z0-9]{7}\.avif", second)
    assert PUBLIC.open(first).read() == b"first" and PUBLIC.open(second).read() == b"second"


def test_each_store_is_a_namespace_of_its_own(db):
    """The public store serves by name: it must never find a private file of the same name."""
    PRIVATE.save("same.jpg", ContentFile(b"a patient's photo"))
    assert not PUBLIC.exists("same.jpg")
    with pytest.raises(FileNotFoundError):
        PUBLIC.open("same.jpg")
    assert PUBLIC.listdir("") == ([], [])


def test_the_private_store_has_no_url_and_the_public_one_links_below_its_path(db):
    with pytest.raises(ValueError, match="no URL"):
        PRIVATE.url("face.jpg")
    assert PUBLIC.url("0123456789abcdef0123-640w.avif") == "/images/0123456789abcdef0123-640w.avif"


def test_names_that_climb_out_or_are_absolute_are_refused(db):
    for name in ("../settings.py", "/etc/passwd", "held/../../x"):
        with pytest.raises(Exception, match="path traversal|absolute"):
            PRIVATE.save(name, ContentFile(b"x"))
    assert not StoredFile.objects.exists()


def test_files_open_for_reading_only(db):
    PRIVATE.save("face.jpg", ContentFile(b"x"))
    with pytest.raises(ValueError, match="binary mode"):
        PRIVATE.open("face.jpg", "wb")


def test_the_database_refuses_a_size_that_is_not_the_contents(db):
    with pytest.raises(IntegrityError, match="stored_file_size_is_its_length"), transaction.atomic():
        StoredFile.objects.create(store="patient_photos", name="face.jpg", content=b"four", size=3)


def _waiting_on_a_lock(timeout=10):
    """Wait until some other connection is blocked on a lock (here: the unique index)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # The statistics are read once per transaction unless the snapshot is cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


@pytest.mark.django_db(transaction=True)
def test_two_servers_saving_one_name_at_once_both_keep_their_file():
    """Server A has inserted the name, not yet committed; server B finds it free (it cannot see A's
    row), and its insert waits on the unique index until A commits, then fails: B saves under a
    new name, in a savepoint, so B's own transaction goes on."""
    name = "0" * 32 + ".jpg"
    outcome = {}

    def server_b():
        try:
            with transaction.atomic():
                outcome["name"] = PRIVATE.save(name, ContentFile(b"from B"))
                outcome["rows"] = StoredFile.objects.count()  # the transaction is still usable
        except Exception as error:  # reported to the test below
            outcome["error"] = error
        finally:
            connection.close()

    with transaction.atomic():
        assert PRIVATE.save(name, ContentFile(b"from A")) == name
        other = threading.Thread(target=server_b)
        other.start()
        assert _waiting_on_a_lock(), "B's insert should wait for A's"
    other.join(timeout=20)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["name"] != name and outcome["rows"] == 2
    assert PRIVATE.open(name).read() == b"from A"
    assert PRIVATE.open(outcome["name"]).read() == b"from B"


def test_the_setting_configures_both_stores_in_the_database(tmp_path):
    shell = ["shell", "--no-imports", "-c"]
    script = "from django.conf import settings as s; print(repr((s.STORAGES, s.CLINIC_PHOTO_ROOT)))"
    environment = {**PRODUCTION, "CLINIC_FILE_STORE": "database", "CLINIC_PHOTO_ROOT": None}
    result = manage(*shell, script, **environment)
    assert result.returncode == 0, result.stderr
    stores, photo_root = eval(result.stdout)  # noqa: S307 (our own repr of dicts of strings)
    assert {name: stores[name] for name in DATABASE_STORES} == DATABASE_STORES
    assert photo_root is None
    assert manage("check", "--deploy", "--fail-level", "WARNING", **environment).returncode == 0

    refused = manage("check", **{**PRODUCTION, "CLINIC_FILE_STORE": "postgres"})
    assert refused.returncode != 0
    assert "CLINIC_FILE_STORE must be disk (one server) or database (several servers), not 'postgres'" in refused.stderr


# Patients' photos in the database.


def test_a_photo_sent_with_the_form_is_kept_in_the_database_without_metadata(
    client, content, gates_off, database_file_store
):
    response = client.post(URL, {**post_data(), "photo_smile": upload("Ada Example smile.jpg", camera_jpeg())})
    assert response.status_code == 302, response.content.decode()
    photo = Photo.objects.get()
    assert photo.request == ConsultationRequest.objects.get()
    for name in (photo.image.name, photo.thumbnail.name):
        row = StoredFile.objects.get(name=name)
        assert row.store == "patient_photos" and row.size == len(row.content)
        assert not on_disk(name)
        raw = bytes(row.content)
        for secret in (b"Examplecam", b"EX-1", b"maker note", b"Home Street", b"Exif"):
            assert secret not in raw
        with Image.open(io.BytesIO(raw)) as image:
            assert image.format == "JPEG" and not image.getexif() and "icc_profile" not in image.info
    assert Image.open(io.BytesIO(bytes(StoredFile.objects.get(name=photo.image.name).content))).size == (200, 400)
    # No URL, whatever asks for one.
    with pytest.raises(ValueError, match="no URL"):
        photo.image.url  # noqa: B018 (the property raises)


def test_only_staff_past_the_second_factor_read_a_photo_from_the_database_and_it_is_recorded(db, database_file_store):
    photo = stored_photo()
    assert StoredFile.objects.filter(store="patient_photos").count() == 2 and not on_disk(photo.image.name)
    client = Client()
    for url in photo_urls(photo):
        assert client.get(url).status_code == 404  # anonymous
    client.force_login(staff("half", FRONT_DESK))  # a password, no code yet
    for url in photo_urls(photo):
        assert client.get(url).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PHOTO).exists()

    sign_in_verified(client, staff("desk", FRONT_DESK))
    for url, name in zip(photo_urls(photo), (photo.image.name, photo.thumbnail.name), strict=True):
        response = client.get(url)
        assert response.status_code == 200
        assert (response["Content-Type"], response["Cache-Control"]) == ("image/jpeg", "private, no-store")
        assert b"".join(response.streaming_content) == bytes(StoredFile.objects.get(name=name).content)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PHOTO, username="desk").count() == 2


def test_a_photo_held_across_a_mistake_is_kept_in_the_database_until_the_request_is_stored(
    client, content, gates_off, database_file_store, django_capture_on_commit_callbacks
):
    data = post_data(name="")
    response = client.post(URL, {**data, "photo_rest": upload("face.jpg", camera_jpeg())})
    assert response.status_code == 200
    held = HeldPhoto.objects.get()
    assert StoredFile.objects.filter(store="patient_photos", name=held.file.name).exists()
    assert held.file.name.startswith("held/") and not on_disk(held.file.name)
    ids = dict(re.findall(r'name="(photo_[a-z_]+_held)" value="([^"]+)"', response.content.decode()))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {**data, "name": "Ada Example", **ids})
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert set(StoredFile.objects.values_list("name", flat=True)) == {photo.image.name, photo.thumbnail.name}


def test_the_retention_run_deletes_the_rows_of_expired_requests_photos(
    db, database_file_store, django_capture_on_commit_callbacks
):
    from consultations.retention import delete_expired

    old = make_request(status="closed", created_at=timezone.now() - timedelta(days=settings.CLINIC_RETENTION_DAYS + 1))
    kept = stored_photo()
    gone = stored_photo(old)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        old.delete()
        raise RuntimeError("a deletion rolled back keeps its files")
    assert StoredFile.objects.filter(name=gone.image.name).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert delete_expired() == 1
    assert set(StoredFile.objects.values_list("name", flat=True)) == {kept.image.name, kept.thumbnail.name}


def test_the_daily_clean_up_deletes_rows_no_photo_refers_to(db, database_file_store):
    kept = stored_photo()
    orphan = photo_storage().save("1" * 32 + ".jpg", ContentFile(plain_jpeg()))
    not_ours = photo_storage().save("README.txt", ContentFile(b"not a photo"))
    assert photos.delete_orphan_files() == 0  # too young yet
    assert photos.delete_orphan_files(now=timezone.now() + timedelta(days=2)) == 1
    assert set(StoredFile.objects.values_list("name", flat=True)) == {kept.image.name, kept.thumbnail.name, not_ours}
    assert orphan not in photo_storage().listdir("")[1]


# Public images in the database.


def test_an_image_uploaded_in_the_admin_is_kept_in_the_database_and_served_immutable(admin_client, database_file_store):
    assert upload_image(admin_client, png(700, 420)).status_code == 302
    image = PublicImage.objects.get()
    client = anonymous_client()
    for rendition in image.renditions:
        row = StoredFile.objects.get(name=rendition["name"])
        assert row.store == "public_images"
        assert not Path(os.environ["CLINIC_PUBLIC_IMAGES_ROOT"], rendition["name"]).exists()
        response = client.get("/images/" + rendition["name"])
        assert response.status_code == 200
        assert response["Cache-Control"] == IMMUTABLE
        assert (
            response["Content-Type"]
            == {"avif": "image/avif", "webp": "image/webp", "jpg": "image/jpeg"}[rendition["format"]]
        )
        assert "Set-Cookie" not in response and response["Cross-Origin-Resource-Policy"] == "same-origin"
        body = b"".join(response.streaming_content)
        assert body == bytes(row.content) and int(response["Content-Length"]) == len(body)
        head = client.head("/images/" + rendition["name"])
        assert head.status_code == 200 and int(head["Content-Length"]) == row.size
    # A photo's name under /images/ is a 404, even when it looks like a rendition's.
    PRIVATE.save("0123456789abcdef0123-640w.jpg", ContentFile(plain_jpeg()))
    assert client.get("/images/0123456789abcdef0123-640w.jpg").status_code == 404


# Two servers, as deployed: what one stores, the other serves.


@pytest.fixture
def two_servers(live_content):
    environment = database_env(CLINIC_FILE_STORE="database", CLINIC_CONSULTATION_MIN_FILL_SECONDS="0")
    ports = [free_port(), free_port()]
    processes = []
    try:
        for port in ports:
            processes.append(start_gunicorn(port, environment))
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            stop(process)


def fetch(url, session=None):
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"} if session else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_a_photo_sent_to_one_server_is_opened_by_staff_on_the_other_and_images_too(two_servers):
    first, second = two_servers
    status, location, _body = FormClient(first).submit(answers(), files={"photo_smile": ("face.jpg", camera_jpeg())})
    assert (status, location) == (302, "/consultation/received/")
    photo = Photo.objects.get()
    row = StoredFile.objects.get(store="patient_photos", name=photo.image.name)
    assert not on_disk(photo.image.name)

    url = second + photo_urls(photo)[0]
    assert fetch(url)[0] == 404  # anonymous
    half = Client()
    half.force_login(staff("half", FRONT_DESK))
    assert fetch(url, half.cookies[settings.SESSION_COOKIE_NAME].value)[0] == 404  # a password, no code yet
    desk = sign_in_verified(Client(), staff("desk", FRONT_DESK))
    status, headers, body = fetch(url, desk.cookies[settings.SESSION_COOKIE_NAME].value)
    assert (status, headers["Cache-Control"], headers["Content-Type"]) == (200, "private, no-store", "image/jpeg")
    assert body == bytes(row.content)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PHOTO, username="desk").count() == 1

    # A rendition the first server wrote (here, this process) is served by the second.
    name = PUBLIC.save("0123456789abcdef0123-640w.jpg", ContentFile(plain_jpeg()))
    status, headers, body = fetch(f"{second}/images/{name}")
    assert (status, headers["Cache-Control"], headers["Content-Type"]) == (200, IMMUTABLE, "image/jpeg")
    assert body == plain_jpeg()
    assert fetch(f"{second}/images/{photo.image.name}")[0] == 404
