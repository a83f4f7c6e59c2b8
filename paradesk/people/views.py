"""Administrator pages: staff, their roles and their team assignments.

School administrators manage staff who hold a current role at one of their schools and students of
those schools; district administrators the whole district. Everyone else gets 403, and ids outside
the administrator's scope are not found (paradesk.access.helpers.admin_scope and access_*).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from paradesk.access import audit, lockout
from paradesk.access.helpers import AdminScope, access_assignment, access_role, access_staff, admin_scope
from paradesk.access.requests import StaffRequest
from paradesk.people import actions
from paradesk.people.forms import AssignmentForm, RoleForm, StaffCreateForm, StaffFilterForm
from paradesk.people.models import Assignment, Role, RoleKind, Staff, holds_matching_role, today

STAFF_PER_PAGE = 50


def current_assignments_count(scope: AdminScope, day: datetime.date) -> Count:
    """Assignments in force today, of students the administrator manages."""
    in_force = (
        Q(assignments__start_date__lte=day)
        & (Q(assignments__end_date__isnull=True) | Q(assignments__end_date__gte=day))
        & (Q(assignments__ended_at__isnull=True) | Q(assignments__ended_at__date__gt=day))
    )
    if not scope.whole_district:
        in_force &= Q(assignments__student__school_id__in=scope.school_ids)
    return Count("assignments", filter=in_force, distinct=True)


def filtered_staff(scope: AdminScope, form: StaffFilterForm) -> QuerySet[Staff]:
    """The administrator's staff, with a current role matching the filter (one role matches both)."""
    staff = scope.staff()
    if not form.is_valid():
        return staff
    matching: dict[str, object] = {}
    if form.cleaned_data.get("school"):
        matching["school"] = form.cleaned_data["school"]
    if form.cleaned_data.get("kind"):
        matching["kind"] = form.cleaned_data["kind"]
    if matching:
        staff = staff.filter(id__in=Role.objects.current().filter(**matching).values("staff_id"))
    return staff


