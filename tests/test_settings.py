"""Production configuration: fails loudly without its secrets, and passes Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "clinic_site.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-production-like-secret-key-that-is-long-and-random-0123456789",
    "DJANGO_ALLOWED_HOSTS": "clinic.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/clinic",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "CLINIC_EMAIL_URL": "smtp+tls://user:secret@mailer.example:587",
}


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CLINIC_"))}
    base.pop("DATABASE_URL", None)
    base.pop("REDIS_URL", None)
    environment = {**base, **{k: v for k, v in env.items() if v is not None}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_production_settings_pass_the_deploy_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_each_required_setting():
    for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "CLINIC_EMAIL_URL"):
        result = manage("check", **{**PRODUCTION, name: None})
        assert result.returncode != 0, name
        assert name in result.stderr, name


def test_production_security_settings():
    script = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = manage("shell", "--no-imports", "-c", script, **PRODUCTION)
    assert result.stdout.split()[:6] == ["True", "31536000", "True", "True", "True", "True"]
    assert "HTTP_X_FORWARDED_PROTO" in result.stdout

    result = manage("shell", "--no-imports", "-c", script, **{**PRODUCTION, "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "false"})
    assert result.stdout.split()[:4] == ["True", "31536000", "False", "False"]


def test_production_redirects_plain_http_but_trusts_the_proxy(db, client, settings):
    # The test settings serve plain http; here the production redirect is switched back on.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/about/").status_code == 301
    assert client.get("/about/", headers={"x-forwarded-proto": "https"}).status_code != 301
