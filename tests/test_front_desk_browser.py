"""The front desk works a request in a real browser: the list, the request's page, an outcome, a note."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from booking.models import Booking, BookingStatus, VisitType
from consultations.groups import FRONT_DESK
from consultations.models import ConsultationRequest, Note
from practice.models import TeamMember
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


DESKTOP = {"width": 1280, "height": 800}


def test_a_request_is_one_screen_at_1280_and_an_outcome_with_a_note_is_one_submit(desk_page, live_server, axe):
    page = desk_page
    page.set_viewport_size(DESKTOP)
    consultation = make_request(onset="3-days", preferred_contact="phone", email="", best_time="afternoon")
    Note.objects.create(request=consultation, text="Called at 9:10, line busy.")
    page.goto(f"{live_server.url}{CHANGELIST}{consultation.pk}/change/")
    assert page.evaluate("document.querySelector('#main').classList.contains('shifted')"), "side navigation open"

    # What the patient sent, the desk's panel with its outcomes and the notes so far: the first screen.
    for selector in ("#summary-card dl", "#front-desk .outcome-buttons", "#notes-so-far .note"):
        box = page.locator(selector).first.bounding_box()
        assert box["y"] + box["height"] <= DESKTOP["height"], selector
    card = page.locator("#summary-card")
    assert card.get_by_role("link", name="(202) 555-0143").get_attribute("href") == "tel:+12025550143"
    assert "In the last 3 days" in card.inner_text() and "Phone call" in card.inner_text()
    # No e-mail address given: no "E-mailed".
    assert page.get_by_role("button", name="E-mailed").count() == 0
    assert axe(page) == []

    page.get_by_label("Note (optional), saved with the outcome").fill("Left the clinic number")
    with page.expect_navigation(url=f"**{CHANGELIST}{consultation.pk}/change/"):
        page.get_by_role("button", name="No answer, voicemail left").click()
    assert "Recorded “No answer, voicemail left”" in page.locator(".messagelist").inner_text()
    assert "Left the clinic number" in page.locator("#notes-so-far").inner_text()
    notes = list(Note.objects.filter(request=consultation).order_by("pk").values_list("text", flat=True))
    assert notes == ["Called at 9:10, line busy.", "No answer, voicemail left\nLeft the clinic number"]
    assert ConsultationRequest.objects.get(pk=consultation.pk).contact_attempts == 1
    assert axe(page) == []


def test_the_list_and_the_index_are_readable_at_1280_with_the_side_navigation_open(desk_page, live_server, axe):
    page = desk_page
    page.set_viewport_size(DESKTOP)
    now = timezone.now()
    late = make_request(created_at=now - timedelta(days=6), name="Pat Overdue")
    make_request(onset="3-days", preferred_contact="phone", name="Rosa Urgent")
    make_request(created_at=now - timedelta(hours=3), email="a.very.long.address@example.com", name="Lee Waiting")
    # The visit column at its widest: a day, a time and a status.
    member = TeamMember.objects.create(name="Dr. Alex Example", role="Surgeon")
    visit = VisitType.objects.create(name="New consultation, in person", minutes=30)
    missed = Booking.objects.create(
        team_member=member,
        visit_type=visit,
        starts_at=now - timedelta(days=1),
        ends_at=now - timedelta(days=1) + visit.length,
        status=BookingStatus.NO_SHOW,
    )
    make_request(created_at=now - timedelta(days=3), status="scheduled", booking=missed, name="Kim Missed")

    page.goto(live_server.url + "/admin/")
    counts = page.locator("#consultation-counts")
    assert counts.get_by_role("link", name="1 time-sensitive").is_visible()
    assert counts.get_by_role("link", name="1 overdue").is_visible()
    assert axe(page) == []
    counts.get_by_role("link", name="1 overdue").click()
    page.wait_for_url("**?queue=overdue")
    assert page.locator("#result_list tbody tr").count() == 1

    page.goto(live_server.url + CHANGELIST)
    assert page.evaluate("document.querySelector('#main').classList.contains('shifted')"), "side navigation open"
    # Every column within the screen, and the table no wider than the space it has.
    for header in page.locator("#result_list thead th").all():
        box = header.bounding_box()
        assert box["x"] + box["width"] <= DESKTOP["width"], header.inner_text()
    assert page.evaluate(
        "(() => { const t = document.querySelector('.results'); return t.scrollWidth <= t.clientWidth; })()"
    )
    # The due time on one line: "Overdue by 4 days" (counted from the promised day), not five lines of a date.
    due = page.locator("#result_list tbody tr", has_text=late.reference).locator("td.field-due")
    line = float(due.evaluate("element => parseFloat(getComputedStyle(element).lineHeight)"))
    assert re.fullmatch(r"Overdue by \d days?", due.inner_text())
    assert due.locator("time").bounding_box()["height"] < 1.5 * line
    assert axe(page) == []
