import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conditions.models import Condition
from tests.content_checks import (
    CONDITION_SECTIONS,
    CONDITION_SLUGS,
    GUIDE_SLUGS,
    TREATMENT_SECTIONS,
    TREATMENT_SLUGS,
    guide_path,
)
from tests.pages import anonymous_client, graph_types, parse, sitemap_paths
from treatments.models import Treatment

pytestmark = pytest.mark.usefixtures("content")

SITE_PATHS = [
    "/",
    "/conditions/",
    "/treatments/",
    "/guides/",
    "/about/",
    "/contact/",
    "/privacy/",
    "/accessibility/",
]


@pytest.fixture
def client():
    return anonymous_client()


@pytest.mark.parametrize("slug", CONDITION_SLUGS)
def test_condition_page_has_its_sections_urgent_notice_and_structured_data(client, slug):
    response = client.get(f"/conditions/{slug}/")
    assert response.status_code == 200
    page = parse(response)
    condition = Condition.objects.get(slug=slug)
    assert page.headings["h1"] == [condition.title]
    for section in [*CONDITION_SECTIONS, "Questions patients ask", "Sources", "Treatments usually considered"]:
        assert section in page.headings["h2"]
    assert "When to get help right away" in page.headings["h2"]
    assert "Call 911 now" in response.content.decode()
    assert {"MedicalWebPage", "MedicalClinic", "FAQPage"} <= graph_types(page)
    web_page = next(n for n in page.json_ld[0]["@graph"] if n["@type"] == "MedicalWebPage")
    assert web_page["about"]["@type"] == "MedicalCondition"
    assert {t["name"] for t in web_page["about"]["possibleTreatment"]} == set(
        condition.treatments.values_list("title", flat=True)
    )
    for treatment in condition.treatments.all():
        assert treatment.get_absolute_url() in page.links


@pytest.mark.parametrize("slug", TREATMENT_SLUGS)
def test_treatment_page_has_its_sections_and_structured_data(client, slug):
    response = client.get(f"/treatments/{slug}/")
    assert response.status_code == 200
    page = parse(response)
    treatment = Treatment.objects.get(slug=slug)
    for section in [*TREATMENT_SECTIONS, "Questions patients ask", "Sources"]:
        assert section in page.headings["h2"]
    web_page = next(n for n in page.json_ld[0]["@graph"] if n["@type"] == "MedicalWebPage")
    expected = "MedicalProcedure" if treatment.kind == Treatment.Kind.SURGICAL else "MedicalTherapy"
    assert web_page["about"]["@type"] == expected
    assert "FAQPage" in graph_types(page)
    # The relation shows on both sides.
    for condition in treatment.conditions.all():
        assert condition.get_absolute_url() in page.links


def test_relation_is_shown_on_both_sides(client):
    botox_page = parse(client.get("/treatments/botox/"))
    assert "/conditions/synkinesis/" in botox_page.links
    assert "/treatments/botox/" in parse(client.get("/conditions/synkinesis/")).links


@pytest.mark.parametrize("path", SITE_PATHS)
def test_site_page_renders_with_practice_identity(client, path):
    response = client.get(path)
    assert response.status_code == 200
    page = parse(response)
    assert len(page.headings["h1"]) == 1
    assert "MedicalClinic" in graph_types(page)
    html = response.content.decode()
    assert 'href="tel:+15550100123"' in html
    assert "Example Facial Nerve Clinic" in html
    assert "fictional" in html


def test_every_page_has_a_unique_title_description_canonical_and_open_graph(client):
    titles, descriptions = {}, {}
    for path in sitemap_paths(client):
        page = parse(client.get(path))
        assert page.title and page.meta.get("description"), path
        assert page.canonical == f"http://127.0.0.1:8000{path}"
        assert page.meta["og:title"] and page.meta["og:description"] and page.meta["og:url"] == page.canonical
        # Unique within a language: until it is translated, /es/x/ has the title of /x/.
        language = "es" if path.startswith("/es/") else "en"
        titles.setdefault((language, page.title), []).append(path)
        descriptions.setdefault((language, page.meta["description"]), []).append(path)
    assert [paths for paths in titles.values() if len(paths) > 1] == []
    assert [paths for paths in descriptions.values() if len(paths) > 1] == []


def test_sitemap_lists_every_public_page(client):
    paths = set(sitemap_paths(client))
    assert set(SITE_PATHS) <= paths
    assert {f"/conditions/{slug}/" for slug in CONDITION_SLUGS} <= paths
    assert {f"/treatments/{slug}/" for slug in TREATMENT_SLUGS} <= paths
    assert {guide_path(slug) for slug in GUIDE_SLUGS} <= paths


@pytest.mark.parametrize("first_host", ["localhost", "testserver"])
def test_sitemap_urls_come_from_the_configured_site_url_whatever_the_host(client, settings, first_host):
    settings.CLINIC_SITE_URL = "https://clinic.example.org"
    hosts = [first_host, ({"localhost", "testserver"} - {first_host}).pop()]
    sitemaps = [client.get("/sitemap.xml", HTTP_HOST=host).content.decode() for host in hosts]
    locations = [re.findall(r"<loc>([^<]+)</loc>", sitemap) for sitemap in sitemaps]
    assert locations[0] == locations[1]
    assert len(locations[0]) > 15
    assert all(url.startswith("https://clinic.example.org/") for url in locations[0])


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in response.content.decode()


