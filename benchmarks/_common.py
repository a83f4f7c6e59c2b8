"""What every benchmark that needs Django shares: a throwaway data folder and database, Django set up
in this process and migrated (`set_up_django`, or `with_django` around a whole run), re-running a
script under a throwaway PostgreSQL cluster (scripts/with-postgres), signing a staff member in
(`signed_in`, `session_cookie`) and timing pages in-process against the bare-template floor. The served
benchmarks (concurrent_sync.py, chaos_sync.py, load.py) also use its paras with API tokens, gunicorn
in its own process group (so it can be killed whole) and a keep-alive HTTP client.

The pure benchmarks (district_analysis.py, schedule_solver.py) use no Django and none of this.
Not a benchmark: run_all.py skips modules whose name starts with `_`.
"""

from __future__ import annotations

import contextlib
import datetime
import http.client
import itertools
import json
import os
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_CHILD = "--postgres-child"
# What a request can fail with on the way: refused, reset, timed out, cut short, a garbled answer.
NETWORK_ERRORS = (OSError, http.client.HTTPException)

# In-process page timing: requests of a page, and warm-up requests before them.
PAGE_REQUESTS = 200
PAGE_WARM_UP = 5

if TYPE_CHECKING:
    from django.test import Client

    from paradesk.people.models import Staff, Student
    from paradesk.plans.models import Measure
    from paradesk.testing import Personas


# Set-up -----------------------------------------------------------------------------------------------------


def quick() -> bool:
    """Small scale while developing on shared cores: `--quick` or PARADESK_BENCH_QUICK=1."""
    return "--quick" in sys.argv or os.environ.get("PARADESK_BENCH_QUICK") == "1"


def on_postgres() -> bool:
    """This process is the PostgreSQL run (started by `rerun_under_postgres`)."""
    return POSTGRES_CHILD in sys.argv


def database_label() -> str:
    return "postgresql" if on_postgres() else "sqlite"


def set_up_django() -> str:
    """A throwaway data folder (removed at exit by `clean_up`), Django set up on it, migrated. On
    the PostgreSQL run DATABASE_URL names the throwaway cluster, whose database is made first."""
    sys.path.insert(0, str(ROOT))
    data_dir = tempfile.mkdtemp(prefix="paradesk-bench-")
    os.environ["PARADESK_DATA_DIR"] = data_dir
    if not on_postgres():
        os.environ.pop("DATABASE_URL", None)
    os.environ.pop("PARADESK_ENV", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "paradesk.settings"
    import django

    django.setup()
    if on_postgres():
        create_postgres_database()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return data_dir


def with_django(run: Callable[[], int]) -> int:
    """`run` (a benchmark's exit status) on a throwaway database set up by `set_up_django`, whose
    folder is removed afterwards whatever happens."""
    data_dir = set_up_django()
    try:
        return run()
    finally:
        clean_up(data_dir)


def clean_up(data_dir: str) -> None:
    from django.db import connections

    connections.close_all()
    shutil.rmtree(data_dir, ignore_errors=True)


def create_postgres_database() -> None:
    """The throwaway cluster has only the maintenance database: make the one DATABASE_URL names."""
    import psycopg
    from django.conf import settings

    db: dict[str, Any] = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def rerun_under_postgres(script: str, port: str) -> int:
    """The script again, in a new process under a throwaway PostgreSQL cluster on `port` (not the
    tests' 54329, so a test run elsewhere on the machine does not collide); 0 with a message when
    PostgreSQL's binaries are not installed."""
    name = Path(script).stem
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        print(
            f"{name}: PostgreSQL's server binaries are not installed (apt-get install postgresql-15): "
            "skipping the PostgreSQL run."
        )
        return 0
    env = {**os.environ, "PARADESK_PG_PORT": port}
    args = [a for a in sys.argv[1:] if a != "--sqlite"]
    command = [str(ROOT / "scripts" / "with-postgres"), sys.executable, script, POSTGRES_CHILD, *args]
    return subprocess.run(command, env=env, check=False).returncode


def then_under_postgres(status: int, script: str, port: str) -> int:
    """After a SQLite run that passed, the same script under PostgreSQL (`rerun_under_postgres`),
    unless this is that run already or `--sqlite` asks for SQLite only; else `status` as it is."""
    if status != 0 or on_postgres() or "--sqlite" in sys.argv:
        return status
    return rerun_under_postgres(script, port)


# People -----------------------------------------------------------------------------------------------------


@dataclass
class Para:
    """A simulated para: her API token (the sync API), her session cookie (the pages), her students
    and, per student, measures whose facts the benchmarks know how to make."""

    staff: Staff
    token: str
    cookie: str = ""
    students: list[Student] = field(default_factory=list)
    measures: dict[Any, list[Measure]] = field(default_factory=dict)


def para_on_student(personas: Personas, number: int, prefix: str = "bench") -> Para:
    """A new para of the test personas' district, assigned 1:1 to its student, with a token."""
    from paradesk.access.models import ApiToken
    from paradesk.people.models import Assignment, Role, RoleKind, Staff, TeamRole

    district, student = personas.district, personas.student
    staff = Staff.objects.create_user(
        email=f"{prefix}.para{number}@example.test", full_name=f"Para {number}", district=district
    )
    Role.objects.create(district=district, staff=staff, school=personas.school, kind=RoleKind.PARA)
    Assignment.objects.create(
        district=district,
        staff=staff,
        student=student,
        team_role=TeamRole.PARA_ONE_TO_ONE,
        start_date=datetime.date(2020, 8, 1),
    )
    return Para(staff, ApiToken.issue(staff, "benchmark")[1], students=[student])


def signed_in(staff: Staff) -> Client:
    """Django's test client with `staff` signed in: the tests' own helper (imported once Django is set up)."""
    from paradesk.testing import signed_in as signed_in_client

    return signed_in_client(staff)


def session_cookie(staff: Staff) -> str:
    """A signed-in session for `staff`, as a `Cookie` header for requests from outside the process."""
    from django.conf import settings

    name = settings.SESSION_COOKIE_NAME
    return f"{name}={signed_in(staff).cookies[name].value}"


# Pages in-process -------------------------------------------------------------------------------------------


def timed_ms(action: Callable[[], object], times: int) -> list[float]:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18]


