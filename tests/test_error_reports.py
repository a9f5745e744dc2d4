"""Server errors reach the people who run the site (ADMINS mail) without a patient's detail; every
response carries a request id that the access log and the report share."""

import io
import logging
import re
import urllib.request

import pytest
from django.db import DataError

from consultations.models import ConsultationRequest
from tests.consultation_fixtures import post_data
from tests.photo_fixtures import plain_jpeg, upload
from tests.servers import database_env, free_port, start_gunicorn, stop

URL = "/consultation/"
MARKERS = {
    "name": "Vexillmarker Oumbrette",
    "email": "vexillmarker@example.com",
    "phone": "+1 202 555 0166",
    "message": "oumbrettemarker message",
}
# Also in the query string, a cookie and a photo's file name.
LEAKS = ("Vexillmarker", "vexillmarker", "Oumbrette", "oumbrettemarker", "2025550166", "555 0166", "querymarker")


@pytest.fixture
def failing_save(monkeypatch):
    """The request's save fails as a database error does: quoting the value it refused."""

    def save(self, *args, **kwargs):
        raise DataError(f"value too long for type character varying(254): {self.email} ({self.name}, {self.phone})")

    monkeypatch.setattr(ConsultationRequest, "save", save)


@pytest.fixture
def admins(settings, mailoutbox):
    settings.ADMINS = ["it@clinic.example"]
    settings.CLINIC_CONSULTATION_SPAM_CHECKS = False
    settings.CLINIC_CONSULTATION_RATE_LIMIT = 0
    return mailoutbox


def test_a_failed_submission_is_reported_to_admins_without_patient_detail(client, content, failing_save, admins):
    client.raise_request_exception = False
    client.cookies["consultation_receipt"] = "vexillmarker-cookie"
    data = {**post_data(**MARKERS), "photo_smile": upload("Vexillmarker Oumbrette smile.jpg", plain_jpeg())}
    response = client.post(f"{URL}?condition=querymarker&q=Oumbrette", data, HTTP_REFERER=f"{URL}?q=querymarker")

    assert response.status_code == 500
    assert not ConsultationRequest.objects.exists()
    [report] = admins
    assert report.to == ["it@clinic.example"]
    body = report.subject + "\n" + report.body + "".join(str(content) for content, _type in report.alternatives)
    # The report says where it failed, on which path, for which request.
    assert "Internal Server Error: /consultation/" in report.subject
    assert "DataError" in body
    assert "consultations/submissions.py" in body
    assert f"Request ID: {response['X-Request-ID']}" in body
    assert "name = '********************'" in body  # posted fields by name, values hidden
    for leak in LEAKS:
        assert leak not in body, leak
    assert "?" not in re.search(r"Request URL: (\S+)", body)[1]


def test_the_server_log_has_the_traceback_without_patient_detail(client, content, failing_save, admins):
    """The log (journalctl) keeps where it failed, never what the exception quoted."""
    [console] = [handler for handler in logging.getLogger().handlers if type(handler) is logging.StreamHandler]
    logged = io.StringIO()
    stream = console.setStream(logged)
    try:
        client.raise_request_exception = False
        data = {**post_data(**MARKERS), "photo_smile": upload("Vexillmarker Oumbrette smile.jpg", plain_jpeg())}
        response = client.post(f"{URL}?q=querymarker", data)
    finally:
        console.setStream(stream)

    assert response.status_code == 500
    text = logged.getvalue()
    assert "Internal Server Error: /consultation/" in text
    assert "Traceback (most recent call last):" in text
    assert 'consultations/submissions.py", line' in text
    assert "django.db.utils.DataError: [left out: may hold patient data]" in text
    for leak in LEAKS:
        assert leak not in text, leak


def test_every_response_carries_a_request_id(client, db):
    first, second = client.get("/healthz"), client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]
    # The proxy's id (nginx's $request_id) is kept, so its log line and gunicorn's match;
    # anything else a client sends is replaced (it goes into the access log).
    sent = "0123456789abcdef0123456789abcdef"
    assert client.get("/healthz", HTTP_X_REQUEST_ID=sent)["X-Request-ID"] == sent
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x" 500 "GET /admin/')["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)


def test_gunicorn_writes_one_line_per_request_with_its_id_and_no_query_string(transactional_db, tmp_path):
    port = free_port()
    server = start_gunicorn(port, database_env(), logs=tmp_path)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?q=querymarker", timeout=10) as response:
            request_id = response.headers["X-Request-ID"]
    finally:
        stop(server)
    logged = (tmp_path / "stdout.log").read_text() + (tmp_path / "stderr.log").read_text()
    [line] = [line for line in logged.splitlines() if "/healthz" in line]
    assert '"GET /healthz HTTP/1.1" 200' in line
    assert line.endswith(f"ms {request_id}")
    assert "querymarker" not in logged
