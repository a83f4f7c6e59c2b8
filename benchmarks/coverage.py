"""Coverage for one absent para, end to end from the database: under 1 s.

Builds one school in a throwaway SQLite database: 40 paras, 120 students, 7 periods a day, each para
with five student blocks on Monday (1:1 for the first 20 paras, groups of three for the others), a
lunch in one of their free periods, 4 qualifications held and needed at random (seeded). Then marks
the para with the most blocks absent all Monday, which reads the school's day, builds the solver's
plain data, calls `propose_coverage` and stores the rows (`coverage_actions.create_absence`), and
times "propose again" (the same work without the absence itself) 20 times.

Floor: reading the day alone (`absences.open_blocks` + `absences.CoverageDay.load`), the database
work the proposal cannot avoid, in the same run. Prints p50/p95 and the ratio p50 / floor, and exits 1
if p50 is 1 s or more.

Run: .venv/bin/python benchmarks/coverage.py
"""

from __future__ import annotations

import datetime
import itertools
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from _common import with_django

if TYPE_CHECKING:
    from paradesk.people.models import School, Staff

PARAS, STUDENTS, PERIODS, RUNS = 40, 120, 7, 20
MONDAY = datetime.date(2026, 11, 16)


def coverage_exists() -> str | None:
    try:
        from paradesk.schedules.coverage import absences, actions  # noqa: F401
    except ImportError as exc:
        return f"Coverage does not exist yet ({exc}), so there is nothing to measure."
    return None


def build_school() -> tuple[Staff, School]:
    """The school and its administrator; returns (admin, school)."""
    from paradesk.people.models import RoleKind
    from paradesk.schedules.models import BellPeriod, BellSchedule, DayType, SupportType
    from paradesk.testing import (
        DistrictFactory,
        ParaBlockFactory,
        QualificationFactory,
        SchoolFactory,
        StudentFactory,
        holds,
        needs,
        staff_with_role,
    )

    rng = random.Random(5)
    district = DistrictFactory.create()
    school = SchoolFactory.create(district=district)
    schedule = BellSchedule.objects.create(district=district, school=school)
    day = DayType.objects.create(district=district, bell_schedule=schedule, name="Regular day")
    periods = [
        BellPeriod.objects.create(
            district=district,
            day_type=day,
            name=f"Period {n + 1}",
            order=n,
            start=datetime.time(8 + n, 0),
            end=datetime.time(8 + n, 50),
        )
        for n in range(PERIODS)
    ]
    schedule.default_day_type = day
    schedule.save()
    admin = staff_with_role(district, school, RoleKind.SCHOOL_ADMIN, "Bench Admin")
    qualifications = [QualificationFactory.create(district=district) for _ in range(4)]
    students = [StudentFactory.create(school=school) for _ in range(STUDENTS)]
    for student in rng.sample(students, 30):
        needs(student, rng.choice(qualifications))
    queue = itertools.cycle(students)
    for n in range(PARAS):
        para = staff_with_role(district, school, RoleKind.PARA, f"Para {n}")
        for q in rng.sample(qualifications, rng.randint(1, 3)):
            holds(para, q)
        free = set(rng.sample(range(PERIODS), 2))
        for p in range(PERIODS):
            if p in free:
                continue
            one = n < PARAS // 2
            ParaBlockFactory.create(
                school=school,
                para=para,
                period=periods[p],
                start_time=None,
                end_time=None,
                support_type=SupportType.ONE_TO_ONE if one else SupportType.SMALL_GROUP,
                students=[next(queue)] if one else [next(queue) for _ in range(3)],
            )
        lunch = min(free)
        ParaBlockFactory.create(
            school=school,
            para=para,
            start_time=datetime.time(8 + lunch, 0),
            end_time=datetime.time(8 + lunch, 25),
            support_type=SupportType.LUNCH,
        )
    return admin, school


def timed(action: Callable[[], object], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return samples


def run() -> int:
    missing = coverage_exists()
    if missing:
        print(missing)
        return 2
    started = time.perf_counter()
    admin, school = build_school()
    print(
        f"school built in {time.perf_counter() - started:.1f} s: "
        f"{PARAS} paras, {STUDENTS} students, {PERIODS} periods"
    )

    from django.db.models import Count

    from paradesk.people.models import Staff
    from paradesk.schedules.coverage import absences
    from paradesk.schedules.coverage import actions as coverage_actions
    from paradesk.schedules.coverage.models import Absence

    absent = (
        Staff.objects.filter(para_blocks__school=school)
        .annotate(n=Count("para_blocks"))
        .order_by("-n")
        .first()
    )
    first = time.perf_counter()
    absence = coverage_actions.create_absence(
        actor=admin,
        absence=Absence(school=school, para=absent, date=MONDAY, reason="sick"),
    )
    print(f"first proposal (with the absence itself): {(time.perf_counter() - first) * 1000:.0f} ms")

    def read_day() -> None:
        opens = absences.open_blocks(absence)
        absences.CoverageDay.load(absence, (s for o in opens for s in o.run.student_ids))

    floor = statistics.median(timed(read_day, RUNS))
    samples = timed(lambda: coverage_actions.propose_again(actor=admin, absence=absence), RUNS)
    p50, p95 = statistics.median(samples), statistics.quantiles(samples, n=20)[18]
    rows = list(absence.coverage.all())
    covered = sum(1 for r in rows if r.covering_para_id)
    print(f"absent para's blocks: {len(rows)}, covered: {covered}")
    print(f"floor (reading the day): p50 {floor * 1000:.0f} ms")
    print(
        f"coverage end to end: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
        f"ratio p50/floor {p50 / floor:.1f}"
    )
    if p50 >= 1.0:
        print("FAIL: coverage for one absent para takes 1 s or more")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(with_django(run))
