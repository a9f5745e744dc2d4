"""Images on public pages: uploaded in the admin, checked, made into renditions, served immutable."""

import hashlib
import io
import re

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template, TemplateSyntaxError
from PIL import Image

from conditions.models import Condition
from images import renditions
from practice.models import DEMO_IMAGES, Practice, PublicImage, TeamMember
from tests.pages import anonymous_client, parse
from tests.test_settings import PRODUCTION, manage

IMMUTABLE = "public, max-age=31536000, immutable"


def png(width=700, height=420, color=(40, 120, 160)):
    buffer = io.BytesIO()
    image = Image.new("RGB", (width, height), color)
    image.paste((240, 200, 40), (0, 0, width // 2, height // 2))
    image.save(buffer, "PNG")
    return buffer.getvalue()


def upload(admin_client, data, name="drawing.png", **fields):
    form = {"alt": "A drawing of a face with a gentle smile.", "caption": "", **fields}
    return admin_client.post(
        "/admin/practice/publicimage/add/", {**form, "upload": SimpleUploadedFile(name, data)}, follow=False
    )


def stored(name):
    return storages["public_images"].exists(name)


@pytest.fixture
def image(db):
    return PublicImage.objects.create_from_file(DEMO_IMAGES / "jordan-sample.png", alt="A drawn face.")


def test_an_upload_through_the_admin_makes_renditions_in_modern_formats(admin_client):
    assert admin_client.get("/admin/practice/publicimage/add/").status_code == 200
    response = upload(admin_client, png(700, 420))
    assert response.status_code == 302, response.content.decode()[:2000]

    image = PublicImage.objects.get()
    assert (image.width, image.height) == (700, 420)
    made = sorted((r["format"], r["width"], r["height"]) for r in image.renditions)
    # Never wider than the source: 320, 640 and the source's own 700.
    assert made == sorted((f, w, h) for f in ("avif", "webp", "jpg") for w, h in ((320, 192), (640, 384), (700, 420)))
    for rendition in image.renditions:
        assert stored(rendition["name"])
    change_page = admin_client.get(f"/admin/practice/publicimage/{image.pk}/change/").content.decode()
    assert renditions.url(image.by_format["jpg"][0]["name"]) in change_page  # the preview


def test_rendition_urls_answer_with_immutable_caching_and_content_hashed_names(admin_client):
    upload(admin_client, png())
    client = anonymous_client()
    for rendition in PublicImage.objects.get().renditions:
        response = client.get(renditions.url(rendition["name"]))
        assert response.status_code == 200
        assert response["Cache-Control"] == IMMUTABLE
        assert response["Content-Type"] == renditions.CONTENT_TYPES[rendition["format"]]
        assert "Set-Cookie" not in response and "Vary" not in response
        body = b"".join(response.streaming_content)
        assert Image.open(io.BytesIO(body)).size == (rendition["width"], rendition["height"])
        assert rendition["name"].startswith(hashlib.sha256(body).hexdigest()[:20])
        # The name is the content: a browser holding it is never sent it again.
        again = client.get(renditions.url(rendition["name"]), HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304
        head = client.head(renditions.url(rendition["name"]))
        assert head.status_code == 200 and int(head["Content-Length"]) == len(body) and head.content == b""


@pytest.mark.parametrize(
    "path",
    [
        "0123456789abcdef0123-640w.avif",  # looks like ours, does not exist
        "../settings.py",
        "..%2f..%2fclinic_site%2fsettings.py",
        "0123456789abcdef0123-640w.avif/../../README.md",
        "notes.txt",
        "",
    ],
)
def test_only_files_that_exist_in_the_storage_are_served(db, path):
    response = anonymous_client().get("/images/" + path)
    assert response.status_code == 404
    assert "immutable" not in response.get("Cache-Control", "")


def test_a_bad_file_is_refused_in_the_admin_with_its_reason(admin_client):
    response = upload(admin_client, b"Not a picture at all.\n" * 10, name="face.jpg")
    assert response.status_code == 200
    html = response.content.decode()
    assert "face.jpg" in html and "is not an image we can open" in html
    assert not PublicImage.objects.exists()


def test_an_animated_upload_is_refused_in_the_admin(admin_client):
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (50, 50), color) for color in ("red", "blue")]
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:])
    response = upload(admin_client, buffer.getvalue(), name="blink.png")
    assert "“blink.png” is animated" in response.content.decode()
    assert not PublicImage.objects.exists()


