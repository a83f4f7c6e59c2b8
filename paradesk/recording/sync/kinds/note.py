"""A note to the case manager: text about the student, under no plan."""

from __future__ import annotations

from paradesk.people.models import Student
from paradesk.recording.models import CaseManagerNote, Record
from paradesk.recording.sync.batch import Batch
from paradesk.recording.sync.checks import common, student_for
from paradesk.recording.sync.schemas import NoteIn


def build(record: NoteIn, batch: Batch, errors: dict[str, list[str]]) -> tuple[Record, Student]:
    student = student_for(batch, record.student_id, "student_id")
    return CaseManagerNote(**common(record, student, batch), text=record.text), student
