"""Student and plan pages: caseload, a para's students, a teacher's classes, a student, a plan, and the
forms that write a plan. Every read goes through paradesk.access, every write through actions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from paradesk.access import audit, scopes
from paradesk.access.helpers import access_plan, access_plan_item, access_student
from paradesk.access.policy import Action, allowed
from paradesk.access.requests import StaffRequest
from paradesk.people.district import in_district, joined_in_district
from paradesk.people.models import (
    ClassSection,
    Enrollment,
    Student,
    TeamRole,
)
from paradesk.plans import actions, forms
from paradesk.plans.models import (
    AbcOption,
    Accommodation,
    BehaviorStrategy,
    Goal,
    Measure,
    ParaDirection,
    Plan,
    PlanQuerySet,
    PlanStatus,
    ReportingPeriod,
    Service,
    Snapshot,
    TargetBehavior,
)

FORM_PAGE = "plans/form_page.html"


def posted(request: StaffRequest) -> Any:
    """The submitted data on a POST (even an empty one, so it is validated), else None."""
    return request.POST if request.method == "POST" else None


def with_contents(plans: PlanQuerySet, district_id: uuid.UUID) -> PlanQuerySet:
    """Everything a plan holds, in a fixed number of queries however much it holds, each naming the
    district. Measures are ordered by name alone: within one goal (or among a plan's behavior
    measures, which have none) that is the model's goal-then-name order, without joining the goal."""
    measures = in_district(Measure.objects.order_by("name"), district_id).prefetch_related(
        Prefetch("directions", queryset=in_district(ParaDirection.objects.all(), district_id))
    )
    own_directions = ParaDirection.objects.filter(measure__isnull=True)
    return plans.prefetch_related(
        *of_district(district_id, accommodations=Accommodation, services=Service),
        *of_district(district_id, strategies=BehaviorStrategy, abc_options=AbcOption),
        *of_district(district_id, reporting_periods=ReportingPeriod),
        Prefetch(
            "goals",
            queryset=in_district(Goal.objects.all(), district_id).prefetch_related(
                Prefetch("measures", queryset=measures),
                Prefetch(
                    "directions", queryset=in_district(own_directions, district_id), to_attr="own_directions"
                ),
            ),
        ),
        Prefetch(
            "target_behaviors",
            queryset=in_district(TargetBehavior.objects.order_by("name"), district_id).prefetch_related(
                Prefetch("measures", queryset=measures.filter(goal__isnull=True))
            ),
        ),
    )


def of_district(district_id: uuid.UUID, **models_by_name: type[models.Model]) -> list[Prefetch]:
    """A prefetch of each named relation reading only the district's rows of its model."""
    return [
        Prefetch(name, queryset=in_district(model._default_manager.all(), district_id))
        for name, model in models_by_name.items()
    ]


def active_plans_prefetch(district_id: uuid.UUID) -> Prefetch:
    plans = Plan.objects.active().filter(district_id=district_id).order_by("kind")
    return Prefetch("plans", queryset=plans, to_attr="active_plans")


def active_goal_count(district_id: uuid.UUID) -> Coalesce:
    """The goals of a student's plans in force, counted in a subquery that names the district on the
    goal and its plan (a join of the student to all their plans and goals could not)."""
    goals = (
        Goal.objects.filter(district_id=district_id, plan__district_id=district_id)
        .filter(plan__status=PlanStatus.ACTIVE, plan__student=OuterRef("pk"))
        .values("plan__student")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(goals), 0)


# Lists -------------------------------------------------------------------------------------------


def caseload(request: StaffRequest) -> HttpResponse:
    """Students the person case-manages or serves, with their active plans at a glance."""
    staff = request.user
    if staff.district_id is None:  # no district, no students (Django admin's superuser)
        return render(request, "plans/caseload.html", {"students": []})
    students = list(
        scopes.caseload(staff)
        .annotate(goal_count=active_goal_count(staff.district_id))
        .order_by("last_name", "first_name")
        .prefetch_related(
            active_plans_prefetch(staff.district_id),
            Prefetch(
                "assignments",
                queryset=scopes.assignments_of(staff),
                to_attr="my_assignments",
            ),
        )
    )
    audit.record_list_views(staff, students)
    return render(request, "plans/caseload.html", {"students": students})


