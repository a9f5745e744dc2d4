"""A two-server deployment on loopback, for tests/test_cluster.py: Debian's nginx sending requests in
turn to two gunicorn servers, two task workers and the mail sweep, all on one PostgreSQL and one
Redis, and a mail server that keeps every message it receives. Plus the crash: SIGKILL."""

import asyncio
import contextlib
import email
import email.header
import http.cookiejar
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

from aiosmtpd.controller import Controller

from tests.servers import ROOT, stop

NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def wait_for_port(port, process, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{what} exited on start") from None
            time.sleep(0.05)
    stop(process)
    raise RuntimeError(f"{what} did not start")


def shipped_location_block():
    """The `location / { … }` of deploy/nginx-clinic.conf that sends requests to the app servers:
    the proxy in the test passes the same headers, buffers uploads and keeps connections alike."""
    text = (ROOT / "deploy" / "nginx-clinic.conf").read_text()
    blocks = re.findall(r"location / \{[^}]*\}", text)
    (block,) = [block for block in blocks if "proxy_pass http://clinic_app;" in block]
    return re.sub(r"#[^\n]*", "", block)


def start_nginx(port, app_ports, directory):
    """nginx in front of the app servers, round-robin, as deploy/nginx-clinic.conf sets it up (without TLS)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    # Run as root, nginx's workers drop to "nobody": they must reach their temporary files.
    directory.chmod(0o755)
    upstream = "\n".join(f"server 127.0.0.1:{app} max_fails=2 fail_timeout=10s;" for app in app_ports)
    config = directory / "nginx.conf"
    config.write_text(
        f"""
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {directory}/access.log;
    client_body_temp_path {directory}/client_body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    upstream clinic_app {{
        {upstream}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 64m;
        proxy_read_timeout 120s;
        {shipped_location_block()}
    }}
}}
"""
    )
    process = subprocess.Popen(
        [NGINX, "-p", str(directory), "-c", str(config), "-e", str(directory / "error.log"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=open(directory / "stderr.log", "wb"),  # noqa: SIM115 (the process keeps it)
    )
    return wait_for_port(port, process, "nginx")


def manage(arguments, env, log):
    """A manage.py command as a process of its own (a worker, the sweep), its output in the log file."""
    with open(log, "wb") as output:
        return subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), *arguments], cwd=ROOT, env=env, stdout=output, stderr=output
        )


def start_task_worker(worker_id, env, log):
    arguments = ["db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2", "--worker-id", worker_id]
    return manage(arguments, env, log)


def start_sweep(env, log, every=1):
    return manage(["resend_consultation_notices", "--every", str(every)], env, log)


def wait_until_serving(base_url, timeout=60):
    """Until the server's worker has loaded the app and answers (gunicorn binds its port before that)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            time.sleep(0.1)
    raise RuntimeError(f"{base_url} does not answer")


def kill(process):
    """SIGKILL a process and its children together, as a crash or the kernel's OOM killer would:
    nothing is finished, nothing cleaned up, no connection closed politely."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    for pid in [process.pid, *map(int, children)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(10)


class Outbox:
    """Every message the mail relays received, whichever relay took it."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    def add(self, content):
        with self.lock:
            self.messages.append(email.message_from_bytes(content))

    def __len__(self):
        return len(self.messages)

    def subjects(self):
        with self.lock:
            return [str(email.header.make_header(email.header.decode_header(m["Subject"]))) for m in self.messages]


class Relay:
    """An aiosmtpd handler. With hold_from set, the first message once the outbox holds that many
    stalls before it is sent (at RCPT, so nothing is delivered), until `release` is set: a worker
    caught mid-send, to be killed there."""

    def __init__(self, outbox, hold_from=None):
        self.outbox = outbox
        self.hold_from = hold_from
        self.held = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's hook)
        if self.hold_from is not None and len(self.outbox) >= self.hold_from and not self.held.is_set():
            self.held.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.outbox.add(envelope.content)
        return "250 OK"


def start_relay(handler, port):
    # aiosmtpd logs every connection at INFO: hundreds of lines that say nothing here.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class Browser:
    """Pages over real HTTP with cookies, as a browser gets them; redirects are returned, not followed."""

    def __init__(self, base_url, forwarded_for=None):
        self.base_url = base_url.rstrip("/")
        self.headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def open(self, path, data=None, headers=None):
        request = urllib.request.Request(self.base_url + path, data=data, headers={**self.headers, **(headers or {})})
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        return Response(response.status, response.headers, response.read())

    def get(self, path):
        return self.open(path)

    def post(self, path, fields):
        return self.open(path, urllib.parse.urlencode(fields, doseq=True).encode())

    def follow(self, path):
        """(path, response) of the page the redirects from this path end at."""
        for _redirect in range(5):
            response = self.get(path)
            if response.status not in (301, 302, 303):
                return path, response
            path = urllib.parse.urljoin(path, response.headers["Location"])
        raise RuntimeError(f"too many redirects from {path}")

    def submit_form(self, path, changes=None, form_id=None):
        """GET the page, then POST its form back as a browser would, with these fields changed."""
        fields = form_fields(self.get(path).text, form_id)
        return self.post(path, {**fields, **(changes or {})})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.done = False
        self.fields = {}
        self.select = self.textarea = None

    def add(self, name, value):
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done and (self.form_id is None or attrs.get("id") == self.form_id):
            self.inside = True
        if not self.inside or not attrs.get("name") and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.add(attrs["name"], attrs.get("value", "on" if kind in ("checkbox", "radio") else ""))
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.add(self.select, attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.add(self.textarea, "")

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea and self.fields[self.textarea][-1].startswith("\n"):
                self.fields[self.textarea][-1] = self.fields[self.textarea][-1][1:]  # as HTML parsing drops it
            self.textarea = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_fields(html, form_id=None):
    """What a browser would send for the form (the first one, or the one with this id) as it stands:
    inputs, ticked boxes, chosen options and text areas; {name: [values]}."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.fields
