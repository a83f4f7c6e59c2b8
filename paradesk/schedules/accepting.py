"""Accepting a schedule draft: the school's new week takes effect from a date, never at once.

What accepting does, shown on the draft's page before it happens (`plan_accept`) and done by
`accept_draft` in one transaction:

- The new student blocks are in force from `starts`: the draft's Monday, or tomorrow when that week
  has begun (today's schedule, and today's accepted coverage, stay as they are). The school's student
  blocks in force then end the day before (kept for the history); ones that would only have started
  later are removed. Duties, breaks and lunch stay.
- A para is placed with a student only through a current para assignment: the assignments the draft
  needs from `starts` are created (1:1 or small group, as the block), or accepting is refused with
  the reason (the para is no longer a para of the school, the student has left it).
- Coverage of absences at the school on or after `starts` was decided on the old blocks: it is taken
  back (the covering paras are told) and proposed again on the new ones, for an administrator to
  accept.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from paradesk.access import audit, scopes
from paradesk.access.models import AuditAction
from paradesk.people.models import Assignment, Staff, Student, today
from paradesk.schedules.actions import record_block
from paradesk.schedules.coverage import actions as coverage_actions
from paradesk.schedules.coverage.absences import para_team_role
from paradesk.schedules.coverage.models import Absence, CoverageAssignment, ScheduleDraft
from paradesk.schedules.models import STUDENT_SUPPORT, ParaBlock, SupportType


@dataclass(frozen=True)
class NeededAssignment:
    para_id: uuid.UUID
    student_id: uuid.UUID
    team_role: str


@dataclass
class AcceptPlan:
    """What accepting the draft will do, in plain data."""

    starts: datetime.date
    ending: list[ParaBlock] = field(default_factory=list)  # in force before `starts`: end the day before
    removed: list[ParaBlock] = field(default_factory=list)  # would only start on or after `starts`
    assignments: list[NeededAssignment] = field(default_factory=list)
    absences: list[Absence] = field(default_factory=list)  # coverage proposed again
    refusals: list[str] = field(default_factory=list)


def effective_from(draft: ScheduleDraft, on: datetime.date) -> datetime.date:
    """The draft's Monday, or the day after `on` when that week has already begun."""
    return max(draft.week_of, on + datetime.timedelta(days=1))


def plan_accept(draft: ScheduleDraft, on: datetime.date | None = None) -> AcceptPlan:
    plan = AcceptPlan(effective_from(draft, on or today()))
    old = (
        ParaBlock.objects.filter(school_id=draft.school_id, support_type__in=list(STUDENT_SUPPORT))
        .in_force_between(plan.starts, datetime.date.max)
        .prefetch_related("students")
    )
    for block in old:
        (plan.removed if block.starts_on and block.starts_on >= plan.starts else plan.ending).append(block)
    plan.assignments, plan.refusals = needed_assignments(draft, plan.starts)
    plan.absences = list(
        Absence.objects.filter(
            district_id=draft.district_id, school_id=draft.school_id, date__gte=plan.starts
        ).order_by("date")
    )
    return plan


def needed_assignments(
    draft: ScheduleDraft, starts: datetime.date
) -> tuple[list[NeededAssignment], list[str]]:
    """The para assignments the draft's blocks need from `starts`, and the reasons it cannot be
    accepted (a para or student no longer of the school)."""
    pairs: dict[tuple[uuid.UUID, uuid.UUID], str] = {}
    for row in draft.blocks:
        for student_id in row["student_ids"]:
            key = (uuid.UUID(row["para_id"]), uuid.UUID(student_id))
            role = para_team_role(row["support_type"])
            if pairs.get(key) != para_team_role(SupportType.ONE_TO_ONE):
                pairs[key] = role
    paras = {p for p, _s in pairs}
    students = {s for _p, s in pairs}
    school_paras = set(
        scopes.school_paras([draft.school_id])
        .filter(id__in=paras, is_active=True)
        .values_list("id", flat=True)
    )
    present = set(
        Student.objects.active()
        .filter(school_id=draft.school_id, district_id=draft.district_id, id__in=students)
        .values_list("id", flat=True)
    )
    held = set(
        scopes.para_assignments(draft.district_id, paras, students, starts).values_list(
            "staff_id", "student_id"
        )
    )
    names = dict(Staff.objects.filter(id__in=paras).values_list("id", "full_name"))
    refusals = sorted(
        {
            _("%(name)s is no longer a para of this school: build the week again.")
            % {"name": names.get(p, _("A para"))}
            for p in paras - school_paras
        }
    )
    if students - present:
        refusals.append(
            _("A student of the draft is no longer an active student of this school: build again.")
        )
    needed = [NeededAssignment(p, s, role) for (p, s), role in pairs.items() if (p, s) not in held]
    return needed, refusals


