"""Staff are told of every request, through a real SMTP server on loopback, whatever fails on the way."""

import os
import signal
import subprocess
import sys
import time
from email import message_from_string

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from consultations.models import ConsultationRequest, Delivery
from tests.consultation_fixtures import Mailbox, free_port, post_data, smtp, smtp_mailers  # noqa: F401
from tests.servers import stop

URL = "/consultation/"
MARKERS = {
    "name": "Quillonmarker Zephyrine",
    "email": "quillonmarker@example.com",
    "phone": "+1 202 555 0199",
    "message": "zephyrinemarker message text",
}


@pytest.fixture
def open_gates(settings):
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    settings.CLINIC_CONSULTATION_RATE_LIMIT = 0
    settings.CLINIC_STAFF_EMAILS = ["frontdesk@clinic.example"]


def run_worker():
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)


def staff_delivery(consultation):
    return Delivery.objects.get(request=consultation, kind=Delivery.Kind.STAFF_NOTICE)


def messages_to(mailbox, address):
    return [m for m in map(message_from_string, mailbox.messages) if address in m["To"]]


def test_staff_notice_arrives_by_smtp_without_patient_detail(client, transactional_db, smtp, open_gates):  # noqa: F811
    call_command("load_content", verbosity=0)
    response = client.post(URL, post_data(concern="synkinesis", onset="3-days", **MARKERS))
    assert response.status_code == 302
    consultation = ConsultationRequest.objects.get()
    run_worker()
    smtp.wait_for(2)
    [staff] = messages_to(smtp, "frontdesk@clinic.example")
    body = staff.get_payload(decode=True).decode()
    assert consultation.reference in staff["Subject"]
    admin_path = f"/admin/consultations/consultationrequest/{consultation.pk}/change/"
    assert django_settings.CLINIC_SITE_URL + admin_path in body
    # Symptoms began in the last 3 days: the notice says it is time-sensitive, and not why.
    assert staff["Subject"].startswith("Time-sensitive: ")
    assert "It is time-sensitive" in body
    for text in (
        *MARKERS.values(),
        "2025550199",
        "Synkinesis",
        "synkinesis",
        "3 days",
        "symptom",
        "onset",
        "My eye",
        "smile",
    ):
        assert text not in staff.as_string()
    [patient] = messages_to(smtp, MARKERS["email"])
    patient_body = patient.get_payload(decode=True).decode()
    assert consultation.reference in patient_body
    for text in ("Quillonmarker", "zephyrinemarker", "Synkinesis", "synkinesis", "2025550199", "My eye", "smile"):
        assert text not in patient.as_string()
    assert all(sent for sent in consultation.deliveries.values_list("sent_at", flat=True))
    assert consultation.deliveries.count() == 2


def test_with_smtp_down_the_patient_is_answered_and_staff_are_told_later(
    client, transactional_db, settings, open_gates, admin_client
):
    port = free_port()
    settings.MAILERS = smtp_mailers(port)  # nothing listens there yet
    settings.CLINIC_MAIL_RETRY_DELAYS = [0] * 5  # the next attempt is due at once
    response = client.post(URL, post_data())
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    run_worker()
    consultation = ConsultationRequest.objects.get()
    assert staff_delivery(consultation).sent_at is None
    assert DBTaskResult.objects.filter(status="FAILED").count() == 2

    # Staff see the problem on the admin index once the notice is overdue.
    settings.CLINIC_NOTICE_OVERDUE_SECONDS = 0
    index = admin_client.get("/admin/").content.decode()
    assert 'id="consultation-overdue"' in index

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        call_command("resend_consultation_notices", verbosity=0)
        run_worker()
        mailbox.wait_for(2)
    finally:
        controller.stop()
    [staff] = messages_to(mailbox, "frontdesk@clinic.example")
    assert consultation.reference in staff["Subject"]
    assert staff_delivery(consultation).sent_at is not None
    assert 'id="consultation-overdue"' not in admin_client.get("/admin/").content.decode()