def staff_list(request: StaffRequest) -> HttpResponse:
    scope = admin_scope(request.user)
    form = StaffFilterForm(request.GET or None, scope=scope)
    current_roles = Role.objects.current().select_related("school").order_by("kind", "school__name")
    staff = (
        filtered_staff(scope, form)
        .annotate(current_assignments=current_assignments_count(scope, today()))
        .prefetch_related(Prefetch("roles", queryset=current_roles, to_attr="current_roles"))
        .order_by("full_name", "id")
    )
    page = Paginator(staff, STAFF_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "people/staff_list.html#staff-table" if request.htmx else "people/staff_list.html"
    return render(request, template, context)


def staff_create(request: StaffRequest) -> HttpResponse:
    actor = request.user
    scope = admin_scope(actor)
    form = StaffCreateForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        staff = actions.create_staff(
            actor=actor,
            district=actor.district,  # type: ignore[arg-type]
            full_name=data["full_name"],
            email=data["email"],
            password=data["password"] or None,
            kind=RoleKind(data["kind"]),
            school=data["school"],
            discipline=data["discipline"],
        )
        if data["send_invitation"]:
            actions.send_sign_in_link(actor=actor, staff=staff, base_url=request.build_absolute_uri("/"))
        messages.success(request, _("Staff member added."))
        return redirect("staff_detail", staff_id=staff.id)
    return render(request, "people/staff_create.html", {"form": form})


def assignment_rows(scope: AdminScope, staff: Staff) -> list[tuple[Assignment, str]]:
    """The staff member's assignments the administrator manages, newest first, each with whether it
    is current, upcoming or ended."""
    day = today()
    assignments = (
        scope.assignments()
        .filter(staff=staff)
        .select_related("student")
        .annotate(grants=ExpressionWrapper(holds_matching_role(), output_field=BooleanField()))
        .order_by("-start_date")
    )
    return [(assignment, assignment.status_on(day)) for assignment in assignments]


def staff_detail(request: StaffRequest, staff_id: object) -> HttpResponse:
    """A staff member's roles and assignments; each assigned student named is seen in a list."""
    staff, scope = access_staff(request.user, staff_id)
    assignments = assignment_rows(scope, staff)
    audit.record_list_views(request.user, [assignment.student for assignment, _status in assignments])
    roles = [
        (role, role.active and scope.covers_school(role.school_id))
        for role in staff.roles.select_related("school").order_by("-active", "kind", "school__name")
    ]
    context = {
        "staff": staff,
        "roles": roles,
        "assignments": assignments,
        "locked_out": lockout.is_locked_out(staff),
    }
    return render(request, "people/staff_detail.html", context)


@require_POST
def staff_unlock(request: StaffRequest, staff_id: object) -> HttpResponse:
    """Lift a sign-in lockout of a staff member in the administrator's scope (audited)."""
    actor = request.user
    staff, _scope = access_staff(actor, staff_id)
    lockout.unlock(actor=actor, staff=staff)
    messages.success(request, _("Sign-in unlocked. They can sign in again now."))
    return redirect("staff_detail", staff_id=staff.id)


def role_create(request: StaffRequest, staff_id: object) -> HttpResponse:
    actor = request.user
    staff, scope = access_staff(actor, staff_id)
    form = RoleForm(request.POST or None, scope=scope, staff=staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.add_role(
            actor=actor,
            staff=staff,
            kind=RoleKind(data["kind"]),
            school=data["school"],
            discipline=data["discipline"],
        )
        messages.success(request, _("Role added."))
        return redirect("staff_detail", staff_id=staff.id)
    return render(request, "people/role_form.html", {"form": form, "staff": staff})


def back_to_staff(request: StaffRequest, staff: Staff) -> HttpResponse:
    """The staff member's page, or the list when they are no longer the administrator's to see."""
    if admin_scope(request.user).staff().filter(id=staff.id).exists():
        return redirect("staff_detail", staff_id=staff.id)
    return redirect("staff_list")


@require_POST
def role_end(request: StaffRequest, role_id: object) -> HttpResponse:
    actor = request.user
    role, _scope = access_role(actor, role_id)
    actions.end_role(actor=actor, role=role)
    messages.success(request, _("Role ended."))
    return back_to_staff(request, role.staff)


def assignment_create(request: StaffRequest, staff_id: object) -> HttpResponse:
    actor = request.user
    staff, scope = access_staff(actor, staff_id)
    form = AssignmentForm(request.POST or None, scope=scope, staff=staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions.assign_staff(
            actor=actor,
            staff=staff,
            student=data["student"],
            team_role=data["team_role"],
            start_date=data["start_date"],
            end_date=data["end_date"],
        )
        messages.success(request, _("Assignment added."))
        return redirect("staff_detail", staff_id=staff.id)
    audit.record_choices_seen(actor, form.fields["student"].queryset)  # type: ignore[attr-defined]
    return render(request, "people/assignment_form.html", {"form": form, "staff": staff})


@require_POST
def assignment_end(request: StaffRequest, assignment_id: object) -> HttpResponse:
    actor = request.user
    assignment, _scope = access_assignment(actor, assignment_id)
    actions.end_assignment(actor=actor, assignment=assignment)
    messages.success(request, _("Assignment ended."))
    return back_to_staff(request, assignment.staff)


def staff_set_password(request: StaffRequest, staff_id: object) -> HttpResponse:
    """An administrator in scope gives a staff member a password (an initial one, or a new one)."""
    actor = request.user
    staff, _scope = access_staff(actor, staff_id)
    form = SetPasswordForm(staff, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.set_staff_password(actor=actor, staff=staff, password=form.cleaned_data["new_password1"])
        messages.success(request, _("Password set. Tell them in person, never by email."))
        return redirect("staff_detail", staff_id=staff.id)
    return render(request, "people/staff_password.html", {"form": form, "staff": staff})


@require_POST
def staff_invite(request: StaffRequest, staff_id: object) -> HttpResponse:
    """Email the staff member a link to choose their own password."""
    actor = request.user
    staff, _scope = access_staff(actor, staff_id)
    actions.send_sign_in_link(actor=actor, staff=staff, base_url=request.build_absolute_uri("/"))
    messages.success(
        request, _("A link to choose a password was sent to %(email)s.") % {"email": staff.email}
    )
    return redirect("staff_detail", staff_id=staff.id)


@require_POST
def staff_deactivate(request: StaffRequest, staff_id: object) -> HttpResponse:
    """Deactivate (or, with `reactivate`, reactivate) a staff member's account."""
    actor = request.user
    staff, _scope = access_staff(actor, staff_id)
    if request.POST.get("reactivate"):
        actions.reactivate_staff(actor=actor, staff=staff)
        messages.success(request, _("Account reactivated."))
    elif staff.pk == actor.pk:
        messages.error(request, _("You cannot deactivate your own account; ask another administrator."))
    else:
        actions.deactivate_staff(actor=actor, staff=staff)
        messages.success(request, _("Account deactivated: their sessions and API tokens stopped working."))
    return redirect("staff_detail", staff_id=staff.id)
