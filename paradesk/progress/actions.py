"""The teacher's progress decisions, each audited and atomic: confirming mastery, phase changes,
adjusted aimlines, agreement pairs and fidelity checks (defined in docs/field.md).

Views check access (Action.DECIDE_PROGRESS) before calling these. Decisions are made on the plan
version in force: an ended version is part of the legal record and stays read-only, a draft is not in
force yet. Each refusal is a ValidationError whose messages a person can act on; errors about one
field are keyed by the form field's name.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from paradesk.access import audit, scopes
from paradesk.access.models import AuditAction
from paradesk.access.record import school_time_zone
from paradesk.people.models import Staff, Student, TeamRole
from paradesk.plans.models import Measure, MeasureStatus, Plan, PlanStatus
from paradesk.progress import agreement, analysis, series
from paradesk.progress.models import AgreementCheck, AimlineAdjustment, FidelityCheck, PhaseChange, PhaseKind
from paradesk.recording.models import Observation

# A fidelity step's result (docs/field.md#fidelity).
STEP_RESULTS = ("yes", "no", "na")
STEP_LENGTH = 500
LABEL_LENGTH = 60  # PhaseChange.label: short enough to stand on the graph
# Phase kinds a teacher adds by hand; maintenance begins only by confirming mastery.
HAND_PHASE_KINDS = (PhaseKind.INTERVENTION, PhaseKind.BASELINE)
# Count methods compare events per window of this many seconds (docs/progress.md).
EVENT_WINDOW_SECONDS = 10.0
# Team roles whose work a fidelity check observes first (the list offers them before the others).
PARA_ROLES = (TeamRole.PARA_ONE_TO_ONE, TeamRole.PARA_SMALL_GROUP)


class NotInForce(ValidationError):
    """Decisions are made on the plan version in force."""

    def __init__(self, plan: Plan) -> None:
        if plan.status == PlanStatus.ENDED:
            message = _(
                "This plan version has ended: its data and decisions can be read, not changed. "
                "Make decisions on the version in force."
            )
        else:
            message = _(
                "This plan version is a draft, not yet in force: decisions are made on the version in force."
            )
        super().__init__(message)


def ensure_in_force(plan: Plan) -> None:
    if plan.status != PlanStatus.ACTIVE:
        raise NotInForce(plan)


def locked_measure(measure: Measure) -> Measure:
    """The measure, locked for the decision, with its plan checked to be in force."""
    found = (
        Measure.objects.select_for_update(of=("self",))
        .select_related("plan__student__school")
        .get(pk=measure.pk)
    )
    ensure_in_force(found.plan)
    return found


def school_today(student: Student) -> datetime.date:
    """Today where the student goes to school (a date "in the future" is judged there)."""
    return timezone.localtime(timezone.now(), school_time_zone(student)).date()


def progress_of(measure: Measure) -> series.MeasureProgress:
    return series.progress_of([measure])[measure.pk]


def earliest_day(progress: series.MeasureProgress) -> datetime.date:
    """The first day a decision may name: the measure's first data or its plan's start, whichever
    comes first (data recorded under an earlier plan version counts)."""
    start = progress.measure.plan.start_date
    first = progress.sessions[0].day if progress.sessions else start
    return min(first, start)


def check_day(day: datetime.date, progress: series.MeasureProgress, field: str) -> None:
    """Not in the future, not before the measure's first data or plan start."""
    if day > school_today(progress.measure.plan.student):
        raise ValidationError({field: _("The date cannot be in the future.")})
    earliest = earliest_day(progress)
    if day < earliest:
        raise ValidationError(
            {
                field: _("The date cannot be before %(day)s, the measure's first data or plan start.")
                % {"day": earliest}
            }
        )


# ---- mastery ----------------------------------------------------------------------------------------


def mastery_met(progress: series.MeasureProgress) -> bool:
    found = progress.result.mastery
    return found is not None and found.status is analysis.MasteryStatus.MET


