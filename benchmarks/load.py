"""200 paras at work at once against a served Paradesk: errors, and p50/p95 of a sync batch and of
the Today page, against one para alone.

The district is a scale district (`paradesk demo --students 800`: about one para per 4 students,
1:1 paras with one student and small-group paras with six, every student with an active IEP). Each
of the first 200 paras has her own API token (sync) and her own signed-in session (the Today page,
as the browser opens it), and, in her own thread with one keep-alive connection:
- every 2.5-7.5 s (uniform, mean 5 s) sends a sync batch of a few records: a session of one of her
  students, 1-2 observations of that student's measures, and a note one time in three;
- every 20-40 s (uniform, mean 30 s) opens Today (`GET /today/`, the HTML page).
Why these think times: a para's device sends as soon as a data sheet is finished (store.js syncs
at once on queue), and a real para finishes a sheet every few minutes, so a batch every 5 s is
well above the real rate: 200 paras here make the sync traffic of a thousand or more. Today is
opened at the start of each activity and when she comes back to the list: every 30 s is again a
generous upper bound. The paras' first requests are spread over their think times, so they do not
all arrive in the same instant.

After a warm-up (10 s) the requests started in the next 60 s are counted. Floor, in the same run
and server: one para alone (the same kinds of request, 20 syncs and 20 Today pages one after
another, after the load, when every worker is warm). Also printed: the queries one request of
each kind makes (Django's test client in this process, same database), and the CPU used by this
client, by the server (gunicorn's processes) and by everything else (the database, other work on
the machine) during the counted window.

Server: gunicorn 3 processes x 4 threads (paradesk/gunicorn_conf.py's default): the work is Python,
one core per process at most (the GIL), so about as many processes as cores, plus one to use the
time the others wait on the database; a few threads a process overlap those waits without each
process queueing many requests behind its own GIL. `--server 2x4` (or any WxT) to try others.

Runs on SQLite (embedded), then under a throwaway PostgreSQL cluster. Aim: 0 errors, p95 under
300 ms on PostgreSQL.
Run: .venv/bin/python benchmarks/load.py [--quick] [--sqlite] [--server WxT]
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import (
    NETWORK_ERRORS,
    Http,
    Para,
    Server,
    clean_up,
    database_label,
    load_average,
    on_postgres,
    percentile,
    quick,
    session_cookie,
    set_up_django,
    signed_in,
    statuses,
    sync_body,
    then_under_postgres,
)

PARAS = 20 if quick() else 200
WARM_UP = 3.0 if quick() else 10.0
WINDOW = 10.0 if quick() else 60.0
SYNC_EVERY = (2.5, 7.5)
TODAY_EVERY = (20.0, 40.0)
FLOOR_REQUESTS = 20
PG_PORT = "54343"
SEED = 20261204
AIM_P95 = 0.300
# Facts any measure of these methods takes, whatever its settings (paradesk/recording/methods.py).
FACTS: dict[str, dict[str, Any]] = {
    "trials": {"trials": [{"response": "correct", "prompt": "independent"}] * 5},
    "count": {"events": [10.0, 75.5, 300.0]},
    "rate": {"events": [10.0, 75.5, 300.0]},
    "duration": {"episodes": [[10.0, 40.0], [100.0, 160.0]]},
}


def server_shape() -> tuple[int, int]:
    if "--server" in sys.argv:
        workers, threads = sys.argv[sys.argv.index("--server") + 1].split("x")
        return int(workers), int(threads)
    return 3, 4


# The district -----------------------------------------------------------------------------------------------


def build() -> list[Para]:
    """A scale district with at least PARAS paras; each of the first PARAS with a token, a session,
    her current students and their measures of the methods FACTS covers."""
    from paradesk.access import scopes
    from paradesk.access.models import ApiToken
    from paradesk.demo import build_scale
    from paradesk.people.models import RoleKind, Staff
    from paradesk.plans.models import Measure

    district = build_scale(4 * PARAS).district
    staff = Staff.objects.filter(district=district, roles__kind=RoleKind.PARA, roles__active=True).distinct()
    paras = []
    for person in staff.order_by("email")[:PARAS]:
        para = Para(person, ApiToken.issue(person, "benchmark")[1], session_cookie(person))
        para.students = [a.student for a in scopes.assignments_of(person).select_related("student")]
        for student in para.students:
            para.measures[student.pk] = list(
                Measure.objects.filter(plan__student=student, plan__status="active", method__in=FACTS)
            )
        paras.append(para)
    if len(paras) < PARAS:
        raise SystemExit(f"the scale district has {len(paras)} paras, fewer than {PARAS}")
    return paras


def records_for(para: Para, rng: random.Random) -> list[dict[str, Any]]:
    """A finished data sheet: a session of one of her students, 1-2 observations, sometimes a note."""
    student = rng.choice(para.students)
    now = datetime.datetime.now(datetime.UTC)
    at, started = now - datetime.timedelta(seconds=5), now - datetime.timedelta(minutes=10, seconds=5)
    times = {"started_at": started.isoformat(), "ended_at": at.isoformat()}

    def record(kind: str, **fields: Any) -> dict[str, Any]:
        return {"kind": kind, "id": str(uuid.uuid4()), "recorded_at": at.isoformat(), **fields}

    session = record("session", student_id=str(student.pk), setting="Resource room", **times)
    records = [session]
    measures = para.measures[student.pk]
    for measure in rng.sample(measures, min(len(measures), rng.randint(1, 2))):
        facts = FACTS[measure.method]
        records.append(
            record("observation", session_id=session["id"], measure_id=str(measure.pk), facts=facts, **times)
        )
    if rng.random() < 1 / 3:
        records.append(record("note", student_id=str(student.pk), text="Worked well after the break."))
    return records


# Requests ---------------------------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    started: float
    seconds: float
    error: str | None


def sync(http: Http, para: Para, rng: random.Random) -> str | None:
    status, answer = http.sync(para.token, sync_body(records_for(para, rng), f"load-{para.staff.pk}"))
    if status != 200:
        return f"sync {status}: {answer[:120]!r}"
    if set(statuses(answer)) != {"accepted"}:
        return f"sync: not every record accepted: {answer[:300]!r}"
    return None


def today(http: Http, para: Para, _rng: random.Random) -> str | None:
    status, answer = http.request("GET", "/today/", None, {"Cookie": para.cookie, "Accept": "text/html"})
    if status != 200:
        return f"today {status}: {answer[:120]!r}"
    return None


REQUESTS = {"sync": sync, "today": today}


def timed(kind: str, http: Http, para: Para, rng: random.Random) -> Sample:
    started = time.perf_counter()
    try:
        error = REQUESTS[kind](http, para, rng)
    except NETWORK_ERRORS as failure:
        error = f"{kind} {type(failure).__name__}: {failure}"
    return Sample(kind, started, time.perf_counter() - started, error)


def working(port: int, para: Para, seed: int, until: float, out: list[Sample]) -> None:
    """One para's day, compressed: syncs and Today pages at their think times until `until`."""
    rng = random.Random(seed)
    http = Http(port, timeout=60)
    due = {"sync": rng.uniform(0, SYNC_EVERY[1]), "today": rng.uniform(0, TODAY_EVERY[1])}
    every = {"sync": SYNC_EVERY, "today": TODAY_EVERY}
    began = time.perf_counter()
    while True:
        kind = min(due, key=lambda k: due[k])
        wait = began + due[kind] - time.perf_counter()
        if began + due[kind] >= until:
            break
        if wait > 0:
            time.sleep(wait)
        out.append(timed(kind, http, para, rng))
        due[kind] += rng.uniform(*every[kind])
    http.close()


