# ruff: noqa: S603, S310 -- a local audit: fixed commands, loopback URLs only.
"""`make audit`: Lighthouse in its mobile configuration on five pages of the site, served as in
production, with each page's first-load weight and request count; fails below 100.

The site runs as `make serve` runs it: gunicorn (gunicorn.conf.py) with DJANGO_DEBUG off, static
files collected, hashed, compressed and served by whitenoise, PostgreSQL (a database of its own,
clinic_audit, created and dropped here) and Redis. Only HTTPS is left out (no redirect to it):
Lighthouse treats http://localhost as a secure origin. The server is stopped with SIGTERM.

Lighthouse (pinned in package-lock.json) drives Debian's Chromium (CHROME_PATH, headless). Its
performance score simulates a mid-range phone on a slow 4G network from a trace of this machine,
so a busy machine can cost points: each page is run AUDIT_RUNS times (3) and the median run is
kept, as Lighthouse's own documentation advises. The other three categories do not vary.

    make audit
    AUDIT_RUNS=5 AUDIT_REPORTS=/tmp/lighthouse make audit   # median of 5; JSON reports kept
    AUDIT_PAGES=condition,form make audit                  # some of the pages only
"""

import datetime
import gzip
import json
import os
import secrets
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import free_port, start_gunicorn, stop  # noqa: E402

# Debian's Chromium, with the flags the browser tests use (tests/conftest.py).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
PAGES = [
    ("home", "/"),
    ("condition", "/conditions/bells-palsy/"),
    ("treatment", "/treatments/botox/"),
    ("guide", "/eye-care/"),
    ("form", "/consultation/"),
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
RUNS = int(os.environ.get("AUDIT_RUNS", 3))
# AUDIT_PAGES=condition,form: only these (the names in the table).
ONLY = set(filter(None, os.environ.get("AUDIT_PAGES", "").split(",")))
REPORTS = os.environ.get("AUDIT_REPORTS")
DATABASE = "clinic_audit"
SERVER_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clinic").rsplit("/", 1)[0]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"


def recreate_database(drop_only=False):
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{DATABASE}"')


def production_env(port):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic_site.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"{SERVER_URL}/{DATABASE}",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "CLINIC_CACHE_PREFIX": f"clinic-audit-{port}",
        "CLINIC_SITE_URL": f"http://localhost:{port}",
        # Page views send no mail; the settings only need a well-formed address.
        "CLINIC_EMAIL_URL": "smtp://127.0.0.1:25",
        "DEFAULT_FROM_EMAIL": "clinic@clinic.example",
        "CLINIC_STAFF_EMAILS": "frontdesk@clinic.example",
        "DJANGO_LOG_LEVEL": "WARNING",
        # Required in production; pages send no photos, but the store needs a private place.
        "CLINIC_PHOTO_ROOT": str(Path(tempfile.gettempdir()) / f"clinic-audit-{port}-photos"),
    }


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def lighthouse(url, categories=CATEGORIES):
    """One Lighthouse run (mobile, the default configuration): its JSON result."""
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: run `npm ci` (make audit and make test do).")
    result = subprocess.run(
        [str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output-path=stdout"]
        + [f"--only-categories={','.join(categories)}", f"--chrome-flags={' '.join(CHROMIUM_ARGS)}"],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"Lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout)


def median_run(runs):
    """The run with the median performance score (Lighthouse's advice for variable scores)."""
    return sorted(runs, key=lambda report: report["categories"]["performance"]["score"])[len(runs) // 2]


def compressed_weight(report):
    """Bytes on the wire behind a compressing proxy: what was not compressed is gzipped here."""
    total = 0
    for item in report["audits"]["network-requests"]["details"]["items"]:
        if item.get("resourceSize", 0) and item.get("transferSize", 0) > item["resourceSize"]:
            with urllib.request.urlopen(item["url"], timeout=10) as response:
                total += len(gzip.compress(response.read(), 9))
        else:
            total += item.get("transferSize", 0)
    return total


def lost_points(report):
    """The audits that cost a category its 100, by category."""
    lost = {}
    for name, category in report["categories"].items():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                lost.setdefault(name, []).append(f"{ref['id']} ({audit['score']:.2f}: {audit.get('displayValue', '')})")
    return lost


def main():
    port = free_port()
    env = production_env(port)
    recreate_database()
    server = None
    rows, failures = [], {}
    try:
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        manage(env, "load_content", "--verbosity", "0")
        server = start_gunicorn(port, env, workers=2)
        for name, path in [(name, path) for name, path in PAGES if not ONLY or name in ONLY]:
            url = f"http://localhost:{port}{path}"
            urllib.request.urlopen(url, timeout=30).read()  # warm the page cache, as a live site is
            runs = [lighthouse(url) for _ in range(RUNS)]
            report = median_run(runs)
            if REPORTS:
                Path(REPORTS).mkdir(parents=True, exist_ok=True)
                (Path(REPORTS) / f"{name}.json").write_text(json.dumps(report))
            scores = [round(report["categories"][category]["score"] * 100) for category in CATEGORIES]
            requests = report["audits"]["network-requests"]["details"]["items"]
            served = report["audits"]["total-byte-weight"]["numericValue"]
            all_performance = "/".join(str(round(run["categories"]["performance"]["score"] * 100)) for run in runs)
            weight = compressed_weight(report)
            rows.append((f"{path} ({name})", *scores, served, weight, len(requests), all_performance))
            if min(scores) < 100:
                failures[path] = lost_points(report)
        version = runs[0]["lighthouseVersion"]
    finally:
        if server is not None:
            stop(server)
        recreate_database(drop_only=True)

    print(f"Lighthouse {version}, mobile (simulated slow 4G, 4x CPU slowdown), Chromium at {CHROMIUM},")
    print(f"{datetime.date.today().isoformat()}, gunicorn with DJANGO_DEBUG off; median of {RUNS} run(s) per page.")
    print("weight: bytes transferred as served (gunicorn leaves HTML uncompressed: the proxy compresses);")
    print("gzip: the same with the HTML compressed, as behind the proxy.")
    print()
    header = f"{'page':<34} {'perf':>4} {'a11y':>4} {'best':>4} {'seo':>4} {'weight':>9} {'gzip':>8} {'requests':>8}"
    print(header)
    print("-" * len(header))
    for page, performance, accessibility, best, seo, served, compressed, requests, runs in rows:
        print(
            f"{page:<34} {performance:>4} {accessibility:>4} {best:>4} {seo:>4} {served / 1000:>6.1f} KB"
            f" {compressed / 1000:>5.1f} KB {requests:>8}" + (f"   (runs: {runs})" if RUNS > 1 else "")
        )
    if failures:
        print()
        for path, lost in failures.items():
            for category, audits in lost.items():
                print(f"{path} {category}: {'; '.join(audits)}")
        raise SystemExit("Below 100: see the audits above.")


if __name__ == "__main__":
    main()
