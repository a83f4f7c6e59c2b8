"""One block on one date, as plain data (`DayBlock`), and the builders that make them from the blocks
in force: what the Today page, the para's schedule, the calendar feed, coverage and the schedule
builder all read. It imports neither `today` nor coverage, so each of them can import it.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from paradesk.schedules.models import ParaBlock, ParaBlockQuerySet, ParaBlockStudent
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
    """Blocks with everything a DayBlock needs but the students' ids, in one query (`occurrences`
    reads the ids, in one more)."""
    return ParaBlock.objects.select_related("school", "period", "teacher", "section")


def students_of_blocks(blocks: Iterable[ParaBlock]) -> dict[uuid.UUID, tuple[uuid.UUID, ...]]:
    """Each block's students' ids, sorted, in one query on the rows that name them, each block's
    district named (a prefetch of `students` would join the student without it:
    docs/architecture.md#the-district-as-distribution-key)."""
    blocks = list(blocks)
    if not blocks:
        return {}
    rows = ParaBlockStudent.objects.filter(
        district_id__in={block.district_id for block in blocks},
        parablock_id__in=[block.pk for block in blocks],
    )
    found: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for block_id, student_id in rows.values_list("parablock_id", "student_id"):
        found[block_id].append(student_id)
    return {block_id: tuple(sorted(ids, key=str)) for block_id, ids in found.items()}


def occurrence(
    block: ParaBlock,
    day: datetime.date,
    calendars: SchoolCalendars,
    student_ids: tuple[uuid.UUID, ...] = (),
) -> DayBlock | None:
    """The block on that date (naming these students), or None when it does not run that day."""
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
        student_ids=student_ids,
        teacher_id=block.teacher_id,
        teacher_name=block.teacher.full_name if block.teacher else "",
        room=block.room,
        period_name=block.period.name if block.period else "",
        class_name=block.section.name if block.section else "",
    )


def occurrences(
    blocks: Iterable[ParaBlock], days: Iterable[datetime.date], calendars: SchoolCalendars
) -> list[DayBlock]:
    """Every run of the blocks on the dates, in time order (one query, for the students' ids)."""
    blocks = list(blocks)
    students = students_of_blocks(blocks)
    found = [
        run
        for day in days
        for block in blocks
        if (run := occurrence(block, day, calendars, students.get(block.pk, ()))) is not None
    ]
    return sorted(found, key=lambda run: (run.start, run.end, str(run.block_id)))