def alone(port: int, para: Para) -> dict[str, float]:
    """The floor: one para, nobody else, each kind FLOOR_REQUESTS times (after 3 to warm up)."""
    rng = random.Random(SEED)
    http = Http(port)
    floor = {}
    for kind in REQUESTS:
        samples = [timed(kind, http, para, rng) for _ in range(FLOOR_REQUESTS + 3)][3:]
        errors = [s.error for s in samples if s.error]
        if errors:
            raise SystemExit(f"the floor failed: {errors[0]}")
        floor[kind] = statistics.median(s.seconds for s in samples)
    http.close()
    return floor


def queries_per_request(para: Para) -> dict[str, int]:
    """Queries one request of each kind makes, counted in this process with Django's test client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(SEED)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {para.token}")
    browser = signed_in(para.staff)
    counts = {}
    for kind, call in (
        (
            "sync",
            lambda: client.post("/api/v1/sync", sync_body(records_for(para, rng), "q"), "application/json"),
        ),
        ("today", lambda: browser.get("/today/")),
    ):
        call()  # the first request of a kind reads a few things once per process
        with CaptureQueriesContext(connection) as captured:
            response = call()
        assert response.status_code == 200, (kind, response.status_code)
        counts[kind] = len(captured)
    return counts


# CPU --------------------------------------------------------------------------------------------------------


def group_cpu(pgid: int) -> float:
    """CPU seconds used so far by the processes of a process group (gunicorn's master and workers)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> float:
    """CPU seconds used by the whole machine so far (every core, idle and waiting excluded)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    busy = sum(values) - values[3] - values[4]
    return busy / os.sysconf("SC_CLK_TCK")


@dataclass
class Cpu:
    client: float = 0.0
    server: float = 0.0
    machine: float = 0.0
    marks: list[tuple[float, float, float]] = field(default_factory=list)

    def mark(self, pgid: int) -> None:
        self.marks.append((time.process_time(), group_cpu(pgid), machine_cpu()))
        if len(self.marks) == 2:
            (c0, s0, m0), (c1, s1, m1) = self.marks
            self.client, self.server, self.machine = c1 - c0, s1 - s0, m1 - m0


# The run ----------------------------------------------------------------------------------------------------


def run_load(server: Server, paras: list[Para]) -> tuple[list[Sample], Cpu, float]:
    samples: list[Sample] = []
    start = time.perf_counter()
    counted_from, until = start + WARM_UP, start + WARM_UP + WINDOW
    threads = [
        threading.Thread(target=working, args=(server.port, p, SEED + n, until, samples), daemon=True)
        for n, p in enumerate(paras)
    ]
    for thread in threads:
        thread.start()
    cpu = Cpu()
    time.sleep(max(0.0, counted_from - time.perf_counter()))
    assert server.process is not None
    cpu.mark(server.process.pid)
    time.sleep(max(0.0, until - time.perf_counter()))
    cpu.mark(server.process.pid)
    for thread in threads:
        thread.join(timeout=120)
    return [s for s in samples if counted_from <= s.started < until], cpu, counted_from


def report(
    samples: list[Sample], floor: dict[str, float], queries: dict[str, int], cpu: Cpu, label: str
) -> int:
    errors_in_all = 0
    for kind in REQUESTS:
        mine = [s for s in samples if s.kind == kind]
        errors = [s.error for s in mine if s.error]
        errors_in_all += len(errors)
        times = [s.seconds for s in mine] or [0.0]
        p50, p95 = statistics.median(times), percentile(times, 95)
        print(
            f"load [{database_label()}, {label}] {PARAS} paras, {WINDOW:.0f} s: {kind} {len(mine)} requests "
            f"({len(mine) / WINDOW:.1f}/s), errors {len(errors)}, p50 {p50 * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms "
            f"= {p50 / floor[kind]:.1f}x / {p95 / floor[kind]:.1f}x floor (one para alone: p50 "
            f"{floor[kind] * 1000:.0f} ms); queries {queries[kind]}"
        )
        for error in sorted(set(errors))[:3]:
            print("  error:", error)
    other = cpu.machine - cpu.client - cpu.server
    print(
        f"  CPU in the {WINDOW:.0f} s (2 cores: {2 * WINDOW:.0f} s at most): client {cpu.client:.2f} s, "
        f"server {cpu.server:.1f} s, everything else (database, other work) {other:.1f} s; "
        f"load average {load_average()}"
    )
    return errors_in_all


def main() -> int:
    data_dir = set_up_django()
    paras = build()
    workers, threads = server_shape()
    server = Server(data_dir, workers, threads)
    server.start()
    server.warm()
    try:
        samples, cpu, _ = run_load(server, paras)
        floor = alone(server.port, paras[0])  # after the load: every worker is warm
    finally:
        server.stop()
    queries = queries_per_request(paras[0])
    errors = report(samples, floor, queries, cpu, server.label)
    clean_up(data_dir)
    p95_sync = percentile([s.seconds for s in samples if s.kind == "sync"] or [0.0], 95)
    p95_today = percentile([s.seconds for s in samples if s.kind == "today"] or [0.0], 95)
    if on_postgres() and max(p95_sync, p95_today) >= AIM_P95:
        print(f"  above the aim: p95 under {AIM_P95 * 1000:.0f} ms on PostgreSQL")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(then_under_postgres(main(), __file__, PG_PORT))