def test_every_internal_link_found_from_the_sitemap_answers_200(client):
    seen, queue = set(), list(sitemap_paths(client))
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        if not response["Content-Type"].startswith("text/html"):
            continue
        for href in parse(response).links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("/admin/"):
                continue
            queue.append(parts.path)
    assert len(seen) >= len(SITE_PATHS) + len(CONDITION_SLUGS) + len(TREATMENT_SLUGS) + len(GUIDE_SLUGS)


def test_content_pages_have_no_inline_code_no_forms_and_unique_ids(client):
    for path in sitemap_paths(client):
        response = client.get(path)
        page = parse(response)
        assert (page.inline_scripts, page.style_blocks, page.style_attributes) == (0, 0, 0), path
        assert page.forms == 0 and "csrfmiddlewaretoken" not in response.content.decode(), path
        assert "csrftoken" not in response.cookies and "sessionid" not in response.cookies, path
        assert len(page.ids) == len(set(page.ids)), path


def test_security_headers_and_content_security_policy(client):
    response = client.get("/conditions/bells-palsy/")
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for directive in ["default-src 'none'", "script-src 'self'", "base-uri 'none'", "frame-ancestors 'none'"]:
        assert directive in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_missing_page_gets_the_styled_404(client):
    response = client.get("/conditions/no-such-condition/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
    assert "css/clinic.css" in response.content.decode()


def test_comparison_page_explains_both_and_links_the_treatments(client):
    page = parse(client.get("/facial-paralysis-vs-synkinesis/"))
    assert len(page.headings["h2"]) >= 6 and "Sources" in page.headings["h2"]
    assert "When to get help right away" in page.headings["h2"]
    assert {"/conditions/facial-paralysis/", "/conditions/synkinesis/", "/treatments/botox/"} <= set(page.links)


def test_treatments_are_grouped_by_goal_without_surgery_first(client):
    html = client.get("/treatments/").content.decode()
    page = parse(client.get("/treatments/"))
    goals = ["Protect the eye", "Restore a smile", "Calm unwanted movement and tightness"]
    assert [h for h in page.headings["h2"] if h in goals] == goals
    surgical = set(Treatment.objects.filter(kind=Treatment.Kind.SURGICAL).values_list("slug", flat=True))
    for goal_id in ["protect-the-eye", "restore-a-smile", "calm-unwanted-movement"]:
        section = html[html.index(f'id="{goal_id}"') :]
        section = section[: section.index("</section>")]
        slugs = re.findall(r'href="/treatments/([^/]+)/"', section)
        assert slugs, goal_id
        kinds = [slug in surgical for slug in slugs]
        assert kinds == sorted(kinds), f"{goal_id}: surgery listed before treatments without it: {slugs}"
    # Every published treatment is listed under some goal.
    assert set(re.findall(r'href="/treatments/([^/]+)/"', html)) == set(TREATMENT_SLUGS)


def test_home_routes_speak_of_time_and_what_bothers_the_patient(client):
    page = parse(client.get("/"))
    assert {"How long has your face been affected?", "What bothers you most?", "For parents"} <= set(
        page.headings["h2"]
    )
    assert {"A few days", "Weeks to months", "A year or more", "Since birth"} <= set(page.headings["h3"])
    for path in [
        "/conditions/bells-palsy/",
        "/choosing-a-treatment/smile/",
        "/choosing-a-treatment/synkinesis/",
        "/conditions/facial-palsy-in-children/",
        "/living-with-facial-palsy/#section-eating-and-drinking",
        "/living-with-facial-palsy/#section-speaking",
        "/living-with-facial-palsy/#section-feelings",
        "/eye-care/",
    ]:
        assert path in page.links
    for link in page.links:
        if "#section-" in link:
            path, anchor = link.split("#")
            assert f'id="{anchor}"' in client.get(path).content.decode(), link


@pytest.mark.parametrize(
    ("path", "drawing"),
    [
        ("/conditions/facial-paralysis/", "facial-nerve"),
        ("/conditions/bells-palsy/", "facial-nerve"),
        ("/conditions/synkinesis/", "synkinesis-crossed-wires"),
        ("/eye-care/", "eye-taping"),
    ],
)
def test_drawings_are_static_images_with_a_text_alternative(client, path, drawing):
    html = client.get(path).content.decode()
    img = re.search(rf'<img src="/static/img/{drawing}\.svg" [^>]*alt="([^"]+)"', html)
    assert img and len(img.group(1)) > 80, "the alternative text says what the drawing shows"
    assert "<figcaption>" in html
    svg = (Path(__file__).resolve().parent.parent / "static" / "img" / f"{drawing}.svg").read_text()
    assert "<script" not in svg and "<style" not in svg and "style=" not in svg and not re.search(r"\son\w+=", svg)
    assert len(svg) < 4000
