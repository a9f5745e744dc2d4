"""The built stylesheet (static/css/clinic.css, from `make css`) styles every page exactly as the
full Bootstrap and site.css did, and keeps every Bootstrap class the pages render, crispy-forms'
included. (`make test` separately checks that the committed file is what its sources build.)"""

import re
from pathlib import Path

import pytest

from tests.test_browser_pages import PUBLIC_PATHS

pytestmark = pytest.mark.usefixtures("live_content")

STATIC = Path(__file__).resolve().parent.parent / "static"
BUILT = STATIC / "css" / "clinic.css"
SOURCES = [STATIC / "vendor" / "bootstrap-5.3.9" / "bootstrap.min.css", STATIC / "css" / "site.css"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# One page of each template, and the pages with something of their own (a table, drawings).
LAYOUTS = [
    "/",
    "/conditions/",
    "/treatments/",
    "/guides/",
    "/about/",
    "/contact/",
    "/conditions/bells-palsy/",
    "/treatments/botox/",
    "/eye-care/",
    "/choosing-a-treatment/synkinesis/",
    "/no-such-page/",
]
CLASS_IN_SELECTOR = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")


def selector_classes(css):
    """Class names used in selectors (declarations, comments and data: URLs removed first)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"\{[^{}]*\}", "{}", css)
    return set(CLASS_IN_SELECTOR.findall(css))


def rendered_classes(html):
    return {name for value in re.findall(r'class="([^"]*)"', html) for name in value.split()}


@pytest.fixture
def page_html(client, settings):
    settings.CLINIC_CONSULTATION_SPAM_CHECKS = False
    pages = {path: client.get(path).content.decode() for path in [*PUBLIC_PATHS, "/consultation/", "/no-such-page/"]}
    # The form with every kind of error, and with the urgent guidance shown.
    pages["form with errors"] = client.post("/consultation/", {"onset": "3-days", "email": "not an address"}).content
    pages["form with errors"] = pages["form with errors"].decode()
    return pages


def test_every_bootstrap_class_the_pages_render_is_in_the_built_stylesheet(page_html):
    bootstrap = selector_classes(SOURCES[0].read_text())
    built = selector_classes(BUILT.read_text())
    assert {"is-invalid", "invalid-feedback", "form-check", "form-check-input", "form-control", "form-select"} <= (
        rendered_classes(page_html["form with errors"])
    )
    missing = {path: sorted((rendered_classes(html) & bootstrap) - built) for path, html in page_html.items()}
    assert {path: names for path, names in missing.items() if names} == {}, "run make css"


def test_the_built_stylesheet_is_much_smaller_than_its_sources():
    assert BUILT.stat().st_size < sum(source.stat().st_size for source in SOURCES) / 4


# Every element's computed style (custom properties aside), pseudo-elements included, as one
# digest per element: the comparison runs in the page, and only what differs is spelled out.
COMPUTED_STYLES = """
(detail) => {
    const out = [];
    for (const el of document.body.querySelectorAll("*")) {
        for (const pseudo of [null, "::before", "::after"]) {
            const style = getComputedStyle(el, pseudo);
            if (pseudo && style.content === "none") continue;  // not drawn
            let text = "";
            for (let i = 0; i < style.length; i++) {
                const property = style[i];
                if (!property.startsWith("--")) text += property + ":" + style.getPropertyValue(property) + ";";
            }
            const name = el.tagName + (el.id ? "#" + el.id : "") + "." + el.className + (pseudo || "");
            // A loop over the characters, not an array of them: the same digest in half the time.
            let digest = 7;
            for (let i = 0; !detail && i < text.length; i++) digest = (digest * 31 + text.charCodeAt(i)) | 0;
            out.push([name, detail ? text : text.length + ":" + digest]);
        }
    }
    return out;
}
"""


def computed_styles(page, url, action=None, detail=False):
    page.goto(url)
    if action:
        action(page)
    return page.evaluate(COMPUTED_STYLES, detail)


def spelled_out(page, url, action, indexes):
    """The properties of the elements at these indexes, for the failure message."""
    styles = computed_styles(page, url, action, detail=True)
    return {i: (styles[i][0], dict(p.split(":", 1) for p in styles[i][1].split(";") if p)) for i in indexes}


def send_empty_form(page):
    page.locator("#consultation-form button[type=submit]").click()
    page.wait_for_selector(".is-invalid")


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_page_looks_the_same_with_the_built_stylesheet_as_with_its_sources(
    browser, live_server, settings, viewport
):
    """Every element's computed style, pseudo-elements included, on every page and the form in its
    states, with clinic.css and then with the full Bootstrap and site.css served in its place."""
    settings.CLINIC_CONSULTATION_SPAM_CHECKS = False
    sources = "\n".join(source.read_text() for source in SOURCES)
    states = [(path, None) for path in LAYOUTS] + [("/consultation/", None), ("/consultation/", send_empty_form)]
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    built = [computed_styles(page, live_server.url + path, action) for path, action in states]
    page.route("**/static/css/clinic.css", lambda route: route.fulfill(body=sources, content_type="text/css"))
    full = [computed_styles(page, live_server.url + path, action) for path, action in states]
    page.unroute("**/static/css/clinic.css")
    found = {}
    for (path, action), mine, theirs in zip(states, built, full, strict=True):
        assert [name for name, _ in mine] == [name for name, _ in theirs], path
        differing = [i for i, (a, b) in enumerate(zip(mine, theirs, strict=True)) if a[1] != b[1]][:3]
        if differing:
            # Load both again and spell out the first few: with clinic.css, then with the sources. A
            # dropped rule shows on every load; a difference that does not show again came from the
            # moment of measuring (an image or a transition still on its way), not from the build.
            ours = spelled_out(page, live_server.url + path, action, differing)
            page.route("**/static/css/clinic.css", lambda route: route.fulfill(body=sources, content_type="text/css"))
            full_styles = spelled_out(page, live_server.url + path, action, differing)
            page.unroute("**/static/css/clinic.css")
            changed = {
                i: {k: (v, ours[i][1].get(k)) for k, v in full_styles[i][1].items() if ours[i][1].get(k) != v}
                for i in differing
            }
            if confirmed := [f"{ours[i][0]}: {changed[i]}" for i in differing if changed[i]]:
                found[f"{path}{' (sent empty)' if action else ''}"] = confirmed
    context.close()
    # Each difference reads {property: (value with the full sources, value with clinic.css)}.
    assert found == {}, "the build dropped rules these pages use: see tools/build-css.mjs"
