"""Booking end to end in a real browser: the patient books, moves and cancels by the e-mails' links
(mail through a real SMTP server on loopback, sent by the task worker); the desk's agenda by keyboard."""

import re
from datetime import datetime, timedelta
from email import message_from_string
from urllib.parse import urlsplit

import icalendar
import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from booking import holding
from booking.availability import times_by_day
from booking.models import Booking
from consultations import visit_choice, waitlist_links
from consultations.groups import FRONT_DESK
from consultations.models import ConsultationRequest, WaitlistEntry, WaitlistOffer
from practice.models import Practice
from tests.consultation_fixtures import make_request, smtp  # noqa: F401 (smtp is a fixture)
from tests.staff_fixtures import sign_in_in_browser
from tests.test_booking_form import clinic
from tests.test_waitlist import at, patient

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_content")]


@pytest.fixture
def open_form(settings):
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    settings.CLINIC_CONSULTATION_RATE_LIMIT = 0
    settings.CLINIC_CONSULTATION_SPAM_CHECKS = False
    return clinic()


def run_worker():
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def mail_to_patient(smtp, subject_words):  # noqa: F811
    """The one message to the patient whose subject has these words, once the worker has sent it."""
    run_worker()
    for _attempt in range(100):
        found = [
            m
            for m in map(message_from_string, smtp.messages)
            if m["To"] == "ada@example.com" and subject_words in m["Subject"]
        ]
        if found:
            (message,) = found
            return message
        smtp.wait_for(len(smtp.messages) + 1, timeout=0.1)
    subjects = [m["Subject"] for m in map(message_from_string, smtp.messages)]
    raise AssertionError(f"no mail {subject_words!r}: {subjects}")


def text_and_invitation(message):
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    ics = next(p for p in message.walk() if p.get_content_type() == "text/calendar").get_payload(decode=True)
    return text, icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]


def link(text, kind, live_server):
    """The e-mail's link of this kind ("move", "cancel"), on the test's server."""
    url = re.search(rf"https?://\S+/visit/{kind}/\S+/", text).group(0)
    return live_server.url + urlsplit(url).path


def offered_on_the_form(page, live_server):
    page.goto(live_server.url + "/consultation/")
    return set(page.locator('input[name="visit"]').evaluate_all("radios => radios.map(r => r.value)"))


def test_a_patient_books_moves_and_cancels_by_the_links_and_the_times_come_back(
    page,
    live_server,
    open_form,
    smtp,  # noqa: F811
):
    visit = open_form
    closed = Practice.objects.current().closed_dates  # as the pages offer times
    (first_day, first_times), *_ = visit_choice.offers(closed)[0][1].items()
    chosen = first_times[0]

    # The form, with a time chosen.
    page.goto(live_server.url + "/consultation/")
    page.fill("#id_name", "Ada Example")
    page.fill("#id_email", "ada@example.com")
    page.fill("#id_phone", "202 555 0143")
    for choice in ("#id_for_whom_0", "#id_preferred_contact_1", "#id_bothers_0", "#id_patient_type_0", "#id_onset_2"):
        page.check(choice)
    page.check("#id_consent_to_contact")
    page.locator("summary", has_text=visit.name).click()
    page.check(f'input[name="visit"][value="{visit_choice.value(visit, chosen)}"]')
    page.locator("#consultation-form button[type=submit]").click()
    page.wait_for_url("**/consultation/received/")
    assert "Your visit" in page.content()
    booking = ConsultationRequest.objects.get().booking
    assert booking.starts_at == chosen

    # The confirmation, with the invitation at the chosen time in the practice's time zone.
    text, event = text_and_invitation(mail_to_patient(smtp, "request"))
    start = event.decoded("DTSTART")
    assert start == chosen and event["DTSTART"].params["TZID"] == "America/New_York"
    assert start.tzinfo.key == "America/New_York" and start.hour == timezone.localtime(chosen).hour
    first_cancel_link = link(text, "cancel", live_server)

    # Another time, by the link.
    page.goto(link(text, "move", live_server))
    offered = [moment for moments in times_by_day(visit, closed_dates=closed).values() for moment in moments]
    later = [moment for moment in offered if moment != chosen][1]
    page.check(f'input[name="starts_at"][value="{later.isoformat()}"]')
    page.get_by_role("button", name="Move my visit to this time").click()
    page.wait_for_load_state()
    booking.refresh_from_db()
    assert (booking.starts_at, booking.sequence) == (later, 1)
    text, event = text_and_invitation(mail_to_patient(smtp, "new time"))
    assert event.decoded("DTSTART") == later and event["SEQUENCE"] == 1

    # The first e-mail's links died with the move; the second's cancels.
    page.goto(first_cancel_link)
    assert "This link no longer works" in page.content()
    page.goto(link(text, "cancel", live_server))
    page.get_by_role("button", name="Cancel this visit").click()
    page.wait_for_url("**/visit/cancelled/")
    booking.refresh_from_db()
    assert booking.status == "cancelled_patient"
    assert mail_to_patient(smtp, "cancelled") is not None

    # Both times are offered again.
    on_the_form = offered_on_the_form(page, live_server)
    assert {visit_choice.value(visit, chosen), visit_choice.value(visit, later)} <= on_the_form
    assert first_day == timezone.localdate(chosen)


