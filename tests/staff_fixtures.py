"""Helpers for tests of the staff side: a signed-in, second-factor-verified client, and app codes."""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def sign_in_verified(client, user):
    """force_login plus a verified second factor, as if the person had typed a code from their app."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def app_code(device):
    """The code the person's authenticator app would show, as django_otp.oath computes it.

    A code is accepted once: when this time step's code was used already, take the next step's, which
    the device accepts too (one step of tolerance), as an app would a few seconds later.
    """
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    while totp.t() <= device.last_t:
        totp.time += device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in_in_browser(page, base_url, username, password, device):
    """The admin's two steps as a person takes them in a browser: password, then the app's code."""
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/second-factor/verify/**")
    page.fill("#id_code", app_code(device))
    page.click("#verify-form input[type=submit]")
    page.wait_for_url("**/admin/")
    return page
