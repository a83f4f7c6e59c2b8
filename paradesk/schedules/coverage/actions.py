"""Writes for absences and coverage: each atomic and audited. Audit entries name ids only; a coverage
row gets one entry per student of its block, so it shows in each student's access history."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from paradesk.access import audit, scopes
from paradesk.access.models import AuditAction
from paradesk.people.models import Assignment, Staff, TeamRole, today
from paradesk.schedules.coverage import absences
from paradesk.schedules.coverage.models import Absence, CoverageAssignment, CoverageStatus
from paradesk.schedules.models import Qualification
from paradesk.team import notices


def row_students(row: CoverageAssignment) -> list[uuid.UUID]:
    return list(row.block.students.values_list("id", flat=True)) if row.block is not None else []


def record_row(
    actor: Staff, action: AuditAction, row: CoverageAssignment, changed: Iterable[str] = ()
) -> None:
    ids: list[uuid.UUID | None] = [*row_students(row)] or [None]
    for student_id in ids:
        audit.record(actor=actor, action=action, obj=row, student_id=student_id, changed_fields=changed)


@transaction.atomic
def create_absence(*, actor: Staff, absence: Absence) -> Absence:
    """Record the absence and propose who covers the para's blocks that day."""
    absence.district_id = absence.school.district_id
    absence.entered_by = actor
    absence.full_clean()
    absence.save()
    audit.record(actor=actor, action=AuditAction.CREATE, obj=absence)
    reopen_cover_by(actor, absence)
    propose_again(actor=actor, absence=absence)
    return absence


def reopen_cover_by(actor: Staff, absence: Absence) -> None:
    """Blocks the newly absent para was to cover during the absence become uncovered again (an
    accepted one is taken back), so an administrator sees them open on that absence's page."""
    rows = CoverageAssignment.objects.filter(date=absence.date, covering_para_id=absence.para_id)
    for row in rows.select_related("absence__para"):
        if not absence.covers(row.start_time, row.end_time):
            continue
        if row.accepted:
            release(actor, row)
        row.covering_para_id, row.uncovered_reason = None, "covering_para_absent"
        row.save(update_fields=["covering_para", "uncovered_reason"])
        record_row(actor, AuditAction.UPDATE, row, ["covering_para"])
        alert_uncovered(row.absence, [row])


@transaction.atomic
def propose_again(*, actor: Staff, absence: Absence) -> list[CoverageAssignment]:
    """Replace the absence's proposed rows by a fresh proposal; accepted rows stay as they are."""
    # Two administrators proposing for one school at once must not hand one para two blocks.
    Absence.objects.select_for_update().filter(pk=absence.pk).first()
    pending = list(absence.coverage.exclude(status=CoverageStatus.ACCEPTED))
    told = {r.block_id for r in pending if unsafe(r)}
    for row in pending:
        record_row(actor, AuditAction.DELETE, row)
    CoverageAssignment.objects.filter(pk__in=[r.pk for r in pending]).delete()
    decided = set(absence.coverage.values_list("block_id", flat=True))
    opens = [o for o in absences.open_blocks(absence) if o.run.block_id not in decided]
    day = absences.CoverageDay.load(absence, (s for o in opens for s in o.run.student_ids))
    rows = []
    for cover in absences.propose(absence, opens, day):
        row = CoverageAssignment.objects.create(
            district_id=absence.district_id,
            absence=absence,
            block_id=cover.open.run.block_id,
            date=absence.date,
            start_time=cover.open.start,
            end_time=cover.open.end,
            support_type=cover.open.run.support_type,
            duty_kind=cover.open.run.duty_kind,
            rank=cover.open.rank,
            covering_para_id=cover.covering_para_id,
            uncovered_reason=cover.uncovered_reason,
        )
        record_row(actor, AuditAction.CREATE, row)
        rows.append(row)
    alert_uncovered(absence, [r for r in rows if r.block_id not in told])
    return rows


def unsafe(row: CoverageAssignment) -> bool:
    """1:1 or safety support with nobody covering it (docs/schedules.md#uncovered-11-or-safety-support)."""
    return row.rank == absences.RANK_SAFETY and row.covering_para_id is None


def alert_uncovered(absence: Absence, rows: Iterable[CoverageAssignment]) -> None:
    """1:1 or safety support left without cover: the students' case managers, the blocks' directing
    teachers and the school's administrators are told at once (the administrators' link opens the
    absence; the others' their room)."""
    open_rows = [r for r in rows if unsafe(r)]
    if not open_rows:
        return
    students = {s for r in open_rows for s in row_students(r)}
    managers = scopes.teams_of(absence.district_id, students, [TeamRole.CASE_MANAGER], absence.date)
    teachers = {r.block.teacher_id for r in open_rows if r.block is not None and r.block.teacher_id}
    admins = scopes.school_admin_ids(absence.district_id, absence.school_id)
    others = {*managers.values_list("staff_id", flat=True), *teachers} - admins
    params = {"date": absence.date.isoformat(), "para": absence.para.full_name, "blocks": len(open_rows)}
    for recipient, link in [
        *((a, reverse("absence_coverage", args=[absence.pk])) for a in admins),
        *((o, reverse("room_schedule")) for o in others),
    ]:
        notices.notify(
            recipient_id=recipient,
            district_id=absence.district_id,
            key="support_uncovered",
            params=params,
            link=link,
        )


