"""Server processes for tests that need more than one process: gunicorn on loopback, on this run's database."""

import os
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


def start_gunicorn(port, env, workers=1, threads=1):
    """A gunicorn server on loopback, returned once it answers."""

    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "clinic_site.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("gunicorn exited on start") from None
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")
