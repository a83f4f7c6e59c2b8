"""Who may see and do what with a student's records: the table of docs/access.md, in code.

A staff member stands in one or more relations ("standings") to a student, each from something
current: an assignment to the student, a class the student is in, or an administrator's role at the
student's school or district. Each action is allowed to a set of standings. No standing means the
student is not found; a standing without the action means forbidden (docs/architecture.md#scope-of-practice).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

from django.db.models import Q

from paradesk.people.models import (
    Assignment,
    Enrollment,
    Role,
    RoleKind,
    Student,
    StudentQuerySet,
    TeamRole,
)

if TYPE_CHECKING:
    from paradesk.people.models import Staff


class Standing(StrEnum):
    CASE_MANAGER = "case_manager"
    PROVIDER = "provider"
    PARA = "para"
    GEN_ED_TEACHER = "gen_ed_teacher"
    SCHOOL_ADMIN = "school_admin"
    DISTRICT_ADMIN = "district_admin"


class Action(StrEnum):
    """What a person does with a student's records."""

    VIEW_SUMMARY = "student.summary"  # name, snapshot, accommodations, team
    VIEW_RECORD = "student.record"  # plans, goals, measures, services, behavior plan, directions
    EDIT_PLAN = "plan.edit"  # write, amend or activate a plan and anything in it
    EDIT_SNAPSHOT = "snapshot.edit"
    EDIT_DIRECTIONS = "directions.edit"
    VIEW_ACCESS_LOG = "student.access_log"
    EXPORT_RECORD = "student.export"
    RECORD_DATA = "data.record"  # record sessions, incidents, logs and notes; correct one's own
    VOID_DATA = "data.void"  # void anyone's record, with a reason
    # confirm mastery, add phase changes, adjust aimlines, pair agreement sessions, write progress reports
    DECIDE_PROGRESS = "progress.decide"


LICENSED_TEAM = frozenset({Standing.CASE_MANAGER, Standing.PROVIDER})
ADMINISTRATORS = frozenset({Standing.SCHOOL_ADMIN, Standing.DISTRICT_ADMIN})
RECORD_READERS = LICENSED_TEAM | {Standing.PARA} | ADMINISTRATORS

POLICY: dict[Action, frozenset[Standing]] = {
    Action.VIEW_SUMMARY: frozenset(Standing),
    Action.VIEW_RECORD: RECORD_READERS,
    # Scope of practice: goals, measurement, accommodations and behavior plans are written by
    # licensed staff; the case manager owns the plan.
    Action.EDIT_PLAN: frozenset({Standing.CASE_MANAGER}),
    Action.EDIT_SNAPSHOT: LICENSED_TEAM,
    Action.EDIT_DIRECTIONS: LICENSED_TEAM,
    Action.VIEW_ACCESS_LOG: ADMINISTRATORS,
    Action.EXPORT_RECORD: ADMINISTRATORS,
    # Those who work with the student record what happened; administrators read it.
    Action.RECORD_DATA: LICENSED_TEAM | {Standing.PARA},
    # Scope of practice: a para corrects only their own records; a licensed teacher voids any.
    Action.VOID_DATA: LICENSED_TEAM,
    # Scope of practice: instructional decisions and progress reports belong to licensed staff.
    Action.DECIDE_PROGRESS: LICENSED_TEAM,
}

TEAM_ROLE_STANDING = {
    TeamRole.CASE_MANAGER: Standing.CASE_MANAGER,
    TeamRole.PROVIDER: Standing.PROVIDER,
    TeamRole.PARA_ONE_TO_ONE: Standing.PARA,
    TeamRole.PARA_SMALL_GROUP: Standing.PARA,
    TeamRole.GEN_ED_TEACHER: Standing.GEN_ED_TEACHER,
}


def allowed(standings: frozenset[Standing], action: Action) -> bool:
    """Whether any of a person's standings toward a student permits the action."""
    return bool(standings & POLICY[action])


def admin_school_ids(staff: Staff) -> set[uuid.UUID]:
    """Schools where the person is a current school administrator."""
    return set(
        Role.objects.current()
        .filter(staff=staff, kind=RoleKind.SCHOOL_ADMIN)
        .values_list("school_id", flat=True)
    )


def is_district_admin(staff: Staff) -> bool:
    """Whether the person is a current district administrator of their own district."""
    if staff.district_id is None:
        return False
    return (
        Role.objects.current()
        .filter(staff=staff, kind=RoleKind.DISTRICT_ADMIN, district_id=staff.district_id)
        .exists()
    )


