"""Settings for the test suite: the production settings, served over plain http on loopback."""

import os
import tempfile
import uuid
from pathlib import Path

# Each test run has its own cache prefix, photo store and rendition directory, inherited by the
# server processes its tests start. Under pytest-xdist every worker is a run of its own (as its
# database is: pytest-django names it with the worker's id), so a worker makes new ones rather than
# share those the controlling process made before starting it.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if WORKER and os.environ.get("CLINIC_TEST_WORKER") != WORKER:
    os.environ["CLINIC_TEST_WORKER"] = WORKER
    for name in ("CLINIC_CACHE_PREFIX", "CLINIC_PHOTO_ROOT", "CLINIC_PUBLIC_IMAGES_ROOT"):
        os.environ.pop(name, None)
RUN = "-".join(filter(None, [uuid.uuid4().hex[:8], WORKER]))

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-" + "x" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clinic")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
# One prefix per test run, inherited by server processes the tests start, so runs never share pages.
os.environ.setdefault("CLINIC_CACHE_PREFIX", f"clinic-test-{RUN}")
os.environ.setdefault("CLINIC_EMAIL_URL", "smtp://127.0.0.1:2525")
os.environ.setdefault("CLINIC_SITE_URL", "http://127.0.0.1:8000")
os.environ.setdefault("CLINIC_STAFF_EMAILS", "frontdesk@clinic.example")
os.environ.setdefault("DEFAULT_FROM_EMAIL", "clinic@clinic.example")
# Photos go to a directory of this run's own (created on the first save, removed by conftest.py).
os.environ.setdefault("CLINIC_PHOTO_ROOT", str(Path(tempfile.gettempdir()) / f"clinic-test-photos-{RUN}"))
os.environ["DJANGO_DEBUG"] = "false"
# Renditions the tests make go to a directory of this run's own (created on first use, removed at the
# end by tests/conftest.py), inherited by the servers the tests start.
os.environ.setdefault("CLINIC_PUBLIC_IMAGES_ROOT", os.path.join(tempfile.gettempdir(), f"clinic-test-images-{RUN}"))

from clinic_site.settings import *  # noqa: E402, F403

# The test servers speak plain http.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

# The live server serves static files through the finders, which know the source names only.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# whitenoise warns on every request when its root is missing; tests never collect into it.
STATIC_ROOT.mkdir(exist_ok=True)  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