DESKTOP = {"width": 1280, "height": 800}
PASSWORD = "a long test password"
# Every violation of the strict policy the browser reports (as tests/test_browser_csp.py listens).
LISTEN_FOR_CSP = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => window.__violations.push(event.violatedDirective));
"""


def press_by_keyboard(page, button, presses=100):
    """Tab to a button as a keyboard user does, then press Enter."""
    for _press in range(presses):
        page.keyboard.press("Tab")
        if button.evaluate("button => button === document.activeElement"):
            break
    else:
        raise AssertionError("the button is never reached by Tab")
    page.keyboard.press("Enter")


def test_the_desk_marks_arrivals_on_the_agenda_by_keyboard_at_1280(page, live_server, axe, open_form):
    visit = open_form
    doctor = visit.clinicians.get()
    # A visit that began a little while ago, today (the agenda opens on today).
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
    soon = max(midnight, timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=20))
    booking = Booking.objects.create(team_member=doctor, visit_type=visit, starts_at=soon, ends_at=soon + visit.length)
    make_request(booking=booking, name="Ada Arriving")
    user = User.objects.create_user("frontdesk", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=FRONT_DESK))
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.add_init_script(LISTEN_FOR_CSP)
    page.set_viewport_size(DESKTOP)
    sign_in_in_browser(page, live_server.url, "frontdesk", PASSWORD, device)

    page.get_by_role("link", name="Agenda: today's booked visits, by team member").click()
    page.wait_for_url("**/agenda/")
    row = page.locator(f"#visit-{booking.pk}")
    assert "Ada Arriving" in row.inner_text() and "Booked" in row.inner_text()
    assert axe(page) == []
    # Nothing wider than the screen with the side navigation open.
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

    press_by_keyboard(page, row.get_by_role("button", name="Arrived"), presses=200)
    page.wait_for_selector(".messagelist")
    assert "is now: Arrived." in page.locator(".messagelist").inner_text()
    assert "Arrived" in page.locator(f"#visit-{booking.pk} .agenda-status").inner_text()
    booking.refresh_from_db()
    assert booking.status == "arrived"
    assert axe(page) == []
    page.get_by_role("link", name="Show the week").click()
    page.wait_for_url("**view=week**")
    assert "Ada Arriving" in page.locator(f"#visit-{booking.pk}").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert axe(page) == []
    assert page.evaluate("window.__violations") == []


PHONE = {"width": 390, "height": 844}


def test_the_waitlist_pages_work_by_keyboard_on_a_phone(page, live_server, axe, open_form):
    """Joining from the confirmation's link, then taking the earlier time from the offer's link: on a
    phone, by keyboard, axe-clean and within the CSP."""
    visit = open_form
    leaving, waiting = patient(visit, at(4, 9), 0, waiting=False), patient(visit, at(10, 9), 1, waiting=False)
    page.add_init_script(LISTEN_FOR_CSP)
    page.set_viewport_size(PHONE)

    page.goto(live_server.url + waitlist_links.join_url(waiting.booking))
    assert axe(page) == []
    press_by_keyboard(page, page.get_by_role("button", name=re.compile("E-mail me if an earlier time opens")))
    page.wait_for_selector("text=You are on the waitlist.")
    assert axe(page) == []
    assert WaitlistEntry.objects.get(request=waiting).is_waiting

    holding.cancel(leaving.booking, by="patient")  # its time is offered to the patient waiting
    page.goto(live_server.url + waitlist_links.url(WaitlistOffer.objects.get(entry__request=waiting)))
    assert "Take an earlier time" in page.content()
    assert axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    press_by_keyboard(page, page.locator("main form button[type=submit]").first)
    page.wait_for_selector("text=Your visit is moved")
    assert axe(page) == []
    waiting.booking.refresh_from_db()
    assert waiting.booking.starts_at == at(4, 9)
    assert page.evaluate("window.__violations") == []
