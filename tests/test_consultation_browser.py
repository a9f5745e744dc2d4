"""A patient's journey to a consultation request in a real browser, by keyboard alone."""

import re

import pytest

from consultations.models import ConsultationRequest

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_content")]

ACTIVE_ID = "document.activeElement && document.activeElement.id"
ACTIVE_HREF = "document.activeElement && document.activeElement.getAttribute('href')"


def tab_until(page, test, limit=250):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if test():
            return
    raise AssertionError("never reached by Tab")


def tab_to(page, element_id):
    tab_until(page, lambda: page.evaluate(ACTIVE_ID) == element_id)


@pytest.fixture
def gentle_gates(settings):
    # The real gates, with a minimum fill time a scripted keyboard cannot undercut by accident.
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 1


def test_condition_page_to_confirmation_by_keyboard(page, live_server, axe, gentle_gates):
    page.goto(live_server.url + "/conditions/synkinesis/")
    tab_until(page, lambda: page.evaluate(ACTIVE_HREF) == "/consultation/?condition=synkinesis")
    page.keyboard.press("Enter")
    page.wait_for_url("**/consultation/?condition=synkinesis")
    assert page.locator("#id_concern").input_value() == "synkinesis"
    assert axe(page) == []

    tab_to(page, "id_name")
    page.keyboard.type("Ada Keyboard")
    tab_to(page, "id_email")
    page.keyboard.type("ada@@example.com")  # the mistake
    tab_to(page, "id_preferred_contact_0")
    page.keyboard.press("ArrowDown")  # phone call -> e-mail
    tab_to(page, "id_best_time_0")
    page.keyboard.press("Space")
    tab_to(page, "id_patient_type_0")
    page.keyboard.press("Space")
    tab_to(page, "id_onset_0")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # 3 weeks to 6 months
    tab_to(page, "id_consent_to_contact")
    page.keyboard.press("Space")
    tab_to(page, "id_privacy_acknowledged")
    page.keyboard.press("Space")
    tab_until(page, lambda: page.evaluate("document.activeElement.type") == "submit")
    page.keyboard.press("Enter")

    page.wait_for_selector("#error-summary")
    assert page.evaluate(ACTIVE_ID) == "error-summary"
    assert "Enter an e-mail address like name@example.com." in page.locator("#error-summary").inner_text()
    assert page.locator("#id_name").input_value() == "Ada Keyboard"
    assert page.locator("#id_preferred_contact_1").is_checked()
    assert page.locator("#id_consent_to_contact").is_checked()
    assert axe(page) == []
    assert ConsultationRequest.objects.count() == 0

    # The summary's link leads to the field.
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE_HREF) == "#id_email"
    page.keyboard.press("Enter")
    tab_to(page, "id_email")
    page.keyboard.press("Control+A")
    page.keyboard.type("ada@example.com")
    tab_until(page, lambda: page.evaluate("document.activeElement.type") == "submit")
    page.keyboard.press("Enter")

    page.wait_for_url("**/consultation/received/")
    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"FN-[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
    assert axe(page) == []
    consultation = ConsultationRequest.objects.get()
    assert (consultation.reference, consultation.email, consultation.concern) == (
        reference,
        "ada@example.com",
        "synkinesis",
    )


def test_urgent_guidance_appears_when_symptoms_started_in_the_last_3_days(page, live_server, axe):
    page.goto(live_server.url + "/consultation/")
    assert page.locator("#urgent-guidance").is_hidden()
    tab_to(page, "id_onset_0")
    page.keyboard.press("Space")
    assert page.locator("#urgent-guidance").is_visible()
    assert "see a doctor today" in page.locator("#urgent-guidance").inner_text()
    assert axe(page) == []
    page.keyboard.press("ArrowDown")
    assert page.locator("#urgent-guidance").is_hidden()


def test_errors_take_focus_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/consultation/")
    tab_until(page, lambda: page.evaluate("document.activeElement.type") == "submit")
    page.keyboard.press("Enter")
    page.wait_for_selector("#error-summary")
    assert page.evaluate(ACTIVE_ID) == "error-summary"
    context.close()


def test_rate_limited_page_is_accessible(page, live_server, axe, settings):
    from django.db import transaction

    from consultations import rate_limit

    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    settings.CLINIC_CONSULTATION_RATE_LIMIT = 1
    with transaction.atomic():
        rate_limit.take_slot("127.0.0.1")  # this browser's address has used its one request
    page.goto(live_server.url + "/consultation/")
    page.fill("#id_name", "Ada Example")
    page.fill("#id_email", "ada@example.com")
    for choice in ("#id_preferred_contact_1", "#id_best_time_0", "#id_patient_type_0", "#id_onset_2"):
        page.check(choice)
    page.select_option("#id_concern", "not-sure")
    page.check("#id_consent_to_contact")
    page.check("#id_privacy_acknowledged")
    with page.expect_navigation() as navigation:
        page.locator("#consultation-form button[type=submit]").press("Enter")
    assert navigation.value.status == 429
    assert "We could not take this request just now" in page.content()
    assert axe(page) == []
