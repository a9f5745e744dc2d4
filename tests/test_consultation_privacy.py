"""Data protection: no patient detail in logs, URLs or staff mail; finished requests are deleted in time."""

import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone
from django.views.debug import SafeExceptionReporterFilter

from consultations.models import ConsultationRequest, Note
from consultations.views import request_consultation
from tests.consultation_fixtures import make_request, post_data, smtp  # noqa: F401

URL = "/consultation/"
MARKERS = {
    "name": "Vexillmarker Oumbrette",
    "email": "vexillmarker@example.com",
    "phone": "+1 202 555 0166",
    "message": "oumbrettemarker message",
}
MARKER_FRAGMENTS = ("Vexillmarker", "vexillmarker", "Oumbrette", "oumbrettemarker", "2025550166", "555 0166")


def test_no_patient_detail_in_logs_urls_or_staff_mail(client, transactional_db, settings, caplog, smtp):  # noqa: F811
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    settings.CLINIC_CONSULTATION_RATE_LIMIT = 1
    settings.CLINIC_STAFF_EMAILS = ["frontdesk@clinic.example"]
    caplog.set_level(logging.DEBUG)
    locations = []
    # A mistake, a valid request, a repeat and one over the limit: every path that logs.
    for data in (post_data(**{**MARKERS, "email": "vexillmarker@"}), post_data(**MARKERS), post_data(**MARKERS)):
        locations.append(client.post(URL, data).get("Location", ""))
    over_limit = client.post(URL, post_data(**{**MARKERS, "message": "oumbrettemarker another"}))
    assert over_limit.status_code == 429
    locations.append(client.get("/consultation/received/").get("Location", ""))
    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=2)
    smtp.wait_for(2)
    assert ConsultationRequest.objects.count() == 1
    # Everything our code, Django and the worker logged; not the stand-in mail server's own log.
    logged = "\n".join(
        f"{record.getMessage()} {record.args!r}" for record in caplog.records if not record.name.startswith("mail.log")
    )
    assert "Consultation request refused" in logged  # the logs were captured
    for fragment in MARKER_FRAGMENTS:
        assert fragment not in logged
        assert all(fragment not in location for location in locations)
    staff_mail = [m for m in smtp.messages if "frontdesk@clinic.example" in m]
    assert len(staff_mail) == 1
    for fragment in MARKER_FRAGMENTS:
        assert fragment not in staff_mail[0]
    # Symptoms began months ago (the answers' default): nothing in the notice marks it time-sensitive.
    assert "time-sensitive" not in staff_mail[0].casefold()


def test_form_posts_are_hidden_from_error_reports(content, settings):
    # Past the CSRF check (the CSRF failure view hides the post too, for its own reasons), so what
    # is hidden here is hidden by the form view's own decorator.
    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    request = RequestFactory().post(URL, post_data(**MARKERS))
    request._dont_enforce_csrf_checks = True
    assert request_consultation(request).status_code == 302
    hidden = SafeExceptionReporterFilter().get_post_parameters(request)
    assert all(set(hidden[key]) == {"*"} for key in MARKERS)


@pytest.fixture
def aged(db):
    long_ago = timezone.now() - timedelta(days=731)
    recent = timezone.now() - timedelta(days=700)
    made = {}
    for status in ("new", "contacted", "scheduled", "completed", "closed", "spam"):
        made[f"old-{status}"] = make_request(status=status, created_at=long_ago)
        made[f"recent-{status}"] = make_request(status=status, created_at=recent)
    Note.objects.create(request=made["old-closed"], text="note goes with it")
    return made


def test_retention_deletes_only_finished_requests_past_the_period(aged):
    call_command("delete_expired_consultations", verbosity=0)
    kept = set(ConsultationRequest.objects.values_list("reference", flat=True))
    expected = {
        r.reference
        for key, r in aged.items()
        if not key.startswith("old-") or key.split("-")[1] in ("new", "contacted", "scheduled")
    }
    assert kept == expected
    assert not Note.objects.exists()


def test_retention_period_is_a_setting_and_dry_run_deletes_nothing(aged, settings, capsys):
    settings.CLINIC_RETENTION_DAYS = 600
    call_command("delete_expired_consultations", dry_run=True)
    assert "6 consultation request(s) would be deleted" in capsys.readouterr().out
    assert ConsultationRequest.objects.count() == 12
    call_command("delete_expired_consultations")
    assert ConsultationRequest.objects.count() == 6


