"""Required, scheduled and delivered minutes: known answers worked by hand (docs/field.md#service-minutes)."""

from __future__ import annotations

import datetime
import uuid
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from paradesk.people.models import Student
from paradesk.plans.models import Service, ServiceKind
from paradesk.recording.models import ServiceLog
from paradesk.schedules.minutes import ServiceTerms, minutes_report, required_over, required_per_week
from paradesk.schedules.models import SupportType
from paradesk.testing import (
    ParaBlockFactory,
    Personas,
    PlanFactory,
    StudentFactory,
    bell_schedule_for,
    calendar_day,
)

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 10, 5)
FRIDAY = MONDAY + datetime.timedelta(days=4)
WEEK = [MONDAY + datetime.timedelta(days=n) for n in range(5)]
YEAR = (datetime.date(2026, 9, 1), datetime.date(2027, 8, 31))


def weekly(minutes: int, frequency: int, kind: str = ServiceKind.SPECIAL_EDUCATION) -> ServiceTerms:
    return ServiceTerms(minutes, frequency, "week", *YEAR, kind=kind)


# The rules alone --------------------------------------------------------------------------------------


def test_weekly_service_requires_its_minutes_per_school_week() -> None:
    # 30 min x 5 a week: 150 over a full week, 4/5 of it in a week with a holiday, nothing when closed.
    terms = weekly(30, 5)
    assert required_over(terms, WEEK, Counter()) == 150
    assert required_over(terms, WEEK[:4], Counter()) == 120
    assert required_over(terms, [], Counter()) == 0
    assert required_per_week(terms, MONDAY, Counter()) == 150


def test_monthly_service_is_spread_over_its_months_school_days() -> None:
    # OT 30 min x 4 a month = 120 a month. October with 20 school days has 4 school weeks: 30 a week;
    # one full week (5 of the 20 days) requires 120 x 5/20 = 30.
    terms = ServiceTerms(30, 4, "month", *YEAR)
    october = Counter({(2026, 10): 20})
    assert required_per_week(terms, MONDAY, october) == 30
    assert required_over(terms, WEEK, october) == 30
    assert required_per_week(terms, MONDAY, Counter()) == 0  # a month without school


def test_service_outside_its_dates_requires_nothing() -> None:
    terms = ServiceTerms(30, 5, "week", datetime.date(2026, 10, 7), datetime.date(2026, 12, 1))
    assert required_over(terms, WEEK, Counter()) == 30 * 5 * 3 / 5  # Wednesday to Friday
    assert required_per_week(terms, MONDAY, Counter()) == 0


# Delivered against required -------------------------------------------------------------------------


def log(
    student: Student, service: Service, day: datetime.date, minutes: int, reason: str = "", **extra: object
) -> ServiceLog:
    now = timezone.now()
    return ServiceLog.objects.create(
        id=uuid.uuid4(),
        district=student.district,
        student=student,
        recorded_by=service.plan.created_by,
        recorded_at=now,
        received_at=now,
        plan=service.plan,
        service=service,
        date=day,
        minutes=minutes,
        status="missed" if reason else "delivered",
        missed_reason=reason,
        **extra,
    )


def test_three_of_five_sessions_delivered_one_missed_student_absent_is_60_percent(personas: Personas) -> None:
    """The persona plan's reading service is 30 min x 5 a week: 150 required in a full week.
    3 x 30 delivered = 90: 60%. One session missed (student absent): 30 by that reason; the fifth
    was never logged: 30 not logged."""
    bell_schedule_for(personas.school)
    student = personas.student
    service = Service.objects.get(plan=personas.plan)
    for day in WEEK[:3]:
        log(student, service, day, 30)
    log(student, service, WEEK[3], 30, "student_absent")
    log(student, service, WEEK[4], 30, voided_at=timezone.now())  # a voided record does not count
    log(student, service, MONDAY - datetime.timedelta(days=7), 30)  # before the stretch

    report = minutes_report([student], MONDAY, FRIDAY, week_of=MONDAY)
    row = report.rows[0]

    assert row.required == 150
    assert row.delivered == 90
    assert row.compliance == 60
    assert row.below
    assert row.missed_by_reason == {"student_absent": 30}
    assert row.missed_labelled == [("Student absent", 30)]
    assert row.not_logged == 30
    assert report.compliance == 60


