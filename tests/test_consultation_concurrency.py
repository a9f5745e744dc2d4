"""Requests sent at the same moment, and a rate limit shared by several server processes."""

import http.client
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils.crypto import get_random_string
from django_tasks_db.models import DBTaskResult

from consultations.groups import FRONT_DESK
from consultations.models import AuditEntry, ConsultationRequest, Delivery
from tests.consultation_fixtures import (  # noqa: F401 (smtp is a fixture)
    FormClient,
    answers,
    database_env,
    free_port,
    make_request,
    smtp,
    start_gunicorn,
)
from tests.servers import stop
from tests.staff_fixtures import sign_in_verified

CLIENTS = 50


@pytest.fixture
def production_like_server(live_content):
    """gunicorn as deployed (several processes and threads), on this run's test database."""
    port = free_port()
    env = database_env(CLINIC_CONSULTATION_MIN_FILL_SECONDS="0")
    server = start_gunicorn(port, env, workers=3, threads=8)
    yield f"http://127.0.0.1:{port}"
    stop(server)


def test_50_concurrent_requests_are_all_stored_and_announced(production_like_server, settings, smtp):  # noqa: F811
    settings.CLINIC_STAFF_EMAILS = ["frontdesk@clinic.example"]
    clients = [FormClient(production_like_server, forwarded_for=f"198.51.100.{n + 1}") for n in range(CLIENTS)]
    ready = threading.Barrier(CLIENTS)

    def send(number):
        form = clients[number].get_form()
        ready.wait(timeout=60)  # every form is open: now all press Send together
        data = answers(name=f"Patient {number}", email=f"patient{number}@example.com", message=f"Request {number}")
        status, location, _body = clients[number].submit(data, tokens=form)
        return status, location, clients[number].receipt()

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(send, range(CLIENTS)))

    assert [status for status, _location, _reference in results] == [302] * CLIENTS
    references = {reference for _status, _location, reference in results}
    assert len(references) == CLIENTS
    assert set(ConsultationRequest.objects.values_list("reference", flat=True)) == references
    assert DBTaskResult.objects.filter(task_path="consultations.tasks.notify_staff").count() == CLIENTS

    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    smtp.wait_for(2 * CLIENTS)
    staff_subjects = [m for m in smtp.messages if "To: frontdesk@clinic.example" in m]
    assert len(staff_subjects) == CLIENTS
    assert {ref for ref in references if any(ref in m for m in staff_subjects)} == references
    assert not Delivery.objects.filter(kind="staff", sent_at__isnull=True).exists()


@pytest.fixture
def two_servers(live_content):
    env = database_env(
        CLINIC_CONSULTATION_MIN_FILL_SECONDS="0",
        CLINIC_CONSULTATION_RATE_LIMIT="3",
        CLINIC_CONSULTATION_RATE_WINDOW="3600",
    )
    servers = []
    try:
        for _ in range(2):
            port = free_port()
            servers.append((start_gunicorn(port, env), f"http://127.0.0.1:{port}"))
        yield [url for _process, url in servers]
    finally:
        for process, _url in servers:
            stop(process)


def test_rate_limit_holds_across_two_server_processes(two_servers):
    first, second = two_servers
    statuses = []
    for number in range(6):
        # The same client, alternating between the two processes behind the proxy.
        client = FormClient(first if number % 2 == 0 else second, forwarded_for="203.0.113.77")
        statuses.append(client.submit(answers(message=f"Request {number}"))[0])
    assert statuses == [302, 302, 302, 429, 429, 429]
    assert ConsultationRequest.objects.count() == 3
    # Another client is not held back by the first one's limit.
    assert FormClient(second, forwarded_for="203.0.113.78").submit(answers(message="Other"))[0] == 302


CONTENDERS = 24


