"""Two servers and two workers behind nginx, one of each killed (SIGKILL) while patients send requests.

What a clinic with two app servers must never see: a request lost or stored twice, a photo one
server cannot show, a mail sent twice or never, a page the other server edited served stale, or a
limit that each server counts on its own. `make cluster` runs this alone and prints what it checked.
"""

import http.client
import io
import re
import time
import urllib.error
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image, ImageStat

from conditions.models import Condition
from consultations import visit_choice
from consultations.models import AuditEntry, ConsultationRequest, Delivery
from practice.models import Practice
from tests import cluster
from tests.consultation_fixtures import FormClient, answers
from tests.photo_fixtures import plain_jpeg
from tests.servers import database_env, free_port, start_gunicorn, stop
from tests.staff_fixtures import app_code
from tests.test_booking_form import clinic

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(cluster.NGINX is None, reason="nginx is missing: make nginx"),
]

PATIENTS = 40
BOOK_EVERY = 3  # every third patient picks a time; its reminder falls due during the run
KILL_AFTER = 14  # the server is killed once this many patients have their answer
HOLD_MAIL_FROM = 8  # the first worker is caught mid-send once this many mails have arrived
CLAIM_SECONDS = 5  # CLINIC_NOTICE_OVERDUE_SECONDS for the run: a dead worker's claim expires after it
PASSWORD = "cluster staff password 1"
# Photos must be readable by every server: they are kept in PostgreSQL (CLINIC_FILE_STORE=database), and
# each server has a photo directory of its own, so no shared disk can hide a photo only one server sees.
PHOTO_STORE = "in PostgreSQL, a directory per server"
# Whatever goes wrong between the patient and the app: a dropped connection, or the proxy's word for it.
TRANSIENT = (urllib.error.URLError, ConnectionError, http.client.HTTPException, TimeoutError)


def problems(body):
    """What the form said was wrong (its error summary), or the start of the page if it said nothing."""
    summary = re.search(r'<div class="error-summary.*?</div>', body, re.S)
    text = summary[0] if summary else body[:300]
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


class Cluster:
    def __init__(self, tmp_path):
        self.dir = tmp_path
        self.processes = []
        self.outbox = cluster.Outbox()
        # Each worker has a relay of its own, so the first one can be caught mid-send.
        self.relays = [cluster.Relay(self.outbox), cluster.Relay(self.outbox)]
        self.relay_ports = [free_port(), free_port()]
        self.controllers = [cluster.start_relay(r, p) for r, p in zip(self.relays, self.relay_ports, strict=True)]

    def env(self, name, relay=1):
        """A process's environment: the run's database and Redis, and a directory of its own for files."""
        (self.dir / name).mkdir()
        env = database_env(
            CLINIC_FILE_STORE="database",
            CLINIC_PHOTO_ROOT=str(self.dir / name / "photos"),
            CLINIC_PUBLIC_IMAGES_ROOT=str(self.dir / name / "images"),
            CLINIC_EMAIL_URL=f"smtp://127.0.0.1:{self.relay_ports[relay]}?timeout=30",
            CLINIC_STAFF_EMAILS="frontdesk@clinic.example",
            CLINIC_CONSULTATION_MIN_FILL_SECONDS="0",
            CLINIC_NOTICE_OVERDUE_SECONDS=str(CLAIM_SECONDS),
        )
        # Named in pg_stat_activity, so the test sees when a server is in the middle of writing.
        env["DATABASE_URL"] += f"?application_name=cluster-{name}"
        return env

    def up(self):
        """Two servers, two workers and the sweep, each with its own environment; nginx in front.
        Each process is listed as soon as it runs, so that a failed start still stops the others."""
        logs = self.dir / "logs"
        logs.mkdir()
        self.ports = [free_port(), free_port()]
        self.proxy_port = free_port()
        self.servers, self.workers = [], []
        for name, port in zip(("server-a", "server-b"), self.ports, strict=True):
            (logs / name).mkdir()
            self.servers.append(start_gunicorn(port, self.env(name), workers=1, threads=8, logs=logs / name))
            self.processes.append(self.servers[-1])
        for relay, name in enumerate(("w1", "w2")):
            self.workers.append(cluster.start_task_worker(name, self.env(name, relay), logs / f"{name}.log"))
            self.processes.append(self.workers[-1])
        self.processes.append(cluster.start_sweep(self.env("sweep"), logs / "sweep.log"))
        self.processes.append(cluster.start_nginx(self.proxy_port, self.ports, self.dir / "nginx"))
        self.proxy = f"http://127.0.0.1:{self.proxy_port}"
        self.urls = [f"http://127.0.0.1:{port}" for port in self.ports]
        for url in self.urls:
            cluster.wait_until_serving(url)

    def down(self):
        for relay in self.relays:
            relay.release.set()
        for process in reversed(self.processes):
            if process.poll() is None:
                stop(process)
        for controller in self.controllers:
            controller.stop()


