"""Exactly-once ingest of a batch (docs/architecture.md#nothing-lost): each record answered on its
own, the accepted ones written with their audit entries in one transaction.

Each record is accepted (stored now), duplicate (already stored with that id, by the caller: nothing
changes) or rejected (with a reason and field errors; the device keeps it and shows why). One bad
record never stops the others. Each kind is then inserted with one statement, and the batch's audit
entries with one more (paradesk.access.audit.record_many).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from paradesk.access import audit
from paradesk.access.models import AuditAction, AuditEntry
from paradesk.bulk import insert_rows
from paradesk.people.models import Staff, Student
from paradesk.recording.models import RECORD_MODELS, Observation, Record
from paradesk.recording.sync.batch import (
    RECORD_LIMIT,
    SKEW_FLAG_SECONDS,
    Batch,
    Stored,
    loose_key,
    new_batch,
    parse,
    read_batch,
)
from paradesk.recording.sync.checks import check_correction, check_staff, check_times
from paradesk.recording.sync.kinds import BUILDERS
from paradesk.recording.sync.schemas import BatchResult, RecordIn, RecordResult, Refused, fields_refused


def already_stored(kind: str, record_id: uuid.UUID | None, batch: Batch) -> RecordResult | None:
    """A record with this id exists: the caller's of the same kind is a duplicate (nothing changes,
    whatever it says now); anyone else's, or one of another kind, is refused without saying anything
    about it."""
    if record_id is None:
        return None
    found = batch.stored.get(kind, {}).get(record_id)
    if found is not None and found.recorded_by_id == batch.actor.id:
        return RecordResult(record_id, kind, "duplicate")
    if found is None and not any(record_id in stored for stored in batch.stored.values()):
        return None
    reason = _("This id is already used by another record.")
    return RecordResult(record_id, kind, "rejected", reason, {"id": [reason]})


def take(
    item: object, parsed: RecordIn | Refused, key: tuple[str, uuid.UUID | None], batch: Batch
) -> RecordResult:
    kind, record_id = key
    known = already_stored(kind, record_id, batch)
    if known is not None:
        return known
    try:
        if isinstance(parsed, Refused):
            raise parsed
        accept(kind, parsed, batch)
    except Refused as refused:
        return RecordResult(record_id, kind, "rejected", refused.reason, refused.errors)
    return RecordResult(record_id, kind, "accepted")


def accept(kind: str, record: RecordIn, batch: Batch) -> None:
    """Check one parsed record against the batch; keep its row to insert, or raise Refused."""
    check_staff(record, batch)
    errors: dict[str, list[str]] = {}
    row, student = BUILDERS[kind](record, batch, errors)
    check_times(record, student, batch, errors)
    target = check_correction(kind, record, student, batch, errors)
    if errors:
        raise fields_refused(errors)
    remember(kind, row, student, batch, target)


def remember(kind: str, row: Record, student: Student, batch: Batch, target: Stored | None) -> None:
    batch.accepted[kind].append(row)
    stored = Stored(
        row.id, batch.actor.id, student.id, row.recorded_at, current=True, voided=False, instance=row
    )
    batch.stored[kind][row.id] = stored
    if kind == "session":
        batch.sessions[row.id] = stored
    batch.audit.append(audit_entry(batch, AuditAction.CREATE, kind, row.id, student))
    if target is None:
        return
    target.current = False
    if target.instance is not None:
        target.instance.superseded_at = batch.received_at
    else:
        batch.superseded[kind].append(target.id)
    batch.audit.append(audit_entry(batch, AuditAction.CORRECT, kind, target.id, student, ["superseded_at"]))


def audit_entry(
    batch: Batch,
    action: AuditAction,
    kind: str,
    record_id: uuid.UUID,
    student: Student,
    changed: Iterable[str] = (),
) -> AuditEntry:
    """An entry of the batch, at the moment it was received (written with the rows, one insert)."""
    return audit.entry(
        at=batch.received_at,
        actor=batch.actor,
        action=action,
        object_type=RECORD_MODELS[kind]._meta.label_lower,
        object_id=str(record_id),
        student_id=student.id,
        district_id=student.district_id,
        changed_fields=changed,
    )


# Sent once a batch's transaction has committed, with ``measure_ids``: the measures that received
# observations (new ones or corrections). The progress app refreshes its summaries of them.
observations_stored = Signal()


def write(batch: Batch) -> None:
    """One insert per kind (sessions before the observations that name them), then the supersedes
    and the audit entries; and, once stored for good, word of the measures that received data."""
    for kind, model in RECORD_MODELS.items():
        # One prepared statement per kind: bulk_create compiles SQL per row and field, which
        # measured as the largest part of a batch's time (benchmarks/ingest.py).
        insert_rows(model, batch.accepted[kind])
        district_id = batch.actor.district_id
        if batch.superseded[kind] and district_id is not None:  # without a district nothing is accepted
            rows = model._default_manager.filter(district_id=district_id, id__in=batch.superseded[kind])
            rows.update(superseded_at=batch.received_at)
    audit.record_many(batch.audit)
    measure_ids = {row.measure_id for row in batch.accepted["observation"] if isinstance(row, Observation)}
    if measure_ids:
        transaction.on_commit(lambda: observations_stored.send(sender=Observation, measure_ids=measure_ids))


def _ingest(
    actor: Staff, device: str, sent_at: datetime.datetime, records: list[Any], every_district: bool = False
) -> BatchResult:
    batch = new_batch(actor, device, sent_at)
    keys = [loose_key(item) for item in records]
    parsed = [parse(item) for item in records]
    read_batch(actor, [p for p in parsed if not isinstance(p, Refused)], keys, batch, every_district)
    results = [take(item, p, key, batch) for item, p, key in zip(records, parsed, keys, strict=True)]
    write(batch)
    flagged = abs(batch.skew) > SKEW_FLAG_SECONDS
    return BatchResult(batch.received_at, batch.skew, flagged, results)


def ingest_batch(*, actor: Staff, device: str, sent_at: datetime.datetime, records: list[Any]) -> BatchResult:
    """Store each new record of the batch once, with its audit entry; answer each in the order sent.

    Two sends of the same batch at the same moment (a retry while the first is still being stored)
    can both find an id new; the second insert then fails on the primary key, and the batch is read
    again, when the first send's rows are there to be answered as duplicates. The first reading
    looks in the caller's district only; the second looks in every district, so that an id another
    district holds is answered "already used" (docs/architecture.md#the-district-as-distribution-key)."""
    if len(records) > RECORD_LIMIT:
        raise ValueError(f"at most {RECORD_LIMIT} records in a batch")
    try:
        with transaction.atomic():
            return _ingest(actor, device, sent_at, records)
    except IntegrityError:
        with transaction.atomic():
            return _ingest(actor, device, sent_at, records, every_district=True)


__all__ = ["BatchResult", "RecordResult", "ingest_batch", "observations_stored"]
