"""Pages for absences and coverage (administrators, within their schools) and the schedule builder.

A student's name shows only to an administrator who may see that student (need-to-know); each
name shown is an audited view.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from paradesk.access import audit
from paradesk.access.helpers import access_absence, admin_scope
from paradesk.access.policy import visible_students
from paradesk.access.requests import StaffRequest
from paradesk.people.models import Staff, Student, TeamRole, today
from paradesk.schedules import accepting, builder
from paradesk.schedules.coverage import absences
from paradesk.schedules.coverage import actions as coverage_actions
from paradesk.schedules.coverage.forms import AbsenceFilterForm, AbsenceForm, BuildForm, CoverForm
from paradesk.schedules.coverage.models import Absence, CoverageAssignment, ScheduleDraft
from paradesk.schedules.models import DutyKind, Qualification, SupportType, Weekday, time_range

# Absences ----------------------------------------------------------------------------------------------


def absence_list(request: StaffRequest) -> HttpResponse:
    actor = request.user
    scope = admin_scope(actor)
    schools = scope.schools()
    form = AbsenceFilterForm(request.GET or None, schools=schools)
    day, school = today(), None
    if form.is_valid():
        day = form.cleaned_data["date"] or day
        school = form.cleaned_data["school"]
    found = Absence.objects.filter(school__in=[school] if school else schools, date=day)
    found = found.select_related("para", "school").prefetch_related("coverage")
    rows = [
        (
            a,
            sum(1 for r in a.coverage.all() if r.covering_para_id),
            len(a.coverage.all()),
            sum(1 for r in a.coverage.all() if coverage_actions.unsafe(r)),
        )
        for a in found
    ]
    context = {"form": form, "rows": rows, "day": day}
    return render(request, "schedules/absence_list.html", context)


def absence_create(request: StaffRequest) -> HttpResponse:
    actor = request.user
    scope = admin_scope(actor)
    form = AbsenceForm(request.POST or None, schools=scope.schools())
    if request.method == "POST" and form.is_valid():
        try:
            absence = coverage_actions.create_absence(actor=actor, absence=form.save(commit=False))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Absence saved. Coverage is proposed below: check it and accept it."))
            return redirect("absence_coverage", absence.pk)
    return render(request, "schedules/absence_form.html", {"form": form})


# The coverage page -------------------------------------------------------------------------------------


@dataclass
class RowView:
    row: CoverageAssignment
    support: str
    students: list[str]
    form: CoverForm
    warnings: list[str]
    reason: str

    @property
    def times(self) -> str:
        return time_range(self.row.start_time, self.row.end_time)


def support_label(row: CoverageAssignment) -> str:
    if row.support_type == SupportType.DUTY and row.duty_kind in DutyKind.values:
        return str(DutyKind(row.duty_kind).label)
    return (
        str(SupportType(row.support_type).label)
        if row.support_type in SupportType.values
        else row.support_type
    )


def name_labels(
    viewer: Staff, students: Iterable[Student], named: dict[uuid.UUID, Student]
) -> dict[str, str]:
    """Each student's name if the viewer may see the student, else "a student"; the named ones are
    added to `named` (to audit)."""
    students = list(students)
    visible = set(
        visible_students(viewer).filter(id__in=[s.pk for s in students]).values_list("id", flat=True)
    )
    labels = {}
    for student in students:
        if student.pk in visible:
            named[student.pk] = student
            labels[str(student.pk)] = student.display_name
        else:
            labels[str(student.pk)] = _("a student")
    return labels


def student_names(viewer: Staff, students: Iterable[Student], named: dict[uuid.UUID, Student]) -> list[str]:
    ordered = sorted(students, key=lambda s: (s.last_name, s.first_name))
    labels = name_labels(viewer, ordered, named)
    return [labels[str(s.pk)] for s in ordered]


def row_views(
    actor: Staff, absence: Absence, bound: dict[uuid.UUID, CoverForm]
) -> tuple[list[RowView], list[Student]]:
    rows = list(
        absence.coverage.select_related("covering_para", "block")
        .prefetch_related("block__students")
        .order_by("rank", "start_time")
    )
    students = {s.pk: s for r in rows if r.block for s in r.block.students.all()}
    day = absences.CoverageDay.load(absence, students)
    needs = absences.needs_by_student(students)
    names = qualification_names(needs)
    named: dict[uuid.UUID, Student] = {}
    views = []
    for row in rows:
        block_students = list(row.block.students.all()) if row.block else []
        needed = absences.needed_in(row.support_type, [s.pk for s in block_students], needs)
        choices, warnings = para_choices(day, row, needed, names)
        initial = {"row": row.pk, "covering_para": row.covering_para_id, "note": row.note}
        form = bound.get(row.pk) or CoverForm(initial=initial, choices=choices, prefix=str(row.pk))
        reason = builder.reason_text({"code": row.uncovered_reason, "params": {}}, {}, {})
        views.append(
            RowView(
                row,
                support_label(row),
                student_names(actor, block_students, named),
                form,
                warnings,
                reason if row.covering_para_id is None and row.uncovered_reason else "",
            )
        )
    return views, list(named.values())


def qualification_names(needs: dict[uuid.UUID, list[Any]]) -> dict[uuid.UUID, str]:
    ids = {n.qualification_id for listed in needs.values() for n in listed}
    return dict(Qualification.objects.filter(id__in=ids).values_list("id", "name"))


def para_choices(
    day: absences.CoverageDay,
    row: CoverageAssignment,
    needed: frozenset[uuid.UUID],
    names: dict[uuid.UUID, str],
) -> tuple[list[tuple[str, str]], list[str]]:
    """The paras free and qualified for the row (plus its current para), and the current para's
    warnings (a duty left uncovered)."""
    choices, warnings = [], []
    for para_id, para in day.paras.items():
        check = absences.check_cover(day, para_id, row.start_time, row.end_time, needed, names, row_id=row.pk)
        label = para.full_name + (" — " + _("leaves a duty") if check.warnings else "")
        if not check.errors or para_id == row.covering_para_id:
            choices.append((str(para_id), label))
        if para_id == row.covering_para_id:
            warnings = check.errors + check.warnings
    return choices, warnings


def coverage_page(
    request: StaffRequest,
    absence: Absence,
    bound: dict[uuid.UUID, CoverForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.user
    views, named = row_views(actor, absence, bound or {})
    audit.record_list_views(actor, named)
    context = {
        "absence": absence,
        "rows": views,
        "pending": any(not v.row.accepted for v in views),
        "covered": sum(1 for v in views if v.row.covering_para_id),
    }
    return render(request, "schedules/coverage_page.html", context, status=status)


def absence_coverage(request: StaffRequest, absence_id: object) -> HttpResponse:
    """At 7:15: the absent para's blocks that day by priority, who covers each, and what is open."""
    absence, _scope = access_absence(request.user, absence_id)
    return coverage_page(request, absence)