def test_sweep_leaves_requests_alone_until_they_are_overdue(client, transactional_db, smtp, open_gates, settings):  # noqa: F811
    client.post(URL, post_data())
    settings.CLINIC_NOTICE_OVERDUE_SECONDS = 3600
    call_command("resend_consultation_notices", verbosity=0)
    assert DBTaskResult.objects.count() == 2
    settings.CLINIC_NOTICE_OVERDUE_SECONDS = 0
    call_command("resend_consultation_notices", verbosity=0)
    assert DBTaskResult.objects.count() == 4
    run_worker()
    # The copies find the mail already sent and send nothing more.
    assert len(messages_to(smtp, "frontdesk@clinic.example")) == 1


def _worker_process(smtp_port):
    name = connection.settings_dict["NAME"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic_site.test_settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}",
        "CLINIC_EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}?timeout=60",
        "CLINIC_STAFF_EMAILS": "frontdesk@clinic.example",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_a_worker_killed_mid_task_does_not_leave_staff_untold(client, transactional_db, settings, open_gates):
    mailbox = Mailbox(delay=120)
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = smtp_mailers(port)
    worker = None
    try:
        client.post(URL, post_data(email="", preferred_contact="phone"))  # one task only: the staff notice
        consultation = ConsultationRequest.objects.get()
        enqueued = staff_delivery(consultation).enqueued_at
        worker = _worker_process(port)
        deadline = time.monotonic() + 30
        while not DBTaskResult.objects.filter(status="RUNNING").exists():
            assert time.monotonic() < deadline, "the worker never started the task"
            time.sleep(0.1)
        time.sleep(0.5)  # it is now waiting on the slow SMTP server
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        assert mailbox.messages == []
        assert DBTaskResult.objects.get().status == "RUNNING"  # and would stay so for good

        mailbox.delay = 0
        settings.CLINIC_NOTICE_OVERDUE_SECONDS = 0
        deadline = time.monotonic() + 30
        # The dead worker's claim is stale once the notice is overdue.
        while not staff_delivery(consultation).enqueued_at > enqueued:
            assert time.monotonic() < deadline, "the sweep never re-enqueued the notice"
            call_command("resend_consultation_notices", verbosity=0)
            time.sleep(0.2)
        run_worker()
        mailbox.wait_for(1)
    finally:
        if worker is not None:
            stop(worker)
        controller.stop()
    [staff] = messages_to(mailbox, "frontdesk@clinic.example")
    assert consultation.reference in staff["Subject"]
    assert staff_delivery(consultation).sent_at is not None


def test_an_empty_staff_list_fails_the_system_checks(settings):
    from django.core.checks import run_checks

    settings.CLINIC_STAFF_EMAILS = []
    assert "consultations.E001" in [message.id for message in run_checks()]
    settings.CLINIC_STAFF_EMAILS = ["frontdesk@clinic.example"]
    assert "consultations.E001" not in [message.id for message in run_checks()]


@pytest.fixture
def retry_at_once(settings):
    """Every retry due at once, and every task overdue at once, so the attempts run in one test."""
    settings.CLINIC_MAIL_RETRY_DELAYS = [0] * 5
    settings.CLINIC_NOTICE_OVERDUE_SECONDS = 0


def sweep_and_work(rounds):
    for _ in range(rounds):
        call_command("resend_consultation_notices", verbosity=0)
        run_worker()


