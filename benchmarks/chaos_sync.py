"""Exactly once under faults: 10,000 records through the sync API while batches are lost, answers
are lost, batches are delayed past newer ones and sent twice at once, and the server is killed
(SIGKILL to gunicorn's master and workers) in the middle of a batch and started again.

Four devices (paras, each with her own token, assigned to the test personas' student) behave as
the offline store does (paradesk/recording/static/recording/store.js): each record stays in the
device's outbox until an answer says `accepted` or `duplicate`; a sync sends every waiting record,
oldest first, at most 500 at a time; after a failed send the device waits (exponential backoff with
jitter, scaled down from store.js's 1 s-60 s to 50 ms-2 s so the run stays short) and sends again,
or sooner when it records something new. Each device records 4 sessions at a time (a session,
3 trials observations and a note each: 20 records), then syncs.

Between the device and the server a faulty link, seeded per device, does to each send one of:
- lose the request before the server (nothing sent; the device sees a failure);
- lose the answer after the server stored the batch (sent and answered; the device sees a failure);
- hold it back: the device sees a failure, and the link delivers the stale copy later, after 1-3
  newer sends of that device (reordered, and a duplicate of what the device sent again meanwhile);
- send it twice at once on two connections (both must be answered; the device takes the first);
- or pass it through.
Meanwhile the server is killed while a batch is in flight (after a random part of a batch's time
without faults) at evenly spaced points of the run, and started again on the same port.

At the end the script reads the database directly and prints sent, acknowledged, stored, lost (sent
but not stored) and duplicated (an id stored more than once across the record tables, and two
stored records alike in everything but their id and server-set fields). Exit 1 unless nothing is
lost or duplicated and every record is acknowledged.

Floor, in the same run and server: the same records (new ids, other paras) sent by the same devices
over a link without faults and with no kill. Prints the time ratio.

Runs on SQLite, then again under a throwaway PostgreSQL cluster (scripts/with-postgres).
Run: .venv/bin/python benchmarks/chaos_sync.py [--quick] [--sqlite]
"""

from __future__ import annotations

import contextlib
import datetime
import json
import random
import statistics
import sys
import threading
import time
import uuid
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import Any

from _common import (
    NETWORK_ERRORS,
    Http,
    Para,
    Server,
    clean_up,
    database_label,
    load_average,
    para_on_student,
    quick,
    set_up_django,
    sync_body,
    then_under_postgres,
)

RECORDS = 500 if quick() else 10_000
KILLS = 3 if quick() else 6
DEVICES = 4
SESSIONS_A_STEP = 4  # a session, 3 observations and a note each: 20 records recorded at a time
RECORDS_A_SESSION = 5
BATCH = 500  # store.js's BATCH, the sync API's limit
BACKOFF_BASE, BACKOFF_MAX = 0.05, 2.0  # store.js: 1 s doubling to 60 s, scaled down
PG_PORT = "54342"
SEED = 20261204
FAULTS = {"lose_request": 0.07, "lose_answer": 0.07, "hold_back": 0.06, "twice": 0.06}
SERVER_SET = {"id", "received_at", "clock_skew_seconds"}  # fields the server fills in


class Lost(Exception):
    """The device got no usable answer (timeout, reset, refused, or a server error)."""


# Records ----------------------------------------------------------------------------------------------------


def recordings(student: Any, measure: Any, count: int, tag: str) -> list[list[dict[str, Any]]]:
    """`count` records as steps of 20: each step 4 sessions, each with 3 trials observations and a
    note; every record's time is its own, so no two records are alike but for their id."""
    from paradesk.recording.tests import sync_records as shape

    now = datetime.datetime.now(datetime.UTC)
    steps: list[list[dict[str, Any]]] = []
    sessions = count // RECORDS_A_SESSION
    for n in range(sessions):
        at = now - datetime.timedelta(seconds=sessions - n, microseconds=n)
        session = shape.session(student, at=at, setting=f"{tag} room")
        records = [session]
        records += [observation(shape, session, measure, i) for i in range(3)]
        records.append(shape.note(student, text=f"{tag} session {n}"))
        if n % SESSIONS_A_STEP == 0:
            steps.append([])
        steps[-1] += records
    return steps


def observation(shape: Any, session: dict[str, Any], measure: Any, number: int) -> dict[str, Any]:
    """The session's `number`th observation: 4 trials and then `number` more correct ones."""
    trials = shape.TRIALS_FACTS["trials"] + [{"response": "correct", "prompt": "independent"}] * number
    return dict(shape.observation(session, measure, {"trials": trials}))


