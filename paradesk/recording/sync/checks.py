"""The checks every kind of record shares: the caller's standing toward the student, the plan in
force, the times, a correction's target; and the row fields every kind has.

Checks are those of the pages: the caller records only for students they work with
(`Action.RECORD_DATA`), only under plan versions in force when the record was made, and corrects only
their own records on the same school day (docs/architecture.md#scope-of-practice). A check either
adds a field's message to `errors` (the record is refused with all of them) or raises Refused when
nothing more can be said (not found, not the caller's).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from paradesk.people.models import Student
from paradesk.plans import units
from paradesk.plans.models import Measure, MeasureStatus, Plan
from paradesk.recording.sync.batch import Batch, Stored
from paradesk.recording.sync.schemas import TIME_FIELDS, RecordIn, Refused, not_found

# A device keeps a record only until the server has it: anything older than a school year was not
# recorded by a device that has been waiting, but typed or clocked wrong (a session dated 1900).
OLDEST = datetime.timedelta(days=400)
# A session or observation is one stretch of a school day.
LONGEST_SPAN = datetime.timedelta(seconds=units.SCHOOL_DAY_SECONDS)


def school_day(student: Student, moment: datetime.datetime) -> datetime.date:
    return student.school.local_date(moment)


def check_staff(record: RecordIn, batch: Batch) -> None:
    if record.staff_id is not None and record.staff_id != batch.actor.id:
        raise Refused(
            _("This record was made by someone else. Sign in as them to send it."),
            {"staff_id": [_("Not the person signed in.")]},
        )


def student_for(batch: Batch, student_id: uuid.UUID, name: str) -> Student:
    """The student, if the caller may record for them; others are "not found" unless visible."""
    student = batch.students.get(student_id)
    if student is None or student_id not in batch.permitted:
        if student_id in batch.visible:
            raise Refused(_("You may see this student's records but not record data for them."))
        raise not_found(name)
    return student


def same_student(record: RecordIn, student: Student) -> None:
    claimed = getattr(record, "student_id", None)
    if claimed is not None and claimed != student.id:
        raise not_found("student_id")


def in_force(plan: Plan, record: RecordIn, name: str, errors: dict[str, list[str]]) -> None:
    if not plan.was_in_force_at(record.recorded_at):
        errors.setdefault(name, []).append(_("This plan version was not in force when this was recorded."))


def plan_item[I: models.Model](
    items: Mapping[uuid.UUID, I], item_id: uuid.UUID, batch: Batch, name: str
) -> tuple[I, Student]:
    item = items.get(item_id)
    if item is None:
        raise not_found(name)
    return item, student_for(batch, item.plan.student_id, name)  # type: ignore[attr-defined]


def measure_for(
    batch: Batch, measure_id: uuid.UUID, student: Student, record: RecordIn, errors: dict[str, list[str]]
) -> Measure:
    measure = batch.measures.get(measure_id)
    if measure is None or measure.plan.student_id != student.id:
        raise not_found("measure_id")
    if measure.status == MeasureStatus.DISCONTINUED:
        errors.setdefault("measure_id", []).append(_("This measure is discontinued."))
    in_force(measure.plan, record, "measure_id", errors)
    return measure


def check_times(record: RecordIn, student: Student, batch: Batch, errors: dict[str, list[str]]) -> None:
    """Nothing recorded later than the device's own clock allows (plus a little drift)."""
    oldest = batch.received_at - OLDEST
    for name in TIME_FIELDS:
        moment = getattr(record, name, None)
        if moment is not None and moment > batch.limit:
            errors.setdefault(name, []).append(_("This time is in the future."))
        elif moment is not None and moment < oldest:
            errors.setdefault(name, []).append(too_old())
    day = getattr(record, "date", None)
    if isinstance(day, datetime.date) and day > school_day(student, batch.limit):
        errors.setdefault("date", []).append(_("This date is in the future."))
    elif isinstance(day, datetime.date) and day < school_day(student, oldest):
        errors.setdefault("date", []).append(too_old())


def too_old() -> str:
    return _(
        "This is more than %(days)s days ago: check the device's date. Older records are entered by a "
        "teacher, not synced."
    ) % {"days": OLDEST.days}


def check_span(started: datetime.datetime, ended: datetime.datetime, errors: dict[str, list[str]]) -> None:
    if ended < started:
        errors.setdefault("ended_at", []).append(_("The end is before the start."))
    elif ended - started > LONGEST_SPAN:
        errors.setdefault("ended_at", []).append(
            _("This lasts longer than a school day (%(hours)s hours): check the start and end.")
            % {"hours": LONGEST_SPAN.seconds // 3600}
        )


def check_correction(
    kind: str, record: RecordIn, student: Student, batch: Batch, errors: dict[str, list[str]]
) -> Stored | None:
    """A correction names the caller's own current record of the same kind and student, made on
    the same school day, and says why (docs/architecture.md#scope-of-practice; later, a teacher voids it)."""
    if record.corrects is None:
        if record.correction_reason.strip():
            errors.setdefault("correction_reason", []).append(_("A reason is given only with a correction."))
        return None
    target = batch.stored[kind].get(record.corrects)
    if target is None or target.recorded_by_id != batch.actor.id or target.student_id != student.id:
        raise Refused(
            _("There is no record of yours with this id to correct."), {"corrects": [_("Not found.")]}
        )
    if not target.current:
        errors.setdefault("corrects", []).append(
            _("This record was already corrected or voided: correct its latest version.")
        )
    elif school_day(student, target.recorded_at) != school_day(student, record.recorded_at):
        errors.setdefault("corrects", []).append(
            _("A record can be corrected only on the school day it was recorded. Ask a teacher to void it.")
        )
    if not record.correction_reason.strip():
        errors.setdefault("correction_reason", []).append(_("Say why the record is corrected."))
    return target


def common(record: RecordIn, student: Student, batch: Batch) -> dict[str, Any]:
    """The row fields every kind has: who, for whom, from which device, when, what it corrects."""
    return {
        "id": record.id,
        "district_id": student.district_id,
        "student_id": student.id,
        "recorded_by_id": batch.actor.id,
        "device": batch.device,
        "recorded_at": record.recorded_at,
        "received_at": batch.received_at,
        "clock_skew_seconds": batch.skew,
        "corrects_id": record.corrects,
        "correction_reason": record.correction_reason.strip(),
    }