@pytest.fixture
def two_servers(live_content, tmp_path):
    deployment = Cluster(tmp_path)
    try:
        deployment.up()
        yield deployment
    finally:
        deployment.down()


def staff_member(username, superuser=False):
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True, is_superuser=superuser)
    return user, TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def sign_in(base_url, user, device):
    """The admin's two steps over HTTP, as a person takes them: password, then the app's code."""
    browser = cluster.Browser(base_url, forwarded_for="192.0.2.10")
    response = browser.submit_form("/admin/login/?next=/admin/", {"username": user.username, "password": PASSWORD})
    assert response.status == 302, response.text[:500]
    step, _page = browser.follow(response.headers["Location"])
    assert browser.submit_form(step, {"code": app_code(device)}, form_id="verify-form").status == 302
    return browser


# Shared state: each check sends its requests to one server, then the other.


def check_page_cache(deployment, admin):
    """An edit saved through one server is what the other serves at once, though both cached the page."""
    condition = Condition.objects.get(slug="bells-palsy")
    path = condition.get_absolute_url()
    visitors = [cluster.Browser(url) for url in deployment.urls]
    for visitor in visitors * 2:  # each server renders it, then serves it from the cache
        assert visitor.get(path).status == 200
    editor = sign_in(deployment.urls[0], admin, TOTPDevice.objects.get(user=admin))
    edited = f"Edited through server A, edition {get_random_string(8, 'abcdefghijklmnopqrstuvwxyz')}."
    change = f"/admin/conditions/condition/{condition.pk}/change/"
    response = editor.submit_form(change, {"lead": edited, "_save": "Save"}, form_id="condition_form")
    assert response.status == 302, re.findall(r"errorlist.{0,300}", response.text)
    fresh = edited in visitors[1].get(path).text
    assert fresh, "server B served the page from before the edit made through server A"
    return {"edits": 1, "stale pages": 0}


def check_rate_limit(deployment):
    """One patient's address sending again and again, to both servers in turn: one limit (5 an hour)."""
    statuses, references = [], []
    for number in range(7):
        client = FormClient(deployment.urls[number % 2], forwarded_for="203.0.113.60")
        data = answers(name=f"Limited {number}", email=f"limited{number}@cluster.example")
        statuses.append(client.submit(data)[0])
        if statuses[-1] == 302:
            references.append(client.receipt())
    assert statuses == [302] * 5 + [429] * 2, statuses
    return references


def failed_sign_ins(urls, username, address):
    """Wrong passwords until refused, then the right one: the statuses, each to the next server in turn."""
    statuses = []
    for number in range(6):
        browser = cluster.Browser(urls[number % len(urls)], forwarded_for=address)
        password = PASSWORD if number == 5 else f"wrong password {number}"
        statuses.append(browser.submit_form("/admin/login/", {"username": username, "password": password}).status)
    return statuses


def check_lockout(deployment):
    staff_member("desk-two-servers")
    staff_member("desk-one-server")
    both = failed_sign_ins(deployment.urls, "desk-two-servers", "203.0.113.70")
    one = failed_sign_ins(deployment.urls[:1], "desk-one-server", "203.0.113.71")
    # Four refusals, then locked out at the fifth (CLINIC_LOGIN_FAILURE_LIMIT), the right password too.
    assert both == one == [200] * 4 + [429] * 2, (both, one)
    return both.index(429) + 1


# The stream, and the crash in its middle.


def color(number):
    return (40 + number * 5, 200 - number * 4, 90 + number * 3)


def free_times(count):
    """Distinct times at least three days ahead, so the 48-hour reminder is owed for each."""
    (visit_type, days), *_rest = visit_choice.offers(frozenset())
    moments = [moment for day in list(days.values())[3:] for moment in day]
    assert len(moments) >= count
    return [visit_choice.value(visit_type, moment) for moment in moments[:count]]


