"""Server time of the para's Today page, against a floor, and its query count for 10 vs 2 students.

Builds, in a throwaway SQLite database, a para with 10 students (each with an active IEP of 6 measures,
60 in all, each observed once this week) and a para with 2 such students, then times 200 requests of
GET /today/ in-process with Django's test client. The floor is rendering the bare base template (no
queries) in the same process. The page must make as many queries for 10 students as for 2.

Run: .venv/bin/python benchmarks/today_page.py
"""

from __future__ import annotations

import datetime
import sys
import uuid
from typing import TYPE_CHECKING

from _common import PAGE_REQUESTS, floor_ms, measure_page, p50, p95, page_queries, signed_in, with_django

MEASURES_PER_STUDENT = 6
AIM_MS = 50.0

if TYPE_CHECKING:
    from paradesk.people.models import School, Staff


def page_exists() -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("today")
    except NoReverseMatch:
        return "The page 'today' does not exist yet, so there is nothing to measure."
    return None


def para_with_students(school: School, author: Staff, count: int) -> Staff:
    """A para with `count` students, each with an active IEP of 6 measures observed once this week."""
    from django.utils import timezone

    from paradesk.people.models import RoleKind
    from paradesk.plans.models import Snapshot
    from paradesk.recording.models import Observation, Session
    from paradesk.testing import (
        AssignmentFactory,
        GoalFactory,
        MeasureFactory,
        PlanFactory,
        StudentFactory,
        staff_with_role,
    )

    para = staff_with_role(school.district, school, RoleKind.PARA, f"Bench Para {uuid.uuid4().hex[:6]}")
    at = timezone.now() - datetime.timedelta(hours=1)
    for _ in range(count):
        student = StudentFactory.create(school=school)
        Snapshot.objects.create(district=school.district, student=student, triggers="Loud bells")
        AssignmentFactory.create(student=student, staff=para)
        plan = PlanFactory.create(student=student, created_by=author)
        common = {"district": school.district, "student": student, "recorded_by": para}
        session = Session.objects.create(
            id=uuid.uuid4(), started_at=at, ended_at=at, recorded_at=at, received_at=at, **common
        )
        for goal_number in range(2):
            goal = GoalFactory.create(plan=plan, order=goal_number)
            for n in range(MEASURES_PER_STUDENT // 2):
                measure = MeasureFactory.create(goal=goal, name=f"Measure {n}")
                Observation.objects.create(
                    id=uuid.uuid4(),
                    session=session,
                    plan=plan,
                    measure=measure,
                    started_at=at,
                    ended_at=at,
                    facts={"trials": []},
                    recorded_at=at,
                    received_at=at,
                    **common,
                )
    return para


def run() -> int:
    from django.urls import reverse

    from paradesk.people.models import RoleKind
    from paradesk.testing import SchoolFactory, staff_with_role

    missing = page_exists()
    if missing:
        print(f"today_page: FAILED. {missing}", file=sys.stderr)
        return 2
    school = SchoolFactory.create()
    author = staff_with_role(school.district, school, RoleKind.SPED_TEACHER, "Bench Teacher")
    para_10 = para_with_students(school, author, 10)
    para_2 = para_with_students(school, author, 2)

    floor = floor_ms()
    samples = measure_page(signed_in(para_10), [reverse("today")])
    at_10 = page_queries(para_10, reverse("today"))
    at_2 = page_queries(para_2, reverse("today"))
    middle = p50(samples)
    print(
        f"today p50 {middle:.1f} ms = {middle / floor:.1f}x floor ({floor:.2f} ms), "
        f"p95 {p95(samples):.1f} ms over {PAGE_REQUESTS} requests "
        f"(10 students, {10 * MEASURES_PER_STUDENT} measures; aim p50 < {AIM_MS:.0f} ms); "
        f"queries {at_10} at 10 students, {at_2} at 2 students"
    )
    if at_10 > at_2:
        print(f"today_page: FAILED. The Today page makes {at_10 - at_2} more queries at 10 students.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(with_django(run))
