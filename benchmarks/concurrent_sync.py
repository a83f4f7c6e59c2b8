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

import json
import statistics
import sys
import threading
import time
from typing import Any

from _common import (
    NETWORK_ERRORS,
    Http,
    Para,
    Server,
    clean_up,
    para_on_student,
    percentile,
    set_up_django,
    statuses,
)

PARAS = 50
BATCHES_EACH = 6
FLOOR_BATCHES = 20
SESSIONS_A_BATCH = 4
WORKERS, THREADS = 3, 4


def build() -> tuple[list[Para], Any]:
    """The test personas' district; 50 paras assigned to its student, each with a token."""
    from paradesk.testing import build_personas

    personas = build_personas()
    # One plan whose measures every para records: the same writes per batch.
    return [para_on_student(personas, n) for n in range(PARAS)], personas.measure


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


def post(http: Http, token: str, body: str) -> tuple[float, str | None]:
    """Seconds for one batch, and what went wrong if anything did."""
    started = time.perf_counter()
    status, answer = http.sync(token, body)
    elapsed = time.perf_counter() - started
    if status != 200:
        return elapsed, f"{status}: {answer[:120]!r}"
    if set(statuses(answer)) != {"accepted"}:
        return elapsed, f"not every record accepted: {answer[:200]!r}"
    return elapsed, None


def para(port: int, token: str, bodies: list[str], start: threading.Barrier, out: list[Any]) -> None:
    http = Http(port)
    start.wait()
    for body in bodies:
        try:
            out.append(post(http, token, body))
        except NETWORK_ERRORS as error:
            out.append((0.0, f"{type(error).__name__}: {error}"))
    http.close()


def main() -> int:
    data_dir = set_up_django()
    paras, measure = build()
    server = Server(data_dir, WORKERS, THREADS)
    server.start()
    server.warm()
    port = server.port
    try:
        floor_bodies = [batch_body(paras[0].students[0], measure) for _ in range(FLOOR_BATCHES + 2)]
        http = Http(port)
        alone = [post(http, paras[0].token, body) for body in floor_bodies][2:]  # two to warm up
        http.close()
        floor = statistics.median(t for t, _ in alone)

        results: list[Any] = []
        start = threading.Barrier(PARAS)
        threads = [
            threading.Thread(
                target=para,
                args=(
                    port,
                    p.token,
                    [batch_body(p.students[0], measure) for _ in range(BATCHES_EACH)],
                    start,
                    results,
                ),
            )
            for p in paras
        ]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
    finally:
        server.stop()
        clean_up(data_dir)
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
