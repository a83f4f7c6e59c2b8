"""`day_blocks`: a staff member's blocks on a date, in order, by the date's day type."""

from __future__ import annotations

import dataclasses
import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from paradesk.people.models import Staff
from paradesk.schedules import today
from paradesk.schedules.models import DutyKind, SupportType
from paradesk.schedules.occurrences import DayBlock
from paradesk.schedules.today import day_blocks, scheduled_blocks
from paradesk.testing import (
    ParaBlockFactory,
    Personas,
    StudentFactory,
    bell_schedule_for,
    calendar_day,
    period_of,
)

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 10, 5)
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def monday_of(personas: Personas) -> None:
    """Period 6 (13:00) 1:1, a 7:30 arrival duty, Period 2 (9:00) small group, lunch 11:50 fixed."""
    school, para = personas.school, personas.assigned_para
    bell_schedule_for(school)
    ParaBlockFactory.create(
        school=school,
        para=para,
        period=period_of(school, "Period 6"),
        start_time=None,
        end_time=None,
        support_type=SupportType.ONE_TO_ONE,
        students=[personas.student],
        teacher=personas.gen_ed_teacher,
    )
    ParaBlockFactory.create(
        school=school,
        para=para,
        start_time=datetime.time(7, 30),
        end_time=datetime.time(7, 55),
        support_type=SupportType.DUTY,
        duty_kind=DutyKind.ARRIVAL,
        room="Front doors",
    )
    ParaBlockFactory.create(
        school=school,
        para=para,
        period=period_of(school, "Period 2"),
        start_time=None,
        end_time=None,
        students=[personas.student, StudentFactory.create(school=school)],
    )
    ParaBlockFactory.create(
        school=school,
        para=para,
        start_time=datetime.time(11, 50),
        end_time=datetime.time(12, 20),
        support_type=SupportType.LUNCH,
        room="",
    )
    # Another para's block and the para's Tuesday block never show on Monday.
    ParaBlockFactory.create(school=school, para=personas.unassigned_para, students=[personas.student])
    ParaBlockFactory.create(school=school, para=para, weekday=1)


def test_blocks_come_in_time_order_with_aware_times_in_the_schools_zone(personas: Personas) -> None:
    monday_of(personas)

    runs = day_blocks(personas.assigned_para, MONDAY)

    assert [(run.start.time(), run.end.time(), run.support_type) for run in runs] == [
        (datetime.time(7, 30), datetime.time(7, 55), "duty"),
        (datetime.time(9, 0), datetime.time(9, 50), "small_group"),
        (datetime.time(11, 50), datetime.time(12, 20), "lunch"),
        (datetime.time(13, 0), datetime.time(13, 50), "one_to_one"),
    ]
    assert all(run.start.tzinfo == CHICAGO and run.start.date() == MONDAY for run in runs)
    one_to_one = runs[-1]
    assert one_to_one.student_ids == (personas.student.id,)
    assert one_to_one.teacher_id == personas.gen_ed_teacher.id
    assert one_to_one.period_name == "Period 6"
    assert one_to_one.minutes == 50
    assert runs[0].duty_kind == "arrival"


def test_a_closed_day_has_no_blocks(personas: Personas) -> None:
    monday_of(personas)
    calendar_day(personas.school, MONDAY, closed="snow_day")
    assert day_blocks(personas.assigned_para, MONDAY) == []


def test_early_release_shortens_period_blocks_and_drops_those_without_their_period(
    personas: Personas,
) -> None:
    monday_of(personas)
    calendar_day(personas.school, MONDAY, day_type="Early release")

    runs = day_blocks(personas.assigned_para, MONDAY)

    assert [(run.start.time(), run.end.time()) for run in runs] == [
        (datetime.time(7, 30), datetime.time(7, 55)),
        (datetime.time(8, 40), datetime.time(9, 10)),  # Period 2 of an early release day
        (datetime.time(11, 50), datetime.time(12, 20)),
    ]  # Period 6 does not run on an early release day


def test_weekends_and_days_outside_the_school_year_have_no_blocks(personas: Personas) -> None:
    monday_of(personas)
    assert day_blocks(personas.assigned_para, MONDAY + datetime.timedelta(days=5)) == []
    assert day_blocks(personas.assigned_para, datetime.date(2027, 6, 14)) == []


def test_query_count_does_not_grow_with_blocks(personas: Personas) -> None:
    monday_of(personas)
    with CaptureQueriesContext(connection) as few:
        day_blocks(personas.assigned_para, MONDAY)
    for hour in (14, 15):
        ParaBlockFactory.create(
            school=personas.school,
            para=personas.assigned_para,
            start_time=datetime.time(hour, 0),
            end_time=datetime.time(hour, 30),
            students=StudentFactory.create_batch(3, school=personas.school),
        )
    with CaptureQueriesContext(connection) as more:
        runs = day_blocks(personas.assigned_para, MONDAY)
    with CaptureQueriesContext(connection) as schedule_only:
        scheduled_blocks(personas.assigned_para, MONDAY)
    assert len(runs) == 6
    assert len(more.captured_queries) == len(few.captured_queries)
    assert len(schedule_only.captured_queries) <= 6  # coverage adds its own few


def test_covered_blocks_join_the_day_in_order(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    monday_of(personas)
    covered = day_blocks(personas.assigned_para, MONDAY)[1]

    def cover(staff: Staff, day: datetime.date, blocks: list[DayBlock]) -> list[DayBlock]:
        return [
            *blocks,
            dataclasses.replace(covered, covering_for=personas.assigned_para.id, para_id=staff.id),
        ]

    monkeypatch.setattr(today, "apply_coverage", cover)
    runs = day_blocks(personas.unassigned_para, MONDAY)

    assert [run.covering_for for run in runs] == [None, personas.assigned_para.id]
    assert runs[1].start.time() == datetime.time(9, 0)