@transaction.atomic
def confirm_mastery(
    *, actor: Staff, measure: Measure, on: datetime.date, without_rule: bool = False, reason: str = ""
) -> PhaseChange:
    """The licensed teacher confirms mastery (docs/field.md#mastery): the measure moves to maintenance
    and a maintenance phase starts on the confirmation date. Allowed when the data meet the mastery
    rule, or on the teacher's own judgement with a reason."""
    measure = locked_measure(measure)
    if measure.status in {MeasureStatus.MAINTENANCE, MeasureStatus.MASTERED}:
        raise ValidationError(
            _("Mastery of this measure is already confirmed: it is in %(status)s.")
            % {"status": measure.get_status_display().lower()}
        )
    if measure.status == MeasureStatus.DISCONTINUED:
        raise ValidationError(_("This measure is discontinued: there is no mastery to confirm."))
    progress = progress_of(measure)
    check_day(on, progress, "confirmed_on")
    reason = reason.strip()
    met = mastery_met(progress)
    if not met and not without_rule:
        raise ValidationError(
            {
                "without_rule": _(
                    "The data do not meet the mastery rule. To confirm mastery on your own judgement, "
                    "tick the box and say why."
                )
            }
        )
    if not met and not reason:
        raise ValidationError({"reason": _("Say why you confirm mastery without the rule being met.")})
    # Measure status is the teacher's running decision, not written plan text: it changes on the
    # version in force (as recording's checks read it), audited like a plan's own status change.
    measure.status = MeasureStatus.MAINTENANCE
    measure.save(update_fields=["status"])
    student_id = measure.plan.student_id
    audit.record(
        actor=actor, action=AuditAction.UPDATE, obj=measure, student_id=student_id, changed_fields=["status"]
    )
    why = _("Mastery rule met.") if met else _("Confirmed without the mastery rule being met.")
    change = PhaseChange.objects.create(
        district_id=measure.district_id,
        measure=measure,
        starts_on=on,
        kind=PhaseKind.MAINTENANCE,
        label=_("Maintenance"),
        note=f"{why} {reason}".strip(),
        created_by=actor,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=change, student_id=student_id)
    return change


# ---- phase changes ----------------------------------------------------------------------------------


@transaction.atomic
def add_phase_change(
    *, actor: Staff, measure: Measure, starts_on: datetime.date, kind: str, label: str, note: str = ""
) -> PhaseChange:
    """A change of instruction or a new baseline from a date. Phase changes are never removed: a
    later entry on the same date replaces an earlier one on the graph."""
    measure = locked_measure(measure)
    if kind not in HAND_PHASE_KINDS:
        raise ValidationError({"kind": _("Choose a change of instruction or a new baseline.")})
    label = label.strip()
    if not label:
        raise ValidationError({"label": _("Write a short label for the graph.")})
    if len(label) > LABEL_LENGTH:
        raise ValidationError({"label": _("Keep the label to 60 characters: it is shown on the graph.")})
    check_day(starts_on, progress_of(measure), "starts_on")
    change = PhaseChange.objects.create(
        district_id=measure.district_id,
        measure=measure,
        starts_on=starts_on,
        kind=kind,
        label=label,
        note=note.strip(),
        created_by=actor,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=change, student_id=measure.plan.student_id)
    return change


# ---- aimline ----------------------------------------------------------------------------------------


def value_range(measure: Measure) -> tuple[float, float | None]:
    """The values a session of the measure can take: a percentage, the rating scale, or any amount
    from 0."""
    if measure.method in series.PERCENT_METHODS:
        return 0.0, 100.0
    if measure.method == "rating" and measure.rating_min is not None and measure.rating_max is not None:
        return float(measure.rating_min), float(measure.rating_max)
    return 0.0, None


def check_value(measure: Measure, value: float, field: str) -> None:
    low, high = value_range(measure)
    if value < low or (high is not None and value > high):
        if high is None:
            message = _("The value cannot be below %(low)s.") % {"low": f"{low:g}"}
        else:
            message = _("The value must be between %(low)s and %(high)s.") % {
                "low": f"{low:g}",
                "high": f"{high:g}",
            }
        raise ValidationError({field: message})


@transaction.atomic
def adjust_aimline(
    *,
    actor: Staff,
    measure: Measure,
    start_date: datetime.date,
    start_value: float,
    target_date: datetime.date,
    target_value: float,
    note: str = "",
) -> AimlineAdjustment:
    """The teacher redraws the aimline; the latest adjustment replaces the one drawn from the
    baseline (docs/field.md#baseline-and-aimline)."""
    measure = locked_measure(measure)
    if target_date <= start_date:
        raise ValidationError({"target_date": _("The target date must be after the start date.")})
    check_value(measure, start_value, "start_value")
    check_value(measure, target_value, "target_value")
    earliest = earliest_day(progress_of(measure))
    if start_date < earliest:
        raise ValidationError(
            {
                "start_date": _(
                    "The aimline cannot start before %(day)s, the measure's first data or plan start."
                )
                % {"day": earliest}
            }
        )
    adjustment = AimlineAdjustment.objects.create(
        district_id=measure.district_id,
        measure=measure,
        start_date=start_date,
        start_value=start_value,
        target_date=target_date,
        target_value=target_value,
        note=note.strip(),
        created_by=actor,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=adjustment, student_id=measure.plan.student_id)
    return adjustment


