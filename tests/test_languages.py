"""Spanish addresses (issue 21, step 1): every public page at /es/…, English where it always was.

The language comes from the address only; each page names its other-language version (hreflang
alternates and the switcher in the header); the sitemap lists both; the page cache keeps them apart.
No content is translated yet, so every Spanish address shows the English under a notice in Spanish.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import time_machine
from django.urls import reverse

from booking import links
from booking.models import BookingStatus
from tests.consultation_fixtures import post_data
from tests.pages import anonymous_client
from tests.test_booking_links import MONDAY, booked, visit  # noqa: F401 (fixtures)

SITE = "http://127.0.0.1:8000"
NOTICE = "Esta página aún no está traducida al español. La mostramos en inglés."
# One page of each kind: the practice's pages, lists, a condition, a treatment, guides, the triage
# guide and the form.
PAGES = [
    "/",
    "/about/",
    "/contact/",
    "/privacy/",
    "/accessibility/",
    "/conditions/",
    "/conditions/bells-palsy/",
    "/treatments/",
    "/treatments/botox/",
    "/guides/",
    "/eye-care/",
    "/choosing-a-treatment/synkinesis/",
    "/what-should-i-do-now/",
    "/consultation/",
]


class Head(HTMLParser):
    """What a page says about its language: <html lang>, <body lang>, alternates, the switcher."""

    def __init__(self, html):
        super().__init__()
        self.lang = self.body_lang = self.canonical = None
        self.alternates = {}
        self.switcher = []
        self.notices = []
        self._notice = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "body":
            self.body_lang = attrs.get("lang")
        elif tag == "link" and attrs.get("rel") == "alternate":
            self.alternates[attrs["hreflang"]] = attrs["href"]
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]
        elif tag == "a" and "hreflang" in attrs:
            self.switcher.append(attrs)
        elif tag == "p" and attrs.get("lang") == "es":
            self._notice = []

    def handle_data(self, data):
        if self._notice is not None:
            self._notice.append(data)

    def handle_endtag(self, tag):
        if tag == "p" and self._notice is not None:
            self.notices.append("".join(self._notice).strip())
            self._notice = None


@pytest.fixture
def client(content):
    return anonymous_client()


def head(response):
    assert response.status_code == 200
    return Head(response.content.decode())


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_in_both_languages_each_naming_the_other(client, path):
    english, spanish = client.get(path), client.get(f"/es{path}")
    alternates = {"en": f"{SITE}{path}", "es": f"{SITE}/es{path}", "x-default": f"{SITE}{path}"}

    page = head(english)
    assert (page.lang, page.body_lang, english["Content-Language"]) == ("en", None, "en")
    assert page.alternates == alternates
    assert page.canonical == f"{SITE}{path}"
    assert page.switcher == [{"href": f"/es{path}", "hreflang": "es", "lang": "es"}]
    assert ">Español</a>" in english.content.decode()
    assert page.notices == [] and NOTICE not in english.content.decode()

    page = head(spanish)
    assert (page.lang, spanish["Content-Language"]) == ("es", "es")
    assert page.alternates == alternates
    assert page.canonical == f"{SITE}/es{path}"
    assert page.switcher == [{"href": path, "hreflang": "en", "lang": "en"}]
    assert ">English</a>" in spanish.content.decode()
    # Not translated yet: the English text, marked as English, under the notice in Spanish.
    assert page.body_lang == "en"
    assert page.notices == [NOTICE]


def test_a_page_that_sets_page_translated_loses_the_notice(rf, content):
    from django.template.loader import render_to_string
    from django.utils import translation

    request = rf.get("/es/about/")
    request.LANGUAGE_CODE = "es"
    with translation.override("es"):
        untranslated = render_to_string("base.html", {}, request=request)
        translated = render_to_string("base.html", {"page_translated": True}, request=request)
    assert NOTICE in untranslated and '<body lang="en">' in untranslated
    assert NOTICE not in translated and "<body>" in translated


def test_the_switcher_leads_to_the_same_page_and_back(client):
    for path in PAGES:
        there = head(client.get(path)).switcher[0]["href"]
        assert there == f"/es{path}"
        back = head(client.get(there)).switcher[0]["href"]
        assert back == path


def test_the_browsers_language_never_moves_a_patient_off_an_english_address(client):
    for path in ["/", "/conditions/bells-palsy/", "/consultation/"]:
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9", HTTP_COOKIE="django_language=es")
        assert response.status_code == 200, path
        assert head(response).lang == "en"
        # Every address has one page for everybody: caches need not keep one per Accept-Language.
        assert "Accept-Language" not in response.get("Vary", ""), path
    assert head(client.get("/es/", HTTP_ACCEPT_LANGUAGE="en-US")).lang == "es"


def test_the_admin_and_other_single_address_pages_have_no_spanish_address(client, admin_client):
    for path in ["/es/admin/", "/es/admin/login/", "/es/admin/second-factor/verify/", "/es/sitemap.xml"]:
        assert client.get(path).status_code == 404, path
    login = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="es")
    assert login.status_code == 200 and "Log in" in login.content.decode()
    assert 'hreflang="es"' not in login.content.decode()
    index = admin_client.get("/admin/")
    assert index.status_code == 200 and 'hreflang="es"' not in index.content.decode()
    assert client.get("/robots.txt").status_code == 200 and client.get("/healthz").status_code == 200


def test_a_missing_spanish_page_is_a_404_in_spanish_without_alternates(client):
    for path, switcher in [("/es/conditions/no-such-page/", "/conditions/no-such-page/"), ("/es/no/such/", None)]:
        response = client.get(path)
        assert response.status_code == 404
        page = Head(response.content.decode())
        assert (page.lang, page.alternates, page.notices) == ("es", {}, [NOTICE])
        # The switcher, where the address looks like a page's, leads to the same address in English.
        assert [link["href"] for link in page.switcher] == ([switcher] if switcher else [])


def test_the_page_cache_keeps_each_language_apart(client, django_assert_num_queries):
    path = "/conditions/bells-palsy/"
    # Spanish first, then English, each cached, then each again from the cache.
    for _round in range(2):
        spanish, english = client.get(f"/es{path}"), client.get(path)
        assert (head(spanish).lang, head(english).lang) == ("es", "en")
        assert NOTICE in spanish.content.decode() and NOTICE not in english.content.decode()
        assert head(spanish).canonical.endswith(f"/es{path}") and head(english).canonical == f"{SITE}{path}"
        assert (spanish["Content-Language"], english["Content-Language"]) == ("es", "en")
    with django_assert_num_queries(0):
        assert head(client.get(f"/es{path}")).lang == "es"
        assert head(client.get(path)).lang == "en"


def test_the_sitemap_lists_every_page_in_both_languages_with_alternates(client):
    sitemap = client.get("/sitemap.xml").content.decode()
    paths = [urlsplit(url).path for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    english = [path for path in paths if not path.startswith("/es/")]
    assert sorted(f"/es{path}" for path in english) == sorted(path for path in paths if path.startswith("/es/"))
    assert {"/", "/conditions/bells-palsy/", "/eye-care/"} <= set(english)
    assert f'<xhtml:link rel="alternate" hreflang="es" href="{SITE}/es/conditions/bells-palsy/"/>' in sitemap
    assert f'<xhtml:link rel="alternate" hreflang="en" href="{SITE}/conditions/bells-palsy/"/>' in sitemap
    assert f'<xhtml:link rel="alternate" hreflang="x-default" href="{SITE}/conditions/bells-palsy/"/>' in sitemap


def test_the_language_of_a_request_does_not_outlive_it(client):
    client.get("/es/about/")
    assert reverse("about") == "/about/"


def test_the_form_works_at_its_spanish_address_and_confirms_there(client, settings):
    settings.CLINIC_CONSULTATION_SPAM_CHECKS = False
    form = client.get("/es/consultation/").content.decode()
    assert 'action="/es/consultation/"' in form and 'data-received-url="/es/consultation/received/"' in form
    sent = client.post("/es/consultation/", post_data())
    assert sent.status_code == 302 and sent.url == "/es/consultation/received/"
    assert sent.cookies["consultation_receipt"]["path"] == "/es/consultation/"
    received = client.get(sent.url)
    assert received.status_code == 200 and head(received).lang == "es"
    assert "We have your request" in received.content.decode() and NOTICE in received.content.decode()


def test_the_form_with_csrf_checks_works_at_its_spanish_address(content, settings):
    from django.test import Client

    settings.CLINIC_CONSULTATION_SPAM_CHECKS = False
    browser = Client(enforce_csrf_checks=True)
    form = browser.get("/es/consultation/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode()).group(1)
    sent = browser.post("/es/consultation/", {**post_data(), "csrfmiddlewaretoken": token})
    assert sent.status_code == 302 and sent.url == "/es/consultation/received/"


@time_machine.travel(MONDAY, tick=False)
def test_a_booking_link_works_at_its_spanish_address(client, booked):  # noqa: F811 (fixture)
    url = "/es" + links.url(booked, "cancel")
    page = client.get(url)
    assert page.status_code == 200 and head(page).lang == "es"
    moved = client.get("/es" + links.url(booked, "move"))
    assert moved.status_code == 200 and head(moved).switcher[0]["href"] == links.url(booked, "move")
    response = client.post(url)
    assert response.status_code == 302 and response.url == "/es/visit/cancelled/"
    booked.refresh_from_db()
    assert booked.status == BookingStatus.CANCELLED_BY_PATIENT
