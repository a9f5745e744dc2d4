"""The migrations behind the new form and the reply date: old requests and the practice's promise survive."""

import importlib
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

reply_days = importlib.import_module("clinic_site.migrations.0005_reply_days")

BEFORE = [
    ("clinic_site", "0004_page_generation_in_the_database"),
    ("consultations", "0004_audit_every_access_and_retention_from_staff_change"),
]


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("within two working days", 2),
        ("within 3 business days", 3),
        ("by the next working day", 1),
        ("within one working day", 1),
        ("within ten days", 10),
        ("", None),
        ("as soon as we can", None),  # names no number of days: no date is promised
    ],
)
def test_a_free_text_reply_time_becomes_a_number_of_days(text, days):
    assert reply_days.working_days_from_text(text) == days


@pytest.mark.parametrize(
    ("spec", "days"),
    [
        ("Mo-Fr 08:30-17:00", "12345"),
        ("Mo-Th 09:00-17:00, Sa 09:00-12:00", "12346"),
        ("Mo,We,Fr 09:00-13:00", "135"),
        ("Fr-Mo 10:00-14:00", "1567"),
        ("", "12345"),
    ],
)
def test_the_open_days_come_from_the_opening_hours_for_search_engines(spec, days):
    assert reply_days.open_days_from_spec(spec) == days


def _old_request(model, **fields):
    now = timezone.now()
    defaults = {
        "name": "Ada Example",
        "email": "ada@example.com",
        "phone": "+12025550143",
        "preferred_contact": "email",
        "best_time": "morning",
        "concern": "not-sure",
        "concern_title": "I am not sure",
        "onset": "6-months",
        "patient_type": "new",
        "consent_to_contact": True,
        "privacy_notice_version": "2026-01",
        "consented_at": now - timedelta(days=3),
        "created_at": now - timedelta(days=3),
    }
    return model.objects.create(**{**defaults, **fields})


def test_migrating_keeps_old_requests_and_the_practices_promise(transactional_db):
    from consultations.models import ConsultationRequest
    from practice.models import Practice

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("clinic_site", "Practice").objects.create(
        name="Old Practice",
        phone="+1 555 010 0123",
        street_address="1 Road",
        locality="Town",
        hours="Tuesday to Saturday",
        opening_hours_spec="Tu-Sa 09:00-17:00",
        reply_time="within three business days",
    )
    requests = old.get_model("consultations", "ConsultationRequest")
    by_email = _old_request(requests, reference="FN-OLD0-0001", form_token="t1", fingerprint="f1")
    by_phone = _old_request(
        requests, reference="FN-OLD0-0002", form_token="t2", fingerprint="f2", preferred_contact="phone"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    practice = Practice.objects.get()
    assert (practice.open_days, practice.reply_working_days) == ("23456", 3)
    # The time of day is kept for a call, dropped for e-mail (the form no longer asks it then).
    assert ConsultationRequest.objects.get(pk=by_email.pk).best_time == ""
    migrated = ConsultationRequest.objects.get(pk=by_phone.pk)
    assert (migrated.best_time, migrated.for_whom, migrated.bothers, migrated.concern) == (
        "morning",
        "",
        [],
        "not-sure",
    )
    migrated.full_clean()
