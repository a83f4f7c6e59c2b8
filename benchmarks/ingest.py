"""Ingest through the sync API against a floor: the same rows inserted with the database driver alone.

Sends 20,000 mixed records (sessions; observations of eight methods; ABC incidents, accommodation
deliveries, service logs, care logs and notes) in 40 batches of 500 through the real HTTP stack: a
WSGI server (wsgiref) on 127.0.0.1 in a thread of this process, HTTP requests with a Bearer token,
the whole Django middleware, ninja parsing, per-record checks, bulk inserts and audit entries.
The floor: the very rows the ingest stored (records and audit entries, with new ids) inserted again
with the driver's `executemany`, in 40 transactions, values prepared beforehand. The aim is within
5x the floor.

Runs on SQLite (a throwaway database, PARADESK_DATA_DIR) and then on PostgreSQL: it re-runs itself
under scripts/with-postgres (a throwaway cluster), or says why it skips that run.

Run: .venv/bin/python benchmarks/ingest.py           (both databases)
     .venv/bin/python benchmarks/ingest.py --sqlite  (SQLite only)
"""

from __future__ import annotations

import datetime
import http.client
import json
import sys
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

from _common import then_under_postgres, with_django

BATCHES = 40
BATCH_SIZE = 500
PG_PORT = "54341"  # not the tests' 54329, so a test run elsewhere on the machine does not collide
AIM = 5.0

if TYPE_CHECKING:
    from django.db.models import Model

    from paradesk.plans.models import Measure
    from paradesk.testing import Personas


def sync_exists() -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("api:sync_records")
    except NoReverseMatch:
        return "The sync API (operation sync_records) does not exist yet, so there is nothing to measure."
    return None


# The district ---------------------------------------------------------------------------------------


def build() -> tuple[Personas, list[Measure], str]:
    """The test personas' student with measures of eight methods, and the assigned para's token."""
    from paradesk.access.models import ApiToken
    from paradesk.plans.models import Measure, Method
    from paradesk.testing import build_personas

    personas = build_personas()
    goal, plan, district = personas.goal, personas.plan, personas.district
    extra: list[dict[str, Any]] = [
        {"method": Method.RATE},
        {"method": Method.DURATION},
        {"method": Method.PARTIAL_INTERVAL, "interval_seconds": 30, "interval_count": 20},
        {"method": Method.RATING, "rating_min": 1, "rating_max": 5},
        {"method": Method.PERMANENT_PRODUCT},
        {"method": Method.TASK_ANALYSIS, "task_steps": ["a", "b", "c", "d"], "chaining": "forward"},
    ]
    for fields in extra:
        Measure.objects.create(district=district, plan=plan, goal=goal, name=str(fields["method"]), **fields)
    measures = list(Measure.objects.filter(plan=plan).exclude(method=Method.ABC))
    _token, raw = ApiToken.issue(personas.assigned_para, "benchmark")
    return personas, measures, raw


FACTS: dict[str, Any] = {
    "trials": {"trials": [{"response": "correct", "prompt": "independent"}] * 6},
    "count": {"events": [10.0, 75.5, 300.0]},
    "rate": {"events": [10.0, 75.5, 300.0], "incorrect_events": [50.0]},
    "duration": {"episodes": [[10.0, 40.0], [100.0, 160.0]]},
    "partial_interval": {"intervals": [True, False] * 10},
    "rating": {"rating": 4},
    "permanent_product": {"attempted": 10, "correct": 8, "minutes": 5},
    "task_analysis": {"steps": ["independent", "verbal", "independent", "not_done"]},
}


def batch(personas: Personas, measures: list[Measure], index: int) -> list[dict[str, Any]]:
    """500 records: 100 sessions with two observations each, and 40 of each log kind."""
    from django.utils import timezone

    from paradesk.plans.models import AbcOption, Accommodation, Service

    now = datetime.datetime.now(datetime.UTC)
    student = str(personas.student.id)
    option = str(AbcOption.objects.filter(plan=personas.plan).values_list("id", flat=True)[0])
    accommodation = str(Accommodation.objects.filter(plan=personas.plan).values_list("id", flat=True)[0])
    service = str(Service.objects.filter(plan=personas.plan).values_list("id", flat=True)[0])
    records: list[dict[str, Any]] = []

    def base(kind: str, minutes_ago: float, **fields: Any) -> dict[str, Any]:
        at = (now - datetime.timedelta(minutes=minutes_ago)).isoformat()
        return {"kind": kind, "id": str(uuid.uuid4()), "recorded_at": at, **fields}

    for n in range(100):
        ended, started = now - datetime.timedelta(minutes=2), now - datetime.timedelta(minutes=12)
        times = {"started_at": started.isoformat(), "ended_at": ended.isoformat()}
        session = base("session", 2, student_id=student, setting="Resource room", **times)
        records.append(session)
        for measure in (
            measures[(index + 2 * n) % len(measures)],
            measures[(index + 2 * n + 1) % len(measures)],
        ):
            facts = FACTS[measure.method]
            records.append(
                base(
                    "observation",
                    2,
                    session_id=session["id"],
                    measure_id=str(measure.id),
                    facts=facts,
                    **times,
                )
            )
    today = timezone.localdate().isoformat()  # the school's date: UTC's is a day ahead in the evening
    for n in range(40):
        at = (now - datetime.timedelta(minutes=n)).isoformat()
        records += [
            base(
                "abc_incident", 3, student_id=student, occurred_at=at, antecedent_codes=[option], intensity=2
            ),
            base("accommodation_delivery", 3, accommodation_id=accommodation, date=today, status="delivered"),
            base("service_log", 3, service_id=service, date=today, minutes=30, status="delivered"),
            base("care_log", 3, student_id=student, occurred_at=at, care_kind="toileting"),
            base("note", 3, student_id=student, text="Worked well today."),
        ]
    assert len(records) == BATCH_SIZE
    return records


