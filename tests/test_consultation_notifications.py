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

from consultations.models import ConsultationRequest
from tests.consultation_fixtures import Mailbox, free_port, post_data, smtp, smtp_mailers  # noqa: F401

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
    for text in (*MARKERS.values(), "2025550199", "Synkinesis", "synkinesis", "3 days"):
        assert text not in staff.as_string()
    [patient] = messages_to(smtp, MARKERS["email"])
    patient_body = patient.get_payload(decode=True).decode()
    assert consultation.reference in patient_body
    for text in ("Quillonmarker", "zephyrinemarker", "Synkinesis", "synkinesis", "2025550199"):
        assert text not in patient.as_string()
    consultation.refresh_from_db()
    assert consultation.notified_at is not None
    assert consultation.patient_emailed_at is not None


def test_with_smtp_down_the_patient_is_answered_and_staff_are_told_later(
    client, transactional_db, settings, open_gates, admin_client
):
    port = free_port()
    settings.MAILERS = smtp_mailers(port)  # nothing listens there yet
    response = client.post(URL, post_data())
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    run_worker()
    consultation = ConsultationRequest.objects.get()
    assert consultation.notified_at is None
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
    consultation.refresh_from_db()
    assert consultation.notified_at is not None
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
        # The dead worker's row lock goes when PostgreSQL notices the connection closed.
        while not ConsultationRequest.objects.get().notice_enqueued_at > consultation.notice_enqueued_at:
            assert time.monotonic() < deadline, "the sweep never re-enqueued the notice"
            call_command("resend_consultation_notices", verbosity=0)
            time.sleep(0.2)
        run_worker()
        mailbox.wait_for(1)
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
        controller.stop()
    [staff] = messages_to(mailbox, "frontdesk@clinic.example")
    assert consultation.reference in staff["Subject"]
    assert ConsultationRequest.objects.get().notified_at is not None


def test_an_empty_staff_list_fails_the_system_checks(settings):
    from django.core.checks import run_checks

    settings.CLINIC_STAFF_EMAILS = []
    assert "consultations.E001" in [message.id for message in run_checks()]
    settings.CLINIC_STAFF_EMAILS = ["frontdesk@clinic.example"]
    assert "consultations.E001" not in [message.id for message in run_checks()]
