"""Measures' progress as the pages, the dashboard and the reports read it: each measure's session
values across its plan versions, the teacher's phase changes and aimline, agreement checks, and the
analysis of paradesk.progress.analysis, for many measures in a fixed number of queries.

Reading only: who may read is decided by paradesk.access before anything here is called.
"""

from __future__ import annotations

import datetime
import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, FilteredRelation, OuterRef, Q, QuerySet

from paradesk.access.record import school_time_zone
from paradesk.people.district import in_district
from paradesk.plans import units
from paradesk.plans.models import DEFAULT_PROMPT_HIERARCHY, Measure, Method, PlanStatus
from paradesk.progress import analysis
from paradesk.progress.agreement import AgreementStanding, agreement_standing
from paradesk.progress.models import AgreementCheck, AimlineAdjustment, PhaseChange
from paradesk.recording.messages import spec_of
from paradesk.recording.models import Observation

# Methods whose session value is a percentage: the mastery threshold (a percent) applies to them.
PERCENT_METHODS = frozenset(
    {
        Method.PARTIAL_INTERVAL,
        Method.WHOLE_INTERVAL,
        Method.MOMENTARY_TIME_SAMPLING,
        Method.TRIALS,
        Method.TASK_ANALYSIS,
        Method.PERMANENT_PRODUCT,
    }
)
# Methods whose facts carry a prompt level per trial or step (the independence trend reads them).
PROMPTED_METHODS = frozenset({Method.TRIALS, Method.TASK_ANALYSIS})
# How many plan versions back a lineage is followed (a guard against a cycle in bad data).
MAX_VERSIONS = 100


@dataclass
class Session:
    """One graphed session value with what the page shows beside it."""

    observation_id: uuid.UUID
    measure_id: uuid.UUID
    started_at: datetime.datetime
    day: datetime.date
    value: float
    recorded_by_id: uuid.UUID
    setting: str
    support: dict[str, float | int | None]


@dataclass
class MeasureProgress:
    measure: Measure
    lineage: list[uuid.UUID]  # this measure's id and those it was carried from, newest first
    sessions: list[Session]
    changes: list[PhaseChange]
    adjustment: AimlineAdjustment | None
    agreement_checks: list[AgreementCheck]
    result: analysis.Analysis
    agreement: AgreementStanding
    time_zone: zoneinfo.ZoneInfo = field(default_factory=lambda: zoneinfo.ZoneInfo(settings.TIME_ZONE))

    @property
    def last_day(self) -> datetime.date | None:
        return self.sessions[-1].day if self.sessions else None


def districts_of(measures: Iterable[Measure]) -> set[uuid.UUID]:
    """The districts of these measures (one, on every page), which each query of their data names."""
    return {measure.district_id for measure in measures}


def loaded_measures(measures: QuerySet[Measure], districts: set[uuid.UUID], *order: str) -> list[Measure]:
    """The measures of these districts with their plan, student, school, goal and target behavior,
    in one query whose every join names the district. A goal and a behavior are optional (left
    joins), so their district goes in the join itself; `order` may name `district_goal__...`."""
    wanted = in_district(measures, districts, "plan", "plan__student").annotate(
        district_goal=FilteredRelation("goal", condition=Q(goal__district_id__in=districts)),
        district_behavior=FilteredRelation(
            "target_behavior", condition=Q(target_behavior__district_id__in=districts)
        ),
    )
    # The type plugin does not know filtered relations by their names.
    related = wanted.select_related("plan__student__school", "district_goal", "district_behavior")  # type: ignore[misc]
    found: list[Measure] = list(related.order_by(*order))
    for measure in found:  # read as measure.goal and measure.target_behavior, with no further query
        Measure.goal.field.set_cached_value(measure, getattr(measure, "district_goal", None))
        Measure.target_behavior.field.set_cached_value(measure, getattr(measure, "district_behavior", None))
    return found


