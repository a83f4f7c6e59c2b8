"""A care log entry (toileting, feeding, positioning, ...), under the care plan in force if there is one."""

from __future__ import annotations

from paradesk.people.models import Student
from paradesk.recording.models import CareLogEntry, Record
from paradesk.recording.sync.batch import Batch
from paradesk.recording.sync.checks import common, student_for
from paradesk.recording.sync.schemas import CareLogIn


def build(record: CareLogIn, batch: Batch, errors: dict[str, list[str]]) -> tuple[Record, Student]:
    student = student_for(batch, record.student_id, "student_id")
    plans = batch.care_plans.get(student.id, [])
    plan = next((plan for plan in plans if plan.was_in_force_at(record.recorded_at)), None)
    values = {"occurred_at": record.occurred_at, "care_kind": record.care_kind, "note": record.note}
    return CareLogEntry(**common(record, student, batch), plan=plan, **values), student
