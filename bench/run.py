# ruff: noqa: S603, S607, S310 -- a local load generator: fixed commands, loopback URLs only.
"""`make bench`: requests per second and p50/p99 latency of the site in its production configuration.

The site runs as `make serve` runs it: gunicorn (gunicorn.conf.py, BENCH_WORKERS sync workers,
default 3 like WEB_CONCURRENCY) with the production settings (clinic_site.settings, DJANGO_DEBUG
off), PostgreSQL and Redis, static files collected with hashed names and served by whitenoise. It
listens on loopback over plain HTTP: every request carries `X-Forwarded-Proto: https`, as the TLS
proxy in front would send it, so the site behaves as behind TLS (no redirect, HSTS, secure
cookies, the CSRF Referer check), but the cost of TLS itself, paid by the proxy, is not measured.

wrk (BENCH_CONNECTIONS connections, default 32, BENCH_WRK_THREADS threads) measures, one after the
other, each for BENCH_SECONDS after a BENCH_WARMUP_SECONDS warm-up: a hashed static file, the home
page, a condition page, a treatment page (all three from the page cache), the form page, and form
submissions (bench/submit.lua: each a valid form with its own one-time token and its own client
address, so the rate limit is counted, never reached). Each row's throughput and p99 are compared
with the static file's, against the targets below, and the table is printed and written to
bench/results.md.

Bench-only settings, and why: CLINIC_CONSULTATION_MIN_FILL_SECONDS=0 (the forms are written
before the run, and a machine fills a form in no time); everything else is production's.

The bench has a database of its own (<test database>_bench, created and dropped here) and its own
Redis key prefix (deleted at the end). On a shared machine the server and wrk compete for the same
cores: compare rows of one run, and runs on the same, quiet machine.
"""

import http.client
import json
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results.md"

SECONDS = int(os.environ.get("BENCH_SECONDS", 10))
WARMUP_SECONDS = int(os.environ.get("BENCH_WARMUP_SECONDS", 2))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 32))
WRK_THREADS = int(os.environ.get("BENCH_WRK_THREADS", 2))
WORKERS = int(os.environ.get("BENCH_WORKERS", 3))
# Forms written before the run; each is sent once (more than a run can send on a fast machine).
SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", 20000))
CSRF = []  # the CSRF token the written forms carry (write_submissions)
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clinic")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

# Targets: a cached page costs about what a static file costs; a submission is quick.
PAGE_THROUGHPUT_RATIO = 0.7
PAGE_P99_RATIO = 1.5
SUBMISSION_P99_MS = 100

