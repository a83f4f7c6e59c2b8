"""Students through the JSON API: the students the caller may see, one student's summary (with
their plans in full for those who may read the record) and the student's snapshot.

Mounted on the API by paradesk/api.py. Students are reached through paradesk.access (need-to-know)
as the pages reach them; every student shown is audited, in a list or one by one.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import P, QueryEx, Schema

from paradesk.access import audit
from paradesk.access.helpers import access_student
from paradesk.access.policy import Action, allowed, visible_students
from paradesk.access.routes import Gate, Route, Target, student
from paradesk.api_router import AreaRouter, caller
from paradesk.api_schemas import build_schema, many, model_fields, out_fields, schema_with
from paradesk.plans import actions
from paradesk.plans.api import ITEMS, PlanDetailOut, plans_with_content
from paradesk.plans.models import Accommodation, PlanStatus, Snapshot

router = AreaRouter()


class StudentOut(Schema):
    id: uuid.UUID
    local_id: str
    first_name: str
    last_name: str
    preferred_name: str
    grade: str
    school_id: uuid.UUID


class StudentPage(Schema):
    count: int
    items: list[StudentOut]


SNAPSHOT_FIELDS = model_fields(
    Snapshot,
    [
        "strengths",
        "interests",
        "triggers",
        "calming_strategies",
        "communication_system",
        "things_to_avoid",
        "medical_alerts",
    ],
)
SnapshotIn = build_schema("SnapshotIn", Snapshot, SNAPSHOT_FIELDS, "in")
SnapshotOut = build_schema("SnapshotOut", Snapshot, out_fields(Snapshot), "out")

StudentDetailOut = schema_with(
    "StudentDetailOut",
    StudentOut,
    snapshot=(SnapshotOut | None, ...),
    accommodations=(many(ITEMS["accommodations"].out_schema), ...),
    # Only for those who may read the full record (not general-education teachers).
    plans=(many(PlanDetailOut) | None, ...),
)


@router.operation("GET", "/students", "list_students", Route(Gate.SIGNED_IN), StudentPage, tag="students")
def list_students(
    request: HttpRequest,
    limit: QueryEx[int, P(ge=1, le=200)] = 50,
    offset: QueryEx[int, P(ge=0, le=2**31 - 1)] = 0,
) -> dict[str, Any]:
    """The students the caller may see (need-to-know), by name; each one in the page is audited as
    seen in a list (one insert)."""
    staff = caller(request)
    students = visible_students(staff).order_by("last_name", "first_name", "id")
    items = list(students[offset : offset + limit])
    audit.record_list_views(staff, items)
    return {"count": students.count(), "items": items}


@router.operation(
    "GET",
    "/students/{student_id}",
    "get_student",
    student(Action.VIEW_SUMMARY, Target.STUDENT),
    StudentDetailOut,
    tag="students",
)
def get_student(request: HttpRequest, student_id: str) -> dict[str, Any]:
    """The student's summary (snapshot, accommodations in force); the active plans in full for those
    who may read the record."""
    staff = caller(request)
    found, standings = access_student(staff, student_id, Action.VIEW_SUMMARY)
    audit.record_view(staff, found, found.id)
    plans = None
    if allowed(standings, Action.VIEW_RECORD):
        plans = list(plans_with_content().filter(student=found, status=PlanStatus.ACTIVE))
    summary = StudentOut.from_orm(found).model_dump()
    return summary | {
        "snapshot": Snapshot.objects.filter(student=found).first(),
        "accommodations": Accommodation.objects.filter(plan__student=found, plan__status=PlanStatus.ACTIVE),
        "plans": plans,
    }


@router.operation(
    "PUT",
    "/students/{student_id}/snapshot",
    "update_snapshot",
    student(Action.EDIT_SNAPSHOT, Target.STUDENT, "PUT"),
    SnapshotOut,
    tag="students",
)
def update_snapshot(request: HttpRequest, student_id: str, payload: SnapshotIn) -> Snapshot:  # type: ignore[valid-type]
    """Replace the snapshot (a field left out becomes empty); the audit entry names the fields that
    changed."""
    staff = caller(request)
    found, _standings = access_student(staff, student_id, Action.EDIT_SNAPSHOT)
    snapshot = Snapshot.objects.filter(student=found).first() or Snapshot(student=found)
    values = payload.model_dump()  # type: ignore[attr-defined]
    changed = [name for name, value in values.items() if getattr(snapshot, name) != value]
    for name, value in values.items():
        setattr(snapshot, name, value)
    return actions.save_snapshot(actor=staff, snapshot=snapshot, changed_fields=changed)


__all__ = ["SnapshotIn", "SnapshotOut", "StudentDetailOut", "router"]