def qualification_names(ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    return dict(Qualification.objects.filter(id__in=set(ids)).values_list("id", "name"))


def check_row(row: CoverageAssignment, para_id: uuid.UUID, day: absences.CoverageDay) -> absences.CoverCheck:
    students = row_students(row)
    needed = absences.needed_in(row.support_type, students, absences.needs_by_student(students))
    return absences.check_cover(
        day, para_id, row.start_time, row.end_time, needed, qualification_names(needed), row_id=row.pk
    )


@transaction.atomic
def set_cover(*, actor: Staff, row: CoverageAssignment, para_id: uuid.UUID | None, note: str) -> list[str]:
    """Give the block to a para (or leave it uncovered, with a note). Raises ValidationError when
    the para cannot take it; returns warnings (a duty left uncovered). An accepted row takes
    effect at once: the old para's one-day assignment goes, the new para's comes, and is notified."""
    Absence.objects.select_for_update().filter(pk=row.absence_id).first()
    warnings: list[str] = []
    if para_id is not None:
        day = absences.CoverageDay.load(row.absence, row_students(row), leave_out=[row.pk])
        check = check_row(row, para_id, day)
        if check.errors:
            raise ValidationError(check.errors)
        warnings = check.warnings
    before = row.covering_para_id
    if row.accepted and before != para_id:
        release(actor, row)
    row.covering_para_id = para_id
    row.note = note if para_id is None else ""
    row.uncovered_reason = "" if para_id is not None else "left_by_administrator"
    row.save(update_fields=["covering_para", "note", "uncovered_reason"])
    record_row(actor, AuditAction.UPDATE, row, ["covering_para", "note"])
    if before is not None and para_id is None:
        alert_uncovered(row.absence, [row])
    if row.accepted and before != para_id and para_id is not None:
        give_standing(actor, row)
        notify_covering(row.absence, {para_id: 1})
    return warnings


@transaction.atomic
def accept_coverage(*, actor: Staff, absence: Absence) -> list[CoverageAssignment]:
    """Accept the absence's proposed rows as they stand. Each is checked again first (the day may
    have changed since the proposal): if any no longer holds, nothing is accepted."""
    Absence.objects.select_for_update().filter(pk=absence.pk).first()
    rows = list(absence.coverage.filter(status=CoverageStatus.PROPOSED).select_related("absence"))
    covering = [r for r in rows if r.covering_para_id is not None]
    problems = []
    students = [s for row in covering for s in row_students(row)]
    day = absences.CoverageDay.load(absence, students, leave_out=[r.pk for r in rows])
    for row in covering:
        assert row.covering_para_id is not None
        problems += check_row(row, row.covering_para_id, day).errors
        day.commitments[row.covering_para_id].append(
            absences.Commitment("covering", row.start_time, row.end_time, row_id=row.pk)
        )
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    counts: dict[uuid.UUID, int] = defaultdict(int)
    for row in rows:
        row.status, row.accepted_by, row.accepted_at = CoverageStatus.ACCEPTED, actor, now
        row.save(update_fields=["status", "accepted_by", "accepted_at"])
        record_row(actor, AuditAction.UPDATE, row, ["status"])
        if row.covering_para_id is not None:
            give_standing(actor, row)
            counts[row.covering_para_id] += 1
    notify_covering(absence, counts)
    return rows


def give_standing(actor: Staff, row: CoverageAssignment) -> None:
    """A one-day para assignment to each student of the block, so the covering para sees and records
    through the existing need-to-know policy; it ends by itself after the date."""
    assert row.covering_para_id is not None
    students = row_students(row)
    known = absences.already_on_team(row.district_id, row.covering_para_id, students, row.date)
    for student_id in students:
        if student_id in known:
            continue
        assignment = Assignment.objects.create(
            district_id=row.district_id,
            staff_id=row.covering_para_id,
            student_id=student_id,
            team_role=absences.para_team_role(row.support_type),
            start_date=row.date,
            end_date=row.date,
        )
        row.temporary_assignments.add(assignment, through_defaults={"district_id": row.district_id})
        audit.record(actor=actor, action=AuditAction.CREATE, obj=assignment, student_id=student_id)


def release(actor: Staff, row: CoverageAssignment) -> None:
    """Take back the one-day assignments an accepted row gave, and tell the para."""
    for assignment in row.temporary_assignments.all():
        audit.record(actor=actor, action=AuditAction.DELETE, obj=assignment, student_id=assignment.student_id)
        assignment.delete()
    if row.covering_para_id is not None:
        notify(row.covering_para_id, row.district_id, "coverage_cancelled", row.absence, 1)


def notify_covering(absence: Absence, counts: dict[uuid.UUID, int]) -> None:
    for para_id, count in counts.items():
        notify(para_id, absence.district_id, "coverage_assigned", absence, count)


def notify(para_id: uuid.UUID, district_id: uuid.UUID, key: str, absence: Absence, blocks: int) -> None:
    link = reverse("today") if absence.date == today() else reverse("my_schedule")
    notices.notify(
        recipient_id=para_id,
        district_id=district_id,
        key=key,
        params={"date": absence.date.isoformat(), "para": absence.para.full_name, "blocks": blocks},
        link=link,
    )


@transaction.atomic
def remove_absence(*, actor: Staff, absence: Absence) -> None:
    """The para is not absent after all: accepted coverage is taken back (the covering paras are
    told) and the absence and its rows are removed."""
    for row in absence.coverage.all():
        if row.accepted:
            release(actor, row)
        record_row(actor, AuditAction.DELETE, row)
    audit.record(actor=actor, action=AuditAction.DELETE, obj=absence)
    absence.delete()