def fresh_ids(steps: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """The same records with new ids (observations follow their session's new id)."""
    renamed: dict[str, str] = {}
    out = []
    for step in steps:
        copy = []
        for record in step:
            new = {**record, "id": renamed.setdefault(record["id"], str(uuid.uuid4()))}
            if "session_id" in new:
                new["session_id"] = renamed[new["session_id"]]
            copy.append(new)
        out.append(copy)
    return out


# The link between a device and the server -------------------------------------------------------------------


@dataclass
class Tally:
    """What happened on the wire, for the report; shared by every device's link."""

    faults: Counter[str] = field(default_factory=Counter)
    server_errors: Counter[int] = field(default_factory=Counter)
    in_flight: dict[int, list[str]] = field(default_factory=dict)  # send number -> its record ids
    sends: int = 0
    seconds: list[float] = field(default_factory=list)  # each answered send's time
    lock: threading.Lock = field(default_factory=threading.Lock)

    def begin(self, ids: list[str]) -> int:
        with self.lock:
            self.sends += 1
            self.in_flight[self.sends] = ids
            return self.sends

    def end(self, number: int) -> None:
        with self.lock:
            self.in_flight.pop(number, None)


class Link:
    """A device's way to the server: real HTTP, with the faults drawn from a seeded random source."""

    def __init__(self, port: int, token: str, tally: Tally, seed: int | None) -> None:
        self.port, self.token, self.tally = port, token, tally
        self.http = Http(port, timeout=60)
        self.rng = random.Random(seed) if seed is not None else None
        self.held: list[tuple[int, str, list[str]]] = []  # (sends to wait, body, ids)

    def send(self, body: str, ids: list[str]) -> bytes:
        """The server's answer to this batch, or Lost."""
        self.deliver_held()
        fault = self.draw()
        if fault:
            self.tally.faults[fault] += 1
        if fault == "lose_request":
            raise Lost(fault)
        if fault == "hold_back":
            self.held.append((self.rng.randint(1, 3) if self.rng else 1, body, ids))
            raise Lost(fault)
        if fault == "twice":
            return self.twice(body, ids)
        answer = self.post(self.http, body, ids)
        if fault == "lose_answer":
            raise Lost(fault)
        return answer

    def draw(self) -> str | None:
        if self.rng is None:
            return None
        roll = self.rng.random()
        for name, chance in FAULTS.items():
            if roll < chance:
                return name
            roll -= chance
        return None

    def post(self, http: Http, body: str, ids: list[str]) -> bytes:
        number = self.tally.begin(ids)
        started = time.perf_counter()
        try:
            status, answer = http.sync(self.token, body)
        except NETWORK_ERRORS as error:
            raise Lost(type(error).__name__) from error
        finally:
            self.tally.end(number)
        self.tally.seconds.append(time.perf_counter() - started)
        if status != 200:
            with self.tally.lock:
                self.tally.server_errors[status] += 1
            raise Lost(f"answered {status}")
        return answer

    def twice(self, body: str, ids: list[str]) -> bytes:
        """The same batch on a second connection at the same moment; the first answer counts."""
        other: list[bytes | Exception] = []

        def copy() -> None:
            http = Http(self.port, timeout=60)
            try:
                other.append(self.post(http, body, ids))
            except Lost as error:
                other.append(error)
            http.close()

        thread = threading.Thread(target=copy)
        thread.start()
        try:
            return self.post(self.http, body, ids)
        finally:
            thread.join()

    def deliver_held(self) -> None:
        """Stale copies whose turn has come go out now, before the newer batch; answers ignored."""
        due = [h for h in self.held if h[0] <= 1]
        self.held = [(n - 1, b, i) for n, b, i in self.held if n > 1]
        for _n, body, ids in due:
            with contextlib.suppress(Lost):
                self.post(self.http, body, ids)

    def flush(self) -> None:
        while self.held:
            self.held = [(1, b, i) for _n, b, i in self.held]
            self.deliver_held()

    def close(self) -> None:
        self.http.close()


# A device ---------------------------------------------------------------------------------------------------


class Device:
    """The offline store: an outbox of records kept until acknowledged, sent oldest first."""

    def __init__(self, name: str, staff_id: Any, link: Link, steps: list[list[dict[str, Any]]]) -> None:
        self.name, self.staff_id, self.link, self.steps = name, staff_id, link, steps
        self.outbox: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.sent: set[str] = set()
        self.acknowledged: set[str] = set()
        self.rejected: dict[str, str] = {}
        self.failures = 0
        self.rng = random.Random(f"{SEED} {name}")
        self.acked_count = 0  # read by the killer thread to place its kills

    def run(self, deadline: float) -> None:
        for step in self.steps:
            for record in step:
                self.outbox.setdefault(record["id"], record)
            if not self.sync():
                time.sleep(self.backoff())  # the next recording comes at a person's pace
        while self.outbox and time.monotonic() < deadline:
            if not self.sync():
                time.sleep(self.backoff())
        self.link.flush()

    def sync(self) -> bool:
        """Send every waiting record (at most BATCH at a time); False when a send failed."""
        while self.outbox:
            batch = list(self.outbox.values())[:BATCH]
            ids = [r["id"] for r in batch]
            self.sent.update(ids)
            try:
                answer = self.link.send(sync_body(batch, self.name), ids)
            except Lost:
                self.failures += 1
                return False
            self.failures = 0
            self.apply(ids, answer)
        return True

    def apply(self, ids: list[str], answer: bytes) -> None:
        results = json.loads(answer)["results"]
        for record_id, result in zip(ids, results, strict=True):
            if result["status"] in ("accepted", "duplicate"):
                self.acknowledged.add(record_id)
            else:
                self.rejected[record_id] = result["reason"]
            self.outbox.pop(record_id, None)
        self.acked_count = len(self.acknowledged)

    def backoff(self) -> float:
        base = min(BACKOFF_MAX, BACKOFF_BASE * 2 ** max(0, self.failures - 1))
        return base / 2 + self.rng.random() * base / 2


# Killing the server -----------------------------------------------------------------------------------------


@dataclass
class Kill:
    """One kill: how many of the batches in flight were stored before it (whole, not, partly)."""

    whole: int = 0
    none: int = 0
    partly: int = 0
    restart_seconds: float = 0.0


class Killer(threading.Thread):
    """Kills the server KILLS times at evenly spaced points of the records acknowledged, each time
    while a batch is in flight, a random part of a batch's fault-free time (median) after it went out."""

    def __init__(self, server: Server, devices: list[Device], tally: Tally, batch_seconds: float) -> None:
        super().__init__(daemon=True)
        self.server, self.devices, self.tally = server, devices, tally
        self.batch_seconds = batch_seconds
        self.kills: list[Kill] = []
        self.rng = random.Random(SEED)
        self.done = threading.Event()

    def run(self) -> None:
        for n in range(1, KILLS + 1):
            point = RECORDS * n / (KILLS + 1)
            if not self.wait_for(lambda p=point: sum(d.acked_count for d in self.devices) >= p):
                return
            if not self.wait_for(lambda: bool(self.tally.in_flight)):
                return
            time.sleep(self.rng.random() * self.batch_seconds)
            with self.tally.lock:
                flying = list(self.tally.in_flight.values())
            self.server.kill()
            kill = stored_before(flying)
            kill.restart_seconds = self.server.start()
            self.kills.append(kill)

    def wait_for(self, condition: Any) -> bool:
        while not condition():
            if self.done.is_set():
                return False
            time.sleep(0.002)
        return True


# Reading the database ---------------------------------------------------------------------------------------


def stored_before(flying: list[list[str]]) -> Kill:
    """With the server dead (nothing writes), which of the batches in flight had been stored. "Partly"
    means only records that an earlier send had stored: a batch is one transaction."""
    from django.db import connection

    found = stored_ids()
    connection.close()  # this thread's own connection
    kill = Kill()
    for ids in flying:
        count = sum(1 for i in ids if i in found)
        kill.whole += count == len(ids)
        kill.none += count == 0
        kill.partly += 0 < count < len(ids)
    return kill


def stored_ids() -> Counter[str]:
    """Every record id in every record table, counted (an id twice would be a duplicate)."""
    from paradesk.recording.models import RECORD_MODELS

    found: Counter[str] = Counter()
    for model in RECORD_MODELS.values():
        found.update(str(i) for i in model._default_manager.values_list("id", flat=True))
    return found


def content_duplicates(staff_ids: list[Any]) -> int:
    """Stored records of these paras alike in every field but the ones the server sets."""
    from paradesk.recording.models import RECORD_MODELS

    extra = 0
    for kind, model in RECORD_MODELS.items():
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in SERVER_SET]
        rows = model._default_manager.filter(recorded_by_id__in=staff_ids).values_list(*names)
        seen = Counter(kind + json.dumps(row, default=str, sort_keys=True) for row in rows)
        extra += sum(n - 1 for n in seen.values() if n > 1)
    return extra


