"""The public pages in a real browser (Debian's Chromium through Playwright)."""

import pytest
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from conditions.models import Condition
from tests.content_checks import CONDITION_SLUGS, GUIDE_SLUGS, TREATMENT_SLUGS, guide_path
from tests.staff_fixtures import sign_in_in_browser
from tests.test_pages import SITE_PATHS

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_content")]

PUBLIC_PATHS = (
    SITE_PATHS
    + [f"/conditions/{slug}/" for slug in CONDITION_SLUGS]
    + [f"/treatments/{slug}/" for slug in TREATMENT_SLUGS]
    + [guide_path(slug) for slug in GUIDE_SLUGS]
)
BUDGET_BYTES = 60_000
# A page with a photo or illustration (images.renditions) may cost more, not much more.
BUDGET_BYTES_WITH_IMAGES = 100_000
BUDGET_REQUESTS = 8
# The text of a page (HTML, CSS, scripts: what its first paint waits for), gzipped, and its one
# stylesheet, built by `make css` with only the rules the site uses.
TEXT_BUDGET_BYTES = 30_000
CSS_BUDGET_BYTES = 10_000
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_page_is_accessible_private_and_light(page, live_server, traffic, axe, path):
    response = page.goto(live_server.url + path)
    assert response.status == 200
    page.wait_for_load_state("load")
    # Drawings load lazily: scroll to the end so they count against the budget too.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")

    assert traffic.foreign == [], "requests to another origin"
    assert len(traffic.requests) <= BUDGET_REQUESTS, traffic.requests
    budget = BUDGET_BYTES_WITH_IMAGES if page.locator("main picture").count() else BUDGET_BYTES
    assert traffic.transferred <= budget, traffic.bodies
    assert axe(page) == []
    assert len(traffic.requested_as("stylesheet")) == 1, traffic.requested_as("stylesheet")
    assert traffic.transferred_as("stylesheet") <= CSS_BUDGET_BYTES, traffic.bodies
    assert traffic.transferred_as("document", "stylesheet", "script") <= TEXT_BUDGET_BYTES, traffic.bodies


@pytest.mark.parametrize("width", [320, 640])
def test_every_page_fits_a_narrow_screen_without_sideways_scrolling(browser, live_server, width):
    # 640 CSS pixels is a 1280-pixel window at 200% zoom; 320 is the narrowest phone (and 400% zoom).
    page = browser.new_page(viewport={"width": width, "height": 800})
    for path in PUBLIC_PATHS:
        page.goto(live_server.url + path)
        assert page.evaluate(NO_SIDEWAYS_SCROLL), f"{path} scrolls sideways at {width}px"
    page.close()


def test_base_text_is_large_and_focus_is_visible(page, live_server):
    page.goto(live_server.url + "/conditions/synkinesis/")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.page-body p')).fontSize)")
    assert size >= 18
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")


def test_keyboard_and_navigation_work_with_javascript_off(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main-content"  # the skip link
    page.keyboard.press("Enter")
    # A jump within the page is reported to Playwright a moment later: wait for it, do not read it.
    page.wait_for_url("**/#main-content")
    page.goto(live_server.url + "/")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Treatments":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/treatments/")
    assert page.locator("h1").inner_text() == "Treatments"
    page.get_by_role("link", name="Botox", exact=False).first.click()
    page.wait_for_url("**/treatments/botox/")
    context.close()


@pytest.fixture
def staff_page(browser, live_server):
    editor = get_user_model().objects.create_superuser("editor", "editor@example.com", "a long test password")
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    page = browser.new_page()
    sign_in_in_browser(page, live_server.url, "editor", "a long test password", device)
    yield page
    page.close()


def test_an_edit_saved_in_the_admin_shows_at_once_and_its_script_never_runs(staff_page, page, live_server):
    page.goto(live_server.url + "/conditions/bells-palsy/")  # a visitor's copy is now cached
    assert "A note our editor just added." not in page.content()

    condition = Condition.objects.get(slug="bells-palsy")
    staff_page.goto(f"{live_server.url}/admin/conditions/condition/{condition.pk}/change/")
    attack = (
        "\n\nA note our editor just added.\n\n"
        "<script>window.owned = 'script'</script>\n\n"
        '<img src="/x" onerror="window.owned = \'img\'">\n\n'
        "[a link](javascript:window.owned='link')\n"
    )
    staff_page.fill("#id_body", condition.body + attack)
    staff_page.click("input[name=_save]")
    staff_page.wait_for_url("**/admin/conditions/condition/")

    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.reload()
    assert "A note our editor just added." in page.content()
    page.get_by_text("a link").click()
    assert page.evaluate("window.owned") is None
    assert dialogs == []


def test_the_consultation_form_is_light_too(page, live_server, traffic):
    page.goto(live_server.url + "/consultation/")
    page.wait_for_load_state("networkidle")
    assert traffic.foreign == []
    assert len(traffic.requested_as("stylesheet")) == 1
    assert traffic.transferred_as("stylesheet") <= CSS_BUDGET_BYTES, traffic.bodies
    assert traffic.transferred_as("document", "stylesheet", "script") <= TEXT_BUDGET_BYTES, traffic.bodies