def my_students(request: StaffRequest) -> HttpResponse:
    """A para's students: what every adult working with the child should know at a glance."""
    staff = request.user
    if staff.district_id is None:
        return render(request, "plans/my_students.html", {"students": []})
    students = list(
        scopes.para_students(staff)
        .annotate(own_snapshot=joined_in_district("snapshot", staff.district_id))
        .select_related("own_snapshot")  # type: ignore[misc]  # stubs: no FilteredRelation
        .prefetch_related(active_plans_prefetch(staff.district_id))
    )
    for student in students:  # read as student.snapshot, with no further query
        Student.snapshot.related.set_cached_value(student, getattr(student, "own_snapshot", None))
    audit.record_list_views(staff, students)
    return render(request, "plans/my_students.html", {"students": students})


def class_accommodations(request: StaffRequest) -> HttpResponse:
    """A general-education teacher's classes: each student's accommodations and who supports them."""
    staff = request.user
    enrollments = (
        Enrollment.objects.filter(
            student__active=True, student_id__in=Plan.objects.active().values("student_id")
        )
        .select_related("student")
        .order_by("student__last_name", "student__first_name")
        .prefetch_related(
            Prefetch(
                "student__plans",
                queryset=Plan.objects.active().order_by("kind").prefetch_related("accommodations"),
                to_attr="active_plans",
            ),
            Prefetch(
                "student__assignments",
                queryset=scopes.current_teams(staff.district_id)
                .exclude(team_role=TeamRole.GEN_ED_TEACHER)
                .select_related("staff")
                .order_by("team_role"),
                to_attr="team",
            ),
        )
    )
    sections = list(
        # A section of another district never shows, even if rostered to this teacher by mistake.
        ClassSection.objects.filter(
            teacher=staff, active=True, district=F("teacher__district")
        ).prefetch_related(Prefetch("enrollments", queryset=enrollments))
    )
    shown = {e.student_id: e.student for section in sections for e in section.enrollments.all()}
    audit.record_list_views(staff, shown.values())
    return render(request, "plans/class_accommodations.html", {"sections": sections})


# A student ---------------------------------------------------------------------------------------


def student_detail(request: StaffRequest, student_id: uuid.UUID) -> HttpResponse:
    """The student's page: summary for everyone with a standing, the full record for record readers."""
    staff = request.user
    student, standings = access_student(staff, student_id, Action.VIEW_SUMMARY)
    can_read_record = allowed(standings, Action.VIEW_RECORD)
    plans = in_district(Plan.objects.filter(student=student), student.district_id).order_by(
        "kind", "-version"
    )
    if can_read_record:
        active_plans = with_contents(plans.active(), student.district_id)
    else:
        active_plans = plans.active().prefetch_related(
            *of_district(student.district_id, accommodations=Accommodation)
        )
    audit.record_view(staff, student, student.id)
    context = {
        "student": student,
        "snapshot": in_district(Snapshot.objects.filter(student=student), student.district_id).first(),
        "active_plans": list(active_plans),
        "all_plans": list(plans) if can_read_record else [],
        "team": scopes.current_team(student).select_related("staff"),
        "can_read_record": can_read_record,
        "can_edit_snapshot": allowed(standings, Action.EDIT_SNAPSHOT),
        "can_edit_plan": allowed(standings, Action.EDIT_PLAN),
        "can_view_access_log": allowed(standings, Action.VIEW_ACCESS_LOG),
    }
    return render(request, "plans/student_detail.html", context)


def snapshot_edit(request: StaffRequest, student_id: uuid.UUID) -> HttpResponse:
    staff = request.user
    student, _standings = access_student(staff, student_id, Action.EDIT_SNAPSHOT)
    snapshot = Snapshot.objects.filter(student=student).first()
    if snapshot is None:
        snapshot = Snapshot(student=student, district_id=student.district_id)
    elif request.method == "GET":
        audit.record_view(staff, snapshot, student.id)
    form = forms.SnapshotForm(posted(request), instance=snapshot)
    if request.method == "POST" and form.is_valid():
        actions.save_snapshot(actor=staff, snapshot=form.save(commit=False), changed_fields=form.changed_data)
        messages.success(request, _("Snapshot saved."))
        return done(request, reverse("student_detail", args=[student.id]))
    return form_page(
        request,
        form,
        title=_("Snapshot"),
        action=request.path,
        back=reverse("student_detail", args=[student.id]),
        student=student,
    )


# Plans -------------------------------------------------------------------------------------------


