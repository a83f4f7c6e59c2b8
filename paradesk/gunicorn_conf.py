"""gunicorn's settings for `make serve` (`gunicorn -c python:paradesk.gunicorn_conf`), from
environment variables; docs/serving.md says what each is for."""

from __future__ import annotations

import os
from typing import Any

wsgi_app = "paradesk.wsgi:application"
# Behind a proxy on the same machine by default; PARADESK_BIND=0.0.0.0:8000 to listen on every address.
bind = [os.environ.get("PARADESK_BIND", "127.0.0.1:" + os.environ.get("PORT", "8000"))]
# Threads share a process's database connection pool and memory; a few processes use both cores.
workers = int(os.environ.get("PARADESK_WORKERS", "3"))
threads = int(os.environ.get("PARADESK_THREADS", "4"))
# A batch of 500 offline records or a progress report can take seconds on a busy machine.
timeout = int(os.environ.get("PARADESK_REQUEST_TIMEOUT", "60"))
# URLs name opaque ids only, so the access log holds no student's name.
accesslog = os.environ.get("PARADESK_ACCESS_LOG", "-")
errorlog = "-"


def on_starting(server: Any) -> None:
    """Read Paradesk's settings in the master before any worker boots: a misconfiguration (no secret
    key in production mode) is then one line and an exit, not a traceback in every worker."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "paradesk.settings")
    from paradesk.cli import exit_if_misconfigured

    exit_if_misconfigured()