def visible_students(staff: Staff, on: datetime.date | None = None) -> StudentQuerySet:
    """Students the person has any standing toward; everyone else is "not found"."""
    if not staff.is_authenticated or staff.district_id is None:
        return Student.objects.none()
    in_district = Student.objects.filter(district_id=staff.district_id)
    if is_district_admin(staff):
        return in_district
    district_id = staff.district_id
    assigned = (
        Assignment.objects.current(on, district_id=district_id).filter(staff=staff).values("student_id")
    )
    taught = Enrollment.objects.filter(
        district_id=district_id, section__teacher=staff, section__active=True
    ).values("student_id")
    return in_district.filter(
        Q(id__in=assigned) | Q(id__in=taught) | Q(school_id__in=admin_school_ids(staff))
    )


def standings_toward(staff: Staff, student: Student, on: datetime.date | None = None) -> frozenset[Standing]:
    """Every relation the person has to the student today (empty: not found)."""
    if not staff.is_authenticated or staff.district_id != student.district_id:
        return frozenset()
    found: set[Standing] = set()
    team_roles = (
        Assignment.objects.current(on, district_id=student.district_id)
        .filter(staff=staff, student=student)
        .values_list("team_role", flat=True)
    )
    found.update(TEAM_ROLE_STANDING[TeamRole(role)] for role in team_roles)
    taught = Enrollment.objects.filter(
        district_id=student.district_id, section__teacher=staff, section__active=True, student=student
    )
    if taught.exists():
        found.add(Standing.GEN_ED_TEACHER)
    roles = Role.objects.current().filter(staff=staff, district_id=student.district_id)
    for kind, school_id in roles.values_list("kind", "school_id"):
        if kind == RoleKind.DISTRICT_ADMIN:
            found.add(Standing.DISTRICT_ADMIN)
        elif kind == RoleKind.SCHOOL_ADMIN and school_id == student.school_id:
            found.add(Standing.SCHOOL_ADMIN)
    return frozenset(found)


def provider_disciplines(staff: Staff, students: Iterable[Student]) -> dict[uuid.UUID, frozenset[str]]:
    """For each student the person serves as a related-service provider and not as case manager
    today, the disciplines of the person's current provider roles at the student's school: what is
    the provider's own on that student's plans (paradesk.plans.disciplines). Students not in the
    answer are not a provider's only. Two queries."""
    by_id = {student.pk: student for student in students}
    if not staff.is_authenticated or staff.district_id is None or not by_id:
        return {}
    roles = (
        Assignment.objects.current(district_id=staff.district_id)
        .filter(staff=staff, student_id__in=list(by_id))
        .values_list("student_id", "team_role")
    )
    held: dict[uuid.UUID, set[str]] = {}
    for student_id, team_role in roles:
        held.setdefault(student_id, set()).add(team_role)
    disciplines: dict[object, set[str]] = {}
    provider_roles = Role.objects.current().filter(
        district_id=staff.district_id, staff=staff, kind=RoleKind.PROVIDER
    )
    for school_id, discipline in provider_roles.values_list("school_id", "discipline"):
        disciplines.setdefault(school_id, set()).add(discipline)
    return {
        student_id: frozenset(disciplines.get(by_id[student_id].school_id, set()))
        for student_id, team_roles in held.items()
        if TeamRole.PROVIDER in team_roles and TeamRole.CASE_MANAGER not in team_roles
    }


def may_record_for(staff: Staff, student_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """The students among these the person may record for (`Action.RECORD_DATA`), in one query:
    the sync API's check for a whole batch. RECORD_DATA is given only by team assignments (para,
    case manager, provider), so only those are read."""
    if not student_ids or not staff.is_authenticated or staff.district_id is None:
        return set()
    found: dict[uuid.UUID, set[Standing]] = {}
    team_roles = (
        Assignment.objects.current(district_id=staff.district_id)
        .filter(staff=staff, student_id__in=student_ids)
        .values_list("student_id", "team_role")
    )
    for student_id, team_role in team_roles:
        found.setdefault(student_id, set()).add(TEAM_ROLE_STANDING[TeamRole(team_role)])
    return {sid for sid, standings in found.items() if allowed(frozenset(standings), Action.RECORD_DATA)}
