"""An observation: one measure's raw facts within the caller's session, checked against the
measure's method, with the session value computed once here (paradesk.recording.methods)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from paradesk.people.models import Student
from paradesk.recording import methods
from paradesk.recording.messages import problem_message
from paradesk.recording.models import Observation, Record
from paradesk.recording.sync.batch import Batch
from paradesk.recording.sync.checks import check_span, common, measure_for, same_student, student_for
from paradesk.recording.sync.schemas import ObservationIn, not_found
from paradesk.storable import json_storable


def build(record: ObservationIn, batch: Batch, errors: dict[str, list[str]]) -> tuple[Record, Student]:
    session = batch.sessions.get(record.session_id)
    if session is None or session.recorded_by_id != batch.actor.id or session.voided:
        raise not_found("session_id")
    student = student_for(batch, session.student_id, "session_id")
    same_student(record, student)
    measure = measure_for(batch, record.measure_id, student, record, errors)
    check_span(record.started_at, record.ended_at, errors)
    if not json_storable(record.facts):
        errors.setdefault("facts", []).append(_("The facts hold a value that cannot be stored."))
    value = None
    if not errors:
        spec = batch.spec(measure)
        observed = (record.ended_at - record.started_at).total_seconds()
        for problem in methods.check(spec, record.facts, observed):
            errors.setdefault(problem.field, []).append(problem_message(problem))
        if not errors:
            value = methods.session_value(spec, record.facts, observed).value
    values = {
        "started_at": record.started_at,
        "ended_at": record.ended_at,
        "facts": record.facts,
        "value": value,
    }
    row = Observation(
        **common(record, student, batch),
        session_id=session.id,
        plan_id=measure.plan_id,
        measure_id=measure.id,
        **values,
    )
    return row, student