@transaction.atomic
def accept_draft(*, actor: Staff, draft: ScheduleDraft, on: datetime.date | None = None) -> list[ParaBlock]:
    """Do what `plan_accept` says, audited; raises ValidationError with the reasons it cannot."""
    ScheduleDraft.objects.select_for_update().filter(pk=draft.pk).first()
    plan = plan_accept(draft, on)
    if plan.refusals:
        raise ValidationError(plan.refusals)
    for block in plan.ending:
        block.ends_on = plan.starts - datetime.timedelta(days=1)
        block.save(update_fields=["ends_on", "updated_at"])
        record_block(actor, AuditAction.UPDATE, block, [s.pk for s in block.students.all()], ["ends_on"])
    replaced = [b.pk for b in [*plan.ending, *plan.removed]]
    release_coverage(actor, plan.absences, replaced)
    for block in plan.removed:
        record_block(actor, AuditAction.DELETE, block, [s.pk for s in block.students.all()])
        block.delete()
    give_assignments(actor, draft, plan)
    made = [make_block(actor, draft, row, plan.starts) for row in draft.blocks]
    for absence in plan.absences:
        coverage_actions.propose_again(actor=actor, absence=absence)
    draft.accepted_at = timezone.now()
    draft.save(update_fields=["accepted_at"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=draft, changed_fields=["accepted_at"])
    return made


def release_coverage(actor: Staff, absences: list[Absence], replaced: list[uuid.UUID]) -> None:
    """Coverage decided on the blocks being replaced is taken back, so it is proposed again."""
    rows = CoverageAssignment.objects.filter(absence__in=absences, block_id__in=replaced)
    for row in rows.select_related("absence__para"):
        if row.accepted:
            coverage_actions.release(actor, row)
        coverage_actions.record_row(actor, AuditAction.DELETE, row)
        row.delete()


def give_assignments(actor: Staff, draft: ScheduleDraft, plan: AcceptPlan) -> None:
    for needed in plan.assignments:
        assignment = Assignment.objects.create(
            district_id=draft.district_id,
            staff_id=needed.para_id,
            student_id=needed.student_id,
            team_role=needed.team_role,
            start_date=plan.starts,
        )
        audit.record(actor=actor, action=AuditAction.CREATE, obj=assignment, student_id=needed.student_id)


def make_block(actor: Staff, draft: ScheduleDraft, row: dict[str, Any], starts: datetime.date) -> ParaBlock:
    """One block of the draft (plain JSON made by `builder.draft_blocks`), in force from `starts`."""
    student_ids = [uuid.UUID(str(s)) for s in row["student_ids"]]
    block = ParaBlock.objects.create(
        district_id=draft.district_id,
        school_id=draft.school_id,
        para_id=uuid.UUID(str(row["para_id"])),
        weekday=row["weekday"],
        period_id=as_id(row["period_id"]),
        support_type=row["support_type"],
        teacher_id=as_id(row["teacher_id"]),
        section_id=as_id(row["section_id"]),
        room=row["room"],
        starts_on=starts,
    )
    block.students.set(
        Student.objects.filter(id__in=student_ids, district_id=draft.district_id),
        through_defaults={"district_id": draft.district_id},
    )
    record_block(actor, AuditAction.CREATE, block, student_ids)
    return block


def as_id(value: object) -> uuid.UUID | None:
    return uuid.UUID(str(value)) if value else None
