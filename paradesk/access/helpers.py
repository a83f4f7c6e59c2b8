"""Fetch student-linked records for a person, failing closed.

Missing and not visible give the same 404; visible but not permitted gives 403 (PermissionDenied).
Views and the API call these and nothing else to reach a student's records.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from paradesk.access.models import SecretLink
from paradesk.access.policy import Action, Standing, allowed, standings_toward, visible_students
from paradesk.people.district import district_on
from paradesk.people.models import (
    Assignment,
    AssignmentQuerySet,
    Role,
    RoleKind,
    School,
    Staff,
    Student,
    StudentQuerySet,
)
from paradesk.plans.models import Plan
from paradesk.recording.models import RECORD_MODELS, Record
from paradesk.schedules.models import Absence, BellSchedule, CalendarDay, DayType, ParaBlock


def as_uuid(value: object) -> uuid.UUID:
    """An id from a URL or payload; anything that is not a UUID is simply not found."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as exc:
        raise Http404 from exc


def require(standings: frozenset[Standing], action: Action) -> None:
    """Not visible: 404. Visible but the action is not the person's to take: 403."""
    if not standings:
        raise Http404
    if not allowed(standings, action):
        raise PermissionDenied


def access_student(staff: Staff, student_id: object, action: Action) -> tuple[Student, frozenset[Standing]]:
    """The student and the person's standings, if the person may take the action. Looked for in the
    person's district only (another district's student is not found either way)."""
    if staff.district_id is None:
        raise Http404
    student = (
        Student.objects.filter(id=as_uuid(student_id), district_id=staff.district_id)
        .select_related("school")
        .first()
    )
    if student is None:
        raise Http404
    standings = standings_toward(staff, student)
    require(standings, action)
    return student, standings


def access_plan(staff: Staff, plan_id: object, action: Action) -> tuple[Plan, frozenset[Standing]]:
    """A plan version and the person's standings toward its student."""
    district_id = staff.district_id
    plan = (
        Plan.objects.filter(district_on(district_id, "student"), id=as_uuid(plan_id))
        .select_related("student__school")
        .first()
    )
    if plan is None:
        raise Http404
    standings = standings_toward(staff, plan.student)
    require(standings, action)
    return plan, standings


def access_plan_item[Item: models.Model](
    staff: Staff, model: type[Item], item_id: object, action: Action
) -> tuple[Item, frozenset[Standing]]:
    """Anything written in a plan (goal, measure, accommodation, ...), through its plan."""
    district_id = staff.district_id
    item = (
        model._default_manager.filter(district_on(district_id, "plan", "plan__student"), id=as_uuid(item_id))
        .select_related("plan__student__school")
        .first()
    )
    if item is None:
        raise Http404
    standings = standings_toward(staff, item.plan.student)  # type: ignore[attr-defined]
    require(standings, action)
    return item, standings


def access_record(
    staff: Staff, record_id: object, action: Action, kind: str | None = None
) -> tuple[Record, frozenset[Standing]]:
    """A recorded fact by its device-made id, and the person's standings toward its student. With a
    kind (as the sync API names it) only that kind is looked in, so an id is one record of one kind
    even where an old id was reused across kinds; an unknown kind is "not found"."""
    wanted = as_uuid(record_id)
    if kind is not None and kind not in RECORD_MODELS:
        raise Http404
    models_looked_in = [RECORD_MODELS[kind]] if kind is not None else list(RECORD_MODELS.values())
    for model in models_looked_in:
        found = (
            model._default_manager.filter(district_on(staff.district_id, "student"), id=wanted)
            .select_related("student__school")
            .first()
        )
        if found is not None:
            standings = standings_toward(staff, found.student)
            require(standings, action)
            return found, standings
    raise Http404


@dataclass(frozen=True)
class AdminScope:
    """Where an administrator may manage staff: their whole district, or only some schools."""

    district_id: uuid.UUID
    whole_district: bool
    school_ids: frozenset[uuid.UUID]

    def covers_school(self, school_id: object) -> bool:
        """Whether a school is the administrator's to manage (a district-wide role has no school)."""
        return self.whole_district or school_id in self.school_ids

    def schools(self) -> models.QuerySet[School]:
        """Schools where the administrator may give roles."""
        schools = School.objects.filter(district_id=self.district_id)
        return schools if self.whole_district else schools.filter(id__in=self.school_ids)

    def staff(self) -> models.QuerySet[Staff]:
        """Staff of the district, or those with a current role at one of the administrator's schools."""
        staff = Staff.objects.filter(district_id=self.district_id)
        if self.whole_district:
            return staff
        at_my_schools = Role.objects.current().filter(school_id__in=self.school_ids).values("staff_id")
        return staff.filter(id__in=at_my_schools)

    def students(self) -> StudentQuerySet:
        """Students the administrator may put on a team."""
        students = Student.objects.filter(district_id=self.district_id)
        return students if self.whole_district else students.filter(school_id__in=self.school_ids)

    def assignments(self) -> AssignmentQuerySet:
        """Team assignments of those students (the student's district named too, for the joins)."""
        assignments = Assignment.objects.filter(
            district_id=self.district_id, student__district_id=self.district_id
        )
        if self.whole_district:
            return assignments
        return assignments.filter(student__school_id__in=self.school_ids)


