"""Invented progress decisions for the demo district, on top of its recorded history
(paradesk/demo/recording.py): a change of instruction on two measures (after the phase line that
ends their baseline), one adjusted aimline, second observers' records paired as agreement checks
on about a fifth of the sessions of a few measures (mostly at or above 80%, one below), and a few
fidelity checks of 1:1 paras. Nothing here is real data.

Deterministic for a given history (one seeded random generator, rows read in a fixed order) and
written in a few bulk inserts.
"""

from __future__ import annotations

import datetime
import random
import statistics
import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

from paradesk.bulk import insert_rows
from paradesk.people.models import Assignment, District, TeamRole
from paradesk.plans.models import INTERVAL_METHODS, Measure, MeasureStatus, Method, Plan, PlanKind, PlanStatus
from paradesk.progress import actions, agreement
from paradesk.progress.models import AgreementCheck, AimlineAdjustment, FidelityCheck, PhaseChange, PhaseKind
from paradesk.recording import methods
from paradesk.recording.messages import spec_of
from paradesk.recording.models import Observation, Session

SEED = 20261123
# Every AGREEMENT_EVERY-th session of a checked measure gets a second observer (docs/field.md#agreement
# asks for at least 20% of the sessions of each phase).
AGREEMENT_EVERY = 5
# One measure of each of these method families gets second observers.
AGREEMENT_METHODS = (
    frozenset({Method.TRIALS}),
    INTERVAL_METHODS,
    frozenset({Method.COUNT}),
    frozenset({Method.DURATION}),
)
CAREFUL_OBSERVER = 0.04  # share of entries a second observer scores differently
CARELESS_OBSERVER = 0.45  # the one check that falls below the standard
MIN_SESSIONS = 12
TEACHING_BEGINS = ("Teaching begins", "Baseline done: daily teaching as the para directions describe.")
PHASE_CHANGES = (
    ("Token board added", "Token after every 2 correct responses; exchanged for 2 minutes of choice time."),
    ("Prompt delay 3 s", "Wait 3 seconds before prompting, instead of prompting at once."),
)
FIDELITY_WEEKS_AGO = (3, 1)
# Skills taught trial by trial or step by step: where a token board or a prompt delay is a change of
# instruction.
TAUGHT_METHODS = frozenset({Method.TRIALS, Method.TASK_ANALYSIS})


@dataclass
class Rows:
    """What the demo writes, by model, in insert order."""

    found: dict[type[models.Model], list[models.Model]] = field(default_factory=lambda: defaultdict(list))

    def add(self, obj: models.Model) -> None:
        self.found[type(obj)].append(obj)

    def write(self) -> int:
        for model in (Session, Observation, PhaseChange, AimlineAdjustment, AgreementCheck, FidelityCheck):
            insert_rows(model, self.found.get(model, []))
        return sum(len(rows) for model, rows in self.found.items() if model not in {Session, Observation})