ANSWERS = {
    "for_whom": "self",
    "name": "Bench Patient",
    "phone": "202 555 0143",
    "preferred_contact": "phone",
    "best_time": "morning",
    "bothers": "smile",
    "onset": "6-months",
    "patient_type": "new",
    "consent_to_contact": "on",
}
HTTPS = {"X-Forwarded-Proto": "https"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_database():
    server, name = DATABASE_URL.rsplit("/", 1)
    return server, f"{name}_bench"


def recreate_database(drop_only=False):
    server, name = bench_database()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{name}"')


def server_env(port, static_root):
    """The production configuration, with throwaway secrets and this run's database and key prefix."""
    server, name = bench_database()
    base = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "CLINIC_"))}
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "clinic_site.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DATABASE_URL": f"{server}/{name}",
        "REDIS_URL": REDIS_URL,
        "CLINIC_CACHE_PREFIX": f"clinic-bench-{port}",
        # Staff notices are queued as tasks in the database; no worker runs, so nothing is sent.
        "CLINIC_EMAIL_URL": "smtp://127.0.0.1:25",
        "CLINIC_SITE_URL": "https://clinic.example",
        "CLINIC_STAFF_EMAILS": "frontdesk@clinic.example",
        "DEFAULT_FROM_EMAIL": "clinic@clinic.example",
        "CLINIC_CONSULTATION_MIN_FILL_SECONDS": "0",
        # Required in production; the bench sends no photos, but the store gets a private place.
        "CLINIC_PHOTO_ROOT": str(Path(static_root).parent / "patient-photos"),
    }


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def fetch(port, path, method="GET", headers=None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers={**HTTPS, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def start_server(env, port, log):
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "clinic_site.wsgi", "--config", "gunicorn.conf.py"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if fetch(port, "/healthz")[0] == 200:
                return process
        except OSError:
            if process.poll() is not None:
                break
        time.sleep(0.2)
    stop(process)
    raise SystemExit("gunicorn did not start (its log is above)")


def stop(process):
    if process.poll() is None:
        process.terminate()
    process.wait(60)


def write_submissions(env, port, paths):
    """Files of valid forms, one per line, each with its own form token and client address.

    One file per wrk run, so that no form is sent twice; returns the CSRF cookie they go with.
    """
    status, headers, body = fetch(port, "/consultation/")
    if status != 200:
        raise SystemExit(f"the form answered {status}")
    cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    CSRF[:] = [csrf]
    # Form tokens are signed with the server's key: issue them with the site's own code.
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from consultations.form_tokens import issue_token

    number = 0
    for path in paths:
        with open(path, "w") as lines:
            for _ in range(SUBMISSIONS):
                fields = {**ANSWERS, "message": f"Bench request {number}", "csrfmiddlewaretoken": csrf}
                fields["form_token"] = issue_token()
                address = f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"
                lines.write(f"{address}\t{urllib.parse.urlencode(fields)}\n")
                number += 1
    return f"csrftoken={cookie}"


def open_calendar():
    """Three team members seeing patients every day 8:00-18:00 for a 30-minute visit type: the form
    then offers times (the slot search runs on every form page) and submissions can book them.
    Returns the values of every free time, earliest first, each as often as team members are free."""
    from datetime import time as clock

    from booking.models import VisitType, WeeklyHours
    from consultations import visit_choice
    from practice.models import TeamMember

    visit = VisitType.objects.create(name="New consultation, in person", minutes=30, notice_hours=24)
    for number in range(3):
        member = TeamMember.objects.create(name=f"Dr. Bench {number}", role="Surgeon")
        visit.clinicians.add(member)
        for weekday in range(1, 8):
            WeeklyHours.objects.create(team_member=member, weekday=weekday, starts=clock(8), ends=clock(18))
    from booking.availability import openings

    return [visit_choice.value(visit, opening.starts_at) for opening in openings(visit)]


def write_bookings(path, times):
    """Forms that each book one of `times` (every value once), with its own token and address."""
    from consultations.form_tokens import issue_token

    with open(path, "w") as lines:
        for number, value in enumerate(times):
            fields = {**ANSWERS, "message": f"Bench booking {number}", "csrfmiddlewaretoken": CSRF[0]}
            fields.update(form_token=issue_token(), visit=value)
            address = f"10.200.{number >> 8 & 255}.{number & 255}"
            lines.write(f"{address}\t{urllib.parse.urlencode(fields)}\n")


def request_costs(port, count=40, booking_times=()):
    """Queries and where the time goes for one form page and one submission, measured in this process.

    The same code, settings and database as the server under test, through Django's test client
    (so no queue and no network): statements counted as the database sees them (savepoints
    included), time split by a profile into SQL, template rendering and the rest (form checks,
    CSRF and form token, middleware). Called after write_submissions, which set Django up.
    """
    import cProfile
    import pstats
    import statistics

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from consultations.form_tokens import issue_token

    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")

    def form_page(number):
        return client.get("/consultation/")

    def submission(number):
        # Addresses apart from write_submissions' 10.x.x.x ones: the rate limit counts each once.
        fields = {**ANSWERS, "message": f"Cost request {number}", "form_token": issue_token()}
        return client.post("/consultation/", fields, HTTP_X_FORWARDED_FOR=f"172.16.{number >> 8 & 255}.{number & 255}")

    def booking(number):
        fields = {**ANSWERS, "message": f"Cost booking {number}", "form_token": issue_token()}
        fields["visit"] = booking_times[-1 - number]  # from the end: wrk books from the start
        return client.post("/consultation/", fields, HTTP_X_FORWARDED_FOR=f"172.17.{number >> 8 & 255}.{number & 255}")

    costs = {}
    sends = [("Form page, with times", form_page, 200), ("Form submission", submission, 302)]
    if booking_times:
        sends.append(("Form submission booking a time", booking, 302))
    for name, send, expected in sends:
        for number in range(5):  # warm caches and imports, as a running worker has
            send(number)
        with CaptureQueriesContext(connection) as queries:
            status = send(5).status_code
        # Counted now: the requests below reset Django's query log, which `queries` only slices.
        statements = len(queries)
        if status != expected:
            raise SystemExit(f"{name} answered {status} in process, not {expected}")
        times, profile = [], cProfile.Profile()
        for number in range(6, 6 + count):
            started = time.perf_counter()
            profile.runcall(send, number)
            times.append(time.perf_counter() - started)
        stats = pstats.Stats(profile).stats
        total = sum(entry[3] for key, entry in stats.items() if key[2] == "request_consultation")

        costs[name] = {
            "queries": statements,
            "ms": statistics.median(times) * 1000,
            "sql": _share(stats, total, "psycopg/cursor.py", "execute"),
            "templates": _share(stats, total, "django/shortcuts.py", "render"),
        }
    return costs


def _share(stats, total, module, function):
    """The part of `total` (seconds) that a profile's `stats` spent in one function, callees included."""
    spent = sum(entry[3] for key, entry in stats.items() if key[0].endswith(module) and key[2] == function)
    return spent / total if total else 0


def costs_table(costs):
    lines = [
        "| One at a time, in process | SQL statements | median ms, profiled | in SQL | rendering | the rest |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for name, cost in costs.items():
        sql, templates = cost["sql"], cost["templates"]
        rest = 1 - sql - templates
        lines.append(f"| {name} | {cost['queries']} | {cost['ms']:.1f} | {sql:.0%} | {templates:.0%} | {rest:.0%} |")
    return "\n".join(lines)


def wrk(url, seconds, script="report.lua", extra_env=None, connections=CONNECTIONS):
    threads = min(WRK_THREADS, connections)
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s"]
    # After "--", for bench/submit.lua: how many threads share out the forms.
    command += ["-H", "X-Forwarded-Proto: https", "-s", str(BENCH / script), url, "--", str(threads)]
    result = subprocess.run(
        command, env={**os.environ, "BENCH_DIR": str(BENCH), **(extra_env or {})}, capture_output=True, text=True
    )
    match = re.search(r"^BENCH_JSON (.*)$", result.stdout, re.MULTILINE)
    if result.returncode != 0 or match is None:
        raise SystemExit(f"wrk failed:\n{result.stdout}\n{result.stderr}")
    figures = json.loads(match.group(1))
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def stored_requests(env):
    with psycopg.connect(env["DATABASE_URL"]) as connection:
        return connection.execute("SELECT count(*) FROM consultations_consultationrequest").fetchone()[0]


def versions(env):
    with psycopg.connect(env["DATABASE_URL"]) as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0].split()[0]
    redis_version = redis.Redis.from_url(REDIS_URL).info("server")["redis_version"]
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()[1]
    return (
        f"Python {platform.python_version()}, Django {version('django')}, gunicorn {version('gunicorn')}, "
        f"PostgreSQL {postgres}, Redis {redis_version}, wrk {wrk_version.split('/')[-1]}"
    )


def machine():
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{model}, {os.cpu_count()} cores, Linux {platform.release()}; load average {load} before the run"


def table(rows):
    static = rows[0]
    lines = [
        "| What | Request | req/s | p50 ms | p99 ms | req/s ÷ static | p99 ÷ static p99 | Target |",
        "|---|---|--:|--:|--:|--:|--:|---|",
    ]
    for row in rows:
        ratio, p99_ratio = row["rps"] / static["rps"], row["p99_us"] / static["p99_us"]
        if row["requests"] == 0:
            target = "**no answer in the run**"
        elif row["kind"] == "page":
            met = ratio >= PAGE_THROUGHPUT_RATIO and p99_ratio <= PAGE_P99_RATIO
            target = f"≥ {PAGE_THROUGHPUT_RATIO} and ≤ {PAGE_P99_RATIO}: {'met' if met else '**missed**'}"
        elif row["kind"] == "submission":
            met = row["p99_us"] / 1000 < SUBMISSION_P99_MS
            target = f"p99 < {SUBMISSION_P99_MS} ms: {'met' if met else '**missed**'}"
        else:
            target = "baseline" if row is static else ""
        lines.append(
            f"| {row['name']} | `{row['request']}` | {row['rps']:,.0f} | {row['p50_us'] / 1000:.1f} "
            f"| {row['p99_us'] / 1000:.1f} | {ratio:.2f} | {p99_ratio:.2f} | {target} |"
        )
    return "\n".join(lines)


def main():
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: run 'make wrk' (or apt-get install wrk) and try again.")
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="clinic-bench-"))
    env = server_env(port, workdir / "static")
    log_path = workdir / "gunicorn.log"
    recreate_database()
    server = None
    try:
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "load_content", "--verbosity", "0")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        with open(log_path, "wb") as log:
            server = start_server(env, port, log)
        base = f"http://127.0.0.1:{port}"
        hashed_css = json.loads((workdir / "static" / "staticfiles.json").read_text())["paths"]["css/site.css"]
        targets = [
            ("Static file (hashed)", "static", f"GET /static/{hashed_css}"),
            ("Home page", "page", "GET /"),
            ("Condition page", "page", "GET /conditions/bells-palsy/"),
            ("Treatment page", "page", "GET /treatments/botox/"),
            ("Form page (with times to book)", "form", "GET /consultation/"),
        ]
        for _name, _kind, request in targets:
            status = fetch(port, request.split()[1])[0]
            if status != 200:
                raise SystemExit(f"{request} answered {status}")
        # Submissions: a warm-up, the measured run, and a run with one client per server worker,
        # where nothing waits in a queue and the latency is a submission's own cost.
        runs = [
            ("warm-up", CONNECTIONS, WARMUP_SECONDS, None),
            ("measured", CONNECTIONS, SECONDS, "Form submissions"),
            ("unqueued", WORKERS, SECONDS, f"Form submissions, {WORKERS} clients (one per worker, no queue)"),
        ]
        forms = {run: workdir / f"forms-{run}.tsv" for run, *_ in runs}
        cookie = write_submissions(env, port, forms.values())
        times = open_calendar()
        forms["bookings"] = workdir / "forms-bookings.tsv"
        write_bookings(forms["bookings"], times[: len(times) - 60])
        runs.append(("bookings", CONNECTIONS, SECONDS, "Form submissions booking a time"))
        costs = request_costs(port, booking_times=times)
        stored_before = stored_requests(env)
        header = (
            f"gunicorn {WORKERS} sync workers, production settings; wrk {CONNECTIONS} connections, "
            f"{WRK_THREADS} threads, {SECONDS} s per row after {WARMUP_SECONDS} s of warm-up; "
            "plain HTTP on loopback with X-Forwarded-Proto: https (TLS itself not measured)"
        )
        print(header, flush=True)
        rows = []
        for name, kind, request in targets:
            url = base + request.split()[1]
            wrk(url, WARMUP_SECONDS)
            rows.append({"name": name, "kind": kind, "request": request, **wrk(url, SECONDS)})
            print(f"  {name}: {rows[-1]['rps']:,.0f} req/s, p99 {rows[-1]['p99_us'] / 1000:.1f} ms", flush=True)
        submitted = []
        for run, connections, seconds, name in runs:
            submit_env = {
                "BENCH_SUBMISSIONS": str(forms[run]),
                "BENCH_COOKIE": cookie,
                "BENCH_REFERER": f"https://127.0.0.1:{port}/consultation/",
            }
            figures = wrk(f"{base}/consultation/", seconds, "submit.lua", submit_env, connections)
            submitted.append(figures)
            if name:
                rows.append({"name": name, "kind": "submission", "request": "POST /consultation/", **figures})
                print(f"  {name}: {figures['rps']:,.0f} req/s, p99 {figures['p99_us'] / 1000:.1f} ms", flush=True)
        # gunicorn finishes the requests under way before it stops: count what they stored too.
        stop(server)
        stored = stored_requests(env) - stored_before
        about = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}.\n{versions(env)}; {header}."
    except BaseException:
        if log_path.exists():
            print(log_path.read_text(errors="replace")[-5000:], file=sys.stderr)
        raise
    finally:
        if server is not None:
            stop(server)
        recreate_database(drop_only=True)
        cache = redis.Redis.from_url(REDIS_URL)
        for key in cache.scan_iter(f"{env['CLINIC_CACHE_PREFIX']}:*"):
            cache.delete(key)
        shutil.rmtree(workdir, ignore_errors=True)

    sent, accepted, refused, resent = (
        sum(run[name] for run in submitted) for name in ("sent", "accepted", "refused", "resent")
    )
    socket_errors = sum(row["socket_errors"] for row in rows)
    bad_status = sum(row["bad_status"] for row in rows)
    checks = (
        f"Submissions: {sent} sent, {accepted} answered 302 (accepted), {refused} answered otherwise, "
        f"{resent} sent twice (out of forms: raise BENCH_SUBMISSIONS); {stored} stored (those under way when "
        "a run ended included). "
        f"Socket errors {socket_errors}, answers other than 2xx/3xx {bad_status}."
    )
    result = f"{table(rows)}\n\n{about}\n{checks}\n\n{costs_table(costs)}\n"
    print("\n" + result)
    RESULTS.write_text(f"# `make bench`: latest results\n\n{result}")
    print(f"(written to {RESULTS.relative_to(ROOT)})")
    # Nothing lost (every accepted form stored), nothing made up (no more stored than sent).
    unanswered = any(row["requests"] == 0 for row in rows)
    if not accepted - resent <= stored <= sent - resent or refused or socket_errors or bad_status or unanswered:
        raise SystemExit("some requests failed or went unanswered, or accepted forms were not stored (see above)")


if __name__ == "__main__":
    main()
