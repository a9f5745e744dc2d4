"""Requests sent at the same moment, and a rate limit shared by several server processes."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from consultations.models import ConsultationRequest
from tests.consultation_fixtures import FormClient, answers, database_env, free_port, smtp, start_gunicorn  # noqa: F401
from tests.servers import stop_gunicorn

CLIENTS = 50


@pytest.fixture
def production_like_server(live_content):
    """gunicorn as deployed (several processes and threads), on this run's test database."""
    port = free_port()
    env = database_env(CLINIC_CONSULTATION_MIN_FILL_SECONDS="0")
    server = start_gunicorn(port, env, workers=3, threads=8)
    yield f"http://127.0.0.1:{port}"
    stop_gunicorn(server)


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
    assert not ConsultationRequest.objects.filter(notified_at__isnull=True).exists()


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
            stop_gunicorn(process)


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