@require_POST
def coverage_set(request: StaffRequest, absence_id: object) -> HttpResponse:
    """Change who covers one block (or leave it uncovered). A refused choice comes back with the
    reason beside the field."""
    actor = request.user
    absence, _scope = access_absence(actor, absence_id)
    row_id = request.POST.get("row", "")
    row = absence.coverage.filter(id=as_uuid_or_nil(row_id)).select_related("absence__para").first()
    if row is None:
        messages.error(request, _("Choose a block of this absence."))
        return redirect("absence_coverage", absence.pk)
    form = CoverForm(request.POST, prefix=str(row.pk), choices=[])
    form.data = {**request.POST.dict(), f"{row.pk}-row": str(row.pk)}
    if form.is_valid():
        try:
            warnings = coverage_actions.set_cover(
                actor=actor, row=row, para_id=form.chosen_para, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            form.add_error("covering_para", exc)
        else:
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, _("Coverage changed."))
            return redirect("absence_coverage", absence.pk)
    return coverage_page(request, absence, {row.pk: with_choices(form, absence, row)}, status=200)


def as_uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def as_uuid_or_nil(value: str) -> uuid.UUID:
    """A UUID from a form, or one no row has (so a lookup simply finds nothing)."""
    return as_uuid_or_none(value) or uuid.UUID(int=0)


