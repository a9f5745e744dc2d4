"""The patient picks a time at the end of the form; no time is ever given to two patients."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import time

import icalendar
import pytest

from booking.models import Booking, VisitType, WeeklyHours
from consultations import emails, visit_choice
from consultations.forms import TIME_TAKEN
from consultations.models import ConsultationRequest
from practice.models import TeamMember
from tests.consultation_fixtures import FormClient, answers, database_env, free_port, post_data, start_gunicorn
from tests.servers import stop

URL = "/consultation/"


def clinic():
    doctor = TeamMember.objects.create(name="Dr. Alex Example", credentials="MD", role="Surgeon")
    for weekday in range(1, 8):  # every day, so that a time is always free whatever today is
        WeeklyHours.objects.create(team_member=doctor, weekday=weekday, starts=time(9), ends=time(12))
    visit = VisitType.objects.create(
        name="New consultation, in person", minutes=30, instructions="Come to the front desk on floor 2."
    )
    visit.clinicians.add(doctor)
    return visit


def first_time(visit):
    (visit_type, days), *_rest = visit_choice.offers(frozenset())
    moment = next(iter(days.values()))[0]
    return visit_choice.value(visit_type, moment), moment


@pytest.fixture
def open_form(content, settings):
    settings.CLINIC_CONSULTATION_SPAM_CHECKS = False
    settings.CLINIC_CONSULTATION_RATE_LIMIT = 0
    return clinic()


def test_the_form_offers_times_by_day_and_a_call_by_default(client, open_form):
    html = client.get(URL).content.decode()
    value, _moment = first_time(open_form)
    assert "<legend>When would you like to come?</legend>" in html
    assert 'name="visit" id="id_visit" value="call" checked' in html
    assert f'value="{value}"' in html and "a.m. Eastern" in html
    assert html.count('<fieldset class="consultation__visit-day">') == 6  # the first six days with a time


def test_no_visit_types_no_times_and_the_form_works_as_before(client, content, settings):
    settings.CLINIC_CONSULTATION_SPAM_CHECKS = False
    assert 'name="visit"' not in client.get(URL).content.decode()
    assert client.post(URL, post_data()).status_code == 302
    assert ConsultationRequest.objects.get().booking is None


def test_a_chosen_time_is_booked_with_the_request_and_confirmed_with_its_invitation(client, open_form):
    value, moment = first_time(open_form)
    assert (
        client.post(
            URL, post_data(visit=value, email="ada@example.com", message="My left eye waters when I eat.")
        ).status_code
        == 302
    )
    consultation = ConsultationRequest.objects.get()
    booking = consultation.booking
    assert (booking.starts_at, booking.visit_type) == (moment, open_form)
    page = client.get("/consultation/received/").content.decode()
    assert "Your visit" in page and "a.m. Eastern" in page and "/visit/cancel/" in page and "visit.ics" in page

    message = emails.patient_confirmation(consultation)
    assert "front desk on floor 2" in message.body and "/visit/move/" in message.body
    ((name, ics, mimetype),) = message.attachments
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert (name, mimetype, event.decoded("DTSTART")) == ("visit.ics", "text/calendar", moment)
    # Nothing the patient wrote about their health, in the mail or the invitation.
    for text in (message.body, ics if isinstance(ics, str) else ics.decode()):
        assert "eye waters" not in text and consultation.name not in text


def test_a_time_taken_before_sending_comes_back_with_the_next_times_and_the_answers(client, open_form):
    value, moment = first_time(open_form)
    doctor = open_form.clinicians.get()
    Booking.objects.create(
        team_member=doctor, visit_type=open_form, starts_at=moment, ends_at=moment + open_form.length
    )
    response = client.post(URL, post_data(visit=value, name="Ada Example"))
    html = response.content.decode()
    assert response.status_code == 200 and str(TIME_TAKEN) in html.replace("&#x27;", "'")
    assert 'value="Ada Example"' in html and f'value="{value}"' not in html
    assert not ConsultationRequest.objects.exists()


def test_the_same_form_sent_again_finds_its_own_time_not_a_taken_one(client, open_form):
    """A patient whose connection dropped after the request was stored presses Send again: they get
    their confirmation, not "that time was just taken" (by their own request)."""
    value, moment = first_time(open_form)
    data = post_data(visit=value, email="ada@example.com")
    assert client.post(URL, data).status_code == 302
    again = client.post(URL, data)
    assert again.status_code == 302 and again["Location"] == "/consultation/received/"
    consultation = ConsultationRequest.objects.get()
    assert consultation.booking.starts_at == moment
    # Another form for the same time is still told it is taken.
    other = client.post(URL, post_data(visit=value, name="Bea Other", email="bea@example.com"))
    assert other.status_code == 200 and str(TIME_TAKEN) in other.content.decode().replace("&#x27;", "'")


def test_a_face_that_changed_in_the_last_3_days_gets_a_call_not_a_visit_weeks_away(client, open_form):
    value, _moment = first_time(open_form)
    assert client.post(URL, post_data(visit=value, onset="3-days")).status_code == 302
    assert ConsultationRequest.objects.get().booking is None
    assert not Booking.objects.exists()


def test_a_garbled_choice_gets_a_clear_error(client, open_form):
    html = client.post(URL, post_data(visit="tomorrow please")).content.decode()
    assert "Choose one of the times shown, or a call to arrange a time." in html
    assert not ConsultationRequest.objects.exists()


PATIENTS = 20


def test_twenty_patients_sending_the_same_time_at_once_give_one_booking(live_content):
    visit = clinic()
    value, moment = first_time(visit)
    port = free_port()
    server = start_gunicorn(port, database_env(CLINIC_CONSULTATION_MIN_FILL_SECONDS="0"), workers=3, threads=8)
    try:
        base = f"http://127.0.0.1:{port}"
        clients = [FormClient(base, forwarded_for=f"198.51.100.{n + 1}") for n in range(PATIENTS)]
        ready = threading.Barrier(PATIENTS)

        def send(number):
            form = clients[number].get_form()
            ready.wait(timeout=60)
            data = answers(name=f"Patient {number}", email=f"p{number}@example.com", visit=value)
            return clients[number].submit(data, tokens=form)

        with ThreadPoolExecutor(PATIENTS) as pool:
            results = list(pool.map(send, range(PATIENTS)))
    finally:
        stop(server)
    statuses = sorted(status for status, _location, _body in results)
    assert statuses.count(302) == 1, statuses
    # Every other patient is told, with their answers on the page to send again.
    for status, _location, body in results:
        if status != 302:
            assert "That time was just taken by someone else" in body.replace("&#x27;", "'")
            assert 'name="name"' in body and "Patient " in body
    assert Booking.objects.count() == 1 and Booking.objects.get().starts_at == moment
    assert ConsultationRequest.objects.count() == 1


@pytest.mark.browser
def test_the_times_pass_axe_and_work_by_keyboard(live_content, page, live_server, axe):
    clinic()
    page.goto(live_server.url + URL)
    assert axe(page) == []
    summary = page.locator("summary", has_text="New consultation, in person")
    summary.focus()
    page.keyboard.press("Enter")  # a <details> opens by keyboard, without our script
    first_time = page.locator('fieldset.consultation__visit-day input[name="visit"]').first
    first_time.focus()
    page.keyboard.press("Space")
    assert first_time.is_checked() and not page.locator("#id_visit").is_checked()
    assert axe(page) == []


def test_the_front_desk_sees_the_visit_on_the_request(client, open_form, admin_client):
    value, _moment = first_time(open_form)
    client.post(URL, post_data(visit=value))
    consultation = ConsultationRequest.objects.get()
    html = admin_client.get(f"/admin/consultations/consultationrequest/{consultation.pk}/change/").content.decode()
    assert (
        'id="front-desk-visit"' in html
        and "a.m. Eastern, New consultation, in person, Dr. Alex Example (booked)" in html
    )
