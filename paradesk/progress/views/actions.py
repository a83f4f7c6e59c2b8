"""Pages for the teacher's progress decisions: confirm mastery, phase changes, the aimline,
agreement pairs, and fidelity checks. Each page serves its form (GET) and takes it (POST).

Access: deciding needs Action.DECIDE_PROGRESS (case manager, provider); the fidelity list needs
Action.VIEW_RECORD. A form with bad input comes back with its messages and status 422, nothing
saved; a decision on a plan version that is not in force is refused with 409.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from paradesk.access import audit
from paradesk.access.helpers import access_plan, access_plan_item, access_student
from paradesk.access.models import AuditAction
from paradesk.access.policy import Action, allowed
from paradesk.access.record import school_time_zone
from paradesk.access.requests import StaffRequest
from paradesk.people.models import Staff, Student
from paradesk.plans.models import Measure, Plan, PlanStatus
from paradesk.progress import actions, agreement, analysis, series
from paradesk.progress.forms import (
    AimlineForm,
    ConfirmMasteryForm,
    FidelityForm,
    PairForm,
    PhaseChangeForm,
    StepFormSet,
)
from paradesk.progress.models import AgreementCheck, AimlineAdjustment, FidelityCheck, PhaseChange
from paradesk.recording.models import Observation

GET_OR_POST = require_http_methods(["GET", "POST"])
BAD_INPUT = 422
NOT_IN_FORCE = 409
BLANK_STEPS = 3  # empty rows under the plan's steps, for steps the plan does not spell out


def add_errors(form: BaseForm, exc: ValidationError) -> None:
    """The action's messages beside their fields when the form has them, else above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, [m for e in errors for m in e.messages])


def attempt(request: StaffRequest, form: BaseForm, act: Callable[[dict[str, Any]], object]) -> int | None:
    """Take a posted form through its action: None when saved, else the status to show the form
    with (200 to show it, 422 for bad input, 409 when the plan version is not in force)."""
    if request.method != "POST":
        return 200
    if not form.is_valid():
        return BAD_INPUT
    try:
        act(form.cleaned_data)
    except actions.NotInForce as exc:
        form.add_error(None, exc.messages)
        return NOT_IN_FORCE
    except ValidationError as exc:
        add_errors(form, exc)
        return BAD_INPUT
    return None


# ---- the measure's decisions ------------------------------------------------------------------------


@dataclass
class MeasurePage:
    staff: Staff
    measure: Measure
    student: Student
    progress: series.MeasureProgress

    @property
    def in_force(self) -> bool:
        return self.measure.plan.status == PlanStatus.ACTIVE

    def context(self, **more: Any) -> dict[str, Any]:
        return {
            "measure": self.measure,
            "student": self.student,
            "plan": self.measure.plan,
            "progress": self.progress,
            "in_force": self.in_force,
            "not_in_force": "" if self.in_force else " ".join(actions.NotInForce(self.measure.plan).messages),
            "current_measure": current_version(self.measure),
            "time_zone": school_time_zone(self.student).key,
            **more,
        }


def measure_page(request: StaffRequest, measure_id: uuid.UUID) -> MeasurePage:
    """The measure, if the person may decide on it; the view is audited."""
    staff = request.user
    measure, _standings = access_plan_item(staff, Measure, measure_id, Action.DECIDE_PROGRESS)
    student = measure.plan.student
    audit.record_view(staff, measure, student.id)
    return MeasurePage(staff, measure, student, actions.progress_of(measure))


def current_version(measure: Measure) -> Measure | None:
    """The measure carried into the version in force, when this one's version has ended."""
    if measure.plan.status != PlanStatus.ENDED:
        return None
    return next(iter(series.active_versions([measure.pk])), None)