def plan_create(request: StaffRequest, student_id: uuid.UUID) -> HttpResponse:
    staff = request.user
    student, _standings = access_student(staff, student_id, Action.EDIT_PLAN)
    if request.method == "GET":
        audit.record_view(staff, student, student.id)
    form = forms.PlanForm(posted(request))
    if request.method == "POST" and form.is_valid():
        plan = actions.create_plan(actor=staff, student=student, plan=form.save(commit=False))
        messages.success(request, _("Draft plan created. Add its goals, measures and supports."))
        return done(request, reverse("plan_detail", args=[plan.id]))
    return form_page(
        request,
        form,
        title=_("New plan"),
        action=request.path,
        back=reverse("student_detail", args=[student.id]),
        student=student,
    )


def plan_detail(request: StaffRequest, plan_id: uuid.UUID) -> HttpResponse:
    """One plan version with everything in it, its neighbours in the version history, and what the
    person may do with it."""
    staff = request.user
    found, standings = access_plan(staff, plan_id, Action.VIEW_RECORD)
    plans = Plan.objects.filter(pk=found.pk).select_related("student__school")
    plan = with_contents(in_district(plans, found.district_id), found.district_id).get()
    versions = Plan.objects.filter(lineage=plan.lineage).order_by("version")
    newer = [v for v in versions if v.version > plan.version]
    can_edit_plan = allowed(standings, Action.EDIT_PLAN)
    audit.record_view(staff, plan, plan.student_id)
    context = {
        "plan": plan,
        "student": plan.student,
        "versions": versions,
        "previous_version": plan.previous,
        "next_version": newer[0] if newer else None,
        "can_edit_plan": can_edit_plan and plan.is_editable,
        "can_edit_directions": allowed(standings, Action.EDIT_DIRECTIONS) and plan.is_editable,
        "can_amend": can_edit_plan and plan.status == PlanStatus.ACTIVE and not newer,
        "can_activate": can_edit_plan and plan.status == PlanStatus.DRAFT,
        "amend_form": forms.AmendForm(),
    }
    return render(request, "plans/plan_detail.html", context)


def plan_edit(request: StaffRequest, plan_id: uuid.UUID) -> HttpResponse:
    staff = request.user
    plan, _standings = access_plan(staff, plan_id, Action.EDIT_PLAN)
    if not plan.is_editable:
        return not_editable(request, plan)
    if request.method == "GET":
        audit.record_view(staff, plan, plan.student_id)
    form = forms.PlanEditForm(posted(request), instance=plan)
    return save_or_show(request, form, plan, title=_("Plan dates and crisis steps"))