@dataclass
class Outcome:
    sent: int
    acknowledged: int
    stored: int
    lost: int
    duplicated_ids: int
    duplicated_content: int
    rejected: int
    seconds: float

    def ok(self) -> bool:
        return (
            self.lost == 0
            and self.duplicated_ids == 0
            and self.duplicated_content == 0
            and self.acknowledged == self.sent
        )


def outcome(devices: list[Device], seconds: float) -> Outcome:
    sent = set().union(*(d.sent for d in devices))
    acknowledged = set().union(*(d.acknowledged for d in devices))
    found = stored_ids()
    stored = {i for i in sent if i in found}
    return Outcome(
        sent=len(sent),
        acknowledged=len(acknowledged),
        stored=len(stored),
        lost=len(sent - stored),
        duplicated_ids=sum(found[i] - 1 for i in stored),
        duplicated_content=content_duplicates([d.staff_id for d in devices]),
        rejected=sum(len(d.rejected) for d in devices),
        seconds=seconds,
    )


# The run ----------------------------------------------------------------------------------------------------


def devices_for(
    paras: list[Para], steps: list[list[list[dict[str, Any]]]], port: int, tally: Tally, faults: bool
) -> list[Device]:
    devices = []
    for n, (para, own) in enumerate(zip(paras, steps, strict=True)):
        link = Link(port, para.token, tally, SEED + n if faults else None)
        devices.append(Device(f"bench-tablet-{n}", para.staff.pk, link, own))
    return devices


