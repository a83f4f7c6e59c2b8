"""A staff member's blocks on one date, for the para's Today page (and their schedule).

`day_blocks(staff, day)` reads in a fixed number of queries (at most 6, whatever the number of
blocks, students or schools): the para's own blocks in force that day, minus those during an
absence, plus the blocks they cover for an absent para (`coverage.absences.apply_coverage`).
"""

from __future__ import annotations

import datetime

from paradesk.people.models import Staff
from paradesk.schedules.coverage.absences import apply_coverage
from paradesk.schedules.occurrences import DayBlock, blocks_with_details, occurrences
from paradesk.schedules.school_calendar import SchoolCalendars


def scheduled_blocks(staff: Staff, day: datetime.date) -> list[DayBlock]:
    """The staff member's own blocks on that date as the schedule has them, following the date's day
    type and skipping closures; absences and coverage not applied."""
    blocks = list(blocks_with_details().in_force_on(day).filter(para=staff, weekday=day.weekday()))
    if not blocks:
        return []
    calendars = SchoolCalendars.load({block.school_id for block in blocks}, day, day)
    return occurrences(blocks, [day], calendars)


def day_blocks(staff: Staff, day: datetime.date) -> list[DayBlock]:
    """What the staff member works on that date, in time order: their own blocks minus those during
    an absence, plus the blocks they cover."""
    worked = apply_coverage(staff, day, scheduled_blocks(staff, day))
    return sorted(worked, key=lambda run: (run.start, run.end, str(run.block_id)))
