"""50 paras syncing at once against a served Paradesk on SQLite: does any batch fail, and how long
does a batch wait behind the others?

Serves the app with gunicorn (3 processes x 4 threads, the embedded SQLite database: WAL, busy
timeout, immediate transactions), then 50 simulated paras, each with its own API token, assigned
to the same student, send 6 sync batches each (300 batches of 20 records: 4 sessions with
3 trials observations each, and 4 notes) over real HTTP, all at once.
The floor, in the same run and server: one para alone sending 20 such batches one after another
(a batch's time when no one else writes). Prints batches, errors, p50, p95 and p50 / floor.

Run: .venv/bin/python benchmarks/concurrent_sync.py
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PARAS = 50
BATCHES_EACH = 6
FLOOR_BATCHES = 20
SESSIONS_A_BATCH = 4
WORKERS, THREADS = "3", "4"


def set_up_django(data_dir: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["PARADESK_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("PARADESK_ENV", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "paradesk.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build() -> tuple[list[tuple[str, Any]], Any]:
    """The test personas' district; 50 paras assigned to its student, each with a token."""
    from paradesk.access.models import ApiToken
    from paradesk.people.models import Assignment, Role, RoleKind, Staff, TeamRole
    from paradesk.testing import build_personas

    personas = build_personas()
    paras = []
    for n in range(PARAS):
        staff = Staff.objects.create_user(
            email=f"bench.para{n}@example.test", full_name=f"Para {n}", district=personas.district
        )
        Role.objects.create(
            district=personas.district, staff=staff, school=personas.school, kind=RoleKind.PARA
        )
        student = personas.student  # one plan whose measures every para records; same writes per batch
        Assignment.objects.create(
            district=personas.district,
            staff=staff,
            student=student,
            team_role=TeamRole.PARA_ONE_TO_ONE,
            start_date=datetime.date(2020, 8, 1),
        )
        paras.append((ApiToken.issue(staff, "benchmark")[1], student))
    return paras, personas.measure


def batch_body(student: Any, measure: Any) -> str:
    """20 records shaped as the sync tests' (paradesk/recording/tests/sync_records.py)."""
    from paradesk.recording.tests import sync_records as shape

    records: list[dict[str, Any]] = []
    for _ in range(SESSIONS_A_BATCH):
        session = shape.session(student)
        records.append(session)
        records += [shape.observation(session, measure, shape.TRIALS_FACTS) for _ in range(3)]
        records.append(shape.note(student))
    return json.dumps(shape.envelope(records))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(data_dir: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PARADESK_DATA_DIR": data_dir,
        "PARADESK_BIND": f"127.0.0.1:{port}",
        "PARADESK_WORKERS": WORKERS,
        "PARADESK_THREADS": THREADS,
        "PARADESK_ACCESS_LOG": "/dev/null",
        "PYTHONPATH": str(ROOT),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "python:paradesk.gunicorn_conf",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("gunicorn did not start listening within 120 s")


def post(conn: http.client.HTTPConnection, token: str, body: str) -> tuple[float, str | None]:
    """Seconds for one batch, and what went wrong if anything did."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    started = time.perf_counter()
    conn.request("POST", "/api/v1/sync", body, headers)
    response = conn.getresponse()
    answer = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        return elapsed, f"{response.status}: {answer[:120]!r}"
    if {r["status"] for r in json.loads(answer)["results"]} != {"accepted"}:
        return elapsed, f"not every record accepted: {answer[:200]!r}"
    return elapsed, None


def para(port: int, token: str, bodies: list[str], start: threading.Barrier, out: list[Any]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    start.wait()
    for body in bodies:
        try:
            out.append(post(conn, token, body))
        except (OSError, http.client.HTTPException) as error:
            out.append((0.0, f"{type(error).__name__}: {error}"))
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.close()


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def main() -> int:
    data_dir = tempfile.mkdtemp(prefix="paradesk-bench-")
    set_up_django(data_dir)
    paras, measure = build()
    floor_token, floor_student = paras[0]
    port = free_port()
    server = serve(data_dir, port)
    try:
        floor_bodies = [batch_body(floor_student, measure) for _ in range(FLOOR_BATCHES + 2)]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        alone = [post(conn, floor_token, body) for body in floor_bodies][2:]  # two to warm up
        conn.close()
        floor = statistics.median(t for t, _ in alone)

        results: list[Any] = []
        start = threading.Barrier(PARAS)
        threads = [
            threading.Thread(
                target=para,
                args=(
                    port,
                    token,
                    [batch_body(student, measure) for _ in range(BATCHES_EACH)],
                    start,
                    results,
                ),
            )
            for token, student in paras
        ]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=60)
    times = [t for t, _ in results]
    errors = [e for _, e in results if e]
    p50, p95 = statistics.median(times), percentile(times, 95)
    print(
        f"concurrent_sync [sqlite, gunicorn {WORKERS}x{THREADS}] {PARAS} paras, {len(results)} batches of "
        f"{SESSIONS_A_BATCH * 5} records in {wall:.1f} s: errors {len(errors)}, p50 {p50 * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms = {p50 / floor:.1f}x floor (one para alone: p50 {floor * 1000:.0f} ms)"
    )
    for error in sorted(set(errors))[:5]:
        print("  error:", error)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