def run_devices(devices: list[Device]) -> float:
    deadline = time.monotonic() + 1800
    threads = [threading.Thread(target=d.run, args=(deadline,)) for d in devices]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for device in devices:
        device.link.close()
    return time.perf_counter() - began


def report(name: str, result: Outcome) -> None:
    print(
        f"chaos_sync [{database_label()}] {name}: sent {result.sent}, acknowledged {result.acknowledged}, "
        f"stored {result.stored}, lost {result.lost}, duplicated {result.duplicated_ids} by id and "
        f"{result.duplicated_content} by content, rejected {result.rejected}, in {result.seconds:.1f} s"
    )


def report_kills(killer: Killer) -> None:
    kills = killer.kills
    whole, none, partly = (sum(getattr(k, name) for k in kills) for name in ("whole", "none", "partly"))
    restarts = [k.restart_seconds for k in kills]
    span = f"{min(restarts):.1f}-{max(restarts):.1f} s" if restarts else "-"
    print(
        f"  kills {len(kills)} (SIGKILL to gunicorn's master and workers), back in {span}; batches in "
        f"flight at a kill {whole + none + partly}: stored before it {whole}, not stored {none}, partly "
        f"{partly} (the part an earlier send had stored)"
    )


@dataclass
class Run:
    floor: Outcome
    result: Outcome
    tally: Tally
    killer: Killer


def run(personas: Any, server: Server) -> Run:
    """A warm-up, the floor (no faults, other paras, new ids), then the same records with faults."""
    paras = [para_on_student(personas, n) for n in range(3 * DEVICES)]
    steps = [
        recordings(personas.student, personas.measure, RECORDS // DEVICES, f"device {n}")
        for n in range(DEVICES)
    ]
    warm_steps = [recordings(personas.student, personas.measure, 40, "warm-up") for _ in range(DEVICES)]
    # Every worker thread's first sync (its database connection, the API's first use) is not timed.
    run_devices(devices_for(paras[2 * DEVICES :], warm_steps, server.port, Tally(), faults=False))
    tally = Tally()
    floor_steps = [fresh_ids(s) for s in steps]
    floor_devices = devices_for(paras[DEVICES : 2 * DEVICES], floor_steps, server.port, tally, faults=False)
    floor = outcome(floor_devices, run_devices(floor_devices))
    batch_seconds = statistics.median(tally.seconds)
    tally = Tally()
    devices = devices_for(paras[:DEVICES], steps, server.port, tally, faults=True)
    killer = Killer(server, devices, tally, batch_seconds)
    killer.start()
    seconds = run_devices(devices)
    killer.done.set()
    killer.join()
    return Run(floor, outcome(devices, seconds), tally, killer)


def report_run(done: Run, server: Server) -> None:
    floor, result, tally = done.floor, done.result, done.tally
    report("no faults (floor)", floor)
    report("faults and kills", result)
    errors = dict(tally.server_errors) or "none"
    print(f"  faults: {dict(tally.faults)}; server errors answered: {errors}; sends {tally.sends}")
    report_kills(done.killer)
    down = sum(k.restart_seconds for k in done.killer.kills)
    print(
        f"  time with faults / floor = {result.seconds / floor.seconds:.2f}x "
        f"({result.seconds:.1f} s / {floor.seconds:.1f} s; without the {down:.1f} s the server took to "
        f"come back, {(result.seconds - down) / floor.seconds:.2f}x; {server.label}, "
        f"load average {load_average()})"
    )


def main() -> int:
    data_dir = set_up_django()
    from paradesk.testing import build_personas

    server = Server(data_dir)
    server.start()
    server.warm()
    try:
        done = run(build_personas(), server)
    finally:
        server.stop()
    report_run(done, server)
    clean_up(data_dir)
    if done.result.ok() and done.floor.ok() and len(done.killer.kills) == KILLS:
        return 0
    print("  FAILED: a record was lost, duplicated, rejected or never acknowledged, or a kill was missed")
    return 1


if __name__ == "__main__":
    sys.exit(then_under_postgres(main(), __file__, PG_PORT))