def test_a_refused_address_ends_after_the_last_attempt_and_shows_to_staff(
    client, transactional_db, settings, open_gates, retry_at_once, admin_client
):
    mailbox = Mailbox(refuse={"nobody@example.com"})
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = smtp_mailers(port)
    try:
        client.post(URL, post_data(email="nobody@example.com"))
        refused = ConsultationRequest.objects.get()
        client.post(URL, post_data(name="Other Patient", email="other@example.com"))
        other = ConsultationRequest.objects.exclude(pk=refused.pk).get()
        run_worker()
        sweep_and_work(8)
        confirmation = refused.deliveries.get(kind=Delivery.Kind.CONFIRMATION)
        assert confirmation.failed_at is not None
        assert confirmation.attempts == 6
        assert confirmation.last_error == "SMTPRecipientsRefused"
        tasks = DBTaskResult.objects.filter(
            task_path="consultations.tasks.email_patient", args_kwargs__args=[refused.pk]
        )
        assert tasks.count() == 6
        # Nothing more is queued, however often the sweep runs.
        before = DBTaskResult.objects.count()
        sweep_and_work(2)
        assert DBTaskResult.objects.count() == before
    finally:
        controller.stop()
    # Everyone else's mail went out, once.
    assert len(messages_to(mailbox, "other@example.com")) == 1
    staff = messages_to(mailbox, "frontdesk@clinic.example")
    assert sorted(m["Subject"].split()[-1] for m in staff) == sorted([refused.reference, other.reference])
    assert other.deliveries.filter(sent_at__isnull=False).count() == 2

    # Staff see it in the list, on the request and on the admin index.
    listing = admin_client.get("/admin/consultations/consultationrequest/").content.decode()
    assert listing.count("confirmation failed") == 1
    assert (
        "confirmation failed"
        in admin_client.get(f"/admin/consultations/consultationrequest/{refused.pk}/change/").content.decode()
    )
    filtered = admin_client.get("/admin/consultations/consultationrequest/?mail=failed").content.decode()
    assert refused.reference in filtered and other.reference not in filtered
    index = admin_client.get("/admin/").content.decode()
    assert 'id="consultation-confirmation-failed"' in index
    assert 'id="consultation-staff-notice-failed"' not in index


def test_a_failed_staff_notice_shows_on_the_index(
    client, transactional_db, settings, open_gates, retry_at_once, admin_client
):
    mailbox = Mailbox(refuse={"frontdesk@clinic.example"})
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = smtp_mailers(port)
    try:
        client.post(URL, post_data(email="", preferred_contact="phone"))
        run_worker()
        sweep_and_work(6)
    finally:
        controller.stop()
    assert staff_delivery(ConsultationRequest.objects.get()).failed_at is not None
    assert 'id="consultation-staff-notice-failed"' in admin_client.get("/admin/").content.decode()
    assert "staff notice failed" in admin_client.get("/admin/consultations/consultationrequest/").content.decode()


@pytest.mark.parametrize("status", ["closed", "spam"])
def test_closed_and_spam_requests_are_never_mailed_again(
    client, transactional_db, settings, open_gates, retry_at_once, status
):
    port = free_port()
    settings.MAILERS = smtp_mailers(port)  # down for the first attempt
    client.post(URL, post_data())
    run_worker()
    ConsultationRequest.objects.update(status=status)
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        before = DBTaskResult.objects.count()
        sweep_and_work(3)
        assert DBTaskResult.objects.count() == before
        # Even a task still in the queue sends nothing.
        from consultations.tasks import email_patient, notify_staff

        consultation = ConsultationRequest.objects.get()
        notify_staff.enqueue(consultation.pk)
        email_patient.enqueue(consultation.pk)
        run_worker()
    finally:
        controller.stop()
    assert mailbox.messages == []


def test_a_slow_mail_server_does_not_hold_up_staff(client, transactional_db, settings, open_gates, admin_client):
    # Long enough to see the admin save return while the worker waits, short enough to end the test.
    mailbox = Mailbox(data_delay=10)
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    worker = None
    try:
        client.post(URL, post_data(email="", preferred_contact="phone"))
        consultation = ConsultationRequest.objects.get()
        worker = _worker_process(port)
        deadline = time.monotonic() + 30
        while not mailbox.in_data:
            assert time.monotonic() < deadline, "the worker never reached DATA"
            time.sleep(0.05)

        started = time.monotonic()
        response = admin_client.post(
            f"/admin/consultations/consultationrequest/{consultation.pk}/change/",
            {
                "status": "contacted",
                "assigned_to": "",
                "notes-TOTAL_FORMS": "1",
                "notes-INITIAL_FORMS": "0",
                "notes-MIN_NUM_FORMS": "0",
                "notes-MAX_NUM_FORMS": "1000",
                "notes-0-text": "",
            },
        )
        elapsed = time.monotonic() - started
        assert response.status_code == 302, response.content.decode()[:2000]
        assert elapsed < 5, f"the admin save waited {elapsed:.1f}s for the mail server"
        assert ConsultationRequest.objects.get().status == "contacted"
        assert mailbox.in_data  # the mail was still being sent all along
    finally:
        if worker is not None:
            stop(worker)
        controller.stop()


