"""Staff sign-in: the second factor is required, lockout protects without locking staff out, sessions end."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client

from consultations.groups import FRONT_DESK
from tests.consultation_fixtures import make_request
from tests.staff_fixtures import sign_in_verified

PASSWORD = "desk-password-123"
CHANGELIST = "/admin/consultations/consultationrequest/"
HERE, ELSEWHERE = "203.0.113.20", "198.51.100.30"


@pytest.fixture
def desk(db):
    user = User.objects.create_user("desk", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=FRONT_DESK))
    return user


def sign_in(password, address, client=None):
    client = client or Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "desk", "password": password}, HTTP_X_FORWARDED_FOR=address
    )
    return response, client


# The second factor.


def test_a_password_alone_opens_no_admin_page_with_patient_data(desk, client):
    consultation = make_request(name="Vexillmarker Oumbrette")
    response, client = sign_in(PASSWORD, HERE)
    assert response.status_code == 302
    # Signed in with the password, not yet with a code: every admin page sends to the code step.
    login = client.get("/admin/login/?next=/admin/")
    assert login.status_code == 302 and login["Location"].startswith("/admin/second-factor/enrol/")
    for url in (
        "/admin/",
        CHANGELIST,
        f"{CHANGELIST}?q=Vexillmarker",
        f"{CHANGELIST}{consultation.pk}/change/",
        f"{CHANGELIST}{consultation.pk}/history/",
        "/admin/consultations/auditentry/",
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "Vexillmarker" not in response.content.decode(), url
    export = client.post(CHANGELIST, {"action": "export_csv", "_selected_action": [consultation.pk]})
    assert export.status_code == 302 and b"Vexillmarker" not in export.content


def test_a_wrong_code_is_refused_and_logged_and_a_half_signed_in_person_can_sign_out(desk, caplog):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=desk, name="phone", confirmed=True)
    _response, client = sign_in(PASSWORD, HERE)
    caplog.set_level(logging.INFO)
    refused = client.post("/admin/second-factor/verify/?next=/admin/", {"code": "000000"})
    assert refused.status_code == 200 and "That code was not accepted" in refused.content.decode()
    assert "Second sign-in step failed for desk." in caplog.text
    assert client.get(CHANGELIST).status_code == 302
    signed_out = client.post("/admin/second-factor/sign-out/")
    assert signed_out.status_code == 302 and signed_out["Location"] == "/admin/login/"
    assert "_auth_user_id" not in client.session


def test_reset_second_factor_command_sends_the_person_back_to_enrolment(desk, client):
    sign_in_verified(client, desk)
    assert client.get(CHANGELIST).status_code == 200
    call_command("reset_second_factor", "desk", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not desk.staticdevice_set.exists() and not desk.totpdevice_set.exists()
    assert client.get(CHANGELIST).status_code == 302
    assert client.get("/admin/login/")["Location"].startswith("/admin/second-factor/enrol/")


# Lockout.


def test_lockout_is_per_account_and_address_and_refused_attempts_do_not_extend_it(desk, settings, time_machine):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    time_machine.move_to(start, tick=False)
    assert sign_in("wrong", HERE)[0].status_code == 200
    assert sign_in("wrong", HERE)[0].status_code == 200
    locked = sign_in("wrong", HERE)[0]
    assert locked.status_code == 429
    assert "try again in 15 minutes" in locked.content.decode()
    # Locked here, even with the right password...
    assert sign_in(PASSWORD, HERE)[0].status_code == 429
    # ...but the same account signs in from another address: an attacker cannot lock staff out.
    assert sign_in(PASSWORD, ELSEWHERE)[0].status_code == 302

    # More tries during the pause are refused and do not push its end further away.
    time_machine.move_to(start + timedelta(minutes=14), tick=False)
    assert sign_in("wrong", HERE)[0].status_code == 429
    assert sign_in(PASSWORD, HERE)[0].status_code == 429
    time_machine.move_to(start + timedelta(minutes=15, seconds=1), tick=False)
    assert sign_in(PASSWORD, HERE)[0].status_code == 302


def test_an_administrator_lifts_a_lockout_with_a_command(desk, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        sign_in("wrong", HERE)
    assert sign_in(PASSWORD, HERE)[0].status_code == 429
    call_command("axes_reset_username", "desk", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sign_in(PASSWORD, HERE)[0].status_code == 302


def test_the_lockout_follows_the_trusted_proxy_rule(desk, settings):
    settings.AXES_FAILURE_LIMIT = 3
    # Addresses a client writes into X-Forwarded-For itself are not believed: all three count for HERE.
    for forged in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        sign_in("wrong", f"{forged}, {HERE}")
    assert sign_in(PASSWORD, HERE)[0].status_code == 429


def test_sign_ins_and_failures_are_logged_without_passwords_or_searches(desk, caplog):
    from axes.models import AccessAttempt

    caplog.set_level(logging.INFO)
    # A session that ended on a search page comes back to sign in with the search in `next`.
    Client().post(
        "/admin/login/?next=/admin/consultations/consultationrequest/%3Fq%3DVexillmarker",
        {"username": "desk", "password": "wrong-Zq8v-guess", "next": f"{CHANGELIST}?q=Vexillmarker"},
        HTTP_X_FORWARDED_FOR=HERE,
    )
    stored = str(list(AccessAttempt.objects.values()))
    assert "desk" in stored  # the attempt was recorded, by account and address
    assert "wrong-Zq8v-guess" not in stored and "Vexillmarker" not in stored
    sign_in(PASSWORD, HERE)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "login failed" in logged.lower() and "Successful login" in logged
    assert "wrong-Zq8v-guess" not in logged and PASSWORD not in logged and "Vexillmarker" not in logged


# Sessions, by the clock.


def test_a_session_ends_after_30_idle_minutes(desk, client, time_machine):
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    time_machine.move_to(start, tick=False)
    sign_in_verified(client, desk)
    for minutes in (29, 58, 87):  # every visit within 30 minutes of the last keeps it alive
        time_machine.move_to(start + timedelta(minutes=minutes), tick=False)
        assert client.get(CHANGELIST).status_code == 200, minutes
    time_machine.move_to(start + timedelta(minutes=87 + 31), tick=False)
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_session_ends_12_hours_after_signing_in_however_busy(desk, client, time_machine):
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    time_machine.move_to(start, tick=False)
    sign_in_verified(client, desk)
    visits = [timedelta(minutes=25 * n) for n in range(1, 29)] + [timedelta(hours=11, minutes=55)]
    for elapsed in visits:  # never idle for 30 minutes
        time_machine.move_to(start + elapsed, tick=False)
        assert client.get("/admin/").status_code == 200, elapsed
    time_machine.move_to(start + timedelta(hours=12, minutes=5), tick=False)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in client.session
