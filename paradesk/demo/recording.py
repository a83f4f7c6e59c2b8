"""Invented recorded data for the demo district: weeks of sessions on every measure, so the raw-data
pages, graphs and progress reports have something true-to-life to show.

Each measure gets a learner whose skill grows (or whose target behavior fades) session by session,
with noise; the raw facts of its method are drawn from that skill and the session value is computed
from them by paradesk.recording.methods, exactly as for a real record. Nothing here is real data.
"""

from __future__ import annotations

import datetime
import random
import re
import uuid
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from paradesk.bulk import insert_rows
from paradesk.people.models import Assignment, District, TeamRole
from paradesk.plans import units
from paradesk.plans.models import INTERVAL_METHODS, Measure, MeasureStatus, Method, PlanStatus
from paradesk.recording import methods
from paradesk.recording.messages import spec_of
from paradesk.recording.models import Observation, Session

RECORDERS = (TeamRole.PARA_ONE_TO_ONE, TeamRole.PARA_SMALL_GROUP, TeamRole.CASE_MANAGER, TeamRole.PROVIDER)
SETTINGS = ("Resource room", "General-education classroom", "Cafeteria", "Playground")
DEVICE = "demo-tablet"


@dataclass(frozen=True)
class Moment:
    start: datetime.datetime
    skill: float  # 0 = where the plan's baseline says the student was, 1 = the plan's target


@dataclass(frozen=True)
class Drawn:
    """One invented observation: its raw facts and how long the observer was there (seconds)."""

    facts: dict[str, Any]
    seconds: float


@dataclass(frozen=True)
class Aim:
    """What the invented data moves between: the measure's value at skill 0 and at skill 1, in the
    measure's unit, and the session's own details."""

    spec: methods.MeasureSpec
    at_start: float
    at_target: float
    window_seconds: float  # the observation window ("1-minute timed oral reading": 60)

    def value(self, skill: float) -> float:
        return self.at_start + (self.at_target - self.at_start) * skill


def school_days_back(today: datetime.date, weeks: int) -> list[datetime.date]:
    first = today - datetime.timedelta(weeks=weeks)
    days = (first + datetime.timedelta(days=n) for n in range((today - first).days))
    return [day for day in days if day.weekday() < 5]


def record_demo_history(district: District, *, weeks: int = 8, seed: int = 20261122) -> int:
    """Sessions three days a week on every measure in force in the district; returns how many
    observations were written. Run once, right after the district is built."""
    rng = random.Random(seed)
    zone = district.zone
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
    start_skill = rng.uniform(0.0, 0.12)  # the first sessions sit near the plan's written baseline
    chosen = [day for day in days if day.weekday() in (0, 2, 4)]
    for index, day in enumerate(chosen):
        progress = index / max(1, len(chosen) - 1)
        skill = min(1.0, max(0.0, start_skill + growth * progress * (1 - start_skill) + rng.gauss(0, 0.08)))
        start = datetime.datetime.combine(
            day, datetime.time(rng.randint(8, 13), rng.randrange(0, 60, 5)), zone
        )
        yield Moment(start=start, skill=skill)


def history_record(
    rng: random.Random, measure: Measure, recorder: uuid.UUID, moment: Moment
) -> tuple[Session, Observation]:
    aim = aim_of(measure)
    drawn = FACTS[measure.method](rng, aim, min(1.0, max(0.0, moment.skill)))
    value = methods.session_value(aim.spec, drawn.facts, drawn.seconds).value
    end = moment.start + datetime.timedelta(seconds=drawn.seconds)
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
        facts=drawn.facts,
        value=value,
        **common,
    )
    return session, observation


# Where each method's invented values start and end when the plan gives no baseline or target (in
# the method's own unit: percent, count, per minute, seconds).
FALLBACK_AIMS: dict[str, tuple[float, float]] = {
    Method.COUNT: (10, 2),
    Method.RATE: (20, 45),
    Method.DURATION: (600, 120),
    Method.LATENCY: (40, 8),
    Method.INTER_RESPONSE_TIME: (60, 240),
    Method.RATING: (2, 4),
}
WINDOW = re.compile(r"(\d+)[- ]minute", re.IGNORECASE)
DEFAULT_WINDOW_SECONDS = 15 * 60
# Before a timed probe the para reads the directions and sets up: that time is not observed.
SETUP_SECONDS = (30, 150)


