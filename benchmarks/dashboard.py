"""Server time of the team dashboard (progress/), against a floor, and its query count for a caseload
of 40 students and of 10.

Builds, in a throwaway SQLite database, a case manager with 40 students and one with 10, each
student with an active IEP of 6 measures (discrete trials) and about 120 sessions per measure on
the school days before today (a phase change halfway, an aimline to a target, an agreement check in
the current phase; a few measures stopped two weeks ago, a few were never recorded), at a school with
a bell schedule and closures. Times REQUESTS requests of GET /progress/?show=all in-process with
Django's test client, after a few warm-up requests, like student_pages.py: middleware, the caseload
and measure queries, series.progress_of (every session through the analysis), the alerts, the
template and the audit write. The floor is rendering the bare base template (no queries) in the same
process. The page must make as many queries for 40 students as for 10.

Run: .venv/bin/python benchmarks/dashboard.py
"""

from __future__ import annotations

import datetime
import random
import sys
import time
import uuid
from typing import TYPE_CHECKING

from _common import floor_ms, get_ok, p50, p95, page_queries, signed_in, timed_ms, with_django

MEASURES_PER_STUDENT = 6
SESSIONS_PER_MEASURE = 120
REQUESTS = 15
COLD_REQUESTS = 5  # each analyses 240 measures of ~120 sessions: seconds each (see README)
WARM_UP = 2
SEED = 20261122
URL_PARAMS = "?show=all"

if TYPE_CHECKING:
    from paradesk.people.models import School, Staff
    from paradesk.plans.models import Measure
    from paradesk.recording.models import Observation


def page_exists() -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("progress_dashboard")
    except NoReverseMatch:
        return "The page 'progress_dashboard' does not exist yet, so there is nothing to measure."
    return None


def school_days_before(school: School, today: datetime.date, count: int) -> list[datetime.date]:
    """The last `count` weekdays before today that are not closures, oldest first (the data reaches
    back before the bell schedule's school year, where no calendar says otherwise)."""
    from paradesk.schedules.school_calendar import SchoolCalendars

    start = today - datetime.timedelta(days=count * 2)
    calendars = SchoolCalendars.load([school.pk], start, today)
    found: list[datetime.date] = []
    day = today - datetime.timedelta(days=1)
    while len(found) < count:
        if day.weekday() < 5 and calendars.closure(school.pk, day) is None:
            found.append(day)
        day -= datetime.timedelta(days=1)
    return found[::-1]


def trials_facts(rng: random.Random, correct: int) -> dict[str, object]:
    prompts = ["independent", "gestural", "verbal", "model"]
    return {
        "trials": [
            {"response": "correct" if n < correct else "incorrect", "prompt": rng.choice(prompts)}
            for n in range(10)
        ]
    }