@pytest.fixture
def contention_server(live_content):
    """Enough processes and threads that every contender is served at the same moment."""
    port = free_port()
    env = database_env(
        CLINIC_CONSULTATION_MIN_FILL_SECONDS="0",
        CLINIC_CONSULTATION_RATE_LIMIT="5",
        CLINIC_CONSULTATION_RATE_WINDOW="3600",
    )
    server = start_gunicorn(port, env, workers=3, threads=CONTENDERS // 3)
    yield f"http://127.0.0.1:{port}"
    stop(server)


def all_at_once(count, prepare, send):
    """prepare(n) for each contender, then send(n, prepared) for all of them at the same moment."""
    ready = threading.Barrier(count)

    def run(number):
        prepared = prepare(number)
        ready.wait(timeout=60)
        return send(number, prepared)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_one_form_sent_many_times_at_once_makes_one_request(contention_server):
    """One token, two versions of the answers, all sent together: one request, the rest refused or told."""
    clients = [FormClient(contention_server, forwarded_for=f"198.51.100.{n + 1}") for n in range(CONTENDERS)]
    _csrf, shared_token = clients[0].get_form()
    versions = [answers(message="First version"), answers(message="Second version")]

    def send(number, csrf):
        status, _location, _body = clients[number].submit(versions[number % 2], tokens=(csrf, shared_token))
        return status, number % 2, clients[number].receipt() if status == 302 else None

    results = all_at_once(CONTENDERS, lambda number: clients[number].get_form()[0], send)

    [stored] = ConsultationRequest.objects.all()
    winner = 0 if stored.message == "First version" else 1
    for status, version, reference in results:
        if version == winner:
            assert (status, reference) == (302, stored.reference)
        else:
            assert status == 409  # the same token with other answers: refused, never a second request
    assert DBTaskResult.objects.filter(task_path="consultations.tasks.notify_staff").count() == 1


def test_many_requests_from_one_address_at_once_share_one_limit(contention_server):
    clients = [FormClient(contention_server, forwarded_for="203.0.113.99") for _ in range(CONTENDERS)]

    def send(number, form):
        return clients[number].submit(answers(message=f"Request {number}"), tokens=form)[0]

    statuses = all_at_once(CONTENDERS, lambda number: clients[number].get_form(), send)
    assert sorted(statuses) == [302] * 5 + [429] * (CONTENDERS - 5)
    assert ConsultationRequest.objects.count() == 5


# Two people recording an outcome on one request at the same moment.


@pytest.fixture
def staff_server(live_content):
    port = free_port()
    server = start_gunicorn(port, database_env(), workers=2)
    yield port
    stop(server)


def click_outcome(port, consultation, outcome, session, csrf):
    """The outcome button's POST, as the browser of a signed-in member of staff sends it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    cookies = f"{django_settings.SESSION_COOKIE_NAME}={session}; {django_settings.CSRF_COOKIE_NAME}={csrf}"
    connection.request(
        "POST",
        f"/admin/consultations/consultationrequest/{consultation.pk}/outcome/",
        body=urllib.parse.urlencode({"outcome": outcome, "csrfmiddlewaretoken": csrf}),
        headers={"Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded"},
    )
    status = connection.getresponse().status
    connection.close()
    return status


def waiting_for_a_lock(database):
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{database}", autocommit=True) as observer:
        row = observer.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'", [database]
        ).fetchone()
    return row[0]


def test_two_outcomes_clicked_at_once_count_two_attempts(staff_server):
    """Two clicks that reach two server processes together: both counted, both notes kept.

    The request's row is held by a transaction of the test's own while both clicks arrive, so both
    are under way before either can write; then it is let go. Each click must read the count the
    other wrote (the row lock in outcomes.record): read at once, both would write 0 + 1.
    """
    desk = User.objects.create_user("desk", password="a long staff password", is_staff=True)
    desk.groups.add(Group.objects.get(name=FRONT_DESK))
    signed_in = sign_in_verified(Client(), desk)
    session = signed_in.cookies[django_settings.SESSION_COOKIE_NAME].value
    csrf = get_random_string(32)
    consultation = make_request()
    database = connection.settings_dict["NAME"]

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{database}") as holder:
        holder.execute("SELECT id FROM consultations_consultationrequest WHERE id = %s FOR UPDATE", [consultation.pk])
        with ThreadPoolExecutor(2) as pool:
            clicks = [
                pool.submit(click_outcome, staff_server, consultation, outcome, session, csrf)
                for outcome in ("voicemail", "emailed")
            ]
            deadline = time.monotonic() + 30
            while waiting_for_a_lock(database) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert waiting_for_a_lock(database) == 2, "both clicks should be waiting for the request's row"
            holder.commit()
            statuses = [click.result(timeout=60) for click in clicks]

    assert statuses == [302, 302]
    consultation.refresh_from_db()
    assert consultation.contact_attempts == 2
    assert sorted(consultation.notes.values_list("text", flat=True)) == ["E-mailed", "No answer, voicemail left"]
    assert AuditEntry.objects.filter(action="outcome").count() == 2
