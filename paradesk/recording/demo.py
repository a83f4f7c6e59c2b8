"""Invented recorded data for the demo district: weeks of sessions on every measure, so the raw-data
pages, graphs and progress reports have something true-to-life to show.

Each measure gets a learner whose skill grows (or whose target behavior fades) session by session,
with noise; the raw facts of its method are drawn from that skill and the session value is computed
from them by paradesk.recording.methods, exactly as for a real record. Nothing here is real data.
"""

from __future__ import annotations

import datetime
import random
import uuid
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from paradesk.demo_builder import insert_rows
from paradesk.people.models import Assignment, District, TeamRole
from paradesk.plans.models import INTERVAL_METHODS, Direction, Measure, MeasureStatus, Method, PlanStatus
from paradesk.recording import methods
from paradesk.recording.messages import spec_of
from paradesk.recording.models import Observation, Session

RECORDERS = (TeamRole.PARA_ONE_TO_ONE, TeamRole.PARA_SMALL_GROUP, TeamRole.CASE_MANAGER, TeamRole.PROVIDER)
SETTINGS = ("Resource room", "General-education classroom", "Cafeteria", "Playground")
DEVICE = "demo-tablet"


@dataclass(frozen=True)
class Moment:
    start: datetime.datetime
    seconds: float
    skill: float  # 0 = not yet, 1 = mastered; for a behavior to decrease, 1 = gone


def school_days_back(today: datetime.date, weeks: int) -> list[datetime.date]:
    first = today - datetime.timedelta(weeks=weeks)
    days = (first + datetime.timedelta(days=n) for n in range((today - first).days))
    return [day for day in days if day.weekday() < 5]


def record_demo_history(district: District, *, weeks: int = 8, seed: int = 20261122) -> int:
    """Sessions three days a week on every measure in force in the district; returns how many
    observations were written. Run once, right after the district is built."""
    rng = random.Random(seed)
    zone = zoneinfo.ZoneInfo(district.time_zone)
    days = school_days_back(timezone.localdate(), weeks)
    recorders = recorder_of_students(district)
    sessions: list[Session] = []
    observations: list[Observation] = []
    measures = (
        Measure.objects.filter(district=district, plan__status=PlanStatus.ACTIVE)
        .exclude(method=Method.ABC)
        .exclude(status=MeasureStatus.DISCONTINUED)
        .select_related("plan")
        .order_by("plan__student_id", "id")
    )
    for measure in measures:
        recorder = recorders.get(measure.plan.student_id)
        if recorder is None:
            continue
        for moment in moments(rng, days, zone, measure):
            session, observation = history_record(rng, measure, recorder, moment)
            sessions.append(session)
            observations.append(observation)
    insert_rows(Session, sessions)
    insert_rows(Observation, observations)
    return len(observations)


def recorder_of_students(district: District) -> dict[uuid.UUID, uuid.UUID]:
    """Who records for each student: their para if they have one, else the case manager."""
    found: dict[uuid.UUID, uuid.UUID] = {}
    assignments = Assignment.objects.filter(district=district, team_role__in=RECORDERS)
    for student_id, staff_id, _role in sorted(
        assignments.values_list("student_id", "staff_id", "team_role"),
        key=lambda row: RECORDERS.index(TeamRole(row[2])),
        reverse=True,
    ):
        found[student_id] = staff_id
    return found


def moments(
    rng: random.Random, days: list[datetime.date], zone: zoneinfo.ZoneInfo, measure: Measure
) -> Iterator[Moment]:
    growth = rng.uniform(0.5, 1.1)  # how far the learner gets over the weeks shown
    start_skill = rng.uniform(0.1, 0.35)
    chosen = [day for day in days if day.weekday() in (0, 2, 4)]
    for index, day in enumerate(chosen):
        progress = index / max(1, len(chosen) - 1)
        skill = min(1.0, max(0.0, start_skill + growth * progress * (1 - start_skill) + rng.gauss(0, 0.08)))
        start = datetime.datetime.combine(
            day, datetime.time(rng.randint(8, 13), rng.randrange(0, 60, 5)), zone
        )
        yield Moment(start=start, seconds=60.0 * rng.choice((10, 15, 20)), skill=skill)


def history_record(
    rng: random.Random, measure: Measure, recorder: uuid.UUID, moment: Moment
) -> tuple[Session, Observation]:
    spec = spec_of(measure)
    decrease = measure.direction == Direction.DECREASE
    facts = FACTS[measure.method](rng, spec, moment, 1 - moment.skill if decrease else moment.skill)
    value = methods.session_value(spec, facts, moment.seconds).value
    end = moment.start + datetime.timedelta(seconds=moment.seconds)
    common: dict[str, Any] = {
        "district_id": measure.district_id,
        "student_id": measure.plan.student_id,
        "recorded_by_id": recorder,
        "device": DEVICE,
        "recorded_at": end,
        "received_at": end + datetime.timedelta(seconds=rng.randint(1, 90)),
        "clock_skew_seconds": 0,
    }
    session = Session(
        id=uuid.uuid4(), started_at=moment.start, ended_at=end, setting=rng.choice(SETTINGS), **common
    )
    observation = Observation(
        id=uuid.uuid4(),
        session_id=session.id,
        plan_id=measure.plan_id,
        measure_id=measure.id,
        started_at=moment.start,
        ended_at=end,
        facts=facts,
        value=value,
        **common,
    )
    return session, observation


