"""A post of the consultation form is refused by the cheapest check that applies, and photos are decoded last.

The order: the rate limit (attempts per client), the CSRF check, the form token, the answers, and
only then the photos' pixels. Whether a photo was decoded is seen from outside: `damaged_photo` has
a whole header and cut-short picture data, so every check before decoding passes it, and decoding
it brings the form back with "… seems to be damaged". Where that message is missing, the photo was
never decoded.
"""

import functools
import io
import threading
import time

import pytest
from django.test import Client
from PIL import Image

from client_limits.models import RateLimitHit
from consultations import photos
from consultations.models import ConsultationRequest
from tests.consultation_fixtures import FormClient, answers, database_env, free_port, post_data, start_gunicorn
from tests.photo_fixtures import upload
from tests.servers import stop

URL = "/consultation/"
DAMAGED = "seems to be damaged"
NOT_KEPT = "was not kept because the form was not sent"


@functools.cache
def large_jpeg(width=7000, height=5000):
    """35 megapixels of one color: small on the wire (about 0.5 MB), costly to decode and scale."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (120, 140, 160)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


@functools.cache
def damaged_photo():
    """A large JPEG cut short: its header (format, 35 megapixels, one frame) passes; decoding fails."""
    data = large_jpeg()
    return data[: len(data) // 2]


def with_damaged_photo(data):
    return {**data, "photo_rest": upload("IMG_0042.jpg", damaged_photo())}


@pytest.fixture
def gates_off(settings):
    settings.CLINIC_CONSULTATION_SPAM_CHECKS = False
    settings.CLINIC_CONSULTATION_RATE_LIMIT = 0


def test_a_photo_is_decoded_once_everything_else_has_passed(client, content, gates_off):
    # The control for every test below: a post that passes every check does decode the photo.
    response = client.post(URL, with_damaged_photo(post_data()))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"“IMG_0042.jpg” {DAMAGED}" in html
    assert not ConsultationRequest.objects.exists()


def test_a_forged_form_token_decodes_no_photo(client, content, gates_off):
    response = client.post(URL, with_damaged_photo({**answers(), "form_token": "forged"}))
    html = response.content.decode()
    assert response.status_code == 200 and "Something went wrong with the form" in html
    assert DAMAGED not in html
    assert f"“IMG_0042.jpg” {NOT_KEPT}" in html  # the patient is told to attach it again


def test_a_form_with_a_mistake_decodes_no_photo(client, content, gates_off):
    response = client.post(URL, with_damaged_photo(post_data(name="")))
    html = response.content.decode()
    assert response.status_code == 200 and "Enter your name." in html
    assert DAMAGED not in html
    # Held for the form as sent (its header passed), not decoded: decoding waits for a form that passes.
    assert "“IMG_0042.jpg” attached" in html


def test_a_form_sent_too_quickly_decodes_no_photo(client, content, settings):
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 60
    response = client.post(URL, with_damaged_photo(post_data()))
    html = response.content.decode()
    assert response.status_code == 200 and "send the form again" in html
    assert DAMAGED not in html


def test_a_failed_csrf_check_keeps_the_answers_and_decodes_no_photo(content, gates_off):
    response = Client(enforce_csrf_checks=True).post(URL, with_damaged_photo(post_data(name="Ada Example")))
    html = response.content.decode()
    assert response.status_code == 403 and "Your request was not sent yet" in html
    assert 'value="Ada Example"' in html
    assert DAMAGED not in html
    assert f"“IMG_0042.jpg” {NOT_KEPT}" in html


def test_posts_over_the_attempt_limit_are_refused_before_anything_is_read(client, content, settings):
    """Every post counts, stored or not: ten forged posts under a limit of two get two answers and eight 429s."""
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    settings.CLINIC_CONSULTATION_RATE_LIMIT = 5
    settings.CLINIC_CONSULTATION_ATTEMPT_LIMIT = 2
    forged = {**answers(), "form_token": "forged"}
    statuses = [
        client.post(URL, with_damaged_photo(forged), HTTP_X_FORWARDED_FOR="203.0.113.5").status_code for _ in range(10)
    ]
    assert statuses == [200, 200] + [429] * 8
    # Refused attempts are not counted: the client is back once its two attempts leave the window.
    assert RateLimitHit.objects.count() == 2
    # Another client is not affected.
    assert client.post(URL, post_data(), HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302


def test_a_csrf_failure_counts_as_an_attempt(content, settings):
    settings.CLINIC_CONSULTATION_ATTEMPT_LIMIT = 1
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(URL, post_data()).status_code == 403
    assert browser.post(URL, post_data()).status_code == 429


# Through gunicorn: one client's flood against another client's request.


@pytest.fixture
def server(live_content):
    port = free_port()
    env = database_env(CLINIC_CONSULTATION_ATTEMPT_LIMIT="2", CLINIC_CONSULTATION_MIN_FILL_SECONDS="0")
    process = start_gunicorn(port, env, workers=2)
    yield f"http://127.0.0.1:{port}"
    stop(process)


def test_a_flood_of_forged_posts_with_large_photos_does_not_hold_up_another_patient(server):
    """Twelve posts at once, each with six 35-megapixel photos and a forged CSRF or form token, from one
    client through the proxy; meanwhile another patient opens the form and sends it. Decoded, the
    flood would take each worker about ten seconds a post; refused before decoding it takes none.
    """
    flooder = "198.51.100.66"
    files = {guide.field_name: (f"{guide.pose}.jpg", large_jpeg()) for guide in photos.GUIDES}
    with_cookie = FormClient(server, forwarded_for=flooder)
    csrf, _form_token = with_cookie.get_form()
    results = []

    def flood(number):
        # Half forge the CSRF check (a token without its cookie), half the form token (with a good CSRF pair).
        client = with_cookie if number % 2 else FormClient(server, forwarded_for=flooder)
        started = time.monotonic()
        status, _location, body = client.submit(answers(), tokens=(csrf, "forged"), files=files)
        results.append((status, time.monotonic() - started, DAMAGED in body))

    threads = [threading.Thread(target=flood, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # the flood is under way
    patient = FormClient(server, forwarded_for="203.0.113.20")
    started = time.monotonic()
    status, location, _body = patient.submit(answers())
    patient_seconds = time.monotonic() - started
    for thread in threads:
        thread.join(60)

    assert (status, location) == (302, "/consultation/received/")
    assert patient_seconds < 3, f"the other patient waited {patient_seconds:.1f} s"
    statuses = sorted(status for status, _seconds, _decoded in results)
    # Two attempts were read (a CSRF failure is 403, a forged form token 200); the rest refused unread.
    assert len(statuses) == 12 and statuses.count(429) == 10, statuses
    assert not any(decoded for _status, _seconds, decoded in results)
    assert max(seconds for _status, seconds, _decoded in results) < 5
    assert ConsultationRequest.objects.count() == 1