def admin_scope(staff: Staff) -> AdminScope:
    """The person's administrator scope; anyone without a current administrator role in their own
    district is forbidden (403)."""
    if not staff.is_authenticated or staff.district_id is None:
        raise PermissionDenied
    roles = Role.objects.current().filter(
        staff=staff,
        district_id=staff.district_id,
        kind__in=[RoleKind.SCHOOL_ADMIN, RoleKind.DISTRICT_ADMIN],
    )
    kinds_and_schools = list(roles.values_list("kind", "school_id"))
    if not kinds_and_schools:
        raise PermissionDenied
    return AdminScope(
        district_id=staff.district_id,
        whole_district=any(kind == RoleKind.DISTRICT_ADMIN for kind, _ in kinds_and_schools),
        school_ids=frozenset(school for kind, school in kinds_and_schools if kind == RoleKind.SCHOOL_ADMIN),
    )


def access_staff(actor: Staff, staff_id: object) -> tuple[Staff, AdminScope]:
    """A staff member the administrator manages; 403 for non-administrators, 404 outside their scope."""
    scope = admin_scope(actor)
    staff = scope.staff().filter(id=as_uuid(staff_id)).first()
    if staff is None:
        raise Http404
    return staff, scope


def access_role(actor: Staff, role_id: object) -> tuple[Role, AdminScope]:
    """A role at one of the administrator's schools (any role in the district for a district
    administrator); 404 otherwise."""
    scope = admin_scope(actor)
    role = (
        Role.objects.filter(id=as_uuid(role_id), district_id=scope.district_id)
        .select_related("staff", "school")
        .first()
    )
    if role is None:
        raise Http404
    if not scope.covers_school(role.school_id):
        raise Http404
    return role, scope


def access_assignment(actor: Staff, assignment_id: object) -> tuple[Assignment, AdminScope]:
    """A team assignment of a student at one of the administrator's schools; 404 otherwise."""
    scope = admin_scope(actor)
    assignment = (
        scope.assignments().filter(id=as_uuid(assignment_id)).select_related("staff", "student").first()
    )
    if assignment is None:
        raise Http404
    return assignment, scope


# School-scoped rows: an administrator's, within their scope ------------------------------------------


def access_bell_schedule(actor: Staff, schedule_id: object) -> tuple[BellSchedule, AdminScope]:
    """A bell schedule of one of the administrator's schools; 403 for non-administrators, 404
    otherwise."""
    scope = admin_scope(actor)
    schedule = (
        BellSchedule.objects.filter(id=as_uuid(schedule_id), district_id=scope.district_id)
        .select_related("school", "default_day_type")
        .first()
    )
    if schedule is None or not scope.covers_school(schedule.school_id):
        raise Http404
    return schedule, scope


def access_day_type(actor: Staff, day_type_id: object) -> DayType:
    """A day type of a bell schedule of one of the administrator's schools."""
    scope = admin_scope(actor)
    day_type = (
        DayType.objects.filter(id=as_uuid(day_type_id), district_id=scope.district_id)
        .select_related("bell_schedule__school")
        .first()
    )
    if day_type is None or not scope.covers_school(day_type.bell_schedule.school_id):
        raise Http404
    return day_type


def access_calendar_day(actor: Staff, day_id: object) -> CalendarDay:
    """A school-calendar entry of one of the administrator's schools."""
    scope = admin_scope(actor)
    entry = (
        CalendarDay.objects.filter(id=as_uuid(day_id), district_id=scope.district_id)
        .select_related("bell_schedule")
        .first()
    )
    if entry is None or not scope.covers_school(entry.bell_schedule.school_id):
        raise Http404
    return entry


def access_block(actor: Staff, block_id: object) -> tuple[ParaBlock, AdminScope]:
    """A para's block at one of the administrator's schools."""
    scope = admin_scope(actor)
    block = (
        ParaBlock.objects.filter(id=as_uuid(block_id), district_id=scope.district_id)
        .select_related("para", "school", "period")
        .first()
    )
    if block is None or not scope.covers_school(block.school_id):
        raise Http404
    return block, scope


def access_absence(actor: Staff, absence_id: object) -> tuple[Absence, AdminScope]:
    """An absence at one of the administrator's schools; 403 for non-administrators, 404 otherwise."""
    scope = admin_scope(actor)
    absence = (
        Absence.objects.filter(id=as_uuid(absence_id), district_id=scope.district_id)
        .select_related("para", "school")
        .first()
    )
    if absence is None or not scope.covers_school(absence.school_id):
        raise Http404
    return absence, scope


# One's own secret links: API tokens and calendar feeds -----------------------------------------------


def access_own_link[Link: SecretLink](actor: Staff, model: type[Link], link_id: object) -> Link:
    """One of the person's own API tokens or calendar feeds, by id; anyone else's is not found."""
    link = model._default_manager.filter(id=as_uuid(link_id), staff=actor).first()
    if link is None:
        raise Http404
    return link


__all__ = [
    "AdminScope",
    "access_absence",
    "access_assignment",
    "access_bell_schedule",
    "access_block",
    "access_calendar_day",
    "access_day_type",
    "access_own_link",
    "access_plan",
    "access_plan_item",
    "access_record",
    "access_role",
    "access_staff",
    "access_student",
    "admin_scope",
    "as_uuid",
    "require",
    "visible_students",
]