def test_text_alternative_is_required_unless_decorative(admin_client):
    response = upload(admin_client, png(), alt="")
    assert "Describe what the image shows" in response.content.decode()
    response = upload(admin_client, png(), alt="A face.", decorative="on")
    assert "A decorative image has no text alternative" in response.content.decode()
    assert not PublicImage.objects.exists()
    assert upload(admin_client, png(), alt="", decorative="on").status_code == 302
    assert PublicImage.objects.get().decorative


def test_a_new_file_replaces_the_renditions_and_deletes_the_old_files(admin_client, django_capture_on_commit_callbacks):
    upload(admin_client, png(color=(10, 10, 10)))
    image = PublicImage.objects.get()
    old = [r["name"] for r in image.renditions]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/practice/publicimage/{image.pk}/change/",
            {"alt": image.alt, "caption": "New", "upload": SimpleUploadedFile("new.png", png(color=(200, 0, 0)))},
        )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.caption == "New"
    assert not set(old) & {r["name"] for r in image.renditions}
    assert not any(stored(name) for name in old)
    assert all(stored(r["name"]) for r in image.renditions)


def test_saving_without_a_new_file_keeps_the_renditions(admin_client):
    upload(admin_client, png())
    image = PublicImage.objects.get()
    response = admin_client.post(
        f"/admin/practice/publicimage/{image.pk}/change/", {"alt": "Better words.", "caption": ""}
    )
    assert response.status_code == 302
    assert PublicImage.objects.get().renditions == image.renditions


