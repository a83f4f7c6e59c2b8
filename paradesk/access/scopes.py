"""Named queries of who stands where: a person's caseload, a para's students, a student's team, a
school's paras, the staff who direct blocks at a school.

These are the only readers of `Assignment.objects.current()` and `Role.objects.current()` outside
`paradesk.people` and `paradesk.access` (the lint rule of docs/access.md#where-the-gate-is), so that
"who is on whose team today" has one answer: an assignment counts only while it is in force and its
holder has the matching staff role (docs/access.md#a-team-role-needs-the-matching-staff-role). Each
names the district of the assignments and their students
(docs/architecture.md#the-district-as-distribution-key).
They say who stands where; whether that lets someone see or do something is `policy.py`'s answer.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.db.models import QuerySet

from paradesk.people.models import (
    PARA_TEAM_ROLES,
    Assignment,
    AssignmentQuerySet,
    Role,
    RoleKind,
    RoleQuerySet,
    School,
    Staff,
    Student,
    StudentQuerySet,
    TeamRole,
)

# The students whose progress a person follows: those they case-manage or serve as a provider.
CASELOAD_ROLES = frozenset({TeamRole.CASE_MANAGER, TeamRole.PROVIDER})
# Staff roles that direct a para's block (a teacher or provider who says what the para does).
DIRECTING_ROLES = (RoleKind.SPED_TEACHER, RoleKind.GEN_ED_TEACHER, RoleKind.PROVIDER)

type Schools = QuerySet[School] | Iterable[uuid.UUID] | Iterable[School]


# A person's own team roles ----------------------------------------------------------------------------


def assignments_of(
    staff: Staff, team_roles: Iterable[str] | None = None, on: datetime.date | None = None
) -> AssignmentQuerySet:
    """The person's team assignments in force on a day (today by default), in these team roles (any
    when None), in the person's own district."""
    if staff.district_id is None:
        return Assignment.objects.none()
    found = Assignment.objects.current(on, district_id=staff.district_id).filter(staff=staff)
    return found if team_roles is None else found.filter(team_role__in=list(team_roles))


def caseload_assignments(staff: Staff, on: datetime.date | None = None) -> AssignmentQuerySet:
    """The person's case manager and provider roles today (the students may be inactive)."""
    return assignments_of(staff, CASELOAD_ROLES, on)


def assigned_students(staff: Staff, team_roles: Iterable[str]) -> StudentQuerySet:
    """Active students of the person's district where the person holds one of the team roles today."""
    if staff.district_id is None:
        return Student.objects.none()
    assigned = assignments_of(staff, team_roles)
    return (
        Student.objects.active()
        .filter(district_id=staff.district_id, id__in=assigned.values("student_id"))
        .select_related("school")
    )


def caseload(staff: Staff) -> StudentQuerySet:
    """The active students the person case-manages or serves as a provider today."""
    return assigned_students(staff, CASELOAD_ROLES)


def para_students(staff: Staff) -> StudentQuerySet:
    """The active students the person supports today as a 1:1 or small-group para."""
    return assigned_students(staff, PARA_TEAM_ROLES)


# Students' teams ---------------------------------------------------------------------------------------


def current_teams(district_id: uuid.UUID | None, on: datetime.date | None = None) -> AssignmentQuerySet:
    """Every team assignment of the district in force on a day (none without a district), for a
    Prefetch that joins it to its students (and narrows it to them); elsewhere use `current_team`
    or `teams_of`."""
    if district_id is None:
        return Assignment.objects.none()
    return Assignment.objects.current(on, district_id=district_id)


def current_team(student: Student, on: datetime.date | None = None) -> AssignmentQuerySet:
    """The student's team on a day (today by default)."""
    return Assignment.objects.current(on, district_id=student.district_id).filter(student=student)


def teams_of(
    district_id: uuid.UUID,
    students: Iterable[uuid.UUID] | QuerySet[Student],
    team_roles: Iterable[str] | None = None,
    on: datetime.date | None = None,
) -> AssignmentQuerySet:
    """The team assignments of several students of one district on a day, in these team roles (any
    when None)."""
    found = Assignment.objects.current(on, district_id=district_id).filter(student__in=students)
    return found if team_roles is None else found.filter(team_role__in=list(team_roles))


def para_assignments(
    district_id: uuid.UUID,
    staff_ids: Iterable[uuid.UUID],
    student_ids: Iterable[uuid.UUID],
    on: datetime.date | None = None,
) -> AssignmentQuerySet:
    """Para assignments of one district in force on a day between some paras and some students."""
    return Assignment.objects.current(on, district_id=district_id).filter(
        staff_id__in=list(staff_ids), student_id__in=list(student_ids), team_role__in=PARA_TEAM_ROLES
    )


# Staff roles at schools --------------------------------------------------------------------------------


def role_kinds(staff_id: uuid.UUID) -> frozenset[str]:
    """The kinds of the person's current staff roles (what the navigation offers them)."""
    return frozenset(Role.objects.current().filter(staff_id=staff_id).values_list("kind", flat=True))


def holds_role_at(staff_id: uuid.UUID, school_id: uuid.UUID, kind: str | None = None) -> bool:
    """Whether the person holds a current staff role (of this kind, or any) at the school."""
    roles = Role.objects.current().filter(staff_id=staff_id, school_id=school_id)
    return (roles if kind is None else roles.filter(kind=kind)).exists()


def role_schools(staff: Staff) -> QuerySet[Role, uuid.UUID]:
    """Ids of the schools where the person holds a current staff role, for `id__in`."""
    return (
        Role.objects.current().filter(staff=staff, school__isnull=False).values_list("school_id", flat=True)
    )


def para_roles(schools: Schools) -> RoleQuerySet:
    """Current para roles at these schools (a queryset of schools, schools or their ids)."""
    return Role.objects.current().filter(school__in=schools, kind=RoleKind.PARA)


def school_paras(schools: Schools) -> QuerySet[Staff]:
    """Staff with a current para role at one of these schools."""
    return Staff.objects.filter(id__in=para_roles(schools).values("staff_id"))


def directing_staff(schools: Schools) -> QuerySet[Staff]:
    """Active staff who may direct a para's block at these schools: their teachers and providers."""
    directing = Role.objects.current().filter(school__in=schools, kind__in=DIRECTING_ROLES)
    return Staff.objects.filter(id__in=directing.values("staff_id"), is_active=True)


def school_admin_ids(district_id: uuid.UUID, school_id: uuid.UUID) -> set[uuid.UUID]:
    """The school's current administrators (those told about its uncovered absences)."""
    roles = Role.objects.current().filter(
        district_id=district_id, school_id=school_id, kind=RoleKind.SCHOOL_ADMIN
    )
    return set(roles.values_list("staff_id", flat=True))