def caseload(school: School, author: Staff, para: Staff, count: int, days: list[datetime.date]) -> Staff:
    """A case manager with `count` students, 6 measures each, ~120 sessions per measure."""
    from paradesk.bulk import insert_rows
    from paradesk.people.models import RoleKind, TeamRole
    from paradesk.progress.models import AimlineAdjustment, PhaseChange
    from paradesk.recording.models import Observation, Session
    from paradesk.testing import (
        AssignmentFactory,
        GoalFactory,
        MeasureFactory,
        PlanFactory,
        StudentFactory,
        staff_with_role,
    )

    rng = random.Random(SEED + count)
    district = school.district
    manager = staff_with_role(district, school, RoleKind.SPED_TEACHER, f"Bench Manager {count}")
    halfway = days[len(days) // 2]
    sessions: list[Session] = []
    observations: list[Observation] = []
    phase_changes: list[PhaseChange] = []
    adjustments: list[AimlineAdjustment] = []
    for number in range(count):
        student = StudentFactory.create(school=school)
        AssignmentFactory.create(student=student, staff=manager, team_role=TeamRole.CASE_MANAGER)
        AssignmentFactory.create(student=student, staff=para)
        plan = PlanFactory.create(
            student=student,
            created_by=author,
            start_date=days[0],
            end_date=days[-1] + datetime.timedelta(300),
        )
        measures: list[Measure] = []
        for goal_number in range(2):
            goal = GoalFactory.create(plan=plan, order=goal_number)
            for n in range(MEASURES_PER_STUDENT // 2):
                measures.append(
                    MeasureFactory.create(
                        goal=goal,
                        name=f"Measure {goal_number}.{n}",
                        target_value=90,
                        target_date=days[-1] + datetime.timedelta(days=120),
                        status="acquisition",
                    )
                )
        common = {"district": district, "student": student, "recorded_by": para, "device": "bench"}
        for position, day in enumerate(days):
            at = datetime.datetime.combine(day, datetime.time(15, 0), tzinfo=datetime.UTC)
            when = {"started_at": at, "ended_at": at, "recorded_at": at, "received_at": at}
            session = Session(id=uuid.uuid4(), **when, **common)
            sessions.append(session)
            for index, measure in enumerate(measures):
                stopped = (number + index) % 7 == 0 and day > days[-10]  # no data for two weeks
                never = (number + index) % 11 == 0
                if stopped or never:
                    continue
                growth = (index % 3) * 0.25
                correct = max(0, min(10, round((30 + growth * position) / 10 + rng.gauss(0, 1))))
                observations.append(
                    Observation(
                        id=uuid.uuid4(),
                        session=session,
                        plan=plan,
                        measure=measure,
                        facts=trials_facts(rng, correct),
                        value=10.0 * correct,
                        **when,
                        **common,
                    )
                )
        for index, measure in enumerate(measures):
            phase_changes.append(
                PhaseChange(
                    district=district,
                    measure=measure,
                    starts_on=halfway,
                    label="New prompts",
                    created_by=author,
                )
            )
            if index % 2:
                adjustments.append(
                    AimlineAdjustment(
                        district=district,
                        measure=measure,
                        start_date=halfway,
                        start_value=40,
                        target_date=days[-1] + datetime.timedelta(days=100),
                        target_value=90,
                        created_by=author,
                    )
                )
    insert_rows(Session, sessions)
    insert_rows(Observation, observations)
    PhaseChange.objects.bulk_create(phase_changes)
    AimlineAdjustment.objects.bulk_create(adjustments)
    agreement_checks(observations, author, halfway)
    return manager


def agreement_checks(observations: list[Observation], author: Staff, since: datetime.date) -> None:
    """A second observer's observation and an agreement check for every 8th observation of the
    current phase (12.5%: under the 20% standard; some checks under 80%), so alerts have work."""
    from paradesk.bulk import insert_rows
    from paradesk.progress.models import AgreementCheck
    from paradesk.recording.models import Observation

    seconds: list[Observation] = []
    checks: list[AgreementCheck] = []
    in_phase = [o for o in observations if o.started_at.date() >= since]
    for primary in in_phase[::8]:
        second = Observation(
            id=uuid.uuid4(),
            session=primary.session,
            plan=primary.plan,
            measure=primary.measure,
            started_at=primary.started_at,
            ended_at=primary.ended_at,
            facts=primary.facts,
            value=primary.value,
            district=primary.district,
            student=primary.student,
            recorded_by=author,
            device="bench-second",
            recorded_at=primary.recorded_at,
            received_at=primary.received_at,
        )
        seconds.append(second)
        checks.append(
            AgreementCheck(
                district=primary.district,
                measure=primary.measure,
                primary=primary,
                secondary=second,
                kind="trial_by_trial",
                percent=70.0 + (len(checks) % 4) * 10,
                paired_by=author,
            )
        )
    insert_rows(Observation, seconds)
    AgreementCheck.objects.bulk_create(checks)


def run() -> int:
    from django.urls import reverse
    from django.utils import timezone

    from paradesk.people.models import RoleKind
    from paradesk.testing import SchoolFactory, bell_schedule_for, calendar_day, staff_with_role

    missing = page_exists()
    if missing:
        print(f"dashboard: FAILED. {missing}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    school = SchoolFactory.create()
    bell_schedule_for(school)
    today = timezone.localdate()
    for offset in (10, 24, 45):  # closures in the weeks the data covers
        calendar_day(school, today - datetime.timedelta(days=offset), closed="Bench closure")
    author = staff_with_role(school.district, school, RoleKind.SPED_TEACHER, "Bench Author")
    para = staff_with_role(school.district, school, RoleKind.PARA, "Bench Para")
    days = school_days_before(school, today, SESSIONS_PER_MEASURE)
    manager_40 = caseload(school, author, para, 40, days)
    manager_10 = caseload(school, author, para, 10, days)
    built = time.perf_counter() - started
    print(f"built 50 students, 300 measures, {SESSIONS_PER_MEASURE} school days of sessions in {built:.1f} s")

    floor = floor_ms()
    url = reverse("progress_dashboard") + URL_PARAMS
    client = signed_in(manager_40)
    for _ in range(WARM_UP):
        get_ok(client, url)
    # Warm: every summary stored and current (the worker refreshed them as the data arrived).
    cpu_started = time.process_time()
    samples = timed_ms(lambda: get_ok(client, url), REQUESTS)
    cpu_ms = (time.process_time() - cpu_started) * 1000 / REQUESTS
    # Cold: no summary stored (a new release of the analysis code, or no worker running).
    cold: list[float] = []
    for _ in range(COLD_REQUESTS):
        forget_summaries()
        cold += timed_ms(lambda: get_ok(client, url), 1)
    at_40 = page_queries(manager_40, url)
    at_10 = page_queries(manager_10, url)
    cold_40 = cold_queries(manager_40, url)
    cold_10 = cold_queries(manager_10, url)
    attention_40 = page_queries(manager_40, reverse("progress_dashboard"))
    middle = p50(samples)
    print(
        f"dashboard p50 {middle:.1f} ms = {middle / floor:.1f}x floor ({floor:.2f} ms), "
        f"p95 {p95(samples):.1f} ms over {REQUESTS} requests, CPU {cpu_ms:.0f} ms a request "
        f"(40 students, {40 * MEASURES_PER_STUDENT} measures, ~{SESSIONS_PER_MEASURE} sessions each, "
        f"summaries stored); queries {at_40} at 40 students, {at_10} at 10 students "
        f"({attention_40} needing attention only, 40)"
    )
    print(
        f"dashboard with no stored summary: p50 {p50(cold):.1f} ms over {COLD_REQUESTS} requests; "
        f"queries {cold_40} at 40 students, {cold_10} at 10 students"
    )
    if at_40 > at_10 or cold_40 > cold_10:
        print("dashboard: FAILED. The dashboard makes more queries at 40 students than at 10.")
        return 1
    return 0


def forget_summaries() -> None:
    from paradesk.progress.models import MeasureSummary

    MeasureSummary.objects.all().delete()


def cold_queries(staff: Staff, url: str) -> int:
    """Queries of one request with no summary stored, after a first request filled the session."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(staff)
    get_ok(client, url)
    forget_summaries()
    with CaptureQueriesContext(connection) as queries:
        get_ok(client, url)
    return len(queries.captured_queries)


if __name__ == "__main__":
    sys.exit(with_django(run))
