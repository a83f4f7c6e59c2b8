"""IEP progress reports: for a plan and one of its reporting periods, each measure's line with the
descriptor the data proposes, the one the teacher decides, and the teacher's narrative.

The proposal reads the data up to the period's end (docs/progress.md#progress-reports):

- mastered: the measure is in maintenance or mastered (a teacher confirmed mastery), or the
  mastery rule is met by the data;
- not yet introduced: no session by the period's end;
- sufficient progress: the decision rules do not say to change instruction and the current trend,
  projected to the target date, reaches the target in the goal's direction; or the four-point rule
  says to raise the goal;
- insufficient progress otherwise.

The trend rule counts toward "change instruction" only from TREND_RELIABLE_POINTS points (below
that the trend is shown "with care", as on the graphs). The teacher decides; the proposal is only
preselected.
"""

from __future__ import annotations

import datetime
import statistics
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from paradesk.access import audit
from paradesk.access.models import AuditAction
from paradesk.people.district import in_district
from paradesk.people.models import Staff, Student
from paradesk.plans import figures
from paradesk.plans.models import Goal, Measure, MeasureStatus, Method, Plan, ReportingPeriod
from paradesk.progress import analysis, series
from paradesk.progress.models import Descriptor, ProgressEntry

# The current level is the median of this many latest sessions.
CURRENT_LEVEL_SESSIONS = 3
# ABC incidents have no session value to report on.
UNREPORTED_METHODS = frozenset({Method.ABC})
CONFIRMED_MASTERY = frozenset({MeasureStatus.MAINTENANCE, MeasureStatus.MASTERED})


# ---- values in words ---------------------------------------------------------------------------------


def value_text(measure: Measure, value: float | None) -> str:
    """A session value as the report prints it: at most one decimal, with its unit."""
    return figures.measure_value_text(measure, value)