@require_POST
def plan_amend(request: StaffRequest, plan_id: uuid.UUID) -> HttpResponse:
    staff = request.user
    plan, _standings = access_plan(staff, plan_id, Action.EDIT_PLAN)
    form = forms.AmendForm(request.POST)
    if not form.is_valid():
        back = reverse("plan_detail", args=[plan.id])
        return form_page(request, form, title=_("Amend plan"), action=request.path, back=back, plan=plan)
    try:
        new = actions.amend_plan(actor=staff, plan=plan, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        return conflict(request, plan, " ".join(exc.messages))
    messages.success(
        request, _("Version %(version)s is a draft. Change it, then activate it.") % {"version": new.version}
    )
    return done(request, reverse("plan_detail", args=[new.id]))


@require_POST
def plan_activate(request: StaffRequest, plan_id: uuid.UUID) -> HttpResponse:
    staff = request.user
    plan, _standings = access_plan(staff, plan_id, Action.EDIT_PLAN)
    try:
        actions.activate_plan(actor=staff, plan=plan)
    except ValidationError as exc:
        return conflict(request, plan, " ".join(exc.messages))
    messages.success(request, _("The plan is now in force."))
    return done(request, reverse("plan_detail", args=[plan.id]))


# Anything written in a plan: one create view and one edit view, driven by this table ---------------


@dataclass(frozen=True)
class PlanPart:
    model: type[models.Model]
    form: type[forms.PlanItemForm]
    action: Action
    title: str | Promise
    path: str  # the URL segment, plural
    template: str = FORM_PAGE


PLAN_PARTS: dict[str, PlanPart] = {
    "goal": PlanPart(Goal, forms.GoalForm, Action.EDIT_PLAN, gettext_lazy("Goal"), "goals"),
    "measure": PlanPart(Measure, forms.MeasureForm, Action.EDIT_PLAN, gettext_lazy("Measure"), "measures"),
    "accommodation": PlanPart(
        Accommodation,
        forms.AccommodationForm,
        Action.EDIT_PLAN,
        gettext_lazy("Accommodation"),
        "accommodations",
    ),
    "service": PlanPart(Service, forms.ServiceForm, Action.EDIT_PLAN, gettext_lazy("Service"), "services"),
    "behavior": PlanPart(
        TargetBehavior,
        forms.TargetBehaviorForm,
        Action.EDIT_PLAN,
        gettext_lazy("Target behavior"),
        "behaviors",
    ),
    "strategy": PlanPart(
        BehaviorStrategy,
        forms.StrategyForm,
        Action.EDIT_PLAN,
        gettext_lazy("Behavior strategy"),
        "strategies",
    ),
    "abc_option": PlanPart(
        AbcOption, forms.AbcOptionForm, Action.EDIT_PLAN, gettext_lazy("ABC option"), "abc-options"
    ),
    "period": PlanPart(
        ReportingPeriod,
        forms.ReportingPeriodForm,
        Action.EDIT_PLAN,
        gettext_lazy("Reporting period"),
        "periods",
    ),
    "direction": PlanPart(
        ParaDirection,
        forms.DirectionForm,
        Action.EDIT_DIRECTIONS,
        gettext_lazy("Directions for paras"),
        "directions",
    ),
}


def part_create(request: StaffRequest, plan_id: uuid.UUID, part: str) -> HttpResponse:
    spec = PLAN_PARTS[part]
    staff = request.user
    plan, _standings = access_plan(staff, plan_id, spec.action)
    if not plan.is_editable:
        return not_editable(request, plan)
    if request.method == "GET":
        audit.record_view(staff, plan, plan.student_id)
    form = spec.form(posted(request), instance=spec.model(), plan=plan)
    return save_or_show(request, form, plan, title=_("New: %(part)s") % {"part": spec.title}, spec=spec)


def part_edit(request: StaffRequest, item_id: uuid.UUID, part: str) -> HttpResponse:
    spec = PLAN_PARTS[part]
    staff = request.user
    item, _standings = access_plan_item(staff, spec.model, item_id, spec.action)
    plan: Plan = item.plan  # type: ignore[attr-defined]
    if not plan.is_editable:
        return not_editable(request, plan)
    if request.method == "GET":
        audit.record_view(staff, item, plan.student_id)
    form = spec.form(posted(request), instance=item, plan=plan)
    return save_or_show(request, form, plan, title=spec.title, spec=spec)


def save_or_show(
    request: StaffRequest, form: Any, plan: Plan, *, title: str | Promise, spec: PlanPart | None = None
) -> HttpResponse:
    """Save a valid form through the audited action, or show it with its errors beside the fields."""
    back = reverse("plan_detail", args=[plan.id])
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_plan_item(
                actor=request.user, item=form.save(commit=False), changed_fields=form.changed_data
            )
        except actions.PlanNotEditable:
            return not_editable(request, plan)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return done(request, back)
    template = spec.template if spec else FORM_PAGE
    return form_page(request, form, title=title, action=request.path, back=back, plan=plan, template=template)


def add_errors(form: BaseForm, exc: ValidationError) -> None:
    """Errors the model found after the form passed go beside their fields when the form has them."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# Responses shared by the forms -------------------------------------------------------------------


def form_page(
    request: StaffRequest,
    form: BaseForm,
    *,
    title: str | Promise,
    action: str,
    back: str,
    template: str = FORM_PAGE,
    **context: Any,
) -> HttpResponse:
    """The page around a form, or only the form when htmx asks for it."""
    context |= {"form": form, "title": title, "action": action, "back": back}
    return render(request, f"{template}#form" if request.htmx else template, context)


def done(request: StaffRequest, to: str) -> HttpResponse:
    """After a successful write: a redirect the browser (or htmx) follows, so a reload never re-posts."""
    return HttpResponseClientRedirect(to) if request.htmx else redirect(to)


def not_editable(request: StaffRequest, plan: Plan) -> HttpResponse:
    return conflict(request, plan, str(actions.PlanNotEditable().message))


def conflict(request: StaffRequest, plan: Plan, message: str) -> HttpResponse:
    """409: the plan is not in a state that allows this. htmx does not swap error responses, so it is
    sent to the plan page, where the message waits."""
    if request.htmx:
        messages.error(request, message)
        response = HttpResponseClientRedirect(reverse("plan_detail", args=[plan.id]))
        response.status_code = 409
        return response
    return render(request, "plans/conflict.html", {"plan": plan, "message": message}, status=409)