def add_demo_decisions(district: District, *, seed: int = SEED) -> int:
    """The teacher's decisions in the demo district; returns how many decisions were written. Run once,
    right after the recorded history."""
    rng = random.Random(seed)
    zone = district.zone
    managers = team_members(district, TeamRole.CASE_MANAGER)
    measures = list(
        Measure.objects.filter(district=district, plan__status=PlanStatus.ACTIVE)
        .exclude(method=Method.ABC)
        .select_related("plan__student")
        .order_by("plan__student__local_id", "plan__kind", "name", "id")
    )
    history = observations_by_measure(district)
    rows = Rows()
    rich = [
        m for m in measures if len(history.get(m.pk, [])) >= MIN_SESSIONS and m.plan.student_id in managers
    ]
    acquiring = [m for m in rich if m.status == MeasureStatus.ACQUISITION]
    taught = [m for m in acquiring if m.method in TAUGHT_METHODS]
    for measure, (label, note) in zip(taught[::3], PHASE_CHANGES, strict=False):
        sessions = history[measure.pk]
        # Teaching began after 3 baseline sessions; the change came two thirds of the way through.
        rows.add(phase_change(measure, sessions, 3, managers, zone, *TEACHING_BEGINS))
        rows.add(phase_change(measure, sessions, len(sessions) * 2 // 3, managers, zone, label, note))
    with_target = [m for m in acquiring if m.target_value is not None and m.target_date is not None]
    if with_target:
        rows.add(adjusted_aimline(with_target[len(with_target) // 2], history, managers, zone))
    add_agreement(rng, rich, history, managers, rows)
    add_fidelity(rng, district, managers, rows)
    return rows.write()


def team_members(district: District, role: TeamRole) -> dict[uuid.UUID, uuid.UUID]:
    """Each student's staff member in the role (the first by id when there are several)."""
    found: dict[uuid.UUID, uuid.UUID] = {}
    rows = Assignment.objects.filter(district=district, team_role=role).order_by("staff_id")
    for student_id, staff_id in rows.values_list("student_id", "staff_id"):
        found.setdefault(student_id, staff_id)
    return found


def observations_by_measure(district: District) -> dict[uuid.UUID, list[Observation]]:
    found: dict[uuid.UUID, list[Observation]] = defaultdict(list)
    for observation in Observation.objects.filter(district=district).order_by("started_at", "id"):
        found[observation.measure_id].append(observation)
    return found


def local_day(observation: Observation, zone: zoneinfo.ZoneInfo) -> datetime.date:
    return observation.started_at.astimezone(zone).date()


def afternoon(day: datetime.date, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(15, 30), zone)


# ---- phase changes and the aimline ------------------------------------------------------------------


def phase_change(
    measure: Measure,
    sessions: list[Observation],
    index: int,
    managers: dict[uuid.UUID, uuid.UUID],
    zone: zoneinfo.ZoneInfo,
    label: str,
    note: str,
) -> PhaseChange:
    """A change of instruction from the day of the given session."""
    day = local_day(sessions[index], zone)
    return PhaseChange(
        district_id=measure.district_id,
        measure_id=measure.pk,
        starts_on=day,
        kind=PhaseKind.INTERVENTION,
        label=label,
        note=note,
        created_by_id=managers[measure.plan.student_id],
        created_at=afternoon(day, zone),
    )


def adjusted_aimline(
    measure: Measure,
    history: dict[uuid.UUID, list[Observation]],
    managers: dict[uuid.UUID, uuid.UUID],
    zone: zoneinfo.ZoneInfo,
) -> AimlineAdjustment:
    """The goal raised from the baseline (the median of the first 3 sessions) after 4 weeks of data."""
    sessions = history[measure.pk]
    assert measure.target_date is not None
    start = statistics.median(o.value or 0.0 for o in sessions[:3])
    decided = local_day(sessions[min(len(sessions) - 1, 11)], zone)
    low, high = actions.value_range(measure)
    raised = float(measure.target_value or 0) * 1.1
    target = min(high, raised) if high is not None else raised
    return AimlineAdjustment(
        district_id=measure.district_id,
        measure_id=measure.pk,
        start_date=local_day(sessions[2], zone),
        start_value=max(low, start),
        target_date=measure.target_date,
        target_value=round(target, 1),
        note="Raised the goal: the last four points were all above the aimline.",
        created_by_id=managers[measure.plan.student_id],
        created_at=afternoon(decided, zone),
    )


# ---- agreement --------------------------------------------------------------------------------------


def add_agreement(
    rng: random.Random,
    measures: list[Measure],
    history: dict[uuid.UUID, list[Observation]],
    managers: dict[uuid.UUID, uuid.UUID],
    rows: Rows,
) -> None:
    """For the first measure of each method family in AGREEMENT_METHODS, the case manager observes every
    fifth session too; the very first check is a careless one that falls below 80%."""
    careless = True
    for family in AGREEMENT_METHODS:
        found = next(
            (
                m
                for m in measures
                if m.method in family and all_by_others(history[m.pk], managers[m.plan.student_id])
            ),
            None,
        )
        if found is None:
            continue
        sessions = history[found.pk]
        for start in range(0, len(sessions), AGREEMENT_EVERY):
            block = sessions[start : start + AGREEMENT_EVERY]
            # From the 4th session on: the first 3 are the baseline, the current phase follows.
            primary = next((o for o in block[3:] + block[:3] if comparable(found, o)), None)
            if primary is None:
                continue
            check = second_look(rng, found, primary, managers[found.plan.student_id], careless, rows)
            careless = (
                careless and check.percent is not None and check.percent >= agreement.AGREEMENT_STANDARD
            )


def comparable(measure: Measure, observation: Observation) -> bool:
    """Whether the method's formula has anything to compare in this session (a duration session
    with no episode has no occurrence to compare)."""
    kind = agreement.PRIMARY_AGREEMENT[measure.method]
    return actions.agreement_values(measure, observation, observation).get(kind) is not None


def all_by_others(sessions: list[Observation], checker: uuid.UUID) -> bool:
    return all(observation.recorded_by_id != checker for observation in sessions)


def second_look(
    rng: random.Random, measure: Measure, primary: Observation, checker: uuid.UUID, careless: bool, rows: Rows
) -> AgreementCheck:
    """The second observer's session and observation of the same time, and the check pairing them.
    A careful second observer who happens to fall below the standard looks again (less noise), so
    only the careless check is below it."""
    seconds = (primary.ended_at - primary.started_at).total_seconds()
    spec = spec_of(measure)
    kind = agreement.PRIMARY_AGREEMENT[measure.method]
    for noise in (CARELESS_OBSERVER,) if careless else (CAREFUL_OBSERVER, CAREFUL_OBSERVER / 2, 0.0):
        facts = PERTURB[measure.method](rng, primary.facts, noise, seconds)
        secondary = observation_like(
            primary, checker, facts, methods.session_value(spec, facts, seconds).value
        )
        percent = actions.agreement_values(measure, primary, secondary).get(kind)
        if careless or (percent is not None and percent >= agreement.AGREEMENT_STANDARD):
            break
    session = Session(
        id=uuid.uuid4(),
        district_id=primary.district_id,
        student_id=primary.student_id,
        recorded_by_id=checker,
        device="demo-tablet-2",
        recorded_at=primary.recorded_at,
        received_at=primary.received_at,
        clock_skew_seconds=0,
        started_at=primary.started_at,
        ended_at=primary.ended_at,
        setting="",
        agreement_of_id=primary.session_id,
    )
    secondary.session_id = session.pk
    rows.add(session)
    rows.add(secondary)
    check = AgreementCheck(
        district_id=measure.district_id,
        measure_id=measure.pk,
        primary_id=primary.pk,
        secondary_id=secondary.pk,
        kind=kind,
        percent=percent,
        paired_by_id=checker,
        paired_at=primary.ended_at + datetime.timedelta(hours=3),
    )
    rows.add(check)
    return check


def observation_like(
    primary: Observation, checker: uuid.UUID, facts: dict[str, Any], value: float | None
) -> Observation:
    return Observation(
        id=uuid.uuid4(),
        district_id=primary.district_id,
        student_id=primary.student_id,
        recorded_by_id=checker,
        device="demo-tablet-2",
        recorded_at=primary.recorded_at,
        received_at=primary.received_at,
        clock_skew_seconds=0,
        session_id=primary.session_id,
        plan_id=primary.plan_id,
        measure_id=primary.measure_id,
        started_at=primary.started_at,
        ended_at=primary.ended_at,
        facts=facts,
        value=value,
    )


# A second observer's facts: the first observer's, each entry scored differently with chance `noise`.

Facts = dict[str, Any]


def other_trials(rng: random.Random, facts: Facts, noise: float, seconds: float) -> Facts:
    flipped = {"correct": "incorrect", "incorrect": "correct", "no_response": "incorrect"}
    rows = []
    for trial in facts.get("trials", []):
        response = flipped[trial["response"]] if rng.random() < noise else trial["response"]
        rows.append({**trial, "response": response})
    return {"trials": rows}


def other_intervals(rng: random.Random, facts: Facts, noise: float, seconds: float) -> Facts:
    return {
        "intervals": [
            (not scored) if rng.random() < noise else scored for scored in facts.get("intervals", [])
        ]
    }


def other_events(rng: random.Random, facts: Facts, noise: float, seconds: float) -> Facts:
    """Missed events, events seen a moment earlier or later, and a few the first observer did not see."""
    shift = noise * 50  # seconds: 2 s for a careful observer
    kept = [
        round(min(seconds, max(0.0, t + rng.uniform(-shift, shift))), 1)
        for t in facts.get("events", [])
        if rng.random() >= noise
    ]
    extra = [round(rng.uniform(0, seconds), 1) for _ in range(round(noise * len(kept)))]
    return {"events": sorted(kept + extra)}


def other_episodes(rng: random.Random, facts: Facts, noise: float, seconds: float) -> Facts:
    """Each episode's onset and offset seen a little earlier or later."""
    rows = []
    for onset, offset in facts.get("episodes", []):
        start = max(0.0, onset + rng.uniform(-1, 1) * noise * 60)
        end = min(seconds, max(start + 1, offset + rng.uniform(-1, 1) * noise * 60))
        rows.append([round(start, 1), round(end, 1)])
    return {"episodes": rows}


PERTURB: dict[str, Callable[[random.Random, Facts, float, float], Facts]] = {
    Method.TRIALS: other_trials,
    **dict.fromkeys(INTERVAL_METHODS, other_intervals),
    Method.COUNT: other_events,
    Method.DURATION: other_episodes,
}


# ---- fidelity ---------------------------------------------------------------------------------------


def add_fidelity(
    rng: random.Random, district: District, managers: dict[uuid.UUID, uuid.UUID], rows: Rows
) -> None:
    """Two checks of each 1:1 para on their student's IEP: three weeks ago and last week."""
    paras = team_members(district, TeamRole.PARA_ONE_TO_ONE)
    plans = Plan.objects.filter(
        district=district, status=PlanStatus.ACTIVE, student_id__in=paras, kind=PlanKind.IEP
    ).order_by("student__local_id")
    today = timezone.localdate()
    for plan in plans:
        steps = actions.plan_steps(plan)
        if not steps or plan.student_id not in managers:
            continue
        for weeks in FIDELITY_WEEKS_AGO:
            results = [rng.choices(("yes", "no", "na"), (16, 3, 1))[0] for _ in steps]
            results[0] = "yes"  # the setup is always seen
            day = monday_of(today - datetime.timedelta(weeks=weeks)) + datetime.timedelta(
                days=rng.randint(0, 4)
            )
            rows.add(
                FidelityCheck(
                    district_id=district.pk,
                    student_id=plan.student_id,
                    plan_id=plan.pk,
                    observed_staff_id=paras[plan.student_id],
                    observed_on=day,
                    steps=[{"step": step, "result": r} for step, r in zip(steps, results, strict=True)],
                    percent=agreement.fidelity(results).percent,
                    note="",
                    created_by_id=managers[plan.student_id],
                    created_at=timezone.now() - datetime.timedelta(weeks=weeks),
                )
            )


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())