# Through HTTP -----------------------------------------------------------------------------------------


def serve() -> tuple[Any, int]:
    """The project's WSGI application on a free local port, in a thread of this process."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from paradesk.wsgi import application

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = make_server("127.0.0.1", 0, application, handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_port


def send_all(port: int, token: str, batches: list[list[dict[str, Any]]]) -> float:
    """Seconds to send every batch, one request after the other; every record must be accepted."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    bodies = [
        json.dumps(
            {"device": "bench", "sent_at": datetime.datetime.now(datetime.UTC).isoformat(), "records": b}
        )
        for b in batches
    ]
    started = time.perf_counter()
    for body in bodies:
        conn.request("POST", "/api/v1/sync", body, headers)
        response = conn.getresponse()
        answer = response.read()
        if response.status != 200:
            raise SystemExit(f"sync answered {response.status}: {answer[:500]!r}")
        statuses = {r["status"] for r in json.loads(answer)["results"]}
        if statuses != {"accepted"}:
            raise SystemExit(f"not every record was accepted: {answer[:1000]!r}")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


# The floor ----------------------------------------------------------------------------------------------


def stored_rows(after_audit_id: int) -> list[tuple[str, list[str], list[list[Any]]]]:
    """Every row the ingest wrote, per table, as the driver takes them, each record with a new id."""
    from django.db import connection

    from paradesk.access.models import AuditEntry
    from paradesk.recording.models import RECORD_MODELS

    tables = []
    models: list[type[Model]] = [*RECORD_MODELS.values(), AuditEntry]
    for model in models:
        fields = [f for f in model._meta.concrete_fields if not (model is AuditEntry and f.name == "id")]
        rows = model._default_manager.all()
        if model is AuditEntry:
            rows = rows.filter(id__gt=after_audit_id)
        prepared = []
        for obj in rows.order_by():
            if model is not AuditEntry:
                obj.pk = uuid.uuid4()
                obj.corrects_id = None  # type: ignore[attr-defined]
            prepared.append([f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields])
        tables.append((model._meta.db_table, [str(f.column) for f in fields], prepared))
    return tables


def insert_floor(tables: list[tuple[str, list[str], list[list[Any]]]]) -> float:
    """Seconds to insert the rows with the driver alone, in BATCHES transactions."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    mark = "?" if connection.vendor == "sqlite" else "%s"
    statements = [
        (
            f'INSERT INTO "{table}" ({", ".join(f'"{c}"' for c in columns)}) '
            f"VALUES ({', '.join([mark] * len(columns))})",
            rows,
        )
        for table, columns, rows in tables
    ]
    started = time.perf_counter()
    for index in range(BATCHES):
        cursor = raw.cursor()
        # Django keeps the driver in autocommit: one explicit transaction a batch, as the ingest has.
        cursor.execute("BEGIN")
        for sql, rows in statements:
            share = len(rows) // BATCHES + 1
            chunk = rows[index * share : (index + 1) * share]
            if chunk:
                cursor.executemany(sql, chunk)
        cursor.execute("COMMIT")
    return time.perf_counter() - started


def count_rows() -> int:
    from paradesk.recording.models import RECORD_MODELS

    return sum(model._default_manager.count() for model in RECORD_MODELS.values())


def run() -> int:
    from django.db import connection

    from paradesk.access.models import AuditEntry

    missing = sync_exists()
    if missing:
        print(f"ingest: FAILED. {missing}", file=sys.stderr)
        return 2
    personas, measures, token = build()
    batches = [batch(personas, measures, i) for i in range(BATCHES)]
    last_audit = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    connection.close()  # the server thread opens its own
    server, port = serve()
    try:
        through_http = send_all(port, token, batches)
    finally:
        server.shutdown()
    stored = count_rows()
    tables = stored_rows(last_audit)
    written = sum(len(rows) for _t, _c, rows in tables)
    floor = insert_floor(tables)
    if count_rows() != 2 * stored:
        raise SystemExit("the floor did not insert the same rows")
    records = BATCHES * BATCH_SIZE
    ratio = through_http / floor
    print(
        f"ingest [{connection.vendor}] {records} records in {BATCHES} batches of {BATCH_SIZE}: "
        f"sync API {through_http:.2f} s ({records / through_http:.0f} records/s, "
        f"{through_http / BATCHES * 1000:.0f} ms a batch) = {ratio:.2f}x floor "
        f"({floor:.2f} s: executemany of the same {written} rows, records and audit entries)"
    )
    if ratio > AIM:
        print(f"ingest [{connection.vendor}]: above the aim of {AIM:.0f}x the floor")
    return 0


if __name__ == "__main__":
    sys.exit(then_under_postgres(with_django(run), __file__, PG_PORT))
