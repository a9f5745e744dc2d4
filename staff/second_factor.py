"""The second factor for staff: an authenticator app (TOTP) and single-use recovery codes, via django-otp.

Production always asks for it; only the SQLite demo (DJANGO_DEBUG on) may skip it.
"""

import base64
import io

from django.conf import settings
from django.db import transaction
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

RECOVERY_CODE_COUNT = 10


def required():
    return settings.CLINIC_STAFF_SECOND_FACTOR


def is_verified(user):
    return bool(getattr(user, "is_verified", None) and user.is_verified())


def authenticator(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_authenticator(user):
    """The device being enrolled: kept unconfirmed until the person types a code from it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def secret_text(device):
    """The key as people type it into an authenticator app: base32 in groups of four."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device):
    # An image in the page itself: no request to a QR service, and the strict CSP allows data: images.
    out = io.BytesIO()
    write_qrcode_image(device.config_url, out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


@transaction.atomic
def confirm(device):
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()


@transaction.atomic
def new_recovery_codes(user):
    """A fresh set of single-use codes; any earlier set stops working."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name="recovery codes")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def check_code(user, code):
    """The device that accepts this code (an app code or an unused recovery code), or None.

    Each device throttles its own failures (django-otp), so guessing slows down quickly.
    """
    code = "".join(code.split()).lower()
    devices = (
        TOTPDevice.objects.filter(user=user, confirmed=True)
        if code.isdigit() and len(code) == TOTPDevice._meta.get_field("digits").default
        else StaticDevice.objects.filter(user=user, confirmed=True)
    )
    for device in devices:
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


@transaction.atomic
def reset(user):
    """Forget every device: the person enrols again at their next sign-in. The number removed."""
    removed = TOTPDevice.objects.filter(user=user).delete()[1].get("otp_totp.TOTPDevice", 0)
    removed += StaticDevice.objects.filter(user=user).delete()[1].get("otp_static.StaticDevice", 0)
    return removed