# Raw facts drawn from a level between 0 (the behavior is absent) and 1 (it fills the session).

Facts = dict[str, Any]


def times(rng: random.Random, count: int, seconds: float) -> list[float]:
    return sorted(round(rng.uniform(0, seconds), 1) for _ in range(count))


def prompt_for(rng: random.Random, spec: methods.MeasureSpec, level: float) -> str:
    """Stronger learners need less intrusive prompts."""
    hierarchy = spec.prompt_hierarchy
    reach = max(0, min(len(hierarchy) - 1, int(rng.expovariate(1.0) * (1 - level) * len(hierarchy))))
    return hierarchy[reach]


def trials(rng: random.Random, spec: methods.MeasureSpec, moment: Moment, level: float) -> Facts:
    count = spec.trials_per_session or 10
    rows = []
    for _ in range(count):
        response = (
            "correct" if rng.random() < level else rng.choice(("incorrect", "incorrect", "no_response"))
        )
        rows.append({"response": response, "prompt": prompt_for(rng, spec, level)})
    return {"trials": rows}


def task_analysis(rng: random.Random, spec: methods.MeasureSpec, moment: Moment, level: float) -> Facts:
    steps = []
    for _ in range(spec.task_step_count):
        steps.append(spec.prompt_hierarchy[0] if rng.random() < level else prompt_for(rng, spec, level * 0.5))
    return {"steps": steps}


def count(rng: random.Random, spec: methods.MeasureSpec, moment: Moment, level: float) -> Facts:
    return {"events": times(rng, round(level * 12 + rng.random() * 2), moment.seconds)}


def rate(rng: random.Random, spec: methods.MeasureSpec, moment: Moment, level: float) -> Facts:
    minutes = moment.seconds / 60
    correct = round(level * 3 * minutes)
    incorrect = round((1 - level) * 1.5 * minutes * rng.random())
    return {
        "events": times(rng, correct, moment.seconds),
        "incorrect_events": times(rng, incorrect, moment.seconds),
    }


def duration(rng: random.Random, spec: methods.MeasureSpec, moment: Moment, level: float) -> Facts:
    episodes, at = [], 0.0
    budget = moment.seconds * level * 0.8
    while budget > 5 and at < moment.seconds - 10:
        at += rng.uniform(5, 60)
        length = min(budget, rng.uniform(10, 120), moment.seconds - at)
        if length <= 1:
            break
        episodes.append([round(at, 1), round(at + length, 1)])
        at += length
        budget -= length
    return {"episodes": episodes}


def latency(rng: random.Random, spec: methods.MeasureSpec, moment: Moment, level: float) -> Facts:
    rows, at = [], 0.0
    for _ in range(5):
        wait = rng.uniform(2, 10) + (1 - level) * 40
        if at + wait + 5 > moment.seconds:
            break
        rows.append([round(at, 1), round(at + wait, 1)])
        at += wait + rng.uniform(30, 90)
    return {"trials": rows}


def irt(rng: random.Random, spec: methods.MeasureSpec, moment: Moment, level: float) -> Facts:
    return {"events": times(rng, 3 + round(level * 15), moment.seconds)}


def intervals(rng: random.Random, spec: methods.MeasureSpec, moment: Moment, level: float) -> Facts:
    return {"intervals": [rng.random() < level for _ in range(spec.interval_count or 10)]}


def rating(rng: random.Random, spec: methods.MeasureSpec, moment: Moment, level: float) -> Facts:
    low, high = spec.rating_min or 1, spec.rating_max or 5
    return {"rating": round(low + (high - low) * min(1.0, max(0.0, level + rng.gauss(0, 0.1))))}


def permanent_product(rng: random.Random, spec: methods.MeasureSpec, moment: Moment, level: float) -> Facts:
    attempted = rng.randint(8, 20)
    correct = sum(rng.random() < level for _ in range(attempted))
    return {"attempted": attempted, "correct": correct, "minutes": moment.seconds / 60}


FACTS: dict[str, Callable[[random.Random, methods.MeasureSpec, Moment, float], Facts]] = {
    Method.TRIALS: trials,
    Method.TASK_ANALYSIS: task_analysis,
    Method.COUNT: count,
    Method.RATE: rate,
    Method.DURATION: duration,
    Method.LATENCY: latency,
    Method.INTER_RESPONSE_TIME: irt,
    **dict.fromkeys(INTERVAL_METHODS, intervals),
    Method.RATING: rating,
    Method.PERMANENT_PRODUCT: permanent_product,
}
