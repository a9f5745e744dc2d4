"""Mail about a booked visit: reminders that go once, when due, and word of a move or cancellation."""

import email
import threading
from datetime import timedelta

import icalendar
import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from booking import holding
from consultations import mail_retries, tasks, visit_choice
from consultations.models import ConsultationRequest, Delivery
from tests.consultation_fixtures import post_data, smtp  # noqa: F401 (smtp is a fixture)
from tests.test_booking_form import URL, clinic

pytestmark = pytest.mark.usefixtures("live_content")


@pytest.fixture
def booked(client, settings):
    """A request with a visit at least three days ahead, sent with an e-mail address."""
    settings.CLINIC_CONSULTATION_SPAM_CHECKS = False
    settings.CLINIC_CONSULTATION_RATE_LIMIT = 0
    visit = clinic()
    (visit_type, days), *_rest = visit_choice.offers(frozenset())
    moment = list(days.values())[3][0]
    assert (
        client.post(URL, post_data(visit=visit_choice.value(visit_type, moment), email="ada@example.com")).status_code
        == 302
    )
    consultation = ConsultationRequest.objects.get()
    assert consultation.booking.visit_type == visit
    return consultation


def invitation(message):
    """The .ics attached to a mail as the SMTP server received it, parsed."""
    part = next(p for p in email.message_from_string(message).walk() if p.get_content_type() == "text/calendar")
    return icalendar.Calendar.from_ical(part.get_payload(decode=True))


def reminders(consultation):
    return {
        (d.reminder_hours, d.booking_sequence): d for d in consultation.deliveries.filter(kind=Delivery.Kind.REMINDER)
    }


def test_reminders_are_owed_for_their_hours_before_the_visit(booked):
    starts = booked.booking.starts_at
    owed = reminders(booked)
    assert set(owed) == {(48, 0), (2, 0)}  # the practice's default, "48,2"
    assert owed[48, 0].next_attempt_at == starts - timedelta(hours=48)
    assert owed[2, 0].next_attempt_at == starts - timedelta(hours=2)
    # Not queued yet: the sweep queues each once due.
    assert mail_retries.due_deliveries(timezone.now()).filter(kind=Delivery.Kind.REMINDER).count() == 0


def test_a_reminder_goes_once_when_due_even_with_eight_workers_after_the_worker_was_down(booked, smtp):  # noqa: F811
    reminder = reminders(booked)[48, 0]
    # The worker was down when the reminder fell due; an hour later the sweep finds it.
    with time_machine.travel(reminder.next_attempt_at + timedelta(hours=1), tick=False):
        assert mail_retries.resend_overdue() >= 1
        ready = threading.Barrier(8)

        def worker():
            ready.wait()
            tasks.send_visit_mail.call(reminder.pk)
            connection.close()

        both = [threading.Thread(target=worker) for _ in range(8)]
        for thread in both:
            thread.start()
        for thread in both:
            thread.join()
    sent = [message for message in smtp.wait_for(1) if "Reminder: your visit" in message]
    assert len(sent) == 1
    assert "a.m. Eastern" in sent[0] and "/visit/move/" in sent[0]
    reminder.refresh_from_db()
    assert reminder.sent_at is not None and reminder.attempts == 1


def test_a_reminder_for_a_visit_that_has_begun_is_not_sent(booked, smtp):  # noqa: F811
    reminder = reminders(booked)[2, 0]
    with time_machine.travel(booked.booking.starts_at + timedelta(minutes=5), tick=False):
        tasks.send_visit_mail.call(reminder.pk)
    assert not Delivery.objects.filter(pk=reminder.pk).exists()
    assert not any("Reminder" in message for message in smtp.messages)


def test_a_moved_visit_voids_its_reminders_and_tells_the_patient(booked, smtp):  # noqa: F811
    booking = booked.booking
    old = reminders(booked)
    later = booking.starts_at + timedelta(days=1)
    holding.move(booking, later, by="patient")  # committed: the signal runs after it
    owed = reminders(booked)
    assert set(owed) == {(48, 1), (2, 1)}
    assert not Delivery.objects.filter(pk__in=[d.pk for d in old.values()]).exists()
    moved = booked.deliveries.get(kind=Delivery.Kind.VISIT_MOVED)
    tasks.send_visit_mail.call(moved.pk)
    (message,) = [m for m in smtp.wait_for(1) if "new time" in m]
    assert "/visit/cancel/" in message
    # The invitation replaces the first: the same event, a higher SEQUENCE.
    event = invitation(message).walk("VEVENT")[0]
    assert (event["SEQUENCE"], event["UID"]) == (1, f"booking-{booking.pk}@127.0.0.1")


def test_a_cancelled_visit_voids_its_reminders_and_sends_the_cancellation(booked, smtp):  # noqa: F811
    holding.cancel(booked.booking, by="patient")
    assert reminders(booked) == {}
    cancelled = booked.deliveries.get(kind=Delivery.Kind.VISIT_CANCELLED)
    tasks.send_visit_mail.call(cancelled.pk)
    (message,) = [m for m in smtp.wait_for(1) if "is cancelled" in m]
    assert invitation(message)["METHOD"] == "CANCEL"


def test_staff_moving_a_visit_in_the_admin_tells_the_patient(booked, admin_client):
    booking = booked.booking
    later = timezone.localtime(booking.starts_at + timedelta(days=2))
    response = admin_client.post(
        f"/admin/booking/booking/{booking.pk}/change/",
        {
            "team_member": booking.team_member_id,
            "visit_type": booking.visit_type_id,
            "starts_at_0": later.strftime("%Y-%m-%d"),
            "starts_at_1": later.strftime("%H:%M:%S"),
            "status": "booked",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    booking.refresh_from_db()
    assert (booking.starts_at, booking.sequence) == (later, 1)
    assert booked.deliveries.filter(kind=Delivery.Kind.VISIT_MOVED, booking_sequence=1).exists()
    assert set(reminders(booked)) == {(48, 1), (2, 1)}


def test_the_invitation_attached_parses(booked):
    from consultations import emails

    message = emails.patient_confirmation(booked)
    (_name, ics, _mimetype) = message.attachments[0]
    assert icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]["SEQUENCE"] == 0