def with_choices(form: CoverForm, absence: Absence, row: CoverageAssignment) -> CoverForm:
    """The refused form, its select offering the same paras the page offers."""
    students = list(row.block.students.values_list("id", flat=True)) if row.block is not None else []
    day = absences.CoverageDay.load(absence, students)
    needs = absences.needs_by_student(students)
    needed = absences.needed_in(row.support_type, students, needs)
    choices, _warnings = para_choices(day, row, needed, qualification_names(needs))
    chosen = form.data.get(f"{row.pk}-covering_para", "")
    if chosen and chosen not in {c for c, _label in choices}:
        para = Staff.objects.filter(id=as_uuid_or_nil(chosen)).first()
        choices.append((chosen, para.full_name if para else chosen))
    rebuilt = CoverForm(form.data, prefix=str(row.pk), choices=choices)
    rebuilt.is_valid()
    for error in form.errors.get("covering_para", []):
        if error not in rebuilt.errors.get("covering_para", []):
            rebuilt.add_error("covering_para", error)
    return rebuilt


def absence_action(
    call: Callable[[Staff, Absence], object], success: object
) -> Callable[[StaffRequest, object], HttpResponse]:
    @require_POST
    def view(request: StaffRequest, absence_id: object) -> HttpResponse:
        actor = request.user
        absence, _scope = access_absence(actor, absence_id)
        try:
            call(actor, absence)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, str(success))
        return redirect("absence_coverage", absence.pk)

    return view


@require_POST
def coverage_accept(request: StaffRequest, absence_id: object) -> HttpResponse:
    """Accept the proposal; the message says who was told, and what stays uncovered."""
    actor = request.user
    absence, _scope = access_absence(actor, absence_id)
    try:
        rows = coverage_actions.accept_coverage(actor=actor, absence=absence)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("absence_coverage", absence.pk)
    covered = sum(1 for r in rows if r.covering_para_id)
    if covered:
        messages.success(
            request, _("Coverage accepted. The covering paras are notified and see the students.")
        )
    else:
        messages.warning(request, _("Accepted, but nobody covers any of these blocks: no para was notified."))
    unsafe = sum(1 for r in absence.coverage.all() if coverage_actions.unsafe(r))
    if unsafe:
        messages.error(
            request,
            _(
                "%(count)s block(s) of 1:1 or safety support have no cover. The case manager, the "
                "directing teachers and the school administrators were alerted."
            )
            % {"count": unsafe},
        )
    return redirect("absence_coverage", absence.pk)


coverage_propose = absence_action(
    lambda actor, absence: coverage_actions.propose_again(actor=actor, absence=absence),
    gettext_lazy("A new proposal replaces the blocks not yet accepted."),
)


@require_POST
def absence_delete(request: StaffRequest, absence_id: object) -> HttpResponse:
    actor = request.user
    absence, _scope = access_absence(actor, absence_id)
    day = absence.date
    coverage_actions.remove_absence(actor=actor, absence=absence)
    messages.success(request, _("Absence removed; any accepted coverage was taken back."))
    return redirect(f"{reverse('absence_list')}?date={day.isoformat()}")


# The schedule builder ------------------------------------------------------------------------------------


