"""A session: one stretch of a school day with one student; its observations name it, and a second
observer's session of the same time names the first (`agreement_of`, inter-observer agreement)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from paradesk.people.models import Student
from paradesk.recording.models import Record, Session
from paradesk.recording.sync.batch import Batch
from paradesk.recording.sync.checks import check_span, common, student_for
from paradesk.recording.sync.schemas import SessionIn


def build(record: SessionIn, batch: Batch, errors: dict[str, list[str]]) -> tuple[Record, Student]:
    student = student_for(batch, record.student_id, "student_id")
    check_span(record.started_at, record.ended_at, errors)
    if record.agreement_of is not None:
        other = batch.sessions.get(record.agreement_of)
        if other is None or other.student_id != student.id or other.voided:
            errors.setdefault("agreement_of", []).append(_("Not found."))
    values = {"started_at": record.started_at, "ended_at": record.ended_at, "setting": record.setting}
    return Session(**common(record, student, batch), agreement_of_id=record.agreement_of, **values), student