def aim_of(measure: Measure) -> Aim:
    spec = spec_of(measure)
    low, high = FALLBACK_AIMS.get(measure.method, (25, 85))
    start = low if measure.baseline_value is None else units_back(float(measure.baseline_value), spec)
    target = high if measure.target_value is None else units_back(float(measure.target_value), spec)
    found = WINDOW.search(measure.observation_window or "")
    window = 60.0 * int(found.group(1)) if found else DEFAULT_WINDOW_SECONDS
    return Aim(spec, start, target, window)


def units_back(value: float, spec: methods.MeasureSpec) -> float:
    """A value in the measure's declared unit, in the method's own (minutes to seconds)."""
    per_own = units.in_unit(1.0, spec.method, spec.unit) or 1.0
    return value / per_own


# Raw facts drawn from a level between 0 (the behavior is absent) and 1 (it fills the session).

Facts = dict[str, Any]


def times(rng: random.Random, count: int, start: float, seconds: float) -> list[float]:
    return sorted(round(rng.uniform(start, start + seconds), 1) for _ in range(count))


def noisy(rng: random.Random, value: float, spread: float = 0.1) -> float:
    return max(0.0, value * (1 + rng.gauss(0, spread)))


def prompt_for(rng: random.Random, spec: methods.MeasureSpec, level: float) -> str:
    """Stronger learners need less intrusive prompts."""
    hierarchy = spec.hierarchy
    reach = max(0, min(len(hierarchy) - 1, int(rng.expovariate(1.0) * (1 - level) * len(hierarchy))))
    return hierarchy[reach]


def supported_levels(spec: methods.MeasureSpec) -> tuple[list[str], list[str]]:
    """The prompt levels that count toward the goal (at or below its support level) and the rest."""
    hierarchy = list(spec.hierarchy)
    if spec.goal_support_level not in hierarchy:
        return hierarchy, []
    cut = hierarchy.index(spec.goal_support_level) + 1
    return hierarchy[:cut], hierarchy[cut:]


def trials(rng: random.Random, aim: Aim, skill: float) -> Drawn:
    """A trial succeeds (correct at or below the goal's support level) as often as the value says;
    some other trials are correct with more help, the rest wrong: the sheet's and the graph's figure
    are then one and the same."""
    share = aim.value(skill) / 100
    within, beyond = supported_levels(aim.spec)
    rows = []
    for _ in range(aim.spec.trials_per_session or 10):
        if rng.random() < share:
            rows.append(
                {"response": "correct", "prompt": within[min(len(within) - 1, int(rng.expovariate(2.5)))]}
            )
        elif beyond and rng.random() < 0.5:
            rows.append({"response": "correct", "prompt": rng.choice(beyond)})
        else:
            rows.append(
                {
                    "response": rng.choice(("incorrect", "incorrect", "no_response")),
                    "prompt": prompt_for(rng, aim.spec, skill),
                }
            )
    return Drawn({"trials": rows}, 60.0 * rng.choice((8, 10, 12)))


def task_analysis(rng: random.Random, aim: Aim, skill: float) -> Drawn:
    """Steps done at or below the goal's support level as often as the value says; the others with
    more help, or not done."""
    share = aim.value(skill) / 100
    within, beyond = supported_levels(aim.spec)
    steps = [
        within[min(len(within) - 1, int(rng.expovariate(2.0)))]
        if rng.random() < share
        else rng.choice([*beyond, methods.NOT_DONE])
        for _ in range(aim.spec.task_step_count)
    ]
    return Drawn({"steps": steps}, 60.0 * rng.choice((5, 8, 10)))


