import re
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from conditions.models import Condition
from practice.models import Practice
from tests.pages import anonymous_client
from tests.servers import database_env, free_port, start_gunicorn, stop
from tests.staff_fixtures import sign_in_verified

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def client():
    return anonymous_client()


@pytest.mark.parametrize("path", ["/conditions/synkinesis/", "/treatments/botox/"])
def test_content_page_costs_at_most_three_queries_and_none_from_the_cache(
    content, client, django_assert_max_num_queries, django_assert_num_queries, path
):
    with django_assert_max_num_queries(3):
        assert client.get(path).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(path).status_code == 200


def test_list_and_home_pages_are_served_from_the_cache_without_queries(content, client, django_assert_num_queries):
    for path in ["/", "/conditions/", "/treatments/", "/sitemap.xml"]:
        client.get(path)
        with django_assert_num_queries(0):
            assert client.get(path).status_code == 200


def test_unchanged_page_answers_304_and_an_edit_changes_the_answer(content, client):
    first = client.get("/conditions/bells-palsy/")
    assert first["Cache-Control"] == "no-cache"
    etag = first["ETag"]
    assert client.get("/conditions/bells-palsy/", HTTP_IF_NONE_MATCH=etag).status_code == 304

    condition = Condition.objects.get(slug="bells-palsy")
    condition.lead = "An edited introduction."
    condition.save()

    after = client.get("/conditions/bells-palsy/", HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert after["ETag"] != etag
    assert "An edited introduction." in after.content.decode()


def test_editing_a_linked_page_or_the_practice_changes_the_etag(content, client):
    etag = client.get("/conditions/synkinesis/")["ETag"]
    botox = Condition.objects.get(slug="synkinesis").treatments.get(slug="botox")
    botox.title = "Botulinum toxin (Botox)"
    botox.save()
    response = client.get("/conditions/synkinesis/")
    assert response["ETag"] != etag and "Botulinum toxin (Botox)" in response.content.decode()

    etag = response["ETag"]
    practice = Practice.objects.current()
    practice.phone = "+1 555 010 0199"
    practice.save()
    response = client.get("/conditions/synkinesis/")
    assert response["ETag"] != etag and "tel:+15550100199" in response.content.decode()


def related_section(client, path):
    """The "treatments we offer" or "conditions it can help" list of a page."""
    html = client.get(path).content.decode()
    match = re.search(r'<section class="related".*?</section>', html, re.DOTALL)
    return match.group(0) if match else ""


def test_changing_the_relation_changes_both_pages(content, client):
    synkinesis = Condition.objects.get(slug="synkinesis")
    assert "/conditions/synkinesis/" in related_section(client, "/treatments/botox/")
    synkinesis.treatments.remove(synkinesis.treatments.get(slug="botox"))
    assert "/treatments/botox/" not in related_section(client, "/conditions/synkinesis/")
    assert "/conditions/synkinesis/" not in related_section(client, "/treatments/botox/")


def test_a_draft_is_invisible_to_the_public_and_previewable_by_staff_past_the_second_factor(content, client):
    condition = Condition.objects.get(slug="moebius-syndrome")
    assert client.get("/conditions/moebius-syndrome/").status_code == 200
    condition.status = Condition.Status.DRAFT
    condition.save()

    assert client.get("/conditions/moebius-syndrome/").status_code == 404
    assert "/conditions/moebius-syndrome/" not in client.get("/conditions/").content.decode()
    assert "/conditions/moebius-syndrome/" not in client.get("/sitemap.xml").content.decode()
    assert "Moebius" not in related_section(client, "/treatments/gracilis-muscle-transfer/")

    staff = get_user_model().objects.create_user("editor", password="x", is_staff=True)
    # The password alone (the second step not done) is not enough: the admin would not answer either.
    password_only = anonymous_client()
    password_only.force_login(staff)
    assert password_only.get("/conditions/moebius-syndrome/").status_code == 404
    staff_client = sign_in_verified(anonymous_client(), staff)
    preview = staff_client.get("/conditions/moebius-syndrome/")
    assert preview.status_code == 200
    assert "Draft preview" in preview.content.decode()
    assert "no-store" in preview["Cache-Control"] and "private" in preview["Cache-Control"]
    # The preview was not stored for anyone else.
    assert client.get("/conditions/moebius-syndrome/").status_code == 404


def _fetch(port, path):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": "127.0.0.1"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode()


@pytest.fixture
def other_server_process(transactional_db):
    """The site under gunicorn in another process, on the same database and Redis."""
    port = free_port()
    server = start_gunicorn(port, database_env(), workers=2)
    yield port
    stop(server)


def test_an_edit_is_seen_at_once_when_another_server_process_answers(live_content, other_server_process):
    port = other_server_process
    assert "Ramsay Hunt syndrome" in _fetch(port, "/conditions/ramsay-hunt-syndrome/")  # now cached there

    condition = Condition.objects.get(slug="ramsay-hunt-syndrome")
    condition.title = "Ramsay Hunt syndrome (shingles of the facial nerve)"
    condition.save()

    # Two sync workers: ask several times so both processes answer at least once.
    for _ in range(4):
        assert "Ramsay Hunt syndrome (shingles of the facial nerve)" in _fetch(
            port, "/conditions/ramsay-hunt-syndrome/"
        )


def served_from_the_cache(response):
    """Whether the page came from the fast path: no session, auth, view or template ran for it."""
    return not hasattr(response.wsgi_request, "user") and not response.templates


@pytest.mark.parametrize("path", ["/", "/conditions/bells-palsy/", "/treatments/botox/", "/sitemap.xml"])
def test_a_cached_page_is_answered_before_the_rest_of_the_stack(content, client, django_assert_num_queries, path):
    first = client.get(path)
    assert first.status_code == 200 and not served_from_the_cache(first)
    with django_assert_num_queries(0):
        second = client.get(path)
    assert second.status_code == 200 and served_from_the_cache(second)
    assert second.content == first.content
    # The same headers as the rendered page: those the rest of the stack set were stored with it.
    # Each answer has its own request id (set above the page cache), never a stored one.
    first_headers, second_headers = dict(first.items()), dict(second.items())
    assert first_headers.pop("X-Request-ID") != second_headers.pop("X-Request-ID")
    assert second_headers == first_headers
    assert "default-src 'none'" in second["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY" and second["Cross-Origin-Resource-Policy"] == "same-origin"

    not_modified = client.get(path, HTTP_IF_NONE_MATCH=second["ETag"])
    assert not_modified.status_code == 304 and served_from_the_cache(not_modified)
    assert not_modified["ETag"] == second["ETag"] and not not_modified.content
    assert "default-src 'none'" in not_modified["Content-Security-Policy"]
    # A Host the site does not serve is refused as on every other path, cached page or not.
    assert client.get(path, HTTP_HOST="elsewhere.example").status_code == 400


def test_an_edit_shows_at_once_through_the_fast_path(content, client):
    path = "/conditions/bells-palsy/"
    client.get(path)
    assert served_from_the_cache(cached := client.get(path))

    condition = Condition.objects.get(slug="bells-palsy")
    condition.lead = "An introduction edited a moment ago."
    condition.save()

    after = client.get(path, HTTP_IF_NONE_MATCH=cached["ETag"])
    assert after.status_code == 200 and not served_from_the_cache(after)
    assert "An introduction edited a moment ago." in after.content.decode()
    again = client.get(path)
    assert served_from_the_cache(again) and "An introduction edited a moment ago." in again.content.decode()


def test_signed_in_staff_never_get_or_leave_a_cached_page(content, client, django_assert_max_num_queries):
    path = "/conditions/synkinesis/"
    staff_client = anonymous_client()
    staff_client.force_login(get_user_model().objects.create_user("editor", password="x", is_staff=True))

    # What staff are shown is never stored for the public...
    assert not served_from_the_cache(staff_client.get(path))
    assert not served_from_the_cache(client.get(path))
    # ...and a page stored for the public is never what staff are shown.
    assert served_from_the_cache(client.get(path))
    response = staff_client.get(path)
    assert response.status_code == 200 and not served_from_the_cache(response)
    assert response.wsgi_request.user.is_staff


def test_the_form_and_the_admin_are_never_cached(content, client):
    for path in ["/consultation/", "/consultation/?condition=bells-palsy", "/admin/login/", "/healthz"]:
        for _ in range(2):
            response = client.get(path)
            assert response.status_code == 200 and not served_from_the_cache(response), path
    first, second = (
        re.search(r'name="form_token" value="([^"]+)"', client.get("/consultation/").content.decode()) for _ in range(2)
    )
    assert first.group(1) != second.group(1)


@pytest.mark.urls("tests.urls")
def test_a_public_page_that_sets_a_cookie_is_never_stored(db, client):
    for _ in range(2):
        response = client.get("/test-only/sets-a-cookie/")
        assert "csrftoken" in response.cookies and not served_from_the_cache(response)


def test_a_redis_that_never_answers_costs_a_page_a_moment_not_a_hang(content, client, settings):
    # A listening socket that accepts connections and never replies: a Redis hung mid-command.
    import socket
    import time

    from page_cache import cache as page_cache

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{silent.getsockname()[1]}/0"}
    }
    try:
        started = time.monotonic()
        response = client.get("/conditions/bells-palsy/")
        elapsed = time.monotonic() - started
    finally:
        silent.close()
        page_cache._Health.down = False  # this process saw the outage: the next test may use its cache
    assert response.status_code == 200 and b"Bell" in response.content
    # The socket timeouts (CLINIC_CACHE_TIMEOUT, 0.25 s) end the wait; without them it never ends.
    assert elapsed < 3, f"the page waited {elapsed:.1f}s on a silent Redis"
