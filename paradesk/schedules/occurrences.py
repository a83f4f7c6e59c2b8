"""One block on one date, as plain data (`DayBlock`), and the builders that make them from the blocks
in force: what the Today page, the para's schedule, the calendar feed, coverage and the schedule
builder all read. It imports neither `today` nor coverage, so each of them can import it.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch

from paradesk.people.models import Student
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
