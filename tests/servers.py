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
    stop_gunicorn(process)
    raise RuntimeError("gunicorn did not start")


def stop_gunicorn(process, timeout=20):
    """SIGTERM, as a service manager stops it, and wait until it has exited (its logs are flushed)."""
    process.send_signal(signal.SIGTERM)
    process.wait(timeout)