def timed_probe(rng: random.Random, aim: Aim) -> tuple[float, float, float]:
    """The setup before the stopwatch, the timed window and the whole session, in seconds."""
    setup = float(rng.randint(*SETUP_SECONDS))
    return setup, aim.window_seconds, setup + aim.window_seconds + rng.randint(10, 60)


def count(rng: random.Random, aim: Aim, skill: float) -> Drawn:
    setup, window, seconds = timed_probe(rng, aim)
    events = times(rng, round(noisy(rng, aim.value(skill))), setup, window)
    return Drawn({"events": events, "timed": [[setup, setup + window]]}, seconds)


def rate(rng: random.Random, aim: Aim, skill: float) -> Drawn:
    """A timed probe: the para starts the stopwatch after the directions and stops it at the end of
    the probe's minutes, so the rate is words (or digits) per timed minute."""
    setup, window, seconds = timed_probe(rng, aim)
    correct = round(noisy(rng, aim.value(skill), 0.08) * window / 60)
    incorrect = round((1 - skill) * 4 * window / 60 * rng.random())
    return Drawn(
        {
            "events": times(rng, correct, setup, window),
            "incorrect_events": times(rng, incorrect, setup, window),
            "timed": [[setup, setup + window]],
        },
        seconds,
    )


def duration(rng: random.Random, aim: Aim, skill: float) -> Drawn:
    """Episodes adding up to the value (in seconds), in a session long enough to hold them."""
    total = noisy(rng, aim.value(skill), 0.15)
    parts = max(1, min(4, round(total / 240) or 1))
    lengths = [total / parts] * parts
    gaps = [rng.uniform(30, 180) for _ in range(parts)]
    seconds = max(aim.window_seconds, total + sum(gaps) + 60)
    episodes, at = [], 0.0
    for length, gap in zip(lengths, gaps, strict=True):
        at += gap
        episodes.append([round(at, 1), round(at + length, 1)])
        at += length
    return Drawn({"episodes": episodes, "timed": [[0.0, round(seconds, 1)]]}, round(seconds, 1))


def latency(rng: random.Random, aim: Aim, skill: float) -> Drawn:
    rows, at = [], 0.0
    for _ in range(5):
        wait = noisy(rng, aim.value(skill), 0.25)
        rows.append([round(at, 1), round(at + wait, 1)])
        at += wait + rng.uniform(60, 180)
    return Drawn({"trials": rows}, round(at + 10, 1))


def irt(rng: random.Random, aim: Aim, skill: float) -> Drawn:
    """Responses spaced by gaps around the value (seconds) through the practice window."""
    window, mean = aim.window_seconds, max(5.0, aim.value(skill))
    events: list[float] = []
    at = rng.uniform(0, min(mean, window / 4))
    while at < window and len(events) < 200:
        events.append(round(at, 1))
        at += noisy(rng, mean, 0.3) or mean
    if len(events) < 2:
        events = [0.0, round(min(window, mean), 1)]
    return Drawn({"events": events, "timed": [[0.0, window]]}, window)


def intervals(rng: random.Random, aim: Aim, skill: float) -> Drawn:
    share = aim.value(skill) / 100
    count = aim.spec.interval_count or 10
    seconds = float(count * (aim.spec.interval_seconds or 60))
    return Drawn({"intervals": [rng.random() < share for _ in range(count)]}, seconds)


def rating(rng: random.Random, aim: Aim, skill: float) -> Drawn:
    low, high = aim.spec.rating_min or 1, aim.spec.rating_max or 5
    value = round(min(high, max(low, aim.value(skill) + rng.gauss(0, 0.4))))
    return Drawn({"rating": value}, 60.0 * 15)


def permanent_product(rng: random.Random, aim: Aim, skill: float) -> Drawn:
    attempted = rng.randint(8, 20)
    share = aim.value(skill) / 100
    correct = sum(rng.random() < share for _ in range(attempted))
    return Drawn({"attempted": attempted, "correct": correct, "minutes": None}, 60.0 * 20)


FACTS: dict[str, Callable[[random.Random, Aim, float], Drawn]] = {
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
