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

    tab_to(page, "id_for_whom_0")
    page.keyboard.press("Space")  # me
    tab_to(page, "id_name")
    page.keyboard.type("Ada Keyboard")
    tab_to(page, "id_email")
    page.keyboard.type("ada@@example.com")  # the mistake
    tab_to(page, "id_preferred_contact_0")
    page.keyboard.press("ArrowDown")  # phone call -> e-mail
    tab_to(page, "id_bothers_0")
    page.keyboard.press("Space")  # my eye
    tab_to(page, "id_onset_0")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # 3 weeks to 6 months
    tab_to(page, "id_patient_type_0")
    page.keyboard.press("Space")
    tab_to(page, "id_consent_to_contact")
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
    assert (consultation.reference, consultation.email, consultation.concern, consultation.bothers) == (
        reference,
        "ada@example.com",
        "synkinesis",
        ["eye"],
    )


def test_urgent_guidance_appears_when_symptoms_started_in_the_last_3_days(page, live_server, axe):
    page.goto(live_server.url + "/consultation/")
    assert page.locator("#urgent-guidance").is_hidden()
    tab_to(page, "id_onset_0")
    page.keyboard.press("Space")
    assert page.locator("#urgent-guidance").is_visible()
    assert "Today: see a doctor" in page.locator("#urgent-guidance").inner_text()
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

    from client_limits import rate_limit

    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    settings.CLINIC_CONSULTATION_RATE_LIMIT = 1
    with transaction.atomic():
        rate_limit.take_slot("127.0.0.1")  # this browser's address has used its one request
    page.goto(live_server.url + "/consultation/")
    page.fill("#id_name", "Ada Example")
    page.fill("#id_email", "ada@example.com")
    for choice in ("#id_for_whom_0", "#id_preferred_contact_1", "#id_bothers_1", "#id_patient_type_0", "#id_onset_2"):
        page.check(choice)
    page.check("#id_consent_to_contact")
    with page.expect_navigation() as navigation:
        page.locator("#consultation-form button[type=submit]").press("Enter")
    assert navigation.value.status == 429
    assert "We could not take this request just now" in page.content()
    assert axe(page) == []


def test_the_time_of_day_is_asked_only_for_a_call_or_a_text(page, live_server, axe):
    page.goto(live_server.url + "/consultation/")
    best_time = page.locator("#best-time")
    assert best_time.is_hidden()  # nothing chosen yet
    assert axe(page) == []
    page.check("#id_preferred_contact_0")  # phone call
    assert best_time.is_visible()
    assert axe(page) == []
    page.check("#id_preferred_contact_1")  # e-mail
    assert best_time.is_hidden()
    assert axe(page) == []
    page.check("#id_preferred_contact_2")  # text message
    assert best_time.is_visible()


def test_the_childs_name_and_age_are_asked_only_for_my_child(page, live_server, axe):
    page.goto(live_server.url + "/consultation/")
    child = page.locator("#child-details")
    assert child.is_hidden()  # nothing chosen yet
    page.check("#id_for_whom_1")  # my child
    assert child.is_visible()
    assert page.get_by_label("Your child's first name").is_visible()
    assert axe(page) == []
    page.check("#id_for_whom_0")  # me
    assert child.is_hidden()
    # Sent for a child without the details: the errors are beside the fields, which stay in view.
    page.check("#id_for_whom_1")
    page.locator("#consultation-form button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert child.is_visible()
    assert "Enter your child's first name" in page.locator("#error-summary").inner_text()
    page.check("#id_for_whom_0")
    assert child.is_visible()  # an answer with a mistake stays in view
    assert axe(page) == []


def fill_the_form(page, contact="#id_preferred_contact_1", onset="#id_onset_2"):
    page.fill("#id_name", "Ada Example")
    page.fill("#id_email", "ada@example.com")
    page.fill("#id_phone", "202 555 0143")
    for choice in ("#id_for_whom_1", contact, "#id_bothers_0", "#id_bothers_5", "#id_patient_type_0", onset):
        page.check(choice)
    page.fill("#id_child_first_name", "Sam")
    page.fill("#id_child_age", "4")
    page.check("#id_consent_to_contact")


def test_without_javascript_the_time_of_day_shows_is_optional_and_ignored_for_e_mail(browser, live_server, settings):
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/consultation/")
    assert page.locator("#best-time").is_visible()
    assert page.locator("#child-details").is_visible()
    fill_the_form(page)  # e-mail
    page.check("#id_best_time_0")  # a time of day, chosen anyway
    page.locator("#consultation-form button[type=submit]").click()
    page.wait_for_url("**/consultation/received/")
    consultation = ConsultationRequest.objects.get()
    assert (consultation.preferred_contact, consultation.best_time) == ("email", "")
    assert (consultation.for_whom, consultation.bothers) == ("child", ["eye", "feelings"])
    assert (consultation.child_first_name, consultation.child_age) == ("Sam", 4)
    context.close()


def test_the_form_is_accessible_in_every_state(page, live_server, axe, settings):
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    # Pre-selected from a treatment's page: that one treatment is offered, ticked.
    page.goto(live_server.url + "/consultation/?treatment=eyelid-weight&condition=synkinesis")
    assert page.locator("input[name=treatments]").count() == 1
    assert page.locator("#id_treatments_0").is_checked()
    assert axe(page) == []
    # New symptoms: the urgent guidance.
    page.check("#id_onset_0")
    assert page.locator("#urgent-guidance").is_visible()
    assert axe(page) == []
    # Mistakes: the summary, the messages beside the fields, the time of day kept in view for a call.
    page.check("#id_preferred_contact_0")
    page.locator("#consultation-form button[type=submit]").click()
    page.wait_for_selector("#error-summary")
    assert page.locator("#best-time").is_visible()
    assert page.locator("#id_treatments_0").is_checked()
    assert axe(page) == []
    # Sent: the confirmation.
    fill_the_form(page, contact="#id_preferred_contact_0", onset="#id_onset_0")
    page.check("#id_best_time_2")
    page.locator("#consultation-form button[type=submit]").click()
    page.wait_for_url("**/consultation/received/")
    assert page.locator(".urgent-notice").is_visible()
    assert axe(page) == []
    consultation = ConsultationRequest.objects.get()
    assert (consultation.treatments_of_interest, consultation.concern) == (["eyelid-weight"], "synkinesis")
    assert (consultation.preferred_contact, consultation.best_time) == ("phone", "evening")


# Printing the confirmation.

LETTER = {"width": "8.5in", "height": "11in"}


def receipt_cookie(live_server, consultation):
    """The signed cookie the form sets after a request, as the browser would hold it."""
    from django.http import HttpResponse

    from consultations.views import RECEIPT_COOKIE, RECEIPT_SALT

    response = HttpResponse()
    response.set_signed_cookie(RECEIPT_COOKIE, consultation.reference, salt=RECEIPT_SALT)
    value = response.cookies[RECEIPT_COOKIE].value
    return {"name": RECEIPT_COOKIE, "value": value, "url": live_server.url + "/consultation/"}


def pdf_pages(pdf):
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf))