def schedule_builder(request: StaffRequest) -> HttpResponse:
    """Build a school's week with the solver (in the request, with a time limit: no task worker is
    configured), then show the latest draft of a school."""
    actor = request.user
    scope = admin_scope(actor)
    schools = scope.schools()
    form = BuildForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        school = form.cleaned_data["school"]
        try:
            builder.build_draft(actor=actor, school=school, monday=form.cleaned_data["week_of"])
        except builder.NoBellSchedule:
            form.add_error("school", _("This school has no bell schedule with periods for that week yet."))
        else:
            return redirect(f"{reverse('schedule_builder')}?school={school.pk}")
    wanted = as_uuid_or_none(request.GET.get("school", ""))
    draft = (
        ScheduleDraft.objects.filter(school__in=schools, school_id=wanted, accepted_at__isnull=True)
        .select_related("school")
        .first()
        if wanted
        else None
    )
    context: dict[str, Any] = {"form": form, "draft": draft}
    if draft is not None:
        context |= draft_context(actor, draft)
    return render(request, "schedules/builder_page.html", context)


def draft_context(actor: Staff, draft: ScheduleDraft) -> dict[str, Any]:
    """The draft per para (by name, then day and time), each shortfall with its reasons in words, and
    what accepting it will do (from when, the assignments it gives, the coverage proposed again)."""
    student_ids = {s for b in draft.blocks for s in b["student_ids"]} | {
        s["student_id"] for s in draft.shortfalls
    }
    named: dict[uuid.UUID, Student] = {}
    students = Student.objects.filter(id__in=student_ids, district_id=draft.district_id)
    labels = name_labels(actor, students, named)
    audit.record_list_views(actor, named.values())
    names = {
        str(k): v
        for k, v in Staff.objects.filter(district_id=draft.district_id).values_list("id", "full_name")
    }
    qualifications = Qualification.objects.filter(district_id=draft.district_id).values_list("id", "name")
    names |= {str(k): v for k, v in qualifications}
    days = dict(Weekday.choices)
    by_para: dict[str, list[dict[str, Any]]] = {}
    for b in sorted(draft.blocks, key=lambda b: (names.get(b["para_id"], ""), b["weekday"], b["start"])):
        shown = {
            "day": days[b["weekday"]],
            "support": SupportType(b["support_type"]).label,
            "students": [labels.get(s, _("a student")) for s in b["student_ids"]],
            "teacher": names.get(b.get("teacher_id") or "", ""),
        }
        by_para.setdefault(b["para_id"], []).append({**b, **shown})
    slot_names = {
        f"{b['weekday']}|{b['period']}": f"{days[b['weekday']]} {b['period']}" for b in draft.blocks
    }
    shortfalls = [
        {
            **s,
            "student": labels.get(s["student_id"], _("a student")),
            "reasons": [builder.reason_text(r, names, slot_names) for r in s["reasons"]],
        }
        for s in draft.shortfalls
    ]
    plan = accepting.plan_accept(draft)
    student_labels = {uuid.UUID(k): v for k, v in labels.items()}
    new_assignments = [
        {
            "para": names.get(str(a.para_id), _("a para")),
            "student": student_labels.get(a.student_id, _("a student")),
            "role": TeamRole(a.team_role).label,
        }
        for a in plan.assignments
    ]
    return {
        "by_para": [(names.get(p, p), rows) for p, rows in by_para.items()],
        "shortfalls": shortfalls,
        "accept": plan,
        "new_assignments": new_assignments,
        "coverage_dates": sorted({a.date for a in plan.absences}),
    }


@require_POST
def schedule_builder_accept(request: StaffRequest) -> HttpResponse:
    actor = request.user
    scope = admin_scope(actor)
    draft = ScheduleDraft.objects.filter(
        id=as_uuid_or_nil(request.POST.get("draft", "")),
        school__in=scope.schools(),
        accepted_at__isnull=True,
    ).first()
    if draft is None:
        messages.error(request, _("Choose a proposed schedule to accept."))
        return redirect("schedule_builder")
    try:
        made = accepting.accept_draft(actor=actor, draft=draft)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(f"{reverse('schedule_builder')}?school={draft.school_id}")
    starts = accepting.effective_from(draft, today())
    messages.success(
        request,
        _("From %(date)s the school's week has %(count)s student blocks; until then it stays as it was.")
        % {"count": len(made), "date": date_format(starts, "DATE_FORMAT")},
    )
    return redirect("schedule_builder")
