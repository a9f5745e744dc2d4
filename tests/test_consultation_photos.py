"""Photos with a consultation request: what the form takes and refuses, what is stored, who sees it."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from consultations import form_tokens, held_photos, housekeeping, photos
from consultations.choices import Pose
from consultations.groups import FRONT_DESK, MANAGER
from consultations.models import AuditEntry, ConsultationRequest, HeldPhoto, Photo
from consultations.photos import PhotoFiles, check, prepare
from consultations.storage import photo_storage
from tests.consultation_fixtures import FormClient, answers, database_env, free_port, make_request, post_data
from tests.photo_fixtures import (
    BLUE,
    RED,
    SVG,
    TEXT,
    animated_gif,
    camera_jpeg,
    heic,
    huge_png,
    open_stored,
    oversized_jpeg,
    plain_jpeg,
    plain_png,
    stored_files,
    upload,
)
from tests.servers import start_gunicorn, stop
from tests.staff_fixtures import sign_in_verified

URL = "/consultation/"
CHANGELIST = "/admin/consultations/consultationrequest/"


@pytest.fixture
def gates_off(settings):
    settings.CLINIC_CONSULTATION_SPAM_CHECKS = False
    settings.CLINIC_CONSULTATION_RATE_LIMIT = 0


def staff(name, group=None, **fields):
    user = User.objects.create_user(name, password="a long staff password", is_staff=True, **fields)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def close_enough(pixel, color):
    return all(abs(a - b) < 40 for a, b in zip(pixel, color, strict=True))


def stored_photo(consultation=None, pose=Pose.REST, data=None):
    """A photo stored as the form stores one, on a request of its own unless given."""
    consultation = consultation or make_request()
    with PhotoFiles() as files, transaction.atomic():
        files.save(consultation, [prepare(check(upload("face.jpg", data or plain_jpeg()), pose))])
    return consultation.photos.get(pose=pose)


# The form.


def test_form_offers_one_optional_file_input_per_pose_with_a_drawing(client, content):
    html = client.get(URL).content.decode()
    assert 'enctype="multipart/form-data"' in html
    inputs = re.findall(r"<input[^>]*type=\"file\"[^>]*>", html)
    assert len(inputs) == 6
    for tag in inputs:
        assert 'accept="image/*,.heic,.heif"' in tag
        # The camera is offered, not forced: with `capture` a phone could not pick an existing photo.
        assert "capture" not in tag
        assert "required" not in tag
    for guide in photos.GUIDES:
        assert f'name="{guide.field_name}"' in html
        assert str(guide.pose.label) in html
        assert str(guide.instruction) in html
        assert f'alt="{guide.drawing_alt}"' in html
        drawing = Path(settings.BASE_DIR) / "static" / guide.drawing
        assert drawing.stat().st_size < 1024
        assert drawing.read_text().startswith("<svg")
    assert "good light, face the camera, no glasses" in html
    assert "up to 10.0\xa0MB each" in html


def test_a_photo_is_stored_upright_without_metadata_under_a_name_of_ours(client, content, gates_off):
    response = client.post(URL, {**post_data(), "photo_smile": upload("Ada Example smile.jpg", camera_jpeg())})
    assert response.status_code == 302, response.content.decode()
    photo = Photo.objects.get()
    assert photo.pose == Pose.SMILE
    assert photo.request == ConsultationRequest.objects.get()
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", photo.image.name)
    assert re.fullmatch(r"[0-9a-f]{32}-thumbnail\.jpg", photo.thumbnail.name)
    raw = photo.image.open("rb").read()
    photo.image.close()
    for secret in (b"Examplecam", b"EX-1", b"maker note", b"Home Street", b"Exif"):
        assert secret not in raw
    with open_stored(photo.image.name) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "exif" not in image.info and "comment" not in image.info and "icc_profile" not in image.info
        # Sideways on the camera, upright here: red on top, blue below.
        assert image.size == (200, 400) == (photo.width, photo.height)
        assert close_enough(image.getpixel((100, 50)), RED)
        assert close_enough(image.getpixel((100, 350)), BLUE)
    with open_stored(photo.thumbnail.name) as thumbnail:
        assert thumbnail.size == photos.thumbnail_size(200, 400) == (160, 320)
        assert not thumbnail.getexif()


def test_a_heic_photo_from_an_iphone_is_kept_as_a_jpeg(client, content, gates_off):
    response = client.post(URL, {**post_data(), "photo_rest": upload("IMG_0002.HEIC", heic(), "image/heic")})
    assert response.status_code == 302
    photo = Photo.objects.get()
    with open_stored(photo.image.name) as image:
        assert (image.format, image.size) == ("JPEG", (300, 200))
        assert close_enough(image.getpixel((150, 100)), RED)


def test_the_long_edge_is_capped(client, content, gates_off):
    response = client.post(URL, {**post_data(), "photo_rest": upload("big.png", plain_png((3000, 1500)))})
    assert response.status_code == 302
    photo = Photo.objects.get()
    with open_stored(photo.image.name) as image:
        assert image.size == (2048, 1024)
    with open_stored(photo.thumbnail.name) as thumbnail:
        assert thumbnail.size == (320, 160)


def test_six_photos_are_stored_by_pose(client, content, gates_off):
    before = stored_files()
    files = {guide.field_name: upload(f"{guide.pose}.jpg", plain_jpeg()) for guide in photos.GUIDES}
    assert client.post(URL, {**post_data(), **files}).status_code == 302
    assert [photo.pose for photo in ConsultationRequest.objects.get().photos.all()] == list(Pose.values)
    assert len(stored_files() - before) == 12
    # The confirmation says how many came, among what the patient sent.
    received = client.get("/consultation/received/").content.decode()
    assert re.search(r"<dt>Photos</dt>\s*<dd>6 photos</dd>", received)


REFUSED = [
    pytest.param("photo.jpg", TEXT, "“photo.jpg” is not an image we can open.", id="text-named-jpg"),
    pytest.param("huge.png", huge_png(), "“huge.png” has too many pixels (48 megapixels)", id="over-40-megapixels"),
    pytest.param("big.jpg", oversized_jpeg(), "“big.jpg” is too large (11.0\xa0MB)", id="11-MB"),
    pytest.param("face.svg", SVG, "“face.svg” is saved as SVG, which we do not accept.", id="svg"),
    pytest.param("wink.gif", animated_gif(), "“wink.gif” is animated.", id="animated-gif"),
]


@pytest.mark.parametrize(("name", "data", "message"), REFUSED)
def test_a_refused_file_is_named_with_the_reason_and_nothing_is_stored(client, content, gates_off, name, data, message):
    before = stored_files()
    response = client.post(
        URL,
        {**post_data(), "photo_rest": upload("fine.jpg", plain_jpeg()), "photo_smile": upload(name, data)},
    )
    assert response.status_code == 200
    html = response.content.decode()
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert message in summary
    assert 'href="#id_photo_smile"' in summary
    # The photo that was fine is held for the form (not stored with any request); the refused one is not.
    assert "was not kept" not in summary
    assert "“fine.jpg” attached" in html
    assert [held.name for held in HeldPhoto.objects.all()] == ["fine.jpg"]
    assert html.count(message) == 2  # in the summary and beside its input
    assert ConsultationRequest.objects.count() == 0
    assert Photo.objects.count() == 0
    assert stored_files() - {"held"} == before - {"held"}


def test_a_seventh_photo_is_refused_by_name_and_nothing_is_stored(client, content, gates_off):
    before = stored_files()
    files = {guide.field_name: upload(f"{guide.pose}.jpg", plain_jpeg()) for guide in photos.GUIDES}
    response = client.post(URL, {**post_data(), **files, "photo_seventh": upload("seventh.jpg", plain_jpeg())})
    assert response.status_code == 200
    html = response.content.decode()
    message = "“seventh.jpg” was not accepted: you can send up to six photos, one for each pose."
    assert message in html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert message in html.split('id="photos"', 1)[1]
    assert ConsultationRequest.objects.count() == 0
    assert stored_files() == before


def test_two_files_for_one_pose_are_refused_rather_than_one_dropped(client, content, gates_off):
    pair = [upload("first.jpg", plain_jpeg()), upload("second.jpg", plain_jpeg())]
    response = client.post(URL, {**post_data(), "photo_rest": pair})
    assert response.status_code == 200
    assert "“first.jpg” was not accepted" in response.content.decode()
    assert ConsultationRequest.objects.count() == 0


def held_ids(html):
    return dict(re.findall(r'name="(photo_[a-z_]+)_held" value="([^"]+)"', html))


def test_a_photo_is_kept_across_another_answers_mistake_and_sent_with_the_request(
    client, content, gates_off, django_capture_on_commit_callbacks
):
    data = post_data(name="")
    response = client.post(URL, {**data, "photo_rest": upload("IMG_0001.HEIC.jpg", camera_jpeg())})
    assert response.status_code == 200
    html = response.content.decode()
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "Enter your name." in summary and "photo" not in summary
    photos_part = html.split('id="photos"', 1)[1]
    assert "“IMG_0001.HEIC.jpg” attached" in photos_part and "Remove “IMG_0001.HEIC.jpg”" in photos_part
    held = HeldPhoto.objects.get()
    assert (held.pose, held.name) == ("rest", "IMG_0001.HEIC.jpg")
    assert Path(settings.CLINIC_PHOTO_ROOT, held.file.name).is_file()
    ids = held_ids(html)
    assert list(ids) == ["photo_rest"]

    # Fixed and sent again, without attaching anything: the photo comes with the request, re-encoded.
    held_back = {f"{field}_held": value for field, value in ids.items()}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {**data, "name": "Ada Example", **held_back})
    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.request == ConsultationRequest.objects.get() and photo.pose == "rest"
    with open_stored(photo.image.name) as image:
        assert not image.getexif()
    # The hold is gone with its file once the request is stored.
    assert not HeldPhoto.objects.exists()
    assert not Path(settings.CLINIC_PHOTO_ROOT, held.file.name).exists()


def test_a_photo_is_kept_through_several_mistakes(client, content, gates_off):
    data = post_data(name="")
    html = client.post(URL, {**data, "photo_smile": upload("face.jpg", plain_jpeg())}).content.decode()
    again = client.post(URL, {**data, "photo_smile_held": held_ids(html)["photo_smile"]}).content.decode()
    assert "“face.jpg” attached" in again and HeldPhoto.objects.count() == 1
    assert (
        client.post(URL, {**data, "name": "Ada", "photo_smile_held": held_ids(again)["photo_smile"]}).status_code == 302
    )
    assert Photo.objects.get().pose == "smile"


def test_a_held_photo_is_removed_with_its_box(client, content, gates_off, django_capture_on_commit_callbacks):
    data = post_data(name="")
    html = client.post(URL, {**data, "photo_rest": upload("face.jpg", plain_jpeg())}).content.decode()
    held = HeldPhoto.objects.get()
    removed = {**data, "name": "Ada", "photo_rest_held": held_ids(html)["photo_rest"], "photo_rest_remove": "1"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(URL, removed).status_code == 302
    assert not Photo.objects.exists()
    assert not HeldPhoto.objects.exists()
    assert not Path(settings.CLINIC_PHOTO_ROOT, held.file.name).exists()


def test_another_photo_chosen_for_the_pose_replaces_the_held_one(
    client, content, gates_off, django_capture_on_commit_callbacks
):
    data = post_data(name="")
    html = client.post(URL, {**data, "photo_rest": upload("first.jpg", plain_jpeg())}).content.decode()
    first = HeldPhoto.objects.get()
    replaced = {
        **data,
        "photo_rest_held": held_ids(html)["photo_rest"],
        "photo_rest": upload("second.jpg", camera_jpeg()),
    }
    with django_capture_on_commit_callbacks(execute=True):
        html = client.post(URL, replaced).content.decode()
    assert "“second.jpg” attached" in html and "first.jpg" not in html
    assert [held.name for held in HeldPhoto.objects.all()] == ["second.jpg"]
    assert not Path(settings.CLINIC_PHOTO_ROOT, first.file.name).exists()


def test_a_held_photo_is_not_claimed_by_a_forged_a_foreign_or_an_expired_id(client, content, gates_off, settings):
    mine = post_data(name="")
    html = client.post(URL, {**mine, "photo_rest": upload("face.jpg", plain_jpeg())}).content.decode()
    signed = held_ids(html)["photo_rest"]
    held = HeldPhoto.objects.get()

    # Another visitor's form (another token) sending this page's id: finds nothing.
    other = post_data()
    assert client.post(URL, {**other, "name": "Eve", "photo_rest_held": signed}).status_code == 302
    # Forged: the bare id, or the signed one edited.
    forged = post_data(message="forged")
    assert client.post(URL, {**forged, "photo_rest_held": str(held.pk)}).status_code == 302
    edited = post_data(message="edited")
    assert client.post(URL, {**edited, "photo_rest_held": signed[:-2] + "xx"}).status_code == 302
    assert not Photo.objects.exists()
    assert HeldPhoto.objects.get() == held  # still there for its own form

    # Expired: the form it was held for has expired (its token first, being older), and the id with it.
    token_hash, _age = form_tokens.read_token(mine["form_token"], settings.CLINIC_CONSULTATION_FORM_MAX_AGE)
    assert held_photos.find(signed, token_hash, Pose.REST) == held
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.CLINIC_CONSULTATION_FORM_MAX_AGE + 60)):
        assert held_photos.find(signed, token_hash, Pose.REST) is None
        late = client.post(URL, {**mine, "name": "Ada", "photo_rest_held": signed}).content.decode()
    assert "This form was open for a long time" in late and "attached" not in late
    assert not Photo.objects.exists()


def test_the_daily_clean_up_deletes_photos_held_for_forms_never_sent(
    client, content, gates_off, settings, django_capture_on_commit_callbacks
):
    client.post(URL, {**post_data(name=""), "photo_rest": upload("face.jpg", plain_jpeg())})
    held = HeldPhoto.objects.get()
    path = Path(settings.CLINIC_PHOTO_ROOT, held.file.name)
    housekeeping.run_daily()
    assert HeldPhoto.objects.count() == 1 and path.exists()  # its form may still be sent
    later = timezone.now() + timedelta(seconds=settings.CLINIC_CONSULTATION_FORM_MAX_AGE + 1)
    with django_capture_on_commit_callbacks(execute=True):
        housekeeping.run_daily(later)
    assert not HeldPhoto.objects.exists()
    assert not path.exists()


def test_a_held_photo_has_no_url_and_lives_in_the_private_store(client, content, gates_off):
    client.post(URL, {**post_data(name=""), "photo_rest": upload("face.jpg", plain_jpeg())})
    held = HeldPhoto.objects.get()
    with pytest.raises(ValueError):
        held.file.url  # noqa: B018 (the property raises)
    path = Path(settings.CLINIC_PHOTO_ROOT, held.file.name).resolve()
    assert path.is_relative_to(Path(settings.CLINIC_PHOTO_ROOT).resolve())
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)
    assert client.get(f"/media/{held.file.name}").status_code == 404
    assert client.get(f"/static/{held.file.name}").status_code == 404


def test_a_held_photo_in_a_form_shown_again_under_a_new_token_is_to_be_attached_again(client, content, settings):
    settings.CLINIC_CONSULTATION_SPAM_CHECKS = False
    data = post_data(name="")
    html = client.post(URL, {**data, "photo_rest": upload("rest.jpg", plain_jpeg())}).content.decode()
    settings.CLINIC_CONSULTATION_SPAM_CHECKS = True
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 60  # the "too quick" gate: shown again with a new token
    response = client.post(URL, {**data, "name": "Ada", "photo_rest_held": held_ids(html)["photo_rest"]})
    html = response.content.decode()
    assert "Your photo “rest.jpg” was not kept" in html and "attached" not in html
    assert ConsultationRequest.objects.count() == 0


def test_a_form_shown_again_to_be_resent_says_the_photos_were_not_kept(client, content, settings):
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 60  # the "too quick" gate: shown again, nothing stored
    response = client.post(URL, {**post_data(), "photo_rest": upload("rest.jpg", plain_jpeg())})
    assert response.status_code == 200
    assert "Your photo “rest.jpg” was not kept" in response.content.decode()
    assert ConsultationRequest.objects.count() == 0


def test_a_failed_csrf_check_says_the_photos_were_not_kept(content, gates_off):
    from django.test import Client

    browser_without_cookies = Client(enforce_csrf_checks=True)
    response = browser_without_cookies.post(URL, {**post_data(), "photo_rest": upload("rest.jpg", plain_jpeg())})
    assert response.status_code == 403
    assert "Your photo “rest.jpg” was not kept" in response.content.decode()
    assert ConsultationRequest.objects.count() == 0


def test_the_privacy_notice_tells_patients_about_their_photos(client, content):
    html = client.get("/privacy/").content.decode()
    assert "If you send photos of your face, we keep only a copy we make ourselves" in html


def test_the_same_form_sent_twice_with_its_photos_is_one_request(client, content, gates_off):
    data = post_data()
    first = client.post(URL, {**data, "photo_rest": upload("rest.jpg", camera_jpeg())})
    again = client.post(URL, {**data, "photo_rest": upload("rest.jpg", camera_jpeg())})
    assert first.status_code == again.status_code == 302
    assert ConsultationRequest.objects.count() == 1
    assert Photo.objects.count() == 1
    # Other photos under the same token are changed answers: refused, and the patient is told.
    changed = client.post(URL, {**data, "photo_rest": upload("other.jpg", plain_jpeg())})
    assert changed.status_code == 409
    assert "Your photo “other.jpg” was not kept" in changed.content.decode()
    assert Photo.objects.count() == 1


def test_the_same_answers_with_photos_added_are_a_new_request(client, content, gates_off):
    assert client.post(URL, post_data()).status_code == 302
    # Within the duplicate window, but the photos make it another request: they are not dropped.
    assert client.post(URL, {**post_data(), "photo_rest": upload("rest.jpg", plain_jpeg())}).status_code == 302
    assert ConsultationRequest.objects.count() == 2
    assert Photo.objects.count() == 1


def test_files_written_are_removed_when_the_transaction_fails(db):
    consultation = make_request()
    before = stored_files()
    same_pose_twice = [prepare(check(upload(f"{n}.jpg", plain_jpeg()), Pose.REST)) for n in (1, 2)]
    with pytest.raises(IntegrityError), PhotoFiles() as files, transaction.atomic():
        files.save(consultation, same_pose_twice)  # the second row breaks the one-photo-per-pose rule
    assert stored_files() == before
    assert not Photo.objects.exists()


# Private storage.


def test_photos_have_no_url():
    with pytest.raises(ValueError, match="no URL"):
        photo_storage().url("anything.jpg")


def test_a_photo_store_inside_a_public_directory_is_refused(settings):
    from consultations.checks import photos_stay_private

    assert photos_stay_private(None) == []
    settings.CLINIC_PHOTO_ROOT = Path(settings.STATIC_ROOT) / "photos"
    assert [error.id for error in photos_stay_private(None)] == ["consultations.E002"]
    public_uploads = Path(settings.CLINIC_PHOTO_ROOT).parent / "uploads"
    settings.CLINIC_PHOTO_ROOT = public_uploads / "photos"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "x", "OPTIONS": {"location": public_uploads}}}
    assert [error.id for error in photos_stay_private(None)] == ["consultations.E002"]


def test_stored_files_are_readable_by_the_site_alone(db):
    photo = stored_photo()
    root = Path(settings.CLINIC_PHOTO_ROOT)
    assert (root / photo.image.name).stat().st_mode & 0o077 == 0
    assert root.stat().st_mode & 0o077 == 0  # created by the storage on the run's first photo


# The protected view.


def photo_urls(photo):
    return [f"{CHANGELIST}photos/{photo.pk}/", f"{CHANGELIST}photos/{photo.pk}/thumbnail/"]


def test_only_staff_who_may_view_requests_open_a_photo_and_each_look_is_recorded(client, db):
    photo = stored_photo()
    reference = photo.request.reference
    for url in photo_urls(photo):
        assert re.fullmatch(r"/admin/consultations/consultationrequest/photos/\d+/(thumbnail/)?", url)
        assert client.get(url).status_code == 404  # anonymous

    outsider = staff("outsider")  # staff, but no permission on requests
    sign_in_verified(client, outsider)
    for url in photo_urls(photo):
        assert client.get(url).status_code == 403

    half_signed_in = staff("half", FRONT_DESK)  # password only, no second factor yet
    client.force_login(half_signed_in)
    for url in photo_urls(photo):
        assert client.get(url).status_code == 404

    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PHOTO).exists()

    desk = staff("desk", FRONT_DESK)
    sign_in_verified(client, desk)
    for url, size in zip(photo_urls(photo), ("full", "thumbnail"), strict=True):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
        body = b"".join(response.streaming_content)
        assert body == (photo.image if size == "full" else photo.thumbnail).open("rb").read()
        entry = AuditEntry.objects.filter(action=AuditEntry.Action.PHOTO).latest("at")
        assert (entry.username, entry.references, entry.detail) == ("desk", reference, f"rest {size}")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PHOTO).count() == 2
    assert client.get(f"{CHANGELIST}photos/{photo.pk + 1000}/").status_code == 404


def test_the_request_page_shows_thumbnails_by_pose_that_open_the_full_photo(client, db):
    consultation = make_request()
    smile = stored_photo(consultation, Pose.SMILE)
    rest = stored_photo(consultation, Pose.REST)
    sign_in_verified(client, staff("desk", FRONT_DESK))
    html = client.get(f"{CHANGELIST}{consultation.pk}/change/").content.decode()
    for photo in (smile, rest):
        assert f'<a href="{CHANGELIST}photos/{photo.pk}/"><img src="{CHANGELIST}photos/{photo.pk}/thumbnail/"' in html
        assert f"<figcaption>{photo.get_pose_display()}</figcaption>" in html
    # The store's own names never reach the page.
    assert smile.image.name not in html and smile.thumbnail.name not in html
    assert "None sent." in client.get(f"{CHANGELIST}{make_request().pk}/change/").content.decode()


def test_the_request_page_links_every_stylesheet_it_uses_and_offers_no_view_on_site(client, db):
    consultation = make_request()
    stored_photo(consultation)
    sign_in_verified(client, staff("desk", FRONT_DESK))
    html = client.get(f"{CHANGELIST}{consultation.pk}/change/").content.decode()
    # The thumbnails' layout and the front desk panel's styles, both linked and both found.
    stylesheets = {"css/admin-photos.css": ".consultation-photos {", "consultations/front-desk.css": ".due-overdue {"}
    for stylesheet, rule in stylesheets.items():
        assert f'href="/static/{stylesheet}"' in html
        assert rule in Path(finders.find(stylesheet)).read_text()
    # A request has no page on the public site: no "View on site", and no URL that claims to be one.
    assert "View on site" not in html and "/admin/r/" not in html
    assert not hasattr(consultation, "get_absolute_url")


# Deletion.


def test_deleting_a_request_in_the_admin_deletes_its_photo_files(client, db, django_capture_on_commit_callbacks):
    photo = stored_photo()
    names = {photo.image.name, photo.thumbnail.name}
    assert names <= stored_files()
    sign_in_verified(client, staff("manager", MANAGER))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{CHANGELIST}{photo.request.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Photo.objects.exists()
    assert not names & stored_files()


def test_the_retention_run_deletes_the_photo_files_of_expired_requests(db, django_capture_on_commit_callbacks):
    from consultations.retention import delete_expired

    old = make_request(status="closed", created_at=timezone.now() - timedelta(days=settings.CLINIC_RETENTION_DAYS + 1))
    kept = stored_photo()
    gone = stored_photo(old)
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_expired() == 1
    files = stored_files()
    assert gone.image.name not in files and gone.thumbnail.name not in files
    assert kept.image.name in files and kept.thumbnail.name in files


def test_a_deletion_rolled_back_keeps_the_files(db, django_capture_on_commit_callbacks):
    photo = stored_photo()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        photo.request.delete()
        raise RuntimeError("changed my mind")
    assert {photo.image.name, photo.thumbnail.name} <= stored_files()
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_the_daily_clean_up_removes_files_no_photo_refers_to(db):
    kept = stored_photo()
    storage = photo_storage()
    old_orphan = storage.save("0" * 32 + ".jpg", ContentFile(plain_jpeg()))
    new_orphan = storage.save("1" * 32 + ".jpg", ContentFile(plain_jpeg()))
    not_ours = storage.save("README.txt", ContentFile(b"not a photo"))
    two_days_ago = (timezone.now() - timedelta(days=2)).timestamp()
    for name in (old_orphan, not_ours, kept.image.name):
        os.utime(Path(settings.CLINIC_PHOTO_ROOT) / name, (two_days_ago, two_days_ago))
    assert photos.delete_orphan_files() == 1
    files = stored_files()
    assert old_orphan not in files
    assert {new_orphan, not_ours, kept.image.name, kept.thumbnail.name} <= files
    for name in (new_orphan, not_ours):
        storage.delete(name)


# The staff notice.


def test_the_staff_notice_counts_the_photos_and_carries_none(db):
    from consultations.emails import staff_notice

    consultation = make_request()
    for pose in (Pose.REST, Pose.SMILE, Pose.PUCKER):
        stored_photo(consultation, pose)
    message = staff_notice(consultation)
    assert "3 photos attached." in message.body
    assert message.attachments == []
    one = make_request()
    stored_photo(one)
    assert "1 photo attached." in staff_notice(one).body
    assert "attached" not in staff_notice(make_request()).body


# Through gunicorn, as deployed.


@pytest.fixture
def server(live_content):
    port = free_port()
    process = start_gunicorn(port, database_env(CLINIC_CONSULTATION_MIN_FILL_SECONDS="0"))
    yield f"http://127.0.0.1:{port}"
    stop(process)


def test_six_photos_of_almost_10_mb_each_go_through_gunicorn_in_one_request(server):
    # 12 megapixels, as a phone takes them, padded to just under the limit: a 60 MB request body.
    data = oversized_jpeg(size=settings.CLINIC_PHOTO_MAX_BYTES - 1024, size_px=(4000, 3000))
    files = {guide.field_name: (f"{guide.pose}.jpg", data) for guide in photos.GUIDES}
    status, location, _body = FormClient(server).submit(answers(), files=files)
    assert (status, location) == (302, "/consultation/received/")
    consultation = ConsultationRequest.objects.get()
    assert consultation.photos.count() == 6
    assert {photo.width for photo in consultation.photos.all()} == {2048}


def test_a_client_over_the_rate_limit_is_refused_before_its_photos_are_read(client, content, settings):
    """Over the limit, a form with photos is answered 429 at once: the damaged file is never opened
    (read, it would have brought the form back with "not an image we can open")."""
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    settings.CLINIC_CONSULTATION_RATE_LIMIT = 1
    assert client.post(URL, post_data(message="first")).status_code == 302
    refused = client.post(URL, {**post_data(message="second"), "photo_smile": upload("photo.jpg", TEXT)})
    assert refused.status_code == 429
    assert "not an image we can open" not in refused.content.decode()
    assert ConsultationRequest.objects.count() == 1
    # Another client is not affected.
    other = client.post(URL, post_data(message="third"), HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert other.status_code == 302


def test_the_privacy_notice_says_how_long_photos_are_held_for_a_form(client, content, settings):
    settings.CLINIC_CONSULTATION_FORM_MAX_AGE = 6 * 3600
    html = client.get("/privacy/").content.decode()
    assert "we keep the photos you attached as you sent them, for that form only" in html
    assert "or at the latest 6 hours later." in html


def test_a_held_photo_stays_attached_through_a_failed_csrf_check(client, content, gates_off):
    from django.test import Client

    data = post_data(name="")
    html = client.post(URL, {**data, "photo_rest": upload("face.jpg", plain_jpeg())}).content.decode()
    cookies_blocked = Client(enforce_csrf_checks=True)
    response = cookies_blocked.post(URL, {**data, "name": "Ada", "photo_rest_held": held_ids(html)["photo_rest"]})
    assert response.status_code == 403
    html = response.content.decode()
    assert "“face.jpg” attached" in html and "was not kept" not in html
    # The page sends it back under the same form token: sent from there, it joins the request.
    assert client.post(URL, {**data, "name": "Ada", "photo_rest_held": held_ids(html)["photo_rest"]}).status_code == 302
    assert Photo.objects.get().pose == "rest"
