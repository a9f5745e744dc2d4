import gzip
import io
import os
import shutil
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from page_cache.cache import invalidate_pages
from tests.file_store_fixtures import DATABASE_STORES
from tests.staff_fixtures import sign_in_verified

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session", autouse=True)
def photo_store_of_this_run():
    """The run's own photo store (clinic_site.test_settings) goes when the run ends."""
    from django.conf import settings

    yield
    if settings.CLINIC_PHOTO_ROOT and os.path.basename(settings.CLINIC_PHOTO_ROOT).startswith("clinic-test-photos-"):
        shutil.rmtree(settings.CLINIC_PHOTO_ROOT, ignore_errors=True)


@pytest.fixture(autouse=True)
def fresh_page_cache():
    """Each test sees pages rendered from its own database, never one cached by an earlier test."""
    invalidate_pages()
    yield
    invalidate_pages()


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's admin_client (a client of its own), past the second factor that the admin requires."""
    from django.test import Client

    return sign_in_verified(Client(), admin_user)


@pytest.fixture(scope="session")
def loaded_content(django_db_setup, django_db_blocker):
    """The rows `load_content` makes in an empty database, loaded once per run (per xdist worker).

    load_content makes the shipped images' renditions each time it runs (seconds of AVIF and WebP
    encoding), so it runs once, in a transaction rolled back afterwards: tests that do not ask for
    the content keep an empty site. The renditions' files stay in this run's directory.
    """
    from django.apps import apps
    from django.core import serializers
    from django.db import transaction

    from page_cache.models import PageGeneration
    from practice.models import PublicImage

    with django_db_blocker.unblock(), transaction.atomic():
        before = {model: model._base_manager.count() for model in apps.get_models()}
        call_command("load_content", verbosity=0, stdout=io.StringIO())
        # PageGeneration is the page cache's counter, moved on by every save, not content.
        made = [
            model
            for model in apps.get_models()
            if model._base_manager.count() > before[model] and model is not PageGeneration
        ]
        rows = serializers.serialize("json", [row for model in made for row in model._base_manager.all()])
        files = [rendition["name"] for image in PublicImage.objects.all() for rendition in image.renditions]
        transaction.set_rollback(True)
    return LoadedContent(made, rows, files)


class LoadedContent:
    def __init__(self, models, rows, files):
        self.models, self.rows, self.files = models, rows, files

    def restore(self):
        """Put the rows back, in a few INSERTs (without the signals a save sends: fresh_page_cache
        has started this test's pages anew already); if a test has deleted the files of the
        images, load the content again instead, which makes them."""
        from django.core import serializers
        from django.core.management.color import no_style
        from django.db import connection, transaction

        from images import renditions

        if not all(renditions.storage().exists(name) for name in self.files):
            call_command("load_content", verbosity=0, stdout=io.StringIO())
            return
        rows, links = {}, {}
        for found in serializers.deserialize("json", self.rows):
            row = found.object
            rows.setdefault(type(row), []).append(row)
            for name, targets in found.m2m_data.items():
                field = type(row)._meta.get_field(name)
                through = field.remote_field.through
                links.setdefault(through, []).extend(
                    through(**{f"{field.m2m_field_name()}_id": row.pk, f"{field.m2m_reverse_field_name()}_id": target})
                    for target in targets
                )
        # One transaction, so that foreign keys are checked once every row is in.
        with transaction.atomic():
            for model, made in [*rows.items(), *links.items()]:
                model._base_manager.bulk_create(made)
            # Rows the test makes must not take the restored rows' ids (as after loaddata).
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), self.models):
                    cursor.execute(statement)


@pytest.fixture
def content(db, loaded_content):
    """The content that ships with the code, as `make run` loads it."""
    loaded_content.restore()


@pytest.fixture
def live_content(transactional_db, loaded_content):
    """The content, committed, for tests whose server runs in another thread or process (the
    database is emptied after each such test, so it is put back each time)."""
    loaded_content.restore()


# pytest-playwright's browser fixtures, pointed at Debian's Chromium (nothing is downloaded).
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


class Traffic:
    """What the browser asked for while a page loaded: requests and their sizes."""

    def __init__(self, page, origin):
        self.origin = origin
        self.requests = []
        self.foreign = []
        self.bodies = {}
        self.kinds = {}  # url -> Playwright's resource type: document, stylesheet, script, image...
        page.on("request", self._on_request)
        page.on("response", self._on_response)

    def _on_request(self, request):
        self.requests.append(request.url)
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign.append(request.url)

    def _on_response(self, response):
        try:
            body = response.body()
        except Exception:  # a redirect or an aborted request has no body
            body = b""
        self.kinds[response.url] = response.request.resource_type
        encoding = response.headers.get("content-encoding", "")
        # What the page costs on the wire: bodies the test server did not compress are gzipped here.
        self.bodies[response.url] = len(body) if encoding in ("gzip", "br") else len(gzip.compress(body, 9))

    @property
    def transferred(self):
        return sum(self.bodies.values())

    def transferred_as(self, *kinds):
        """Bytes of the responses of these resource types (e.g. "stylesheet")."""
        return sum(size for url, size in self.bodies.items() if self.kinds.get(url) in kinds)

    def requested_as(self, *kinds):
        return [url for url in self.bodies if self.kinds.get(url) in kinds]


@pytest.fixture
def traffic(page, live_server):
    return Traffic(page, live_server.url)


@pytest.fixture
def axe():
    from axe_playwright_python.sync_playwright import Axe

    def violations(page):
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        return [
            f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {[n['target'] for n in v['nodes'][:3]]})"
            for v in results.response["violations"]
        ]

    return violations


@pytest.fixture(scope="session", autouse=True)
def public_images_directory():
    """The run's own directory for image renditions (clinic_site.test_settings), removed at the end."""
    yield
    shutil.rmtree(os.environ["CLINIC_PUBLIC_IMAGES_ROOT"], ignore_errors=True)


@pytest.fixture
def database_file_store(settings):
    """Both stores in the database, as a server started with CLINIC_FILE_STORE=database has them.

    A FileField evaluates its storage callable once, when its model is defined: the photo fields are
    pointed at the database store for the test, and back afterwards.
    """
    from django.apps import apps

    from consultations.storage import photo_storage

    settings.CLINIC_FILE_STORE = "database"
    settings.STORAGES = {**settings.STORAGES, **DATABASE_STORES}
    fields = [
        field
        for model in apps.get_models()
        for field in model._meta.fields
        if getattr(field, "_storage_callable", None) is photo_storage
    ]
    before = [field.storage for field in fields]
    for field in fields:
        field.storage = photo_storage()
    yield
    for field, storage in zip(fields, before, strict=True):
        field.storage = storage
