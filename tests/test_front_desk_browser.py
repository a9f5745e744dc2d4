"""The front desk works a request in a real browser: the list, the request's page, an outcome, a note."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from consultations.groups import FRONT_DESK
from consultations.models import ConsultationRequest, Note
from tests.consultation_fixtures import make_request
from tests.staff_fixtures import sign_in_in_browser

pytestmark = pytest.mark.browser

PASSWORD = "a long test password"
CHANGELIST = "/admin/consultations/consultationrequest/"


@pytest.fixture
def desk_page(page, live_server, transactional_db):
    user = User.objects.create_user("frontdesk", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=FRONT_DESK))
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    sign_in_in_browser(page, live_server.url, "frontdesk", PASSWORD, device)
    return page


def test_the_desk_records_an_outcome_and_a_note_on_an_accessible_page(desk_page, live_server, axe):
    page = desk_page
    overdue = make_request(created_at=timezone.now() - timedelta(days=7))
    urgent = make_request(onset="3-days", preferred_contact="phone")

    page.goto(live_server.url + CHANGELIST)
    first_row = page.locator("#result_list tbody tr").first
    assert urgent.reference in first_row.inner_text()
    assert "Time-sensitive" in first_row.inner_text()
    late = page.locator("#result_list tbody tr", has_text=overdue.reference).locator(".due-overdue")
    assert late.inner_text().startswith("Overdue by ")
    assert late.evaluate("element => getComputedStyle(element).color") == "rgb(186, 33, 33)"
    assert axe(page) == []

    page.get_by_role("link", name=urgent.reference).click()
    page.wait_for_url(f"**{CHANGELIST}{urgent.pk}/change/")
    assert "Internal note" not in page.content()
    assert page.get_by_text("#1").count() == 0
    assert page.get_by_label("Add a note").evaluate("element => element.tagName") == "TEXTAREA"
    assert page.get_by_role("link", name="(202) 555-0143").first.get_attribute("href") == "tel:+12025550143"
    assert axe(page) == []

    # The page reloads at the same address, so wait_for_url would not wait: wait for the load.
    with page.expect_navigation(url=f"**{CHANGELIST}{urgent.pk}/change/"):
        page.get_by_role("button", name="No answer, voicemail left").click()
    assert "Recorded “No answer, voicemail left”" in page.locator(".messagelist").inner_text()
    assert page.locator("#front-desk-attempts").inner_text() == "1"
    notes = page.locator("#notes-so-far")
    assert "No answer, voicemail left" in notes.inner_text() and "frontdesk" in notes.inner_text()
    assert page.locator("#id_status").input_value() == "contacted"

    page.get_by_label("Add a note").fill("Will try again after 4 pm")
    with page.expect_navigation(url=f"**{CHANGELIST}{urgent.pk}/change/"):
        page.click("input[name=_continue]")
    assert "Will try again after 4 pm" in page.locator("#notes-so-far").inner_text()
    assert page.get_by_label("Add a note").input_value() == ""
    assert list(Note.objects.order_by("pk").values_list("text", flat=True)) == [
        "No answer, voicemail left",
        "Will try again after 4 pm",
    ]
    assert ConsultationRequest.objects.get(pk=urgent.pk).contact_attempts == 1
    assert axe(page) == []
