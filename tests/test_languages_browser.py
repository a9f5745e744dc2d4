"""The Spanish addresses in a real browser: axe clean with the notice, within the English pages'
budgets, and a language switcher that works from the keyboard without JavaScript and leaves the
header as it was."""

import pytest

from consultations.models import ConsultationRequest
from tests.test_browser_a11y import focus_problems
from tests.test_browser_pages import (
    BUDGET_BYTES,
    BUDGET_BYTES_WITH_IMAGES,
    BUDGET_REQUESTS,
    CSS_BUDGET_BYTES,
    NO_SIDEWAYS_SCROLL,
    TEXT_BUDGET_BYTES,
)
from tests.test_consultation_browser import fill_the_form

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_content")]

NOTICE = "Esta página aún no está traducida al español. La mostramos en inglés."
SPANISH_PAGES = ["/es/", "/es/conditions/bells-palsy/", "/es/what-should-i-do-now/", "/es/consultation/"]


@pytest.mark.parametrize("path", SPANISH_PAGES)
def test_spanish_page_with_its_notice_is_accessible_and_light(page, live_server, traffic, axe, path):
    response = page.goto(live_server.url + path)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == "es"
    notice = page.get_by_text(NOTICE)
    assert notice.is_visible() and notice.get_attribute("lang") == "es"
    assert axe(page) == []
    assert traffic.foreign == []
    assert len(traffic.requests) <= BUDGET_REQUESTS, traffic.requests
    budget = BUDGET_BYTES_WITH_IMAGES if page.locator("main picture").count() else BUDGET_BYTES
    assert traffic.transferred <= budget, traffic.bodies
    assert traffic.transferred_as("stylesheet") <= CSS_BUDGET_BYTES, traffic.bodies
    assert traffic.transferred_as("document", "stylesheet", "script") <= TEXT_BUDGET_BYTES, traffic.bodies


def tab_to_switcher(page, language):
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('hreflang')") == language:
            return page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    raise AssertionError(f"no link to the {language} page within 20 presses of Tab")


def test_the_switcher_takes_the_keyboard_to_the_same_page_and_back_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/conditions/bells-palsy/")
    assert tab_to_switcher(page, "es") not in ("", "none")  # focus shows
    page.keyboard.press("Enter")
    page.wait_for_url("**/es/conditions/bells-palsy/")
    assert page.evaluate("document.documentElement.lang") == "es"
    assert tab_to_switcher(page, "en") not in ("", "none")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/conditions/bells-palsy/")
    assert page.evaluate("document.documentElement.lang") == "en"
    context.close()


@pytest.mark.parametrize("width", [320, 390])
def test_on_a_phone_the_switcher_is_in_the_menu_and_the_header_keeps_its_height(browser, live_server, width):
    context = browser.new_context(java_script_enabled=False, viewport={"width": width, "height": 700})
    page = context.new_page()
    heights = {}
    for path in ["/conditions/bells-palsy/", "/es/conditions/bells-palsy/"]:
        page.goto(live_server.url + path)
        heights[path] = page.locator("header.site-header").bounding_box()["height"]
        assert page.evaluate(NO_SIDEWAYS_SCROLL), path
        switcher = page.locator("header a[hreflang]")
        assert not switcher.is_visible()
        page.locator(".site-menu > summary").click()
        assert switcher.is_visible()
        box = switcher.bounding_box()
        assert box["height"] >= 24 and box["x"] + box["width"] <= width
    assert heights["/conditions/bells-palsy/"] == heights["/es/conditions/bells-palsy/"]
    context.close()


def test_every_focus_on_a_spanish_page_shows_and_nothing_covers_it(page, live_server):
    page.goto(live_server.url + "/es/conditions/bells-palsy/")
    assert focus_problems(page) == []


def test_the_form_sends_from_its_spanish_address_and_confirms_there(page, live_server, axe, settings):
    # The real gates (CSRF, the form's token), with no minimum fill time for a scripted browser.
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    page.goto(live_server.url + "/es/consultation/")
    fill_the_form(page)
    page.click("#consultation-form button[type=submit]")
    page.wait_for_url("**/es/consultation/received/")
    reference = page.locator("#reference").inner_text()
    assert ConsultationRequest.objects.get().reference == reference
    assert page.evaluate("document.documentElement.lang") == "es" and page.get_by_text(NOTICE).is_visible()
    assert axe(page) == []
    # Back shows the confirmation again (its cookies belong to the Spanish form's address).
    page.go_back()
    page.wait_for_url("**/es/consultation/received/")
    assert page.locator("#reference").inner_text() == reference
