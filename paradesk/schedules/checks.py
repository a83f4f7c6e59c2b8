"""Rules a para block must keep with the rest of the school: no para in two places at once, the
school's own students, the right number of students for the support, and the qualifications the
students need. Refusals stop the save; warnings are shown and the block is saved anyway.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from paradesk.access import scopes
from paradesk.people.models import Student, today
from paradesk.schedules.models import (
    STUDENT_SUPPORT,
    DayType,
    ParaBlock,
    StaffQualification,
    SupportNeed,
    SupportType,
    overlaps,
    time_range,
)
from paradesk.schedules.school_calendar import SchoolCalendars


@dataclass
class BlockCheck:
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    warnings: list[str] = field(default_factory=list)

    def refuse(self, field_name: str, message: str) -> None:
        self.errors[field_name].append(message)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_block(block: ParaBlock, students: Sequence[Student], on: datetime.date) -> BlockCheck:
    """Everything wrong with saving the block naming these students (qualifications as of `on`)."""
    check = BlockCheck()
    check_places(block, students, check)
    check_students(block, students, check)
    if check.ok:
        check_overlaps(block, check)
        check_one_to_one(block, students, check)
        check_qualifications(block, students, on, check)
    return check


def check_places(block: ParaBlock, students: Sequence[Student], check: BlockCheck) -> None:
    """The para, period, teacher and class belong to the block's school."""
    school_id = block.school_id
    if not scopes.holds_role_at(block.para_id, school_id):
        check.refuse("school", _("The para has no current role at this school."))
    if block.period is not None and block.period.day_type.bell_schedule.school_id != school_id:
        check.refuse("period", _("Choose a period of this school's bell schedule."))
    if block.teacher_id is not None and not scopes.holds_role_at(block.teacher_id, school_id):
        check.refuse("teacher", _("The teacher has no current role at this school."))
    if block.section is not None and block.section.school_id != school_id:
        check.refuse("section", _("Choose a class of this school."))


def check_students(block: ParaBlock, students: Sequence[Student], check: BlockCheck) -> None:
    if any(student.school_id != block.school_id or not student.active for student in students):
        check.refuse("students", _("Every student must be an active student of this school."))
    if block.support_type in STUDENT_SUPPORT and not students:
        check.refuse("students", _("Name the student or students this block supports."))
    if block.support_type == SupportType.ONE_TO_ONE and len(students) > 1:
        check.refuse("students", _("A 1:1 block supports exactly one student."))
    if block.support_type not in STUDENT_SUPPORT and students:
        check.refuse("students", _("Duties, breaks and lunch name no students."))


def same_dates(block: ParaBlock) -> QuerySet[ParaBlock]:
    """Blocks on the block's weekday in force on at least one of its dates."""
    first, last = block.starts_on or datetime.date.min, block.ends_on or datetime.date.max
    return (
        ParaBlock.objects.in_force_between(first, last)
        .filter(weekday=block.weekday)
        .exclude(pk=block.pk)
        .select_related("period", "school")
    )


def check_overlaps(block: ParaBlock, check: BlockCheck) -> None:
    """The para is never in two blocks at once, on any kind of day at the school."""
    clash = first_clash(block, list(same_dates(block).filter(para_id=block.para_id)))
    if clash:
        check.refuse(
            "start_time" if block.period_id is None else "period",
            _("The para is already in another block then: %(when)s.") % {"when": clash},
        )


def check_one_to_one(block: ParaBlock, students: Sequence[Student], check: BlockCheck) -> None:
    """A student has one 1:1 para at a time: a second one at the same time is refused at save."""
    if block.support_type != SupportType.ONE_TO_ONE or not students:
        return
    others = same_dates(block).filter(support_type=SupportType.ONE_TO_ONE, students__in=list(students))
    clash = first_clash(block, list(others.exclude(para_id=block.para_id).distinct()))
    if clash:
        check.refuse(
            "students",
            _("The student already has another 1:1 para then (%(when)s): one 1:1 para at a time.")
            % {"when": clash},
        )


def first_clash(block: ParaBlock, others: list[ParaBlock]) -> str:
    """When the block first overlaps one of the others ("" if never)."""
    if not others:
        return ""
    day = today()
    calendars = SchoolCalendars.load({block.school_id}, day, day)
    day_types = list(calendars.day_types.values())
    for other in others:
        clash = clash_between(block, other, day_types, calendars)
        if clash:
            return clash
    return ""


def clash_between(
    block: ParaBlock, other: ParaBlock, day_types: list[DayType], calendars: SchoolCalendars
) -> str:
    """When the two blocks overlap ("" if never): on each day type at one school, or as planned
    (the usual times) when the blocks are at different schools."""
    if other.school_id != block.school_id:
        mine, theirs = block.usual_times, other.usual_times
        if mine and theirs and overlaps(*mine, *theirs):
            return time_range(*theirs)
        return ""
    kinds: list[DayType | None] = list(day_types) or [None]
    for day_type in kinds:
        if day_type is None:
            mine, theirs = block.usual_times, other.usual_times
        else:
            mine = block.times_on(day_type, calendars.periods)
            theirs = other.times_on(day_type, calendars.periods)
        if mine and theirs and overlaps(*mine, *theirs):
            where = f" ({day_type.name})" if day_type is not None and len(day_types) > 1 else ""
            return time_range(*theirs) + where
    return ""


def missing_qualifications(
    para_id: uuid.UUID, support_type: str, student_ids: Sequence[uuid.UUID], on: datetime.date
) -> list[str]:
    """Names of the qualifications the students need in this kind of block that the para does not
    hold on that date (an expired one does not count)."""
    needs = SupportNeed.objects.filter(student_id__in=student_ids).select_related("qualification")
    needed = {need.qualification_id: need.qualification.name for need in needs if need.applies(support_type)}
    if not needed:
        return []
    held = set(
        StaffQualification.objects.valid_on(on)
        .filter(staff_id=para_id, qualification_id__in=needed)
        .values_list("qualification_id", flat=True)
    )
    return sorted(name for qualification_id, name in needed.items() if qualification_id not in held)


def check_qualifications(
    block: ParaBlock, students: Sequence[Student], on: datetime.date, check: BlockCheck
) -> None:
    """A 1:1 block with an unqualified para is refused; any other block is saved with a warning."""
    if not students:
        return
    missing = missing_qualifications(block.para_id, block.support_type, [s.pk for s in students], on)
    for name in missing:
        message = _("The para does not hold “%(qualification)s”, which a student in this block needs.") % {
            "qualification": name
        }
        if block.support_type == SupportType.ONE_TO_ONE:
            check.refuse("students", message)
        else:
            check.warnings.append(message)
