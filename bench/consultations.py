# ruff: noqa: S603, S310 -- a local load generator: fixed commands, loopback URLs only.
"""Throughput and latency of consultation form submissions, against gunicorn on loopback.

Each simulated patient opens the form (GET: CSRF cookie and one-time token) and sends it (POST,
302 to the confirmation). Only the POST is timed for the latency figures; throughput counts
complete submissions. The run is bounded by both a count and a time limit. It uses a database of
its own (clinic_bench), created and dropped here, with the production settings over plain http
(clinic_site.test_settings) and the rate limit on, each patient coming from its own address.

    make bench                      # defaults below
    BENCH_REQUESTS=1000 BENCH_CONCURRENCY=16 BENCH_SECONDS=120 BENCH_WORKERS=4 make bench

On a shared 2-core machine the server and this load generator compete: compare figures from the
same run or the same machine, not absolute numbers.
"""

import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 300))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", 8))
SECONDS = float(os.environ.get("BENCH_SECONDS", 60))
WORKERS = int(os.environ.get("BENCH_WORKERS", 2))
THREADS = int(os.environ.get("BENCH_THREADS", 4))
DATABASE = "clinic_bench"
SERVER_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clinic").rsplit("/", 1)[0]

ANSWERS = {
    "name": "Bench Patient",
    "phone": "202 555 0143",
    "preferred_contact": "phone",
    "best_time": "morning",
    "concern": "not-sure",
    "onset": "6-months",
    "patient_type": "new",
    "consent_to_contact": "on",
    "privacy_acknowledged": "on",
}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recreate_database(drop_only=False):
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{DATABASE}"')


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def start_server(env, port):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "clinic_site.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)]
        + ["--threads", str(THREADS), "--log-level", "warning"]
        # gunicorn reads ./gunicorn.conf.py by itself; its access log would drown the figures.
        + ["--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/consultation/", timeout=2).read()  # noqa: S310
            return process
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def submit(base_url, number):
    """One patient: open the form, send it. (seconds for the POST, whether it was accepted)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)
    # 10.x.y.z: a distinct client address per patient, so the rate limit is exercised, not hit.
    headers = {"X-Forwarded-For": f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"}
    html = opener.open(urllib.request.Request(f"{base_url}/consultation/", headers=headers), timeout=30).read()
    html = html.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode(
        {**ANSWERS, "message": f"Bench request {number}", "csrfmiddlewaretoken": csrf, "form_token": token}
    ).encode()
    request = urllib.request.Request(
        f"{base_url}/consultation/",
        data=body,
        headers={**headers, "Referer": f"{base_url}/consultation/"},
        method="POST",
    )
    started = time.perf_counter()
    try:
        response = opener.open(request, timeout=30)
        status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return time.perf_counter() - started, status == 302


def percentile(sorted_values, fraction):
    if not sorted_values:
        return float("nan")
    index = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def run_load(base_url):
    latencies, failures = [], 0
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS
    counter = iter(range(REQUESTS))

    def patient(_slot):
        nonlocal failures
        while time.monotonic() < deadline:
            with lock:
                number = next(counter, None)
            if number is None:
                return
            try:
                seconds, accepted = submit(base_url, number)
            except (OSError, AttributeError):
                seconds, accepted = None, False
            with lock:
                if accepted:
                    latencies.append(seconds)
                else:
                    failures += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        list(pool.map(patient, range(CONCURRENCY)))
    return latencies, failures, time.perf_counter() - started


def stored_requests():
    with psycopg.connect(f"{SERVER_URL}/{DATABASE}") as connection:
        return connection.execute("SELECT count(*) FROM consultations_consultationrequest").fetchone()[0]


def main():
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic_site.test_settings",
        "DATABASE_URL": f"{SERVER_URL}/{DATABASE}",
        "CLINIC_CONSULTATION_MIN_FILL_SECONDS": "0",
        "CLINIC_CACHE_PREFIX": f"clinic-bench-{port}",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    recreate_database()
    server = None
    try:
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "load_content", "--verbosity", "0")
        server = start_server(env, port)
        base_url = f"http://127.0.0.1:{port}"
        submit(base_url, REQUESTS)  # warm up each code path once before timing (a number the run never uses)
        latencies, failures, elapsed = run_load(base_url)
        stored = stored_requests() - 1
    finally:
        if server is not None:
            server.terminate()
            server.wait(15)
        recreate_database(drop_only=True)

    latencies.sort()
    print(f"consultation form submissions: gunicorn {WORKERS} workers x {THREADS} threads, {CONCURRENCY} clients")
    print(f"  sent {len(latencies) + failures} (limit {REQUESTS} or {SECONDS:.0f} s), accepted {len(latencies)}")
    print(f"  failed {failures}, stored {stored}")
    print(f"  elapsed {elapsed:.2f} s, throughput {len(latencies) / elapsed:.1f} submissions/s (GET form + POST)")
    if latencies:
        print(
            f"  POST latency: p50 {percentile(latencies, 0.50) * 1000:.1f} ms, "
            f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, mean {statistics.fmean(latencies) * 1000:.1f} ms, "
            f"max {latencies[-1] * 1000:.1f} ms"
        )
    if failures or stored != len(latencies):
        raise SystemExit("some submissions failed or were not stored")


if __name__ == "__main__":
    main()
