"""A new staff member sets up the second factor, then signs in with it, in a real browser."""

import base64

import pytest
from django.contrib.auth.models import Group, User
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from consultations.groups import FRONT_DESK
from tests.consultation_fixtures import make_request
from tests.staff_fixtures import app_code

pytestmark = pytest.mark.browser

PASSWORD = "a long test password"
PATIENT = "Vexillmarker Oumbrette"
CHANGELIST = "/admin/consultations/consultationrequest/"


@pytest.fixture
def newcomer(transactional_db):
    user = User.objects.create_user("newcomer", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=FRONT_DESK))
    return user


def password_step(page, base_url):
    page.goto(base_url + "/admin/login/")
    assert "asked for a code from your authenticator app" in page.locator("#second-factor-notice").inner_text()
    page.fill("#id_username", "newcomer")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def code_step(page, code):
    page.fill("#id_code", code)
    page.click("#verify-form input[type=submit]")


def sign_out(page):
    page.click("#logout-form button")
    page.wait_for_url("**/admin/logout/")


def test_enrol_then_sign_in_with_a_code_and_a_recovery_code_that_works_once(page, live_server, newcomer):
    consultation = make_request(name=PATIENT)

    # First sign-in: after the password, the person sets up their app, alone.
    password_step(page, live_server.url)
    page.wait_for_url("**/admin/second-factor/enrol/**")
    assert page.locator("#enrol-qr-code").get_attribute("src").startswith("data:image/svg+xml;base64,")
    key = base64.b32decode(page.locator("#enrol-secret").inner_text().replace(" ", ""))
    page.fill("#id_code", f"{totp(key):06d}")
    page.click("#enrol-form input[type=submit]")
    # all_inner_texts() does not wait: wait for the page that shows the codes.
    page.locator("#recovery-codes code").first.wait_for()
    codes = page.locator("#recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    with page.expect_navigation():
        page.click("#continue")
    page.goto(live_server.url + CHANGELIST)
    assert PATIENT in page.content()
    sign_out(page)

    # The password alone opens no page with patient data.
    password_step(page, live_server.url)
    page.wait_for_url("**/admin/second-factor/verify/**")
    for path in ("/admin/", CHANGELIST, f"{CHANGELIST}?q=Vexillmarker", f"{CHANGELIST}{consultation.pk}/change/"):
        page.goto(live_server.url + path)
        assert "/admin/second-factor/verify/" in page.url, path
        # (The page may repeat what was typed into the URL; nothing from the stored request.)
        assert "Oumbrette" not in page.content() and consultation.reference not in page.content(), path

    # With the code from the app, the person lands on the page they asked for last.
    code_step(page, app_code(TOTPDevice.objects.get(user=newcomer)))
    page.wait_for_url(f"**{CHANGELIST}{consultation.pk}/change/")
    assert PATIENT in page.content()
    sign_out(page)

    # A recovery code signs in once...
    password_step(page, live_server.url)
    code_step(page, codes[0])
    page.wait_for_url("**/admin/")
    page.goto(live_server.url + CHANGELIST)
    assert PATIENT in page.content()
    sign_out(page)

    # ...and never again.
    password_step(page, live_server.url)
    code_step(page, codes[0])
    page.get_by_text("That code was not accepted").wait_for()
    assert "/admin/second-factor/verify/" in page.url
    page.goto(live_server.url + CHANGELIST)
    assert "Oumbrette" not in page.content()