def test_deleting_an_image_deletes_its_files_but_not_those_another_image_shares(
    admin_client, django_capture_on_commit_callbacks
):
    upload(admin_client, png())
    upload(admin_client, png())  # the same picture twice: the same content-hashed files
    first, second = PublicImage.objects.order_by("pk")
    names = [r["name"] for r in first.renditions]
    assert names == [r["name"] for r in second.renditions]

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/admin/practice/publicimage/{first.pk}/delete/", {"post": "yes"})
    assert all(stored(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/admin/practice/publicimage/{second.pk}/delete/", {"post": "yes"})
    assert not PublicImage.objects.exists()
    assert not any(stored(name) for name in names)
    assert anonymous_client().get(renditions.url(names[0])).status_code == 404


def test_a_portrait_chosen_in_the_team_member_form_shows_on_the_about_page(admin_client, content):
    upload(admin_client, png(400, 400), alt="Drawing of Dr. Riley Example, smiling.")
    image = PublicImage.objects.get(alt__startswith="Drawing of Dr. Riley")
    member = TeamMember.objects.get(name="Jordan Sample")
    form = {
        "name": member.name,
        "credentials": member.credentials,
        "role": member.role,
        "bio": member.bio,
        "position": member.position,
        "portrait": image.pk,
    }
    response = admin_client.post(f"/admin/practice/teammember/{member.pk}/change/", form)
    assert response.status_code == 302
    response = anonymous_client().get("/about/")
    html = response.content.decode()
    assert 'alt="Drawing of Dr. Riley Example, smiling."' in html
    assert image.srcset("avif") in html
    people = {node["name"]: node for node in parse(response).json_ld[0]["@graph"] if "worksFor" in node}
    assert people["Jordan Sample"]["image"] == "http://127.0.0.1:8000" + image.fallback_url


def test_a_page_with_an_illustration_offers_avif_webp_and_jpeg_with_its_size(db, client, image):
    condition = Condition.objects.create(
        title="Test condition",
        slug="test-condition",
        summary="A page for this test.",
        lead="Lead.",
        body="## Causes\n\nText.",
        sources="",
        last_reviewed="2026-01-01",
        status="published",
        illustration=image,
    )
    image.caption = "A caption under the drawing."
    image.save()
    html = client.get(condition.get_absolute_url()).content.decode()
    picture = re.search(r"<picture>.*?</picture>", html, re.S).group(0)
    assert re.findall(r'type="([^"]+)"', picture) == ["image/avif", "image/webp"]
    img = re.search(r"<img [^>]+>", picture).group(0)
    fallback = image.fallback
    assert f'width="{fallback["width"]}" height="{fallback["height"]}"' in img
    assert 'loading="lazy"' in img and 'alt="A drawn face."' in img
    assert "<figcaption>A caption under the drawing.</figcaption>" in html
    webpage = parse(client.get(condition.get_absolute_url())).json_ld[0]["@graph"][0]
    assert webpage["primaryImageOfPage"] == "http://127.0.0.1:8000" + image.fallback_url


def test_editing_an_image_clears_the_cached_pages_that_show_it(db, image, django_assert_num_queries):
    Practice.objects.current()
    TeamMember.objects.create(name="Sam Case", role="Nurse", portrait=image)
    client = anonymous_client()
    assert 'alt="A drawn face."' in client.get("/about/").content.decode()
    with django_assert_num_queries(0):
        client.get("/about/")  # from the page cache
    image.alt = "A new description."
    image.save()
    assert 'alt="A new description."' in client.get("/about/").content.decode()


def test_renditions_are_never_wider_than_the_source():
    assert renditions.widths_for(3000) == [320, 640, 960, 1280]
    assert renditions.widths_for(1000) == [320, 640, 960, 1000]
    assert renditions.widths_for(200) == [200]


def render_picture(image, load=None):
    option = f' load="{load}"' if load else ""
    return Template(f'{{% load clinic %}}{{% picture image sizes="100vw"{option} %}}').render(Context({"image": image}))


def test_images_load_lazily_unless_in_the_first_screen_and_the_largest_paint_first(image):
    lazy = render_picture(image)
    assert 'loading="lazy"' in lazy and "fetchpriority" not in lazy
    eager = render_picture(image, "eager")
    assert "loading=" not in eager and "fetchpriority" not in eager
    priority = render_picture(image, "priority")
    assert 'fetchpriority="high"' in priority and "loading=" not in priority
    with pytest.raises(TemplateSyntaxError):
        render_picture(image, "later")


def test_a_decorative_image_has_an_empty_text_alternative(image):
    image.alt, image.decorative = "", True
    assert 'alt=""' in render_picture(image)


def test_storage_and_address_come_from_the_environment(tmp_path):
    shell = [
        "shell",
        "--no-imports",
        "-c",
        "from django.core.files.storage import storages; print(storages['public_images'].location)",
    ]
    result = manage(*shell, **PRODUCTION, CLINIC_PUBLIC_IMAGES_ROOT=str(tmp_path))
    assert result.stdout.strip() == str(tmp_path), result.stderr
    options = f'{{"location": "{tmp_path / "other"}", "base_url": "/images/"}}'
    result = manage(*shell, **PRODUCTION, CLINIC_PUBLIC_IMAGES_OPTIONS=options)
    assert result.stdout.strip() == str(tmp_path / "other"), result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("CLINIC_PUBLIC_IMAGES_URL", "https://cdn.example/images/", "must be a path on this site"),
        ("CLINIC_PUBLIC_IMAGES_URL", "/", "must be a path on this site"),
        ("CLINIC_PUBLIC_IMAGES_OPTIONS", "bucket=clinic", "must be a JSON object"),
        ("CLINIC_PUBLIC_IMAGES_OPTIONS", '["clinic"]', "must be a JSON object"),
    ],
)
def test_a_wrong_image_setting_stops_the_site_with_its_name(variable, value, message):
    result = manage("check", **PRODUCTION, **{variable: value})
    assert result.returncode != 0
    assert variable in result.stderr and message in result.stderr


def test_a_shipped_image_whose_files_went_is_made_again(db):
    # load_content makes each shipped file's renditions once per process; never trusting a memory of
    # files that are gone (an image deleted in the admin takes its files with it).
    first = PublicImage.objects.create_from_file(DEMO_IMAGES / "alex-example.png", alt="A drawn face.")
    for rendition in first.renditions:
        storages["public_images"].delete(rendition["name"])
    second = PublicImage.objects.create_from_file(DEMO_IMAGES / "alex-example.png", alt="A drawn face.")
    assert all(stored(rendition["name"]) for rendition in second.renditions)
