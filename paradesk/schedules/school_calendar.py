"""School days of several schools over a stretch of dates, read in a fixed number of queries.

Pages, the Today page, minutes and the calendar feed all ask "what kind of day is this date at this
school, and when does each period run?"; `SchoolCalendars.load` answers for many schools and dates
with three queries, whatever their number.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Prefetch

from paradesk.schedules.models import BellPeriod, BellSchedule, CalendarDay, DayType, ParaBlock


def dates_between(start: datetime.date, end: datetime.date) -> Iterator[datetime.date]:
    """Every date from start to end, both included."""
    for offset in range((end - start).days + 1):
        yield start + datetime.timedelta(days=offset)


@dataclass
class SchoolCalendars:
    """Bell schedules (with day types and periods) of some schools, and their calendar entries
    between two dates."""

    start: datetime.date
    end: datetime.date
    schedules: dict[uuid.UUID, BellSchedule] = field(default_factory=dict)  # by school id
    entries: dict[tuple[uuid.UUID, datetime.date], CalendarDay] = field(default_factory=dict)
    day_types: dict[uuid.UUID, DayType] = field(default_factory=dict)
    # Periods by (day type id, period name): how a period-based block finds its times on a day.
    periods: dict[tuple[uuid.UUID, str], BellPeriod] = field(default_factory=dict)

    @classmethod
    def load(
        cls, school_ids: Iterable[uuid.UUID], start: datetime.date, end: datetime.date
    ) -> SchoolCalendars:
        ids = set(school_ids)
        calendars = cls(start=start, end=end)
        if not ids:
            return calendars
        schedules = BellSchedule.objects.filter(school_id__in=ids).prefetch_related(
            Prefetch("day_types", queryset=DayType.objects.prefetch_related("periods"))
        )
        for schedule in schedules:
            calendars.schedules[schedule.school_id] = schedule
            for day_type in schedule.day_types.all():
                calendars.day_types[day_type.pk] = day_type
                for period in day_type.periods.all():
                    calendars.periods[(day_type.pk, period.name)] = period
        by_schedule = {schedule.pk: school_id for school_id, schedule in calendars.schedules.items()}
        for entry in CalendarDay.objects.filter(bell_schedule_id__in=by_schedule, date__range=(start, end)):
            calendars.entries[(by_schedule[entry.bell_schedule_id], entry.date)] = entry
        return calendars

    def day_type(self, school_id: uuid.UUID, day: datetime.date) -> DayType | None:
        """The school's day type on a date, or None when there is no school (closed, weekend, out
        of the school year, or no bell schedule)."""
        schedule = self.schedules.get(school_id)
        if schedule is None:
            return None
        assert self.start <= day <= self.end, "date outside the loaded range"
        day_type_id = schedule.day_type_id_on(day, self.entries.get((school_id, day)))
        return self.day_types.get(day_type_id) if day_type_id else None

    def closure(self, school_id: uuid.UUID, day: datetime.date) -> CalendarDay | None:
        entry = self.entries.get((school_id, day))
        return entry if entry is not None and entry.closed else None

    def is_school_day(self, school_id: uuid.UUID, day: datetime.date) -> bool:
        """Whether the school has school that day; a school without a bell schedule yet counts every
        weekday (so minutes are still required of it)."""
        if school_id not in self.schedules:
            return day.weekday() < 5
        return self.day_type(school_id, day) is not None

    def school_days(
        self, school_id: uuid.UUID, start: datetime.date, end: datetime.date
    ) -> list[datetime.date]:
        """The school's days with school between two dates, both included."""
        return [day for day in dates_between(start, end) if self.is_school_day(school_id, day)]

    def block_times(
        self, block: ParaBlock, day: datetime.date
    ) -> tuple[datetime.datetime, datetime.datetime] | None:
        """When the block runs on that date, as aware datetimes in the school's time zone; None
        when it does not run that day (no school, another weekday, not in force on the date, or no such
        period that day)."""
        if day.weekday() != block.weekday or not block.in_force_on(day):
            return None
        if block.school_id not in self.schedules:
            # No bell schedule yet: fixed-time blocks run every weekday, period blocks cannot.
            times = block.usual_times if block.period_id is None else None
        else:
            times = block.times_on(self.day_type(block.school_id, day), self.periods)
        if times is None:
            return None
        start, end = times
        return block.school.at(day, start), block.school.at(day, end)