def test_a_honeypot_false_positive_is_held_and_not_spam_sends_its_notices(
    client,
    transactional_db,
    smtp,  # noqa: F811
    settings,
    admin_client,
):
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    settings.CLINIC_STAFF_EMAILS = ["frontdesk@clinic.example"]
    assert client.post(URL, post_data(website="autofilled by a password manager")).status_code == 302
    consultation = ConsultationRequest.objects.get()
    assert consultation.status == "spam"
    run_worker()
    assert smtp.messages == []
    index = admin_client.get("/admin/").content.decode()
    assert 'id="consultation-spam"' in index and "1 request held as possible spam" in index

    admin_client.post(
        "/admin/consultations/consultationrequest/",
        {"action": "mark_not_spam", "_selected_action": [consultation.pk]},
    )
    assert ConsultationRequest.objects.get().status == "new"
    run_worker()
    smtp.wait_for(2)
    assert len(messages_to(smtp, "frontdesk@clinic.example")) == 1
    assert len(messages_to(smtp, "ada@example.com")) == 1
    assert 'id="consultation-spam"' not in admin_client.get("/admin/").content.decode()


def test_the_daily_clean_up_prunes_old_task_results(client, transactional_db, smtp, open_gates, settings):  # noqa: F811
    from datetime import timedelta

    from django.utils import timezone

    client.post(URL, post_data())
    run_worker()
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2
    call_command("resend_consultation_notices", verbosity=0)
    call_command("delete_expired_consultations", verbosity=0)
    assert DBTaskResult.objects.count() == 2  # younger than CLINIC_TASK_RESULT_DAYS
    old = timezone.now() - timedelta(days=settings.CLINIC_TASK_RESULT_DAYS + 1)
    DBTaskResult.objects.update(finished_at=old, enqueued_at=old)
    call_command("delete_expired_consultations", verbosity=0)
    assert not DBTaskResult.objects.exists()
    # The request and its delivery record stay: retention deletes only finished requests.
    assert ConsultationRequest.objects.get().deliveries.filter(sent_at__isnull=False).count() == 2


def test_copies_of_a_task_running_at_once_send_the_mail_once(transactional_db, smtp, settings):  # noqa: F811
    """Copies that reach the delivery together (here lined up behind a lock the test holds) send once."""
    import threading

    from django.db import connections, transaction

    from consultations.tasks import deliver, owe_notices
    from tests.consultation_fixtures import make_request

    settings.CLINIC_STAFF_EMAILS = ["frontdesk@clinic.example"]
    consultation = make_request(email="", preferred_contact="phone")
    with transaction.atomic():
        owe_notices(consultation)
    errors = []

    def copy_of_the_task():
        try:
            deliver(consultation.pk, Delivery.Kind.STAFF_NOTICE)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    with transaction.atomic():
        Delivery.objects.select_for_update().get(request=consultation)
        copies = [threading.Thread(target=copy_of_the_task) for _ in range(8)]
        for copy in copies:
            copy.start()
        # Every copy has read the row, or is waiting on its lock, before the lock goes.
        time.sleep(3)
    for copy in copies:
        copy.join(30)
    assert errors == []
    smtp.wait_for(1)
    time.sleep(0.5)  # a second message, if any, would have arrived by now
    assert len(messages_to(smtp, "frontdesk@clinic.example")) == 1
    assert staff_delivery(consultation).attempts == 1
