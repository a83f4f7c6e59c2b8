"""Fetch student-linked records for a person, failing closed.

Missing and not visible give the same 404; visible but not permitted gives 403 (PermissionDenied).
Views and the API call these and nothing else to reach a student's records.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from paradesk.access.policy import Action, Standing, allowed, standings_toward, visible_students
from paradesk.people.models import Staff, Student
from paradesk.plans.models import Plan

PlanItem = TypeVar("PlanItem", bound=models.Model)


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
    """The student and the person's standings, if the person may take the action."""
    student = Student.objects.filter(id=as_uuid(student_id)).select_related("school").first()
    if student is None:
        raise Http404
    standings = standings_toward(staff, student)
    require(standings, action)
    return student, standings


def access_plan(staff: Staff, plan_id: object, action: Action) -> tuple[Plan, frozenset[Standing]]:
    """A plan version and the person's standings toward its student."""
    plan = Plan.objects.filter(id=as_uuid(plan_id)).select_related("student__school").first()
    if plan is None:
        raise Http404
    standings = standings_toward(staff, plan.student)
    require(standings, action)
    return plan, standings


def access_plan_item(
    staff: Staff, model: type[PlanItem], item_id: object, action: Action
) -> tuple[PlanItem, frozenset[Standing]]:
    """Anything written in a plan (goal, measure, accommodation, ...), through its plan."""
    item = model._default_manager.filter(id=as_uuid(item_id)).select_related("plan__student__school").first()
    if item is None:
        raise Http404
    standings = standings_toward(staff, item.plan.student)  # type: ignore[attr-defined]
    require(standings, action)
    return item, standings


__all__ = [
    "access_plan",
    "access_plan_item",
    "access_student",
    "as_uuid",
    "require",
    "visible_students",
]
