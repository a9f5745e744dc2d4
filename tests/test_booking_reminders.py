"""Reminders through real processes: two task workers and the sweep on one database, a real SMTP server
on loopback. Each reminder arrives once, and those that fell due while the worker was down arrive
once it is back."""

import time
from datetime import timedelta
from email import message_from_string

from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from booking.models import Booking, VisitType
from consultations import tasks, visit_mail
from consultations.models import Delivery
from practice.models import TeamMember
from tests.consultation_fixtures import make_request, smtp  # noqa: F401 (smtp is a fixture)
from tests.servers import database_env, start_manage, stop

VISITS = 4
# Reminders fall due this long after the test books their visits (the practice's 2-hour reminder).
DUE_IN = timedelta(seconds=0.5)


def book_visits(label, count):
    """`count` requests, each with a visit whose 2-hour reminder is due DUE_IN from now."""
    visit = VisitType.objects.get_or_create(name="New consultation, in person", minutes=30)[0]
    # One moment for all: on a loaded machine the loop may take longer than DUE_IN.
    booked_at = timezone.now()
    starts_at = booked_at + timedelta(hours=2) + DUE_IN
    reminders = []
    for number in range(count):
        member = TeamMember.objects.create(name=f"Dr. {label} {number}", role="Surgeon")
        booking = Booking.objects.create(
            team_member=member, visit_type=visit, starts_at=starts_at, ends_at=starts_at + visit.length
        )
        consultation = make_request(booking=booking, email=f"{label}{number}@example.com")
        visit_mail.owe_reminders(consultation, booking, now=booked_at)
        # 48 hours before is already past: only the 2-hour reminder is owed.
        (reminder,) = consultation.deliveries.filter(kind=Delivery.Kind.REMINDER)
        reminders.append(reminder)
    return reminders


def reminders_received(smtp):  # noqa: F811
    messages = map(message_from_string, smtp.messages)
    return sorted(m["To"] for m in messages if m["Subject"].startswith("Reminder: your visit"))


def others_connected():
    """Processes other than this one connected to the test's database (the workers and the sweep, once up)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def wait_until(test, timeout=30):
    deadline = time.monotonic() + timeout
    while not test():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_each_reminder_arrives_once_from_two_workers_and_after_the_worker_was_down(transactional_db, smtp):  # noqa: F811
    # The settings as deployed (a claim is taken for a dead worker's only after 5 minutes).
    env = database_env(CLINIC_EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}?timeout=10")
    workers = ["db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"]
    sweep = ["resend_consultation_notices", "--every", "0.3"]
    first = book_visits("first", VISITS)
    smtp.delay = 0.2  # a mail server that takes its time: sends overlap
    running = [start_manage(*workers, env=env), start_manage(*workers, env=env)]
    try:
        wait_until(lambda: others_connected() >= len(running))
        # What rounds of the sweep leave behind while a worker stalls: each due reminder queued three
        # times, its copies side by side in the queue, so that both workers take copies of one at once.
        for reminder in first:
            for _copy in range(3):
                tasks.enqueue(reminder, timezone.now())
        wait_until(lambda: len(reminders_received(smtp)) >= VISITS)
        wait_until(lambda: not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists())
    finally:
        for process in running:
            stop(process)
    assert reminders_received(smtp) == sorted(f"first{n}@example.com" for n in range(VISITS))
    # Both workers took copies.
    assert DBTaskResult.objects.values("worker_ids").distinct().count() == 2
    assert all(r.attempts == 1 and r.sent_at for r in Delivery.objects.filter(pk__in=[r.pk for r in first]))

    # The workers and the sweep are down while the next reminders fall due.
    missed = book_visits("missed", VISITS)
    time.sleep(DUE_IN.total_seconds() + 0.2)
    assert Delivery.objects.filter(pk__in=[r.pk for r in missed], sent_at__isnull=True).count() == VISITS
    smtp.delay = 0
    running = [start_manage(*workers, env=env), start_manage(*sweep, env=env)]
    try:
        wait_until(lambda: len(reminders_received(smtp)) >= 2 * VISITS)
        time.sleep(0.5)
    finally:
        for process in running:
            stop(process)
    assert reminders_received(smtp) == sorted(
        f"{label}{n}@example.com" for label in ("first", "missed") for n in range(VISITS)
    )
    late = Delivery.objects.filter(pk__in=[r.pk for r in missed])
    assert all(r.attempts == 1 and r.sent_at > r.next_attempt_at for r in late)