def time_zone_of(measure: Measure) -> zoneinfo.ZoneInfo:
    return school_time_zone(measure.plan.student)


def lineages(measures: Sequence[Measure]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Each measure's id and the ids it was carried from, newest first: one query per plan version
    back, whatever the number of measures."""
    found = {measure.pk: [measure.pk] for measure in measures}
    parent = {measure.pk: measure.carried_from_id for measure in measures}
    for _depth in range(MAX_VERSIONS):
        wanted = {p for p in parent.values() if p is not None and p not in parent}
        if not wanted:
            break
        earlier = in_district(Measure.objects.filter(pk__in=wanted), districts_of(measures))
        parent.update(dict(earlier.values_list("pk", "carried_from_id")))
        parent.update({missing: None for missing in wanted if missing not in parent})
    for chain in found.values():
        while (up := parent.get(chain[-1])) is not None and up not in chain and len(chain) < MAX_VERSIONS:
            chain.append(up)
    return found


def active_versions(measure_ids: Iterable[uuid.UUID]) -> list[Measure]:
    """The measures in force whose lineage includes any of these: the measures themselves when their
    plan version is active, and the versions carried from them (``lineages`` the other way). One
    query per plan version forward, then one for the measures."""
    wanted = set(measure_ids)
    frontier = set(wanted)
    for _depth in range(MAX_VERSIONS):
        later = Measure.objects.filter(carried_from_id__in=frontier).values_list("pk", flat=True)
        frontier = set(later) - wanted
        if not frontier:
            break
        wanted |= frontier
    active = Measure.objects.filter(pk__in=wanted, plan__status=PlanStatus.ACTIVE)
    return list(active.select_related("plan__student__school").order_by("pk"))


def prompt_rank(measure: Measure, level: str) -> int | None:
    hierarchy = [str(item) for item in (measure.prompt_hierarchy or DEFAULT_PROMPT_HIERARCHY)]
    return hierarchy.index(level) if level in hierarchy else None


def mastery_rule(measure: Measure) -> analysis.MasteryRule | None:
    """The measure's mastery rule, for methods whose value is a percentage and a goal to increase."""
    if measure.method not in PERCENT_METHODS or measure.direction != "increase":
        return None
    return analysis.MasteryRule(
        threshold=float(measure.mastery_threshold),
        consecutive=measure.mastery_consecutive_sessions,
        min_trials=measure.mastery_min_trials,
        min_staff=measure.mastery_min_staff,
        min_settings=measure.mastery_min_settings,
        max_prompt_rank=prompt_rank(measure, measure.mastery_max_prompt_level)
        if measure.mastery_max_prompt_level
        else None,
        direction=analysis.Direction.INCREASE,
    )


def goal_of(measure: Measure, adjustment: AimlineAdjustment | None) -> analysis.Goal:
    line = None
    if adjustment is not None:
        line = analysis.aimline(
            analysis.day_number(adjustment.start_date),
            adjustment.start_value,
            analysis.day_number(adjustment.target_date),
            adjustment.target_value,
        )
    return analysis.Goal(
        direction=analysis.Direction(measure.direction),
        target_value=None if measure.target_value is None else float(measure.target_value),
        target_day=None if measure.target_date is None else analysis.day_number(measure.target_date),
        plan_baseline=None if measure.baseline_value is None else float(measure.baseline_value),
        plan_start_day=analysis.day_number(measure.plan.start_date),
        aimline=line,
        mastery=mastery_rule(measure),
    )


def point_of(session: Session) -> analysis.Point:
    support = session.support
    return analysis.Point(
        day=analysis.day_number(session.day),
        value=session.value,
        trials=support.get("trials"),  # type: ignore[arg-type]
        staff="" if session.recorded_by_id is None else str(session.recorded_by_id),
        setting=session.setting,
        max_prompt_rank=support.get("max_prompt_rank"),  # type: ignore[arg-type]
        percent_independent=support.get("percent_independent"),
        mean_prompt_rank=support.get("mean_prompt_rank"),
    )


def phase_change_of(change: PhaseChange) -> analysis.PhaseChange:
    return analysis.PhaseChange(
        analysis.day_number(change.starts_on), analysis.PhaseKind(change.kind), change.label
    )


OBSERVATION_FIELDS = (
    "id",
    "measure_id",
    "started_at",
    "value",
    "facts",
    "recorded_by_id",
    "session__setting",
)


def observation_rows(
    owner: dict[uuid.UUID, uuid.UUID], with_facts: set[uuid.UUID], districts: set[uuid.UUID]
) -> Iterator[tuple[Any, ...]]:
    """(id, measure id, started at, value, facts or None, recorder, setting) of the current
    observations (not corrected, not voided, not a second observer's), in time order per measure.
    Facts are read only where prompt levels are graphed: decoding every observation's JSON was the
    largest single cost of the dashboard. A second observer's record is left out by a NOT EXISTS
    that names the district (a join could not name it without dropping the unpaired rows)."""
    seconds = AgreementCheck.objects.filter(secondary_id=OuterRef("pk"), district_id=OuterRef("district_id"))
    current = in_district(Observation.objects.current(), districts, "session").filter(
        ~Exists(seconds), value__isnull=False
    )
    ordered = ("started_at", "id")
    plain = [field for field in OBSERVATION_FIELDS if field != "facts"]
    yield from (
        current.filter(measure_id__in=[m for m in owner if m in with_facts])
        .order_by(*ordered)
        .values_list(*OBSERVATION_FIELDS)
    )
    for pk, measure_id, started_at, value, recorded_by_id, setting in (
        current.filter(measure_id__in=[m for m in owner if m not in with_facts])
        .order_by(*ordered)
        .values_list(*plain)
    ):
        yield pk, measure_id, started_at, value, None, recorded_by_id, setting


def sessions_by_lineage(
    measures: Sequence[Measure], chains: dict[uuid.UUID, list[uuid.UUID]], until: datetime.date | None
) -> dict[uuid.UUID, list[Session]]:
    """Each measure's sessions across its lineage, in time order: two queries."""
    owner = {old: newest for newest, chain in chains.items() for old in chain}
    zones = {measure.pk: time_zone_of(measure) for measure in measures}
    specs = {measure.pk: spec_of(measure) for measure in measures}
    prompted = {m for m, newest in owner.items() if specs[newest].method in PROMPTED_METHODS}
    factors = unit_factors(measures, owner)
    found: dict[uuid.UUID, list[Session]] = {measure.pk: [] for measure in measures}
    for pk, measure_id, started_at, value, facts, recorded_by_id, setting in observation_rows(
        owner, prompted, districts_of(measures)
    ):
        newest = owner[measure_id]
        day = started_at.astimezone(zones[newest]).date()
        if until is not None and day > until:
            continue
        support = analysis.support_of(specs[newest], facts) if isinstance(facts, dict) else {}
        value *= factors.get(measure_id, 1.0)
        found[newest].append(
            Session(pk, measure_id, started_at, day, value, recorded_by_id, setting, support)
        )
    return found


def unit_factors(measures: Sequence[Measure], owner: dict[uuid.UUID, uuid.UUID]) -> dict[uuid.UUID, float]:
    """What an earlier version's values are multiplied by to read in the newest version's unit (a
    measure amended from seconds to minutes): one query, none when no lineage reaches back."""
    newest = {measure.pk: measure for measure in measures}
    earlier = [pk for pk in owner if pk not in newest]
    if not earlier:
        return {}
    found: dict[uuid.UUID, float] = {}
    rows = in_district(Measure.objects.filter(pk__in=earlier), districts_of(measures))
    for pk, method, unit in rows.values_list("pk", "method", "unit"):
        now = newest[owner[pk]]
        source, target = units.unit_of(method, unit), units.unit_of(now.method, now.unit)
        if source is not None and target is not None and source != target:
            found[pk] = units.convert(1.0, source, target)
    return found


def grouped[T](rows: Iterable[T], key: str, owner: dict[uuid.UUID, uuid.UUID]) -> dict[uuid.UUID, list[T]]:
    found: dict[uuid.UUID, list[T]] = defaultdict(list)
    for row in rows:
        found[owner[getattr(row, key)]].append(row)
    return found


def progress_of(
    measures: Sequence[Measure],
    *,
    until: datetime.date | None = None,
    chains: dict[uuid.UUID, list[uuid.UUID]] | None = None,
) -> dict[uuid.UUID, MeasureProgress]:
    """The progress of each measure (load them with plan__student__school), in a fixed number of
    queries: one per plan version back for the lineages (none when ``chains`` already holds them),
    then one each for observations, phase changes, aimline adjustments and agreement checks.
    ``until`` leaves out later sessions, and phase changes and aimline adjustments made or
    starting after it (a report for a past period reads what was known at its end)."""
    if chains is None:
        chains = lineages(measures)
    else:
        chains = {measure.pk: chains[measure.pk] for measure in measures}
    owner = {old: newest for newest, chain in chains.items() for old in chain}
    sessions = sessions_by_lineage(measures, chains, until)
    districts = districts_of(measures)
    changes = grouped(
        in_district(PhaseChange.objects.filter(measure_id__in=owner), districts), "measure_id", owner
    )
    adjustments = grouped(
        in_district(AimlineAdjustment.objects.filter(measure_id__in=owner), districts), "measure_id", owner
    )
    checks = grouped(
        in_district(AgreementCheck.objects.filter(measure_id__in=owner), districts), "measure_id", owner
    )
    found: dict[uuid.UUID, MeasureProgress] = {}
    for measure in measures:
        zone = time_zone_of(measure)
        own_changes = [
            c
            for c in changes.get(measure.pk, [])
            if until is None or (c.starts_on <= until and known_by(c.created_at, until, zone))
        ]
        own_adjustments = [
            a
            for a in adjustments.get(measure.pk, [])
            if until is None or (a.start_date <= until and known_by(a.created_at, until, zone))
        ]
        adjustment = own_adjustments[-1] if own_adjustments else None
        own_sessions = sessions[measure.pk]
        result = analysis.analyze(
            [point_of(session) for session in own_sessions],
            goal_of(measure, adjustment),
            [phase_change_of(change) for change in own_changes],
        )
        own_checks = checks.get(measure.pk, [])
        found[measure.pk] = MeasureProgress(
            measure=measure,
            lineage=chains[measure.pk],
            sessions=own_sessions,
            changes=own_changes,
            adjustment=adjustment,
            agreement_checks=own_checks,
            result=result,
            agreement=current_agreement(own_checks, own_sessions, result),
            time_zone=zone,
        )
    return found


def known_by(moment: datetime.datetime, until: datetime.date, zone: zoneinfo.ZoneInfo) -> bool:
    """Whether a teacher's decision was made by the end of this day: a period's report reads what
    was known at the period's end, never a phase or aimline the teacher added later."""
    return moment.astimezone(zone).date() <= until


def current_agreement(
    checks: Sequence[AgreementCheck], sessions: Sequence[Session], result: analysis.Analysis
) -> AgreementStanding:
    """Agreement in the current phase (docs/field.md#agreement: at least 80% on at least 20% of the
    sessions of each phase)."""
    start = result.phases[-1].start_day if result.phases else None
    in_phase = [s for s in sessions if start is None or analysis.day_number(s.day) >= start]
    ids = {s.observation_id for s in in_phase}
    percents = [check.percent for check in checks if check.primary_id in ids]
    return agreement_standing(percents, len(in_phase))