class Patient:
    def __init__(self, number, proxy, visit):
        self.number = number
        self.client = FormClient(proxy, forwarded_for=f"198.51.100.{number + 1}")
        self.data = answers(name=f"Patient {number}", email=f"patient{number}@cluster.example", visit=visit)
        self.photo = plain_jpeg(size=(320, 240), color=color(number))
        self.visit = visit
        self.reference = None
        self.retries = 0

    def send(self):
        """The form, filled in and sent; sent again (the same form) after a dropped connection, as a
        person would press Send again. The form's token makes the second send find the first."""
        tokens = None
        for _attempt in range(10):
            try:
                tokens = tokens or self.client.get_form()
                status, _location, body = self.client.submit(
                    self.data, tokens=tokens, files={"photo_rest": ("face.jpg", self.photo)}
                )
                if status == 302:
                    self.reference = self.client.receipt()
                    if self.reference:
                        return self
                elif status not in (502, 503, 504):
                    raise AssertionError(f"patient {self.number}: {status} {problems(body)}")
            except TRANSIENT:
                pass
            self.retries += 1
            time.sleep(0.2)
        raise AssertionError(f"patient {self.number} could not send the request")


def make_reminders_due():
    """The clock moved on to the reminders' time: those not sent are due now (the sweep queues them)."""
    now = timezone.now()
    return Delivery.objects.filter(kind=Delivery.Kind.REMINDER, sent_at__isnull=True, next_attempt_at__gt=now).update(
        next_attempt_at=now
    )


def observer_url():
    return f"postgresql://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}"


def writing(observer, application):
    """Whether that process has a transaction open that has written something (it is storing a post)."""
    query = (
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND application_name = %s AND backend_xid IS NOT NULL"
    )
    return observer.execute(query, [application]).fetchone()[0] > 0