def test_a_holiday_lowers_what_is_required(personas: Personas) -> None:
    calendar_day(personas.school, WEEK[2], closed="holiday")
    report = minutes_report([personas.student], MONDAY, FRIDAY, week_of=MONDAY)
    assert report.rows[0].required == 120


# Scheduled against required ----------------------------------------------------------------------------


def test_scheduled_minutes_by_support_type_with_gap_and_overlap(personas: Personas) -> None:
    """1:1 adult support of 60 min x 5 = 300 a week. Scheduled: small group Mon-Wed 9:00-9:45
    (3 x 45 = 135) and pull-out Monday 9:30-10:00 (30): 165, so 135 a week not scheduled; the
    Monday blocks overlap."""
    school, student = personas.school, personas.student
    Service.objects.create(
        district=personas.district,
        plan=personas.plan,
        kind=ServiceKind.ADULT_SUPPORT,
        name="1:1 adult support",
        provider_role="Paraprofessional",
        minutes=60,
        frequency=5,
        setting="All settings",
        start_date=YEAR[0],
        end_date=YEAR[1],
    )
    for weekday in range(3):
        ParaBlockFactory.create(
            school=school, para=personas.assigned_para, weekday=weekday, students=[student]
        )
    ParaBlockFactory.create(
        school=school,
        para=personas.unassigned_para,
        support_type=SupportType.PULL_OUT,
        start_time=datetime.time(9, 30),
        end_time=datetime.time(10, 0),
        students=[student],
    )
    ParaBlockFactory.create(school=school, para=personas.assigned_para, weekday=4)  # another student's

    row = minutes_report([student], MONDAY, FRIDAY, week_of=MONDAY).rows[0]

    assert row.required_per_week == 150 + 300
    assert row.adult_support_per_week == 300
    assert row.scheduled_by_type == {"small_group": 135, "pull_out": 30}
    assert row.scheduled_per_week == 165
    assert row.adult_support_gap == 135
    assert len(row.overlaps) == 1
    assert row.overlaps[0].weekday == 0
    assert row.overlaps[0].times == "09:00\N{EN DASH}09:45 / 09:30\N{EN DASH}10:00"


def test_report_reads_in_the_same_number_of_queries_for_more_students(personas: Personas) -> None:
    bell_schedule_for(personas.school)

    def students(count: int) -> list[Student]:
        made = StudentFactory.create_batch(count, school=personas.school)
        for student in made:
            plan = PlanFactory.create(student=student)
            service = Service.objects.create(
                district=student.district,
                plan=plan,
                kind=ServiceKind.ADULT_SUPPORT,
                name="Support",
                provider_role="Para",
                minutes=30,
                frequency=5,
                setting="Class",
                start_date=YEAR[0],
                end_date=YEAR[1],
            )
            log(student, service, MONDAY, 30)
            log(student, service, WEEK[1], 30, "provider_absent")
            ParaBlockFactory.create(school=personas.school, para=personas.assigned_para, students=[student])
        return made

    few, many = students(1), students(6)
    with CaptureQueriesContext(connection) as one:
        minutes_report(few, MONDAY, FRIDAY, week_of=MONDAY)
    with CaptureQueriesContext(connection) as six:
        report = minutes_report(many, MONDAY, FRIDAY, week_of=MONDAY)
    assert len(six.captured_queries) == len(one.captured_queries)
    assert [row.delivered for row in report.rows] == [30] * 6
    assert report.missed_by_reason == {"provider_absent": 180}
