"""Helpers for the consultation tests: a valid answer set, a form-filling HTTP client, an SMTP server."""

import asyncio
import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
from aiosmtpd.controller import Controller

from consultations import form_tokens
from tests.servers import database_env, free_port, start_gunicorn  # noqa: F401 (used by the test modules)

VALID = {
    "for_whom": "self",
    "name": "Ada Example",
    "email": "ada@example.com",
    "phone": "202 555 0143",
    "preferred_contact": "email",
    "bothers": ["eye", "smile"],
    "concern": "",
    "onset": "6-months",
    "patient_type": "new",
    "message": "",
    "heard_from": "",
    "consent_to_contact": "on",
}


def answers(**changes):
    data = {**VALID, **changes}
    return {key: value for key, value in data.items() if value is not None}


def post_data(**changes):
    """Answers with a fresh form token, as the browser would send them."""
    return {**answers(**changes), "form_token": form_tokens.issue_token()}


class Mailbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self, delay=0, refuse=(), data_delay=0):
        self.messages = []
        self.delay = delay
        self.data_delay = data_delay
        self.refuse = set(refuse)
        self.in_data = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's hook)
        # A slow server stalls here, before the message is sent: a client killed now sent nothing.
        deadline = time.monotonic() + self.delay
        while self.delay and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        # A server slow to accept the message itself (the client has already sent it).
        self.in_data = True
        deadline = time.monotonic() + self.data_delay
        while time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        self.in_data = False
        self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 OK"

    def wait_for(self, count, timeout=20):
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


def smtp_mailers(port):
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback, and MAILERS pointed at it (pytest-django swaps in locmem)."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = smtp_mailers(port)
    mailbox.port = port
    mailbox.controller = controller
    yield mailbox
    controller.stop()


class FormClient:
    """Fills in the consultation form over real HTTP, as a browser would: GET, then POST with cookies."""

    def __init__(self, base_url, forwarded_for=None):
        self.base_url = base_url.rstrip("/")
        self.headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def _open(self, request):
        try:
            return self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            return error

    def get_form(self, path="/consultation/"):
        response = self._open(urllib.request.Request(self.base_url + path, headers=self.headers))
        html = response.read().decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
        return csrf, token

    def submit(self, data, fetch=True, tokens=None, files=None):
        """files: {field: (file name, bytes)}, sent as multipart/form-data like the browser sends photos."""
        csrf, token = tokens or self.get_form()
        fields = {**data, "csrfmiddlewaretoken": csrf, "form_token": token}
        headers = {**self.headers, "Referer": self.base_url + "/consultation/"}
        if files:
            body, headers["Content-Type"] = multipart(fields, files)
        else:
            body = urllib.parse.urlencode(fields, doseq=True).encode()
        request = urllib.request.Request(self.base_url + "/consultation/", data=body, headers=headers, method="POST")
        response = self._open(request)
        return response.status, response.headers.get("Location", ""), response.read().decode()

    def receipt(self):
        response = self._open(urllib.request.Request(self.base_url + "/consultation/received/", headers=self.headers))
        html = response.read().decode()
        match = re.search(r'id="reference">([A-Z0-9-]+)<', html)
        return match.group(1) if match else None


def multipart(fields, files):
    """A multipart/form-data body and its Content-Type, for fields (str or list) and files."""
    boundary = f"----clinic-test-{uuid.uuid4().hex}"
    parts = []
    for name, values in fields.items():
        for value in values if isinstance(values, list) else [values]:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (file_name, data) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def make_request(**fields):
    """A stored request with sensible defaults, as the form would have made it."""
    from django.utils import timezone

    from consultations.models import ConsultationRequest
    from consultations.request_codes import new_reference
    from practice.privacy import NOTICE_VERSION

    make_request.counter = getattr(make_request, "counter", 0) + 1
    defaults = {
        "reference": new_reference(),
        "name": "Ada Example",
        "email": "ada@example.com",
        "phone": "+12025550143",
        "for_whom": "self",
        "preferred_contact": "email",
        "best_time": "",
        "bothers": ["eye"],
        "concern": "",
        "concern_title": "",
        "onset": "6-months",
        "patient_type": "new",
        "consent_to_contact": True,
        "privacy_notice_version": NOTICE_VERSION,
        "consented_at": timezone.now(),
        "form_token": f"token-{make_request.counter}-{new_reference()}",
        "fingerprint": f"fp-{make_request.counter}",
    }
    return ConsultationRequest.objects.create(**{**defaults, **fields})