def floor_ms() -> float:
    """Rendering the base template alone, with no request and so no context processors or queries:
    the pages' floor."""
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    def render() -> str:
        return render_to_string("web/base.html")

    with CaptureQueriesContext(connection) as queries:
        render()
    assert not queries.captured_queries, "the floor must make no queries"
    timed_ms(render, PAGE_WARM_UP)
    return p50(timed_ms(render, PAGE_REQUESTS))


def get_ok(client: Client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}, not 200")


def page_queries(staff: Staff, url: str) -> int:
    """Queries of one request, after a first one has filled the session and template caches."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(staff)
    get_ok(client, url)
    with CaptureQueriesContext(connection) as queries:
        get_ok(client, url)
    return len(queries.captured_queries)


def measure_page(client: Client, urls: list[str]) -> list[float]:
    """Server time of PAGE_REQUESTS requests cycling through the urls, after a few to warm caches."""
    for url in urls[:PAGE_WARM_UP]:
        get_ok(client, url)
    cycle = itertools.cycle(urls)
    return timed_ms(lambda: get_ok(client, next(cycle)), PAGE_REQUESTS)


# Serving ----------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """gunicorn (paradesk/gunicorn_conf.py) on 127.0.0.1 in its own process group, so that the
    master and its workers can be killed at once, as a power cut or an OOM kill would."""

    def __init__(self, data_dir: str, workers: int = 3, threads: int = 4) -> None:
        self.data_dir, self.workers, self.threads = data_dir, workers, threads
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def label(self) -> str:
        return f"gunicorn {self.workers}x{self.threads}"

    def start(self, timeout: float = 120) -> float:
        """Start and wait until the app answers a request (a worker has imported the whole URL
        configuration: seconds, as it imports WeasyPrint, pandas and OR-Tools); the seconds that took."""
        env = {
            **os.environ,
            "PARADESK_DATA_DIR": self.data_dir,
            "PARADESK_BIND": f"127.0.0.1:{self.port}",
            "PARADESK_WORKERS": str(self.workers),
            "PARADESK_THREADS": str(self.threads),
            "PARADESK_ACCESS_LOG": "/dev/null",
            "PYTHONPATH": str(ROOT),
        }
        command = [sys.executable, "-m", "gunicorn", "-c", "python:paradesk.gunicorn_conf"]
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [*command, "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                Http(self.port, timeout=timeout).request("GET", "/", None, {})
                return time.perf_counter() - started
            except NETWORK_ERRORS:
                time.sleep(0.1)
        self.kill()
        raise SystemExit(f"gunicorn did not start listening within {timeout:.0f} s")

    def warm(self) -> None:
        """A request to every worker thread at once, so each worker has loaded the app."""
        threads = [
            threading.Thread(target=Http(self.port).request, args=("GET", "/", None, {}))
            for _ in range(self.workers * self.threads)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once; wait until the master is gone."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=60)
        self.wait_workers_gone()
        self.process = None

    def wait_workers_gone(self) -> None:
        """Workers share the group; the port is free again once none is left."""
        assert self.process is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        self.process.wait(timeout=60)
        self.process = None


# HTTP -------------------------------------------------------------------------------------------------------


class Http:
    """One keep-alive connection to the server (as a browser keeps one), opened again after an error."""

    def __init__(self, port: int, timeout: float = 120) -> None:
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: str | None, headers: dict[str, str]) -> tuple[int, bytes]:
        if self.conn is not None and closed_by_server(self.conn):
            self.close()  # idle past the server's keep-alive time: a browser opens a new one
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            self.conn.request(method, path, body, headers)
            response = self.conn.getresponse()
            return response.status, response.read()
        except NETWORK_ERRORS:
            self.close()
            raise

    def sync(self, token: str, body: str) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        return self.request("POST", "/api/v1/sync", body, headers)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None


def closed_by_server(conn: http.client.HTTPConnection) -> bool:
    """The server has closed this idle connection (it is readable: at its end, with nothing to read)."""
    if conn.sock is None:
        return False
    readable, _, _ = select.select([conn.sock], [], [], 0)
    return bool(readable)


def sync_body(records: list[dict[str, Any]], device: str, sent_at: datetime.datetime | None = None) -> str:
    """The sync API's envelope (docs/api.md, "Sync")."""
    moment = sent_at or datetime.datetime.now(datetime.UTC)
    return json.dumps({"device": device, "sent_at": moment.isoformat(), "records": records})


def statuses(answer: bytes) -> list[str]:
    return [r["status"] for r in json.loads(answer)["results"]]


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def load_average() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())