def saved(request: StaffRequest, message: str, to: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(to)


@GET_OR_POST
def measure_mastery(request: StaffRequest, measure_id: uuid.UUID) -> HttpResponse:
    """Confirm mastery: when the data meet the mastery rule, or on the teacher's judgement with a
    reason. The measure moves to maintenance probes."""
    page = measure_page(request, measure_id)
    form = ConfirmMasteryForm(
        request.POST if request.method == "POST" else None,
        initial={"confirmed_on": actions.school_today(page.student)},
    )

    def act(data: dict[str, Any]) -> object:
        return actions.confirm_mastery(
            actor=page.staff,
            measure=page.measure,
            on=data["confirmed_on"],
            without_rule=data["without_rule"],
            reason=data["reason"],
        )

    status = attempt(request, form, act)
    if status is None:
        return saved(request, _("Mastery confirmed: the measure is in maintenance."), request.path)
    rule = series.mastery_rule(page.measure)
    context = page.context(
        form=form,
        rule=rule,
        max_prompt_level=page.measure.mastery_max_prompt_level,
        mastery=page.progress.result.mastery,
        met=actions.mastery_met(page.progress),
        confirmed=page.measure.status in {"maintenance", "mastered"},
    )
    return render(request, "progress/actions/mastery.html", context, status=status)


def phase_changes_of(progress: series.MeasureProgress) -> list[PhaseChange]:
    return list(
        PhaseChange.objects.filter(measure_id__in=progress.lineage)
        .select_related("created_by", "measure__plan")
        .order_by("starts_on", "created_at")
    )


@GET_OR_POST
def measure_phase_changes(request: StaffRequest, measure_id: uuid.UUID) -> HttpResponse:
    """The measure's phase changes with who entered them and when, and a form to add one."""
    page = measure_page(request, measure_id)
    form = PhaseChangeForm(
        request.POST if request.method == "POST" else None,
        initial={"starts_on": actions.school_today(page.student)},
    )

    def act(data: dict[str, Any]) -> object:
        return actions.add_phase_change(
            actor=page.staff,
            measure=page.measure,
            starts_on=data["starts_on"],
            kind=data["kind"],
            label=data["label"],
            note=data["note"],
        )

    status = attempt(request, form, act)
    if status is None:
        return saved(request, _("Phase change added."), request.path)
    context = page.context(form=form, changes=phase_changes_of(page.progress))
    return render(request, "progress/actions/phase_changes.html", context, status=status)


def aimline_initial(page: MeasurePage) -> dict[str, Any]:
    """The current aimline's start (the teacher's adjusted one, else the baseline) and the target."""
    adjustment, result, measure = page.progress.adjustment, page.progress.result, page.measure
    if adjustment is not None:
        return {
            "start_date": adjustment.start_date,
            "start_value": adjustment.start_value,
            "target_date": adjustment.target_date,
            "target_value": adjustment.target_value,
        }
    initial: dict[str, Any] = {
        "target_date": measure.target_date,
        "target_value": None if measure.target_value is None else float(measure.target_value),
    }
    if result.aimline is not None:
        initial |= {
            "start_date": analysis.day_date(result.aimline.anchor_day),
            "start_value": round(result.aimline.anchor_value, 2),
        }
    elif result.baseline is not None:
        initial |= {
            "start_date": analysis.day_date(result.baseline.day),
            "start_value": result.baseline.value,
        }
    elif measure.baseline_value is not None:
        initial |= {"start_date": measure.plan.start_date, "start_value": float(measure.baseline_value)}
    return initial


@GET_OR_POST
def measure_aimline(request: StaffRequest, measure_id: uuid.UUID) -> HttpResponse:
    """Redraw the aimline: start (date, value) to target (date, value)."""
    page = measure_page(request, measure_id)
    form = AimlineForm(request.POST if request.method == "POST" else None, initial=aimline_initial(page))

    def act(data: dict[str, Any]) -> object:
        return actions.adjust_aimline(
            actor=page.staff,
            measure=page.measure,
            start_date=data["start_date"],
            start_value=data["start_value"],
            target_date=data["target_date"],
            target_value=data["target_value"],
            note=data["note"],
        )

    status = attempt(request, form, act)
    if status is None:
        return saved(request, _("Aimline adjusted."), request.path)
    line = page.progress.result.aimline
    context = page.context(
        form=form,
        aimline=line,
        aimline_start=None if line is None else analysis.day_date(line.anchor_day),
        adjustments=list(
            AimlineAdjustment.objects.filter(measure_id__in=page.progress.lineage)
            .select_related("created_by")
            .order_by("-created_at")
        ),
        value_range=actions.value_range(page.measure),
    )
    return render(request, "progress/actions/aimline.html", context, status=status)


# ---- agreement --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckRow:
    check: AgreementCheck
    values: list[tuple[str, float | None, bool]]  # formula name, percent, the check's own formula


def agreement_name(kind: str) -> str:
    """The formula's name in the person's language (docs/field.md#agreement)."""
    names: dict[str, str] = {
        agreement.AgreementKind.TOTAL_COUNT: _("Total count"),
        agreement.AgreementKind.MEAN_COUNT_PER_INTERVAL: _("Mean count-per-interval"),
        agreement.AgreementKind.EXACT_COUNT_PER_INTERVAL: _("Exact count-per-interval"),
        agreement.AgreementKind.TRIAL_BY_TRIAL: _("Trial-by-trial"),
        agreement.AgreementKind.INTERVAL_BY_INTERVAL: _("Interval-by-interval"),
        agreement.AgreementKind.SCORED_INTERVAL: _("Scored-interval"),
        agreement.AgreementKind.UNSCORED_INTERVAL: _("Unscored-interval"),
        agreement.AgreementKind.TOTAL_DURATION: _("Total duration"),
        agreement.AgreementKind.MEAN_DURATION_PER_OCCURRENCE: _("Mean duration-per-occurrence"),
    }
    return names.get(kind, kind)


def check_rows(measure: Measure, lineage: list[uuid.UUID]) -> list[CheckRow]:
    """Every agreement check of the lineage, newest first, with every formula's value recomputed
    from the two records' facts."""
    checks = (
        AgreementCheck.objects.filter(measure_id__in=lineage)
        .select_related("primary__recorded_by", "secondary__recorded_by", "paired_by")
        .order_by("-paired_at")
    )
    rows = []
    for check in checks:
        found = actions.agreement_values(measure, check.primary, check.secondary)
        values = [(agreement_name(kind), percent, kind == check.kind) for kind, percent in found.items()]
        rows.append(CheckRow(check, values))
    return rows


def observation_label(observation: Observation, student: Student) -> str:
    """When, who and the session value: enough to tell records apart in a list."""
    when = localtime(observation.started_at, school_time_zone(student))
    value = "—" if observation.value is None else f"{observation.value:.4g}"
    return _("%(when)s, %(who)s, value %(value)s") % {
        "when": date_format(when, "SHORT_DATETIME_FORMAT"),
        "who": observation.recorded_by.full_name,
        "value": value,
    }


@GET_OR_POST
def measure_agreement(request: StaffRequest, measure_id: uuid.UUID) -> HttpResponse:
    """Pair two observers' records of one session for agreement: pairs found by time, or any two
    records chosen by hand; and every check so far with all its formulas."""
    page = measure_page(request, measure_id)
    lineage = page.progress.lineage
    unpaired = actions.unpaired_observations(page.measure, lineage)
    choices = [(str(o.pk), observation_label(o, page.student)) for o in reversed(unpaired)]
    form = PairForm(request.POST if request.method == "POST" else None, choices=choices)

    def act(data: dict[str, Any]) -> object:
        wanted = [data["primary"], data["secondary"]]
        found = {o.pk: o for o in Observation.objects.filter(pk__in=wanted, student_id=page.student.pk)}
        if data["primary"] not in found or data["secondary"] not in found:
            raise ValidationError(_("One of the records was not found for this student."))
        return actions.pair_agreement(
            actor=page.staff,
            measure=page.measure,
            primary=found[data["primary"]],
            secondary=found[data["secondary"]],
        )

    status = attempt(request, form, act)
    if status is None:
        return saved(request, _("Records paired; the agreement is shown below."), request.path)
    kind = agreement.PRIMARY_AGREEMENT.get(page.measure.method)
    context = page.context(
        form=form,
        checks=check_rows(page.measure, lineage),
        candidates=actions.agreement_candidates(unpaired),
        standing=page.progress.agreement,
        kind_name=agreement_name(kind) if kind else "",
        standard=agreement.AGREEMENT_STANDARD,
        share_standard=agreement.AGREEMENT_SHARE_STANDARD,
        has_formula=kind is not None,
    )
    return render(request, "progress/actions/agreement.html", context, status=status)


# ---- fidelity ---------------------------------------------------------------------------------------


@dataclass
class PlanFidelity:
    plan: Plan
    checks: list[FidelityCheck]
    steps: list[tuple[str, float | None]]  # each step's percent across the checks that observed it


def plan_fidelity(plan: Plan, checks: list[FidelityCheck]) -> PlanFidelity:
    """Per step (by its words, in the order first met) across the plan's checks; a check that did not
    list a step counts it as not applicable."""
    names: list[str] = []
    for check in checks:
        names += [row["step"] for row in check.steps if row["step"] not in names]
    answers = [{row["step"]: row["result"] for row in check.steps} for check in checks]
    by_step = agreement.fidelity_by_step([[found.get(name, "na") for name in names] for found in answers])
    return PlanFidelity(plan, checks, list(zip(names, by_step, strict=True)))


def all_or_nothing(check: FidelityCheck) -> bool | None:
    return agreement.fidelity([row["result"] for row in check.steps]).all_or_nothing


def student_fidelity(request: StaffRequest, student_id: uuid.UUID) -> HttpResponse:
    """The student's fidelity checks, by plan: each check's percent and whether every observed step
    was done, and each step's percent across checks."""
    staff = request.user
    student, standings = access_student(staff, student_id, Action.VIEW_RECORD)
    audit.record(
        actor=staff,
        action=AuditAction.VIEW,
        obj=student,
        object_type="progress.fidelitycheck",
        student_id=student.pk,
    )
    checks = list(
        FidelityCheck.objects.filter(student=student)
        .select_related("plan", "observed_staff", "created_by", "measure")
        .order_by("-observed_on", "-created_at")
    )
    for check in checks:
        check.all_or_nothing = all_or_nothing(check)  # type: ignore[attr-defined]
    plans: dict[uuid.UUID, list[FidelityCheck]] = {}
    for check in checks:
        plans.setdefault(check.plan_id, []).append(check)
    groups = [plan_fidelity(found[0].plan, found) for found in plans.values()]
    can_decide = allowed(standings, Action.DECIDE_PROGRESS)
    context = {
        "student": student,
        "groups": groups,
        "can_decide": can_decide,
        "plans_in_force": list(student.plans.active().order_by("kind")) if can_decide else [],
    }
    return render(request, "progress/actions/fidelity_list.html", context)


def step_initial(plan: Plan, measure: Measure | None) -> list[dict[str, str]]:
    return [{"step": step} for step in actions.plan_steps(plan, measure)] + [{}] * BLANK_STEPS


@GET_OR_POST
def fidelity_add(request: StaffRequest, plan_id: uuid.UUID) -> HttpResponse:
    """A fidelity check of a plan in force: the plan's steps (from its directions for paras and
    behavior strategies; ?measure= narrows them to one measure), each yes, no or not applicable."""
    staff = request.user
    plan, _standings = access_plan(staff, plan_id, Action.DECIDE_PROGRESS)
    student = plan.student
    audit.record_view(staff, plan, student.pk)
    measures = plan.measures.all()
    wanted = uuid_or_none(request.GET.get("measure"))
    chosen = measures.filter(pk=wanted).first() if wanted else None
    posted = request.POST if request.method == "POST" else None
    team = actions.assigned_staff(student)
    form = FidelityForm(
        posted,
        staff=team,
        measures=measures,
        initial={"observed_on": actions.school_today(student), "measure": chosen},
    )
    steps = StepFormSet(posted, initial=None if posted else step_initial(plan, chosen), prefix="steps")
    status = take_fidelity(request, staff, plan, form, steps)
    if status is None:
        return saved(request, _("Fidelity check saved."), reverse("student_fidelity", args=[student.pk]))
    context = {
        "plan": plan,
        "student": student,
        "form": form,
        "steps": steps,
        "in_force": plan.status == PlanStatus.ACTIVE,
        "not_in_force": ""
        if plan.status == PlanStatus.ACTIVE
        else " ".join(actions.NotInForce(plan).messages),
        "measures": measures,
        "chosen": chosen,
    }
    return render(request, "progress/actions/fidelity_add.html", context, status=status)


def uuid_or_none(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def take_fidelity(
    request: StaffRequest, staff: Staff, plan: Plan, form: FidelityForm, steps: Any
) -> int | None:
    if request.method != "POST":
        return 200
    valid = form.is_valid()
    if not (steps.is_valid() and valid):
        return BAD_INPUT

    def act(data: dict[str, Any]) -> object:
        return actions.record_fidelity(
            actor=staff,
            plan=plan,
            observed_staff=data["observed_staff"],
            observed_on=data["observed_on"],
            steps=steps.steps(),
            note=data["note"],
            measure=data["measure"],
        )

    return attempt(request, form, act)