@pytest.mark.parametrize("onset", ["3-days", "6-months"], ids=["with-urgent-guidance", "without"])
def test_the_confirmation_prints_on_one_page(browser, live_server, axe, onset):
    from tests.consultation_fixtures import make_request

    # The longest confirmation: every answer to what bothers them, a call at a given time.
    consultation = make_request(
        onset=onset,
        for_whom="cared-for",
        bothers=["eye", "smile", "tightness", "eating", "speaking", "feelings", "other"],
        preferred_contact="phone",
        best_time="evening",
    )
    context = browser.new_context()
    context.add_cookies([receipt_cookie(live_server, consultation)])
    page = context.new_page()
    page.goto(live_server.url + "/consultation/received/")
    assert page.locator("#reference").inner_text() == consultation.reference
    assert axe(page) == []
    for paper in ("Letter", "A4"):
        assert pdf_pages(page.pdf(format=paper)) == 1, paper
    # A page's worth of screen is two when the print styles are not applied: the count can fail.
    assert pdf_pages(page.pdf(**LETTER, scale=1.6)) > 1

    page.emulate_media(media="print")
    for hidden in (".site-menu", ".site-request", ".site-footer", "#print-page", ".skip-link"):
        assert page.locator(hidden).is_hidden(), hidden
    assert page.locator(".site-name").is_visible() and page.locator(".site-phone").is_visible()
    assert page.locator(".reference-box").is_visible() and page.locator(".eye-care").is_visible()
    context.close()


def test_the_print_button_appears_only_with_javascript(browser, live_server):
    from tests.consultation_fixtures import make_request

    consultation = make_request()
    for javascript in (True, False):
        context = browser.new_context(java_script_enabled=javascript)
        context.add_cookies([receipt_cookie(live_server, consultation)])
        page = context.new_page()
        page.goto(live_server.url + "/consultation/received/")
        assert page.get_by_role("button", name="Print this page").is_visible() == javascript
        context.close()


@pytest.mark.parametrize("mistake", [False, True], ids=["sent-at-once", "after-a-mistake"])
def test_back_from_the_confirmation_shows_the_confirmation(page, live_server, settings, mistake):
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    page.goto(live_server.url + "/consultation/")
    fill_the_form(page)
    if mistake:
        # The page with the mistake answers a post: Back to it used to ask to send the form again.
        page.fill("#id_name", "")
        page.click("#consultation-form button[type=submit]")
        page.wait_for_selector("#error-summary")
        page.fill("#id_name", "Ada Example")
    page.click("#consultation-form button[type=submit]")
    page.wait_for_url("**/consultation/received/")
    reference = page.locator("#reference").inner_text()

    page.go_back()  # raises on the browser's "resubmit?" page (net::ERR_CACHE_MISS)
    page.wait_for_url("**/consultation/received/")
    assert page.locator("#reference").inner_text() == reference
    assert ConsultationRequest.objects.count() == 1


def test_a_recent_onset_shows_the_today_advice_next_to_the_question(page, live_server, axe):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/consultation/")
    guidance = page.locator("#urgent-guidance")
    assert guidance.is_hidden()
    page.check("#id_onset_0")  # in the last 3 days
    assert guidance.is_visible()
    # Right below the answers, not at the top of the page: in view as soon as it is chosen.
    onset = page.locator("#div_id_onset").bounding_box()
    box = guidance.bounding_box()
    assert 0 <= box["y"] - (onset["y"] + onset["height"]) < 40
    guidance.scroll_into_view_if_needed()
    assert "Today: see a doctor" in guidance.inner_text() and "Call 911 now" in guidance.inner_text()
    assert axe(page) == []
    page.check("#id_onset_2")
    assert guidance.is_hidden()


def test_without_javascript_the_today_advice_is_in_the_onset_question(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 568})
    page = context.new_page()
    page.goto(live_server.url + "/consultation/")
    description = page.locator("#id_onset_helptext")
    assert description.is_visible()
    text = description.inner_text()
    assert "Started in the last 3 days? Today: see a doctor." in text and "Call 911 now." in text
    # The group's description: read out with the question by screen readers.
    assert page.locator("#div_id_onset fieldset").get_attribute("aria-describedby") == "id_onset_helptext"
    context.close()
