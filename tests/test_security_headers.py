"""Every kind of response leaves with the same security headers, in the production configuration.

The server is gunicorn with the production settings (clinic_site.settings, DJANGO_DEBUG off,
static files collected with hashed names and served by whitenoise), behind a pretend TLS proxy:
each request carries `X-Forwarded-Proto: https`, as the reverse proxy in front would send it.
"""

import http.client
import json
import subprocess
import sys

import pytest
from django.db import connection
from django.test import Client

from conditions.models import Condition
from tests.servers import ROOT, database_env, free_port, start_gunicorn, stop
from tests.staff_fixtures import sign_in_verified

POLICY = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}
HSTS = "max-age=31536000; includeSubDomains; preload"


def csp_directives(header):
    return dict(directive.strip().split(" ", 1) for directive in header.split(";"))


def assert_policy(headers, referrer_policy="same-origin", hsts=True):
    assert csp_directives(headers["Content-Security-Policy"]) == POLICY
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == referrer_policy
    if hsts:
        assert headers["Strict-Transport-Security"] == HSTS


def production_env(static_root, **extra):
    return database_env(DJANGO_SETTINGS_MODULE="clinic_site.settings", DJANGO_STATIC_ROOT=str(static_root), **extra)


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Static files collected as `make serve` collects them: hashed names, compressed copies."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=production_env(root),
        check=True,
    )
    return root


@pytest.fixture
def production_server(live_content, static_root):
    """gunicorn with the production settings: one worker, one thread, so one database connection."""
    port = free_port()
    server = start_gunicorn(port, production_env(static_root))
    yield port
    stop(server)


class Answer:
    def __init__(self, response):
        self.status = response.status
        self.headers = response.headers
        self.body = response.read().decode(errors="replace")


def fetch(port, path, method="GET", headers=None):
    """One request through the pretend TLS proxy."""
    sock = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        sock.request(method, path, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **(headers or {})})
        return Answer(sock.getresponse())
    finally:
        sock.close()


def test_pages_static_files_the_form_errors_and_the_admin_carry_the_policy(production_server, static_root, admin_user):
    port = production_server
    hashed_css = json.loads((static_root / "staticfiles.json").read_text())["paths"]["css/site.css"]
    for path in ["/", "/", "/conditions/bells-palsy/", f"/static/{hashed_css}", "/consultation/", "/no-such-page/"]:
        answer = fetch(port, path)
        assert answer.status == (404 if path == "/no-such-page/" else 200), path
        assert_policy(answer.headers)
    assert "immutable" in fetch(port, f"/static/{hashed_css}").headers["Cache-Control"]

    # A failed CSRF check (a form sent without its cookie): the site's own 403 page.
    refused = fetch(port, "/consultation/", "POST", {"Content-Type": "application/x-www-form-urlencoded"})
    assert refused.status == 403 and "consultation" in refused.body.lower()
    assert_policy(refused.headers)

    # The admin, signed out and signed in; its Referer carries the origin only.
    assert_policy(fetch(port, "/admin/login/").headers, referrer_policy="strict-origin")
    session = sign_in_verified(Client(), admin_user).cookies["sessionid"].value
    index = fetch(port, "/admin/", headers={"Cookie": f"sessionid={session}"})
    assert index.status == 200 and "<h1>Example Facial Nerve Clinic administration</h1>" in index.body
    assert_policy(index.headers, referrer_policy="strict-origin")


@pytest.mark.urls("tests.urls")
def test_the_500_page_carries_the_policy(db, settings):
    # The one response a real server cannot be asked for on purpose: a view that fails (tests/urls.py).
    response = Client(raise_request_exception=False).get("/test-only/fails/", headers={"host": "127.0.0.1"})
    assert response.status_code == 500 and "Something went wrong on our side" in response.content.decode()
    assert_policy(response, hsts=False)


def server_queries():
    """When each of the server's database connections last started a query (pg_stat_activity, live)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, query_start FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return dict(cursor.fetchall())


def test_a_cached_page_behind_tls_keeps_every_header_runs_no_sql_and_shows_an_edit_at_once(production_server):
    port, path = production_server, "/conditions/ramsay-hunt-syndrome/"
    rendered = fetch(port, path)
    before = server_queries()
    assert before, "the server keeps its database connection open between requests"

    cached = fetch(port, path)
    assert server_queries() == before, "the cached page was answered without touching the database"
    assert cached.status == 200 and cached.body == rendered.body
    assert_policy(cached.headers)
    assert cached.headers["X-Frame-Options"] == "DENY" and cached.headers["Cache-Control"] == "no-cache"
    assert cached.headers["ETag"] == rendered.headers["ETag"]
    not_modified = fetch(port, path, headers={"If-None-Match": cached.headers["ETag"]})
    assert not_modified.status == 304 and not not_modified.body
    assert not_modified.headers["ETag"] == cached.headers["ETag"]
    assert_policy(not_modified.headers)
    assert server_queries() == before

    # The check above can see queries: the form reads the database every time.
    fetch(port, "/consultation/")
    assert server_queries() != before

    condition = Condition.objects.get(slug="ramsay-hunt-syndrome")
    condition.title = "Ramsay Hunt syndrome (shingles of the facial nerve)"
    condition.save()
    edited = fetch(port, path, headers={"If-None-Match": cached.headers["ETag"]})
    assert edited.status == 200 and "shingles of the facial nerve" in edited.body
    assert edited.headers["ETag"] != cached.headers["ETag"]
    before = server_queries()
    again = fetch(port, path)
    assert server_queries() == before and again.body == edited.body
    assert_policy(again.headers)