# ---- agreement --------------------------------------------------------------------------------------


def observed_seconds(observation: Observation) -> float:
    return max(0.0, (observation.ended_at - observation.started_at).total_seconds())


def facts_of(observation: Observation) -> dict[str, object]:
    return observation.facts if isinstance(observation.facts, dict) else {}


def agreement_values(
    measure: Measure, primary: Observation, secondary: Observation
) -> dict[agreement.AgreementKind, float | None]:
    """Every agreement formula that fits the method, over the shorter of the two observations."""
    seconds = min(observed_seconds(primary), observed_seconds(secondary))
    return agreement.session_agreement(
        measure.method, facts_of(primary), facts_of(secondary), seconds, EVENT_WINDOW_SECONDS
    )


def paired_ids(lineage: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    """Observations of the lineage already in an agreement check, on either side."""
    rows = AgreementCheck.objects.filter(measure_id__in=lineage).values_list("primary_id", "secondary_id")
    return {pk for pair in rows for pk in pair}


def local_day(observation: Observation, student: Student) -> datetime.date:
    return observation.started_at.astimezone(school_time_zone(student)).date()


def pairing_problem(
    measure: Measure, lineage: Sequence[uuid.UUID], primary: Observation, secondary: Observation
) -> str | None:
    """Why two observations cannot be paired for agreement, or None."""
    if primary.pk == secondary.pk:
        return _("Choose two different records: one observation cannot agree with itself.")
    if primary.measure_id not in lineage or secondary.measure_id not in lineage:
        return _("Both records must be of this measure (or of the measure it was carried from).")
    student = measure.plan.student
    if primary.student_id != student.pk or secondary.student_id != student.pk:
        return _("Both records must be of this student.")
    if primary.recorded_by_id == secondary.recorded_by_id:
        return _("The same person recorded both. Agreement needs a second, independent observer.")
    if not (primary.is_current and secondary.is_current):
        return _("One of the records was corrected or voided: pair the records that count now.")
    if paired_ids(lineage) & {primary.pk, secondary.pk}:
        return _("One of the records is already part of an agreement check.")
    if local_day(primary, student) != local_day(secondary, student):
        return _(
            "The two records are from different days: agreement compares one session seen by two observers."
        )
    if measure.method not in agreement.PRIMARY_AGREEMENT:
        return _("Agreement is not computed for %(method)s.") % {"method": measure.get_method_display()}
    return None


@transaction.atomic
def pair_agreement(
    *, actor: Staff, measure: Measure, primary: Observation, secondary: Observation
) -> AgreementCheck:
    """Two independent observers' records of one session (docs/field.md#agreement). The primary stays on
    the graph; the secondary leaves the data path. The check keeps the method's usual formula."""
    measure = locked_measure(measure)
    lineage = series.lineages([measure])[measure.pk]
    problem = pairing_problem(measure, lineage, primary, secondary)
    if problem:
        raise ValidationError(problem)
    kind = agreement.PRIMARY_AGREEMENT[measure.method]
    check = AgreementCheck.objects.create(
        district_id=measure.district_id,
        measure=measure,
        primary=primary,
        secondary=secondary,
        kind=kind,
        percent=agreement_values(measure, primary, secondary).get(kind),
        paired_by=actor,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=check, student_id=measure.plan.student_id)
    return check


@dataclass(frozen=True)
class Candidate:
    """Two observations that overlap in time, by different people, neither paired yet."""

    first: Observation
    second: Observation

    @property
    def suggested_primary(self) -> Observation:
        """The record the other was made as a second look at (the device says so), else the earlier."""
        if self.first.session.agreement_of_id == self.second.session_id:
            return self.second
        return self.first

    @property
    def suggested_secondary(self) -> Observation:
        return self.second if self.suggested_primary is self.first else self.first


def unpaired_observations(measure: Measure, lineage: Sequence[uuid.UUID]) -> list[Observation]:
    """Current observations of the lineage not yet in an agreement check, in time order."""
    return list(
        Observation.objects.current()
        .filter(measure_id__in=lineage, student_id=measure.plan.student_id)
        .exclude(pk__in=paired_ids(lineage))
        .select_related("recorded_by", "session")
        .order_by("started_at", "id")
    )


def agreement_candidates(observations: Sequence[Observation]) -> list[Candidate]:
    """Pairs of the observations (in time order) that overlap in time, by different people."""
    found = []
    for index, first in enumerate(observations):
        for second in observations[index + 1 :]:
            if second.started_at > first.ended_at:
                break
            if second.recorded_by_id != first.recorded_by_id:
                found.append(Candidate(first, second))
    return found


# ---- fidelity ---------------------------------------------------------------------------------------


def assigned_staff(student: Student) -> list[Staff]:
    """Staff on the student's team today, paras first (those a fidelity check usually watches)."""
    rows = scopes.current_team(student).select_related("staff").order_by("staff__full_name", "staff_id")
    found: dict[uuid.UUID, Staff] = {}
    for row in sorted(rows, key=lambda row: row.team_role not in PARA_ROLES):
        found.setdefault(row.staff_id, row.staff)
    return list(found.values())


def plan_steps(plan: Plan, measure: Measure | None = None) -> list[str]:
    """Steps to check, from the plan's directions for paras and its behavior strategies (only those
    for one measure or its goal when a measure is given)."""
    directions = plan.directions.select_related("measure", "goal").order_by("measure__name", "id")
    if measure is not None:
        directions = directions.filter(Q(measure=measure) | Q(goal_id=measure.goal_id, measure__isnull=True))
    found = list(directions)
    steps = []
    for direction in found:
        # With several directions, each step names what it is for.
        topic = direction.measure.name if direction.measure else direction.goal.area if direction.goal else ""
        prefix = f"{topic} · " if len(found) > 1 and topic else ""
        for label, text in (
            (_("Setup"), direction.setup),
            (_("Materials"), direction.materials),
            (_("What to say"), direction.what_to_say),
            (_("Prompting"), direction.prompting),
            (_("Error correction"), direction.error_correction),
        ):
            if text.strip():
                steps.append(f"{prefix}{label}: {text.strip()}")
    if measure is None or measure.target_behavior_id is not None:
        steps += [
            f"{s.get_kind_display()}: {s.text.strip()}" for s in plan.strategies.all() if s.text.strip()
        ]
    return [step if len(step) <= STEP_LENGTH else step[: STEP_LENGTH - 1] + "…" for step in steps]


@transaction.atomic
def record_fidelity(
    *,
    actor: Staff,
    plan: Plan,
    observed_staff: Staff,
    observed_on: datetime.date,
    steps: Sequence[tuple[str, str]],
    note: str = "",
    measure: Measure | None = None,
) -> FidelityCheck:
    """A licensed teacher's check of how a plan was carried out (docs/field.md#fidelity): each step
    yes, no or not applicable; fidelity = steps done / steps observed."""
    plan = Plan.objects.select_for_update(of=("self",)).select_related("student__school").get(pk=plan.pk)
    ensure_in_force(plan)
    student = plan.student
    if observed_staff.pk not in {staff.pk for staff in assigned_staff(student)}:
        raise ValidationError({"observed_staff": _("Choose someone on the student's team.")})
    if measure is not None and measure.plan_id != plan.pk:
        raise ValidationError({"measure": _("Choose a measure of this plan.")})
    if observed_on > school_today(student):
        raise ValidationError({"observed_on": _("The date cannot be in the future.")})
    if observed_on < plan.start_date:
        raise ValidationError(
            {
                "observed_on": _("The date cannot be before %(day)s, when the plan started.")
                % {"day": plan.start_date}
            }
        )
    cleaned = [(text.strip(), result) for text, result in steps]
    if not cleaned:
        raise ValidationError(_("List at least one step of the plan."))
    if any(not text or len(text) > STEP_LENGTH or result not in STEP_RESULTS for text, result in cleaned):
        raise ValidationError(
            _("Each step needs its words (up to 500 characters) and yes, no or not applicable.")
        )
    found = agreement.fidelity([answer for _text, answer in cleaned])
    if found.percent is None:
        raise ValidationError(_("Mark at least one step yes or no: every step is marked not applicable."))
    check = FidelityCheck.objects.create(
        district_id=plan.district_id,
        student=student,
        plan=plan,
        measure=measure,
        observed_staff=observed_staff,
        observed_on=observed_on,
        steps=[{"step": text, "result": answer} for text, answer in cleaned],
        percent=found.percent,
        note=note.strip(),
        created_by=actor,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=check, student_id=student.pk)
    return check
