import gzip
import os
import shutil
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from clinic_site.page_cache import invalidate_pages
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
    if os.path.basename(settings.CLINIC_PHOTO_ROOT).startswith("clinic-test-photos-"):
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


@pytest.fixture
def content(db):
    """The content that ships with the code, loaded as `make run` loads it."""
    call_command("load_content", verbosity=0)


@pytest.fixture
def live_content(transactional_db):
    call_command("load_content", verbosity=0)


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