def date_text(day: datetime.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


# ---- the proposal -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    descriptor: Descriptor
    reasons: tuple[str, ...]

    @property
    def words(self) -> str:
        return " ".join(self.reasons)


@dataclass(frozen=True)
class Target:
    day: float
    value: float
    adjusted: bool  # the teacher's adjusted aimline, rather than the plan's target


def target_of(progress: series.MeasureProgress) -> Target | None:
    """The target the trend is projected to: the teacher's adjusted aimline's end, else the plan's."""
    if progress.adjustment is not None:
        adjustment = progress.adjustment
        return Target(analysis.day_number(adjustment.target_date), adjustment.target_value, True)
    measure = progress.measure
    if measure.target_value is None or measure.target_date is None:
        return None
    return Target(analysis.day_number(measure.target_date), float(measure.target_value), False)


def side_words(direction: analysis.Direction) -> tuple[str, str]:
    """The goal's side of the aimline and the other side, in words."""
    if direction is analysis.Direction.INCREASE:
        return _("above"), _("below")
    return _("below"), _("above")


def mastered_reason(progress: series.MeasureProgress) -> str | None:
    measure = progress.measure
    if measure.status in CONFIRMED_MASTERY:
        return _("A teacher confirmed mastery: the measure is in “%(status)s”.") % {
            "status": measure.get_status_display()
        }
    found = progress.result.mastery
    if found is not None and found.status is analysis.MasteryStatus.MET:
        return _("The data meets the mastery rule: %(run)s sessions in a row at or above %(threshold)s.") % {
            "run": found.run,
            "threshold": value_text(measure, float(measure.mastery_threshold)),
        }
    return None


def says_change_instruction(result: analysis.Analysis, direction: analysis.Direction) -> list[str]:
    """The decision rules that say to change instruction, in words (an unreliable trend does not)."""
    _goal_side, other_side = side_words(direction)
    found = []
    if result.four_point.verdict is analysis.Verdict.CHANGE_INSTRUCTION:
        found.append(
            _(
                "The four-point rule says to change instruction: the latest 4 sessions are all "
                "%(side)s the aimline."
            )
            % {"side": other_side}
        )
    decision = result.trend_decision
    if decision.verdict is analysis.Verdict.CHANGE_INSTRUCTION and decision.reliable:
        found.append(
            _(
                "The trend rule says to change instruction: over %(points)s sessions the trend is "
                "flatter than the aimline."
            )
            % {"points": decision.points}
        )
    return found


def projection(progress: series.MeasureProgress) -> tuple[bool, str]:
    """Whether the current trend, carried on to the target date, reaches the target; and why."""
    measure = progress.measure
    result = progress.result
    target = target_of(progress)
    if target is None:
        return False, _("The measure has no target value and date, so the trend cannot be projected.")
    line = result.trends.get(analysis.Estimator.OLS)
    if line is None:
        return False, _(
            "Too few sessions in the current phase (%(points)s; %(needed)s needed) to draw a trend."
        ) % {"points": len(result.current), "needed": analysis.TREND_MIN_POINTS}
    projected = line.at(target.day)
    direction = analysis.Direction(measure.direction)
    reaches = direction.sign * (projected - target.value) >= -analysis.VALUE_TOLERANCE
    words = {
        "projected": value_text(measure, projected),
        "target": value_text(measure, target.value),
        "date": date_text(analysis.day_date(target.day)),
    }
    care = (
        ""
        if len(result.current) >= analysis.TREND_RELIABLE_POINTS
        else " "
        + _("(A trend from fewer than %(points)s sessions: read it with care.)")
        % {"points": analysis.TREND_RELIABLE_POINTS}
    )
    if reaches:
        return True, _(
            "The current trend, projected to %(date)s, reaches %(projected)s: the target is %(target)s."
        ) % words + care
    return False, _(
        "The current trend, projected to %(date)s, reaches only %(projected)s: the target is %(target)s."
    ) % words + care


def propose(progress: series.MeasureProgress, period: ReportingPeriod) -> Proposal:
    """The descriptor the data up to the period's end proposes, with the reasons in words."""
    mastered = mastered_reason(progress)
    if mastered is not None:
        return Proposal(Descriptor.MASTERED, (mastered,))
    if not progress.sessions:
        return Proposal(
            Descriptor.NOT_INTRODUCED,
            (
                _("No session was recorded by the end of the period (%(date)s).")
                % {"date": date_text(period.end_date)},
            ),
        )
    result = progress.result
    if result.four_point.verdict is analysis.Verdict.RAISE_GOAL:
        above, _below = side_words(analysis.Direction(progress.measure.direction))
        return Proposal(
            Descriptor.SUFFICIENT,
            (
                _(
                    "The four-point rule says to raise the goal: the latest 4 sessions are all "
                    "%(side)s the aimline."
                )
                % {"side": above},
            ),
        )
    change = says_change_instruction(result, analysis.Direction(progress.measure.direction))
    reaches, projected = projection(progress)
    if not change and reaches:
        return Proposal(Descriptor.SUFFICIENT, (_("No decision rule says to change instruction."), projected))
    return Proposal(Descriptor.INSUFFICIENT, (*change, projected))


# ---- levels -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    value: float | None
    value_text: str  # the value with its unit, "—" when there is none
    words: str  # how it was found, e.g. "median of the last 3 sessions, 1-8 October"


def current_level(progress: series.MeasureProgress) -> Level:
    """The median of the last 3 sessions up to the period's end (fewer when there are fewer)."""
    latest = progress.sessions[-CURRENT_LEVEL_SESSIONS:]
    if not latest:
        return Level(None, value_text(progress.measure, None), _("no session yet"))
    value = statistics.median(session.value for session in latest)
    text = value_text(progress.measure, value)
    first, last = date_text(latest[0].day), date_text(latest[-1].day)
    if len(latest) == 1:
        return Level(value, text, _("the last session, %(date)s") % {"date": last})
    return Level(
        value,
        text,
        _("median of the last %(count)s sessions, %(first)s to %(last)s")
        % {"count": len(latest), "first": first, "last": last},
    )


def baseline_level(progress: series.MeasureProgress) -> Level:
    """The plan's written baseline; without one, the data's (median of the first 3-5 sessions).
    When both exist and differ, the words give the data's too: the aimline starts from it."""
    measure = progress.measure
    found = progress.result.baseline
    data_words = (
        None if found is None else _("median of the first %(count)s sessions") % {"count": found.points}
    )
    if measure.baseline_value is not None:
        value = float(measure.baseline_value)
        written = figures.written_value_text(measure, value)
        words = _("as written in the plan")
        if found is not None and round(found.value, 1) != round(value, 1):
            words = _("as written in the plan; from the data, %(value)s, the %(how)s") % {
                "value": value_text(measure, found.value),
                "how": data_words,
            }
        return Level(value, written, words)
    if found is not None and data_words is not None:
        return Level(found.value, value_text(measure, found.value), data_words)
    return Level(None, value_text(measure, None), _("not yet known"))


# ---- a report ---------------------------------------------------------------------------------------


@dataclass
class ReportLine:
    """One measure's line in a report."""

    entry: ProgressEntry
    measure: Measure
    progress: series.MeasureProgress
    proposal: Proposal
    baseline: Level
    current: Level

    @property
    def decided(self) -> bool:
        return bool(self.entry.descriptor)

    @property
    def descriptor_label(self) -> str:
        return str(Descriptor(self.entry.descriptor).label) if self.entry.descriptor else ""

    @property
    def proposal_label(self) -> str:
        return str(self.proposal.descriptor.label)

    @property
    def has_data(self) -> bool:
        return bool(self.progress.sessions)

    @property
    def target_text(self) -> str:
        target = target_of(self.progress)
        if target is None:
            return _("not set")
        words = {
            "value": figures.written_value_text(self.measure, target.value),
            "date": date_text(analysis.day_date(target.day)),
        }
        if target.adjusted:
            return _("%(value)s by %(date)s (the teacher's adjusted aimline)") % words
        return _("%(value)s by %(date)s") % words


@dataclass
class ReportSection:
    """A goal (or a target behavior) with its measures' lines."""

    heading: str
    text: str  # the goal as written, or the behavior's operational definition
    goal: Goal | None
    lines: list[ReportLine] = field(default_factory=list)


@dataclass
class Report:
    plan: Plan
    period: ReportingPeriod
    sections: list[ReportSection]

    @property
    def student(self) -> Student:
        return self.plan.student

    @property
    def lines(self) -> list[ReportLine]:
        return [line for section in self.sections for line in section.lines]

    @property
    def undecided(self) -> int:
        return sum(1 for line in self.lines if not line.decided)


def measures_of(plans: Iterable[Plan]) -> list[Measure]:
    """The reported measures of the plans (goal measures, then behavior-plan measures), loaded as
    series.progress_of needs them."""
    chosen = list(plans)
    measures = Measure.objects.filter(plan__in=chosen).exclude(method__in=UNREPORTED_METHODS)
    return sorted(series.loaded_measures(measures, {p.district_id for p in chosen}), key=measure_order)


def measure_order(measure: Measure) -> tuple[object, ...]:
    if measure.goal is not None:
        return (0, measure.goal.order, measure.goal.area, str(measure.goal_id), measure.name)
    behavior = measure.target_behavior
    return (1, 0, behavior.name if behavior else "", str(measure.target_behavior_id), measure.name)


def open_entries(
    period: ReportingPeriod, proposals: dict[uuid.UUID, Proposal]
) -> dict[uuid.UUID, ProgressEntry]:
    """Each measure's entry for the period, made on first open; the stored proposal follows the data
    (late records change it), the teacher's decision never changes here."""
    entries = in_district(
        ProgressEntry.objects.filter(period=period, measure_id__in=proposals), period.district_id
    ).select_related("decided_by")
    found = {entry.measure_id: entry for entry in entries}
    missing = [
        ProgressEntry(
            district_id=period.district_id, period=period, measure_id=measure_id, proposed=p.descriptor
        )
        for measure_id, p in proposals.items()
        if measure_id not in found
    ]
    if missing:
        try:
            with transaction.atomic():
                ProgressEntry.objects.bulk_create(missing)
        except IntegrityError:  # opened at the same moment by someone else: theirs stand
            found = {entry.measure_id: entry for entry in entries.all()}
        else:
            found |= {entry.measure_id: entry for entry in missing}
    stale = [e for e in found.values() if e.proposed != proposals[e.measure_id].descriptor]
    for entry in stale:
        entry.proposed = proposals[entry.measure_id].descriptor
    if stale:
        ProgressEntry.objects.bulk_update(stale, ["proposed"])
    return found


def build_report(
    plan: Plan,
    period: ReportingPeriod,
    measures: Sequence[Measure],
    progress: dict[uuid.UUID, series.MeasureProgress],
) -> Report:
    """The report of one plan and period from measures already analysed up to the period's end."""
    own = [m for m in measures if m.plan_id == plan.pk]
    proposals = {m.pk: propose(progress[m.pk], period) for m in own}
    entries = open_entries(period, proposals)
    sections: dict[object, ReportSection] = {}
    for goal in goals_of(plan):
        sections[("goal", goal.pk)] = ReportSection(goal.area, goal.text, goal)
    for measure in own:
        key, section = section_of(measure)
        sections.setdefault(key, section)
        found = progress[measure.pk]
        sections[key].lines.append(
            ReportLine(
                entry=entries[measure.pk],
                measure=measure,
                progress=found,
                proposal=proposals[measure.pk],
                baseline=baseline_level(found),
                current=current_level(found),
            )
        )
    return Report(plan, period, list(sections.values()))


def goals_of(plan: Plan) -> list[Goal]:
    """Every goal is reported on, with or without a measure (34 CFR 300.320(a)(3))."""
    cached = getattr(plan, "_report_goals", None)
    if cached is not None:
        return list(cached)
    return list(in_district(Goal.objects.filter(plan=plan), plan.district_id).order_by("order", "area"))


def section_of(measure: Measure) -> tuple[object, ReportSection]:
    if measure.goal is not None:
        goal = measure.goal
        return ("goal", goal.pk), ReportSection(goal.area, goal.text, goal)
    behavior = measure.target_behavior
    name = behavior.name if behavior else measure.name
    definition = behavior.operational_definition if behavior else ""
    return ("behavior", measure.target_behavior_id), ReportSection(
        _("Behavior: %(name)s") % {"name": name}, definition, None
    )


def report_for(plan: Plan, period: ReportingPeriod) -> Report:
    """One plan's report for one of its periods (the plan loaded with student__school)."""
    measures = measures_of([plan])
    progress = series.progress_of(measures, until=period.end_date)
    return build_report(plan, period, measures, progress)


def reports_for(pairs: Sequence[tuple[Plan, ReportingPeriod]]) -> Iterable[Report]:
    """Reports for many plans and periods, analysing the measures once per period end date (reports
    of one quarter share it), in the order given."""
    plans = {plan.pk: plan for plan, _period in pairs}
    measures = measures_of(plans.values())
    goals: dict[uuid.UUID, list[Goal]] = defaultdict(list)
    districts = {plan.district_id for plan in plans.values()}
    for goal in in_district(Goal.objects.filter(plan_id__in=plans), districts).order_by("order", "area"):
        goals[goal.plan_id].append(goal)
    for plan in plans.values():
        plan._report_goals = goals.get(plan.pk, [])  # type: ignore[attr-defined]
    by_end: dict[datetime.date, set[uuid.UUID]] = defaultdict(set)
    for plan, period in pairs:
        by_end[period.end_date].add(plan.pk)
    analysed: dict[datetime.date, dict[uuid.UUID, series.MeasureProgress]] = {}
    for plan, period in pairs:
        if period.end_date not in analysed:
            wanted = [m for m in measures if m.plan_id in by_end[period.end_date]]
            analysed[period.end_date] = series.progress_of(wanted, until=period.end_date)
        yield build_report(plan, period, measures, analysed[period.end_date])


# ---- the teacher's decisions ------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    entry: ProgressEntry
    descriptor: str
    narrative: str


def decide(*, actor: Staff, student_id: uuid.UUID, decisions: Sequence[Decision]) -> list[ProgressEntry]:
    """Save the teacher's descriptors and narratives: a changed descriptor (or the first one) records
    who decided and when; each changed entry is audited."""
    now = timezone.now()
    changed_entries = []
    with transaction.atomic():
        for decision in decisions:
            entry = decision.entry
            changed = []
            if entry.descriptor != decision.descriptor or entry.decided_by_id is None:
                entry.descriptor = decision.descriptor
                entry.decided_by = actor
                entry.decided_at = now
                changed += ["descriptor", "decided_by", "decided_at"]
            if entry.narrative != decision.narrative:
                entry.narrative = decision.narrative
                changed.append("narrative")
            if not changed:
                continue
            entry.save(update_fields=changed)
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=entry,
                student_id=student_id,
                changed_fields=[name for name in changed if name in {"descriptor", "narrative"}],
            )
            changed_entries.append(entry)
    return changed_entries