def test_retention_also_forgets_old_rate_limit_counts(client, db, settings):
    from client_limits.models import RateLimitBucket, RateLimitHit

    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    client.post(URL, post_data(), HTTP_X_FORWARDED_FOR="203.0.113.40")
    assert RateLimitHit.objects.count() == 2  # one attempt, one request stored
    settings.CLINIC_CONSULTATION_RATE_WINDOW = 3600
    call_command("delete_expired_consultations", verbosity=0)
    assert RateLimitHit.objects.count() == 2
    RateLimitHit.objects.update(at=timezone.now() - timedelta(hours=2))
    call_command("delete_expired_consultations", verbosity=0)
    assert not RateLimitHit.objects.exists()
    assert not RateLimitBucket.objects.exists()


def test_a_refused_patient_address_is_not_written_to_logs_or_task_results(client, transactional_db, settings, caplog):
    from aiosmtpd.controller import Controller
    from django_tasks_db.models import DBTaskResult

    from tests.consultation_fixtures import Mailbox, free_port, smtp_mailers

    settings.CLINIC_CONSULTATION_MIN_FILL_SECONDS = 0
    mailbox = Mailbox(refuse={MARKERS["email"]})
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = smtp_mailers(port)
    caplog.set_level(logging.DEBUG)
    try:
        client.post(URL, post_data(**MARKERS))
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=2)
    finally:
        controller.stop()
    consultation = ConsultationRequest.objects.get()
    failed = DBTaskResult.objects.get(status="FAILED")
    stored = f"{failed.exception_class_path} {failed.traceback}"
    assert consultation.reference in stored and "SMTPRecipientsRefused" in stored
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail.log"))
    for fragment in MARKER_FRAGMENTS:
        assert fragment not in stored
        assert fragment not in logged
    assert consultation.deliveries.get(kind="staff").sent_at is not None  # the staff notice still went out


def test_a_request_left_open_goes_once_unchanged_for_the_open_period(db, settings):
    settings.CLINIC_OPEN_RETENTION_DAYS = 1095
    stale = make_request(status="contacted")
    touched = make_request(status="new")
    ConsultationRequest.objects.filter(pk=stale.pk).update(staff_changed_at=timezone.now() - timedelta(days=1096))
    ConsultationRequest.objects.filter(pk=touched.pk).update(staff_changed_at=timezone.now() - timedelta(days=1094))
    call_command("delete_expired_consultations", verbosity=0)
    assert list(ConsultationRequest.objects.values_list("pk", flat=True)) == [touched.pk]


def test_the_privacy_notice_states_each_period(client, content, settings):
    # Numbers no default has: the page must show the settings, not numbers written into it.
    settings.CLINIC_RETENTION_DAYS, settings.CLINIC_OPEN_RETENTION_DAYS, settings.CLINIC_TASK_RESULT_DAYS = 41, 42, 43
    html = " ".join(client.get("/privacy/").content.decode().split())
    assert f"{settings.CLINIC_RETENTION_DAYS} days after our staff last changed it" in html
    assert f"{settings.CLINIC_OPEN_RETENTION_DAYS} days after our staff last changed it" in html
    assert f"{settings.CLINIC_TASK_RESULT_DAYS} days after sending" in html


def test_the_daily_clean_up_command_deletes_expired_requests_and_the_mail_sweep_does_not(transactional_db, settings):
    from django.core.management import call_command

    old = make_request(status="closed", created_at=timezone.now() - timedelta(days=settings.CLINIC_RETENTION_DAYS + 1))
    call_command("resend_consultation_notices")
    assert ConsultationRequest.objects.filter(pk=old.pk).exists()
    call_command("daily_clean_up")
    assert not ConsultationRequest.objects.filter(pk=old.pk).exists()


def test_closing_an_old_request_keeps_it_for_the_full_period_from_that_change(db, client):
    from django.contrib.auth.models import Group, User

    from consultations.groups import FRONT_DESK
    from consultations.models import AuditEntry
    from tests.staff_fixtures import sign_in_verified

    desk = User.objects.create_user("desk", password="a long test password", is_staff=True)
    desk.groups.add(Group.objects.get(name=FRONT_DESK))
    sign_in_verified(client, desk)
    old = make_request(created_at=timezone.now() - timedelta(days=1000))
    client.post("/admin/consultations/consultationrequest/", {"action": "mark_spam", "_selected_action": [old.pk]})
    call_command("delete_expired_consultations", verbosity=0)
    assert ConsultationRequest.objects.filter(pk=old.pk).exists()
    # The period runs from the change: once it has passed, the retention run deletes, on the record.
    ConsultationRequest.objects.filter(pk=old.pk).update(staff_changed_at=timezone.now() - timedelta(days=731))
    call_command("delete_expired_consultations", verbosity=0)
    assert not ConsultationRequest.objects.filter(pk=old.pk).exists()
    entry = AuditEntry.objects.get(action="delete")
    assert (entry.username, entry.references, entry.detail) == (AuditEntry.SYSTEM, old.reference, "retention period")
