"""A small school day for the coverage tests: the persona school's bell schedule (Period 1 8:00-8:50
... Period 6 13:00-13:50), the assigned para's Monday, and a few more paras."""

from __future__ import annotations

import datetime

from paradesk.people.models import RoleKind, School, Staff, Student
from paradesk.schedules.coverage import actions as coverage_actions
from paradesk.schedules.coverage.models import Absence, AbsenceReason
from paradesk.schedules.models import ParaBlock, SupportType
from paradesk.testing import (
    ParaBlockFactory,
    Personas,
    StudentFactory,
    bell_schedule_for,
    period_of,
    staff_with_role,
)

MONDAY = datetime.date(2026, 11, 16)


def para_at(school: School, name: str) -> Staff:
    return staff_with_role(school.district, school, RoleKind.PARA, name)


def block(
    school: School,
    para: Staff,
    period: str | None,
    support: str,
    students: list[Student] | None = None,
    *,
    times: tuple[datetime.time, datetime.time] | None = None,
    duty: str = "",
    weekday: int = 0,
) -> ParaBlock:
    bell_schedule_for(school)
    fixed = times or (None, None)
    return ParaBlockFactory.create(
        school=school,
        para=para,
        weekday=weekday,
        period=period_of(school, period) if period else None,
        start_time=fixed[0],
        end_time=fixed[1],
        support_type=support,
        duty_kind=duty,
        students=students or [],
    )


def student_at(school: School, last_name: str) -> Student:
    return StudentFactory.create(school=school, first_name="Kid", last_name=last_name)


def absent(
    personas: Personas, para: Staff | None = None, date: datetime.date = MONDAY, **fields: object
) -> Absence:
    """The para (the assigned para by default) absent all Monday, entered by the school admin."""
    absence = Absence(
        school=personas.school,
        para=para or personas.assigned_para,
        date=date,
        reason=AbsenceReason.SICK,
        **fields,
    )
    return coverage_actions.create_absence(actor=personas.school_admin, absence=absence)


def one_to_one_in_period_2(personas: Personas) -> ParaBlock:
    return block(
        personas.school, personas.assigned_para, "Period 2", SupportType.ONE_TO_ONE, [personas.student]
    )
