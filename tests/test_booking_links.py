"""A booked visit from the patient's side: the invitation, and moving or cancelling by link."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.db import transaction

from booking import calendar, holding, links
from booking.models import BookingStatus, VisitType, WeeklyHours
from booking.signals import booking_changed
from practice.models import Practice, TeamMember

NEW_YORK = ZoneInfo("America/New_York")
MONDAY = datetime(2027, 3, 8, 8, 0, tzinfo=NEW_YORK)


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), NEW_YORK)


@pytest.fixture
def visit(db, settings):
    settings.TIME_ZONE = "America/New_York"
    doctor = TeamMember.objects.create(name="Dr. Alex Example", credentials="MD", role="Surgeon")
    for weekday in (2, 4):
        WeeklyHours.objects.create(team_member=doctor, weekday=weekday, starts=time(9), ends=time(10))
    visit = VisitType.objects.create(
        name="New consultation, in person", minutes=30, instructions="Come to the front desk on floor 2."
    )
    visit.clinicians.add(doctor)
    return visit


@pytest.fixture
def booked(visit):
    with time_machine.travel(MONDAY, tick=False), transaction.atomic():
        return holding.book(visit, at(date(2027, 3, 9), 9))


def parsed(ics):
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    return event, event.decoded("DTSTART")


def test_the_invitation_keeps_the_local_hour_on_both_sides_of_the_march_change(visit):
    practice = Practice.objects.current()
    with time_machine.travel(MONDAY, tick=False), transaction.atomic():
        before = holding.book(visit, at(date(2027, 3, 9), 9))  # clocks go forward on March 14
        after = holding.book(visit, at(date(2027, 3, 16), 9))
    starts = []
    for booking in (before, after):
        ics = calendar.invitation(booking, practice=practice, site_host="clinic.example")
        event, start = parsed(ics)
        assert b"BEGIN:VTIMEZONE" in ics and b"TZID:America/New_York" in ics
        assert (start.tzinfo.key, start.hour, start.minute) == ("America/New_York", 9, 0)
        assert event.decoded("DTEND") - start == timedelta(minutes=30)
        assert event["UID"] == f"booking-{booking.pk}@clinic.example"
        assert "front desk on floor 2" in event["DESCRIPTION"] and practice.phone in event["DESCRIPTION"]
        starts.append(start.astimezone(ZoneInfo("UTC")).hour)
    assert starts == [14, 13]


def test_a_cancelled_booking_sends_the_cancellation_of_the_same_event(booked):
    practice = Practice.objects.current()
    holding.cancel(booked, by="practice")
    cancelled = icalendar.Calendar.from_ical(calendar.invitation(booked, practice=practice, site_host="clinic.example"))
    assert cancelled["METHOD"] == "CANCEL"
    event = cancelled.walk("VEVENT")[0]
    assert (event["STATUS"], event["SEQUENCE"], event["UID"]) == ("CANCELLED", 1, f"booking-{booked.pk}@clinic.example")


@time_machine.travel(MONDAY, tick=False)
def test_a_cancel_link_shows_the_visit_and_cancels_only_on_the_button(client, booked):
    url = links.url(booked, "cancel")
    # A link is for one purpose: a move link does not open the cancel page.
    assert client.get(f"/visit/cancel/{links.token(booked, 'move')}/").status_code == 404
    page = client.get(url)
    assert page.status_code == 200 and "Tuesday, March 9, 9:00 a.m. Eastern" in page.content.decode()
    booked.refresh_from_db()
    assert booked.status == BookingStatus.BOOKED  # a mail scanner opening the link changes nothing
    response = client.post(url)
    assert response.status_code == 302 and response.url == "/visit/cancelled/"
    booked.refresh_from_db()
    assert booked.status == BookingStatus.CANCELLED_BY_PATIENT
    # Used once: the same link is refused now, as is a forged or another purpose's link.
    assert client.post(url).status_code == 404
    assert client.get(f"/visit/cancel/{links.token(booked, 'cancel')}x/").status_code == 404


def test_after_the_cut_off_the_links_ask_the_patient_to_call(client, booked):
    practice = Practice.objects.current()
    url = links.url(booked, "cancel")
    # Tuesday 9:00 is 23 hours away on Monday at 10:00: inside the practice's 24 hours.
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False):
        page = client.get(url).content.decode()
        assert "Cancel this visit" not in page and practice.phone in page
        client.post(url)
        move = client.post(links.url(booked, "move"), {"starts_at": at(date(2027, 3, 11), 9).isoformat()})
        assert "Move my visit" not in move.content.decode()
    booked.refresh_from_db()
    assert (booked.status, booked.starts_at) == (BookingStatus.BOOKED, at(date(2027, 3, 9), 9))


@time_machine.travel(MONDAY, tick=False)
def test_a_move_link_offers_free_times_and_moves_the_visit_once(client, booked, django_capture_on_commit_callbacks):
    heard = []
    booking_changed.connect(lambda sender, **kwargs: heard.append((kwargs["change"], kwargs["by"])), weak=False)
    url = links.url(booked, "move")
    page = client.get(url).content.decode()
    assert "<legend>Thursday, March 11</legend>" in page and 'value="2027-03-11T14:00:00+00:00"' in page
    # A time that was never offered is refused with a clear message, and nothing moves.
    refused = client.post(url, {"starts_at": at(date(2027, 3, 11), 9, 10).isoformat()})
    assert refused.status_code == 409 and "Choose one of the times below." in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        moved = client.post(url, {"starts_at": at(date(2027, 3, 11), 9).isoformat()})
    assert moved.status_code == 200 and "Thursday, March 11, 9:00 a.m. Eastern" in moved.content.decode()
    booked.refresh_from_db()
    assert (booked.starts_at, booked.sequence) == (at(date(2027, 3, 11), 9), 1)
    assert heard == [("moved", "patient")]
    # The old time is free again; the old link is dead.
    assert 'value="2027-03-09T14:00:00+00:00"' in client.get(links.url(booked, "move")).content.decode()
    assert client.get(url).status_code == 404