def stream_with_crash(deployment):
    times = iter(free_times(PATIENTS // BOOK_EVERY + 1))
    patients = [
        Patient(number, deployment.proxy, next(times) if number % BOOK_EVERY == 0 else None)
        for number in range(PATIENTS)
    ]
    server_a, worker_1 = deployment.servers[0], deployment.workers[0]
    deployment.relays[0].hold_from = len(deployment.outbox) + HOLD_MAIL_FROM
    crash = {}
    with ThreadPoolExecutor(8) as pool, psycopg.connect(observer_url(), autocommit=True) as observer:
        sent = [pool.submit(patient.send) for patient in patients]
        deadline = time.monotonic() + 60
        while len(crash) < 2 and time.monotonic() < deadline:
            answered = sum(future.done() for future in sent)
            if "worker" not in crash and deployment.relays[0].held.is_set():
                cluster.kill(worker_1)  # mid-send: the mail is claimed, not sent
                deployment.relays[0].release.set()
                crash["worker"] = answered
            if "server" not in crash and answered >= KILL_AFTER and writing(observer, "cluster-server-a"):
                cluster.kill(server_a)  # in the middle of a patient's post
                crash["server"] = answered
                make_reminders_due()
            time.sleep(0.005)
        for future in sent:
            future.result()
    assert crash.keys() == {"worker", "server"}, f"the stream ended before both kills: {crash}"
    assert max(crash.values()) < PATIENTS, f"a kill came after the last answer: {crash}"
    make_reminders_due()
    return patients, crash


def wait_for_mail(outbox, expected_count, timeout=CLAIM_SECONDS + 30):
    """Until nothing is owed and the outbox holds what was owed, then a moment more for late copies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not Delivery.objects.pending().exists() and len(outbox) >= expected_count:
            break
        time.sleep(0.2)
    time.sleep(CLAIM_SECONDS / 2)


KINDS = {
    "staff notices": re.compile(r"New consultation request ([A-Z0-9-]+)$"),
    "confirmations": re.compile(r"^We have your consultation request ([A-Z0-9-]+)$"),
    "reminders": re.compile(r"^Reminder: your visit \(([A-Z0-9-]+)\)$"),
}


def count_mail(subjects, expected):
    """{kind: (sent, expected, duplicates, lost)}; expected is {kind: set of references}."""
    received = {kind: Counter() for kind in KINDS}
    unknown = []
    for subject in subjects:
        matches = [(kind, pattern.search(subject)) for kind, pattern in KINDS.items()]
        found = [(kind, match.group(1)) for kind, match in matches if match]
        if len(found) != 1:
            unknown.append(subject)
            continue
        (kind, reference) = found[0]
        received[kind][reference] += 1
    assert unknown == [], f"mail nobody expected: {unknown}"
    rows = {}
    for kind, references in expected.items():
        counts = received[kind]
        duplicates = sum(count - 1 for count in counts.values() if count > 1)
        strangers = sum(count for reference, count in counts.items() if reference not in references)
        lost = sum(1 for reference in references if counts[reference] == 0)
        rows[kind] = (sum(counts.values()), len(references), duplicates + strangers, lost)
    return rows


def read_as_staff(base_url, admin, patients):
    """Every request's page and photo, through the surviving server: (pages, photos) read."""
    staff = sign_in(base_url, admin, TOTPDevice.objects.get(user=admin))

    def read(patient):
        consultation = ConsultationRequest.objects.get(reference=patient.reference)
        page = staff.get(f"/admin/consultations/consultationrequest/{consultation.pk}/change/")
        assert page.status == 200 and patient.reference in page.text
        photos = 0
        for photo_id in sorted(set(re.findall(r"/consultationrequest/photos/(\d+)/\"", page.text))):
            response = staff.get(f"/admin/consultations/consultationrequest/photos/{photo_id}/")
            if response.status != 200:
                continue  # counted as lost: the photo is not where this server looks
            mean = ImageStat.Stat(Image.open(io.BytesIO(response.body)).convert("RGB")).mean
            assert all(abs(m - c) < 12 for m, c in zip(mean, color(patient.number), strict=True)), (
                f"{patient.reference} shows another patient's photo"
            )
            photos += 1
        connection.close()  # this thread's own connection
        return photos

    # A few tabs at once, as a front desk works through a morning's requests.
    with ThreadPoolExecutor(4) as pool:
        photos = list(pool.map(read, patients))
    return len(photos), sum(photos)


def test_two_servers_one_killed_lose_nothing_and_repeat_nothing(two_servers, capsys):
    deployment = two_servers
    clinic()
    Practice.objects.update(booking_reminder_hours="48")  # one reminder per visit, told apart by reference
    admin, _device = staff_member("cluster-admin", superuser=True)
    started = time.monotonic()

    phases = {}

    def timed(name, function, *args):
        start = time.monotonic()
        result = function(*args)
        phases[name] = time.monotonic() - start
        return result

    shared = timed("page cache", check_page_cache, deployment, admin)
    limited = timed("rate limit", check_rate_limit, deployment)
    locked_at = timed("lockout", check_lockout, deployment)
    patients, crash = timed("stream", stream_with_crash, deployment)

    # Every patient who got an answer has one request, with its photo and its visit.
    references = [patient.reference for patient in patients]
    stored = ConsultationRequest.objects.filter(email__endswith="@cluster.example")
    assert Counter(stored.values_list("reference", flat=True)) == Counter(references + limited)
    for patient in patients:
        consultation = stored.get(reference=patient.reference)
        assert consultation.name == f"Patient {patient.number}" and consultation.photos.count() == 1
        assert (consultation.booking_id is not None) == (patient.visit is not None)

    booked = {patient.reference for patient in patients if patient.visit}
    everyone = set(references + limited)
    expected = {"staff notices": everyone, "confirmations": everyone, "reminders": booked}
    timed("mail", wait_for_mail, deployment.outbox, sum(len(refs) for refs in expected.values()))
    mail = count_mail(deployment.outbox.subjects(), expected)
    # The mail the killed worker was sending: claimed, never sent, sent by the other worker later.
    retaken = Delivery.objects.filter(attempts=2, sent_at__isnull=False).count()

    pages, photos = timed("staff reads", read_as_staff, deployment.urls[1], admin, patients)
    audited = AuditEntry.objects.filter(action=AuditEntry.Action.VIEW, user=admin).count()
    elapsed = time.monotonic() - started

    rows = {
        "requests": (len(stored), len(everyone), len(stored) - len(set(stored.values_list("reference", flat=True))), 0),
        "photos read by staff on B": (photos, PATIENTS, 0, PATIENTS - photos),
        **mail,
    }
    with capsys.disabled():
        print(f"\n\nTwo servers, two workers, nginx; server A and worker w1 killed (SIGKILL) mid-run ({elapsed:.0f} s)")
        print(f"{'':28}{'sent':>6}{'expected':>10}{'duplicates':>12}{'lost':>6}")
        for what, (count, owed, duplicates, lost) in rows.items():
            print(f"{what:28}{count:>6}{owed:>10}{duplicates:>12}{lost:>6}")
        print(
            f"server A killed after {crash['server']} of {PATIENTS} answers, worker w1 after {crash['worker']}; "
            f"{sum(p.retries for p in patients)} sends repeated by patients after a dropped connection; "
            f"{retaken} mail claimed by the killed worker sent by the other\n"
            f"page edited through A, read through B: {shared['stale pages']} stale; "
            f"form limit across servers: 5 accepted then 429; sign-in lockout at attempt {locked_at} "
            f"alternating servers, as on one; {pages} request pages and {audited} audit entries for them; "
            f"photos {PHOTO_STORE}\n" + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items())
        )
    assert all(duplicates == 0 and lost == 0 and count == owed for count, owed, duplicates, lost in rows.values()), rows
    assert retaken >= 1, "the killed worker's mail was never taken over"
    assert sum(patient.retries for patient in patients) >= 1, "the kill cut off no patient's post"
    assert audited == pages == PATIENTS
