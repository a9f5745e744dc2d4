"""Production configuration: fails loudly without its secrets, and passes Django's deploy checks."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import database_env

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "clinic_site.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-production-like-secret-key-that-is-long-and-random-0123456789",
    "DJANGO_ALLOWED_HOSTS": "clinic.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/clinic",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "CLINIC_EMAIL_URL": "smtp+tls://user:secret@mailer.example:587",
    "CLINIC_SITE_URL": "https://clinic.example",
    "CLINIC_STAFF_EMAILS": "frontdesk@clinic.example",
    "DEFAULT_FROM_EMAIL": "clinic@clinic.example",
    "CLINIC_PHOTO_ROOT": "/var/lib/clinic/patient-photos",
}
REQUIRED = (
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "CLINIC_EMAIL_URL",
    "CLINIC_SITE_URL",
    "CLINIC_STAFF_EMAILS",
    "DEFAULT_FROM_EMAIL",
    "CLINIC_PHOTO_ROOT",
)


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CLINIC_"))}
    base.pop("DATABASE_URL", None)
    base.pop("REDIS_URL", None)
    base.pop("DEFAULT_FROM_EMAIL", None)
    environment = {**base, **{k: v for k, v in env.items() if v is not None}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_production_settings_pass_the_deploy_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_each_required_setting():
    for name in REQUIRED:
        result = manage("check", **{**PRODUCTION, name: None})
        assert result.returncode != 0, name
        assert f"{name} must be set when DJANGO_DEBUG is off" in result.stderr, name
        # An empty value is no better than none.
        result = manage("check", **{**PRODUCTION, name: ""})
        assert f"{name} must be set when DJANGO_DEBUG is off" in result.stderr, name


def test_a_site_url_that_is_not_absolute_is_refused():
    result = manage("check", **{**PRODUCTION, "CLINIC_SITE_URL": "clinic.example"})
    assert result.returncode != 0
    assert "CLINIC_SITE_URL must be an absolute http(s) URL" in result.stderr


def test_the_release_defaults_to_a_digest_that_changes_with_the_static_manifest(tmp_path):
    from clinic_site.release import release_digest

    script = "from django.conf import settings as s; print(s.CLINIC_RELEASE)"
    assert (
        manage("shell", "--no-imports", "-c", script, **{**PRODUCTION, "CLINIC_RELEASE": "abc123"}).stdout.strip()
        == "abc123"
    )
    default = manage("shell", "--no-imports", "-c", script, **PRODUCTION).stdout.strip()
    assert default and default != "dev"

    (tmp_path / "static").mkdir()
    before = release_digest(ROOT, tmp_path / "static")
    (tmp_path / "static" / "staticfiles.json").write_text('{"paths": {"css/site.css": "css/site.1.css"}}')
    first = release_digest(ROOT, tmp_path / "static")
    (tmp_path / "static" / "staticfiles.json").write_text('{"paths": {"css/site.css": "css/site.2.css"}}')
    second = release_digest(ROOT, tmp_path / "static")
    assert len({before, first, second}) == 3


def test_production_sends_plain_http_to_https_and_tells_browsers_to_stay_there(db):
    """The security settings by what they do (the secure cookies are check --deploy's, above): plain
    http is redirected, an answer over https (as the TLS proxy marks it, X-Forwarded-Proto) carries
    HSTS for a year, and DJANGO_HSTS_INCLUDE_SUBDOMAINS=false drops the subdomains and preload."""
    script = (
        "from django.test import Client; c = Client(headers={'host': 'clinic.example'}); "
        "plain = c.get('/about/'); secure = c.get('/healthz', headers={'x-forwarded-proto': 'https'}); "
        "print(plain.status_code, plain.headers.get('Location')); "
        "print(secure.headers.get('Strict-Transport-Security'), secure.headers.get('Location'))"
    )
    # The run's own database (the page cache reads its generation there) and cache prefix.
    production = {**PRODUCTION, **{name: os.environ[name] for name in ("REDIS_URL", "CLINIC_CACHE_PREFIX")}}
    production["DATABASE_URL"] = database_env()["DATABASE_URL"]
    result = manage("shell", "--no-imports", "-c", script, **production)
    assert result.stdout.splitlines() == [
        "301 https://clinic.example/about/",
        "max-age=31536000; includeSubDomains; preload None",
    ], result.stderr

    result = manage("shell", "--no-imports", "-c", script, **production, DJANGO_HSTS_INCLUDE_SUBDOMAINS="false")
    assert result.stdout.splitlines()[1] == "max-age=31536000 None", result.stderr


def test_production_redirects_plain_http_but_trusts_the_proxy(db, client, settings):
    # The test settings serve plain http; here the production redirect is switched back on.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/about/").status_code == 301
    assert client.get("/about/", headers={"x-forwarded-proto": "https"}).status_code != 301


@pytest.fixture(scope="module")
def migrated_demo(tmp_path_factory):
    """The SQLite demo database, migrated once for this module (migrating takes seconds)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    assert manage("migrate", "--verbosity", "0", DJANGO_DEBUG="true", DATABASE_URL=f"sqlite:///{path}").returncode == 0
    return path


@pytest.fixture
def demo(migrated_demo, tmp_path):
    """The demo's settings, on a fresh copy of the migrated database."""
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(migrated_demo, path)
    return {"DJANGO_DEBUG": "true", "DATABASE_URL": f"sqlite:///{path}"}


def test_the_demo_admin_login_names_the_address_the_demo_runs_at(demo):
    """`make run PORT=8011` exports CLINIC_SITE_URL with its port; the printed admin link follows it."""
    result = manage("demo_staff", **demo, CLINIC_SITE_URL="http://127.0.0.1:8011")
    assert result.returncode == 0, result.stderr
    assert "Admin: http://127.0.0.1:8011/admin/  user: demo-staff" in result.stdout
    assert "(role: Front desk)" in result.stdout


def test_the_demo_admin_login_is_front_desk_not_a_superuser(demo):
    # A demo database from before, where the account was a superuser: it is made Front desk too.
    make_super = "from django.contrib.auth.models import User; User.objects.create_superuser('demo-staff')"
    assert manage("shell", "-c", make_super, **demo).returncode == 0
    assert manage("demo_staff", **demo).returncode == 0
    show = (
        "from django.contrib.auth.models import User; u = User.objects.get(username='demo-staff'); "
        "print(u.is_staff, u.is_superuser, [g.name for g in u.groups.all()])"
    )
    assert manage("shell", "-c", show, **demo).stdout.splitlines()[-1] == "True False ['Front desk']"
