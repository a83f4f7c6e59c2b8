"""A staff member's blocks on one date, for the para's Today page (and the calendar feed).

`day_blocks(staff, day)` reads in a fixed number of queries (at most 6, whatever the number of
blocks, students or schools). Coverage (absences, blocks covered by another para) is a later piece
of work: it plugs in through `apply_coverage`, which receives the para's own blocks of the day and
returns what the para actually does that day.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Prefetch

from paradesk.people.models import Staff, Student
from paradesk.schedules.models import ParaBlock, ParaBlockQuerySet
from paradesk.schedules.school_calendar import SchoolCalendars


@dataclass(frozen=True)
class DayBlock:
    """One block on one date. Times are aware datetimes in the school's time zone."""

    block_id: uuid.UUID
    school_id: uuid.UUID
    para_id: uuid.UUID  # whose block it is on the schedule
    start: datetime.datetime
    end: datetime.datetime
    support_type: str  # SupportType value
    duty_kind: str  # DutyKind value, or "" unless a duty
    student_ids: tuple[uuid.UUID, ...]
    teacher_id: uuid.UUID | None
    teacher_name: str
    room: str
    period_name: str  # "" for a block with fixed times
    class_name: str  # the class of a push-in, or ""
    # Set when this para covers the block of an absent para (the absent para's id).
    covering_for: uuid.UUID | None = None

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


# Coverage hook: given the staff member, the date and their own blocks of the day, the blocks they
# actually work that day (their own minus those during an absence, plus the blocks they cover, with
# `covering_for` set). Until coverage exists, the day is the schedule.
CoverageHook = Callable[[Staff, datetime.date, list[DayBlock]], list[DayBlock]]


def no_coverage(staff: Staff, day: datetime.date, blocks: list[DayBlock]) -> list[DayBlock]:
    return blocks


apply_coverage: CoverageHook = no_coverage


def blocks_with_details() -> ParaBlockQuerySet:
    """Blocks with everything a DayBlock needs, in one query plus one for the students' ids."""
    return ParaBlock.objects.select_related("school", "period", "teacher", "section").prefetch_related(
        Prefetch("students", queryset=Student.objects.only("id"))
    )


def occurrence(block: ParaBlock, day: datetime.date, calendars: SchoolCalendars) -> DayBlock | None:
    """The block on that date, or None when it does not run that day."""
    times = calendars.block_times(block, day)
    if times is None:
        return None
    return DayBlock(
        block_id=block.pk,
        school_id=block.school_id,
        para_id=block.para_id,
        start=times[0],
        end=times[1],
        support_type=block.support_type,
        duty_kind=block.duty_kind,
        student_ids=tuple(sorted((student.pk for student in block.students.all()), key=str)),
        teacher_id=block.teacher_id,
        teacher_name=block.teacher.full_name if block.teacher else "",
        room=block.room,
        period_name=block.period.name if block.period else "",
        class_name=block.section.name if block.section else "",
    )


def occurrences(
    blocks: Iterable[ParaBlock], days: Iterable[datetime.date], calendars: SchoolCalendars
) -> list[DayBlock]:
    """Every run of the blocks on the dates, in time order."""
    found = [
        run for day in days for block in blocks if (run := occurrence(block, day, calendars)) is not None
    ]
    return sorted(found, key=lambda run: (run.start, run.end, str(run.block_id)))


def day_blocks(staff: Staff, day: datetime.date, *, coverage: CoverageHook | None = None) -> list[DayBlock]:
    """The staff member's blocks on that date in time order, following the date's day type and
    skipping closures. `coverage` replaces the module's `apply_coverage` hook (tests, previews)."""
    blocks = list(blocks_with_details().in_force_on(day).filter(para=staff, weekday=day.weekday()))
    if blocks:
        calendars = SchoolCalendars.load({block.school_id for block in blocks}, day, day)
        own = occurrences(blocks, [day], calendars)
    else:
        own = []
    hook = coverage or apply_coverage
    return sorted(hook(staff, day, own), key=lambda run: (run.start, run.end, str(run.block_id)))
