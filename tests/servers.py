"""Server processes for tests that need more than one process: gunicorn on loopback, on this run's database."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_env(**extra):
    """Environment for a server or worker process that uses this test run's database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "clinic_site.test_settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        **extra,
    }


ROOT = Path(__file__).resolve().parent.parent


def start_gunicorn(port, env, workers=1, threads=1, logs=None):
    """A gunicorn server on loopback, configured as `make serve` runs it, returned once it answers.

    logs: a directory to receive gunicorn's output (access log, error log and Django's log) as
    stdout.log and stderr.log; without it the output is discarded.
    """
    if logs is None:
        stdout = stderr = subprocess.DEVNULL
    else:
        stdout, stderr = (open(Path(logs) / name, "wb") for name in ("stdout.log", "stderr.log"))  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "clinic_site.wsgi",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        cwd=ROOT,
        env=env,
        stdout=stdout,
        stderr=stderr,
    )
    if logs is not None:
        stdout.close()
        stderr.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("gunicorn exited on start") from None
            time.sleep(0.1)
    stop(process)
    raise RuntimeError("gunicorn did not start")


def stop(process, timeout=20):
    """Stop a server as a supervisor would: SIGTERM, then wait for it (and its workers) to exit.

    gunicorn ends its workers on SIGTERM, so no worker is left holding a database connection.
    """
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout)
        raise


def start_redis(port, data_dir):
    """A Redis of the test's own on loopback that keeps its data across a restart (like a real one)."""
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "3600 1", "--appendonly", "no"]
        + ["--dir", str(data_dir), "--protected-mode", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("redis-server exited on start") from None
        time.sleep(0.1)
    stop(process)
    raise RuntimeError("redis-server did not start")


def start_manage(*args, env):
    """A long-running manage.py command (a task worker, the sweep) on this run's database; stop() ends it."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
