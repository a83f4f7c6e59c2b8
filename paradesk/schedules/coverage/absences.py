"""Absences and coverage, the Django side: the absent para's blocks of the day ranked by priority,
the day's commitments of every other para of the school, the proposal from `propose_coverage`
(called with plain data built here), the checks of an administrator's own choice, and the blocks a
para covers as their Today page and schedule see them.

Ranking (lower first): 1:1 support and "safety" support (a block whose student needs a qualified
adult, e.g. de-escalation or lifting) 0; service minutes delivered in push-in and pull-out blocks 1;
small groups 2; duties 3. Within a rank, by time.

A para of the school is taken to work the whole school day (Paradesk has no para hours yet): they
can cover any time they are not absent, not on their break or lunch, not with students and not
already covering. Covering during a duty is allowed, and the duty is then named as left uncovered.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from paradesk.access import scopes
from paradesk.people.models import Assignment, Staff, TeamRole
from paradesk.schedules.coverage.models import Absence, CoverageAssignment, CoverageStatus
from paradesk.schedules.coverage.proposal import propose_coverage
from paradesk.schedules.models import (
    STUDENT_SUPPORT,
    DutyKind,
    ParaBlockStudent,
    StaffQualification,
    SupportNeed,
    SupportType,
    time_range,
)
from paradesk.schedules.occurrences import DayBlock, blocks_with_details, occurrences, students_of_blocks
from paradesk.schedules.planning.week import Block, Duty, Para, Requirement, RequirementKind, SchoolWeek, Slot
from paradesk.schedules.school_calendar import SchoolCalendars

RANK_SAFETY, RANK_SERVICE, RANK_GROUP, RANK_DUTY = 0, 1, 2, 3
RANK_OF_SUPPORT = {
    SupportType.ONE_TO_ONE: RANK_SAFETY,
    SupportType.PUSH_IN: RANK_SERVICE,
    SupportType.PULL_OUT: RANK_SERVICE,
    SupportType.SMALL_GROUP: RANK_GROUP,
}
KIND_OF_SUPPORT = {
    SupportType.ONE_TO_ONE: RequirementKind.ONE_TO_ONE,
    SupportType.PUSH_IN: RequirementKind.PUSH_IN,
    SupportType.PULL_OUT: RequirementKind.SERVICE,
    SupportType.SMALL_GROUP: RequirementKind.GROUP,
}
NO_CARE = frozenset({SupportType.BREAK, SupportType.LUNCH})
# Coverage must answer while an administrator waits at 7:15; the greedy answers if the time runs out.
SOLVER_SECONDS = 0.4


def rank_of(support_type: str, needs_qualification: bool) -> int:
    if support_type not in STUDENT_SUPPORT:
        return RANK_DUTY
    return RANK_SAFETY if needs_qualification else RANK_OF_SUPPORT[SupportType(support_type)]


def minute_of(moment: datetime.time) -> int:
    return moment.hour * 60 + moment.minute


def local_time(moment: datetime.datetime) -> datetime.time:
    return moment.time().replace(second=0, microsecond=0, tzinfo=None)


@dataclass(frozen=True)
class Commitment:
    """Something a para does (or is) at a time on the date: with students, covering, on duty, on a
    break or lunch, or absent."""

    kind: str  # "students" | "covering" | "duty" | "break" | "absent"
    start: datetime.time
    end: datetime.time
    duty_kind: str = ""
    row_id: uuid.UUID | None = None  # the coverage row, for "covering"

    def overlaps(self, start: datetime.time, end: datetime.time) -> bool:
        return self.start < end and start < self.end

    @property
    def times(self) -> str:
        return time_range(self.start, self.end)


@dataclass(frozen=True)
class OpenBlock:
    """One block of the absent para on the date, ranked."""

    run: DayBlock
    rank: int
    needed: frozenset[uuid.UUID]  # qualifications every student of the block needs in it

    @property
    def start(self) -> datetime.time:
        return local_time(self.run.start)

    @property
    def end(self) -> datetime.time:
        return local_time(self.run.end)


def needs_by_student(student_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[SupportNeed]]:
    found: dict[uuid.UUID, list[SupportNeed]] = defaultdict(list)
    for need in SupportNeed.objects.filter(student_id__in=set(student_ids)):
        found[need.student_id].append(need)
    return found


def needed_in(
    support_type: str, student_ids: Iterable[uuid.UUID], needs: dict[uuid.UUID, list[SupportNeed]]
) -> frozenset[uuid.UUID]:
    return frozenset(
        need.qualification_id for s in student_ids for need in needs.get(s, []) if need.applies(support_type)
    )


def day_runs(paras: Iterable[uuid.UUID], day: datetime.date) -> dict[uuid.UUID, list[DayBlock]]:
    """Every block of the paras on the date (at any school), in time order."""
    blocks = list(
        blocks_with_details().in_force_on(day).filter(para_id__in=set(paras), weekday=day.weekday())
    )
    calendars = SchoolCalendars.load({b.school_id for b in blocks}, day, day)
    runs: dict[uuid.UUID, list[DayBlock]] = defaultdict(list)
    for run in occurrences(blocks, [day], calendars):
        runs[run.para_id].append(run)
    return runs


def open_blocks(absence: Absence) -> list[OpenBlock]:
    """The absent para's blocks at the absence's school on its date, during the absence, most
    important first. A block partly inside the absence counts whole: half a block is no support."""
    runs = day_runs([absence.para_id], absence.date).get(absence.para_id, [])
    mine = [
        r
        for r in runs
        if r.school_id == absence.school_id
        and r.support_type not in NO_CARE
        and absence.covers(local_time(r.start), local_time(r.end))
    ]
    needs = needs_by_student(s for r in mine for s in r.student_ids)
    ranked = []
    for run in mine:
        needed = needed_in(run.support_type, run.student_ids, needs)
        ranked.append(OpenBlock(run, rank_of(run.support_type, bool(needed)), needed))
    return sorted(ranked, key=lambda o: (o.rank, o.run.start, str(o.run.block_id)))


def school_paras(school_id: uuid.UUID) -> dict[uuid.UUID, Staff]:
    """Staff with a current para role at the school, by id, in name order."""
    paras = scopes.school_paras([school_id]).filter(is_active=True).order_by("full_name")
    return {s.pk: s for s in paras}


@dataclass
class CoverageDay:
    """The school's paras on the absence's date: their commitments, qualifications and the students
    they already know. Read in a fixed number of queries whatever the number of paras."""

    absence: Absence
    paras: dict[uuid.UUID, Staff]  # who may cover: the school's paras but the absent one
    commitments: dict[uuid.UUID, list[Commitment]] = field(default_factory=lambda: defaultdict(list))
    qualifications: dict[uuid.UUID, set[uuid.UUID]] = field(default_factory=lambda: defaultdict(set))
    familiar: set[tuple[uuid.UUID, uuid.UUID]] = field(default_factory=set)

    @classmethod
    def load(
        cls, absence: Absence, student_ids: Iterable[uuid.UUID], *, leave_out: Iterable[uuid.UUID] = ()
    ) -> CoverageDay:
        """`leave_out`: coverage rows not to count as commitments (those being decided now)."""
        paras = school_paras(absence.school_id)
        paras.pop(absence.para_id, None)
        day = cls(absence, paras)
        day._add_blocks()
        day._add_absences()
        day._add_coverage(set(leave_out))
        held = StaffQualification.objects.valid_on(absence.date).filter(staff_id__in=paras)
        for staff_id, qualification_id in held.values_list("staff_id", "qualification_id"):
            day.qualifications[staff_id].add(qualification_id)
        day._add_familiar(set(student_ids))
        return day

    def _add_blocks(self) -> None:
        for para_id, runs in day_runs(self.paras, self.absence.date).items():
            for run in runs:
                kind = {SupportType.DUTY: "duty", SupportType.BREAK: "break", SupportType.LUNCH: "break"}.get(
                    SupportType(run.support_type), "students"
                )
                self.commitments[para_id].append(
                    Commitment(kind, local_time(run.start), local_time(run.end), run.duty_kind)
                )

    def _add_absences(self) -> None:
        for other in Absence.objects.filter(date=self.absence.date, para_id__in=self.paras):
            start = other.start_time or datetime.time(0, 0)
            end = other.end_time or datetime.time(23, 59, 59)
            self.commitments[other.para_id].append(Commitment("absent", start, end))

    def _add_coverage(self, leave_out: set[uuid.UUID]) -> None:
        rows = CoverageAssignment.objects.filter(date=self.absence.date, covering_para_id__in=self.paras)
        for row in rows.exclude(id__in=leave_out):
            assert row.covering_para_id is not None
            self.commitments[row.covering_para_id].append(
                Commitment("covering", row.start_time, row.end_time, row_id=row.pk)
            )

    def _add_familiar(self, student_ids: set[uuid.UUID]) -> None:
        """Paras who already know a student: a para assignment (now or before), or a block of theirs
        naming the student on any day."""
        district_id = self.absence.district_id
        assigned = Assignment.objects.filter(
            district_id=district_id,
            staff_id__in=self.paras,
            student_id__in=student_ids,
            start_date__lte=self.absence.date,
        ).values_list("staff_id", "student_id")
        through = ParaBlockStudent.objects.filter(
            district_id=district_id, parablock__para_id__in=self.paras, student_id__in=student_ids
        ).values_list("parablock__para_id", "student_id")
        self.familiar = set(assigned) | set(through)

    def at(self, para_id: uuid.UUID, start: datetime.time, end: datetime.time) -> list[Commitment]:
        return [c for c in self.commitments.get(para_id, []) if c.overlaps(start, end)]


# The proposal ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposedCover:
    open: OpenBlock
    covering_para_id: uuid.UUID | None
    uncovered_reason: str  # "" when covered


def solver_week(day: CoverageDay, opens: Sequence[OpenBlock]) -> tuple[SchoolWeek, list[Block], list[str]]:
    """The plain data `propose_coverage` reads: one slot per open student block (named by the block's
    id), the absent para, and each other para's availability in those slots."""
    weekday = day.absence.date.weekday()
    wanted = [o for o in opens if o.run.student_ids and o.rank < RANK_DUTY]
    slots = [Slot(str(o.run.block_id), weekday, minute_of(o.start), minute_of(o.end)) for o in wanted]
    requirements, absent_blocks = [], []
    for o in wanted:
        ids = []
        for student_id in o.run.student_ids:
            requirement = Requirement(
                id=f"{o.run.block_id}|{student_id}",
                student_id=str(student_id),
                kind=KIND_OF_SUPPORT[SupportType(o.run.support_type)],
                fixed_slot_ids=frozenset({str(o.run.block_id)}),
                qualifications=frozenset(str(q) for q in o.needed),
                group=str(o.run.block_id) if len(o.run.student_ids) > 1 else "",
                group_size=len(o.run.student_ids),
                priority=o.rank,
            )
            requirements.append(requirement)
            ids.append(requirement.id)
        absent_blocks.append(Block(str(day.absence.para_id), str(o.run.block_id), tuple(ids)))
    paras, taken, duties = [Para(str(day.absence.para_id), frozenset(s.id for s in slots))], [], []
    for para_id in day.paras:
        free = set()
        for o, slot in zip(wanted, slots, strict=True):
            kinds = {c.kind: c for c in day.at(para_id, o.start, o.end)}
            if "absent" in kinds or "break" in kinds:
                continue
            free.add(slot.id)
            if "students" in kinds or "covering" in kinds:
                taken.append(Block(str(para_id), slot.id, ()))
            elif "duty" in kinds:
                duties.append(Duty(str(para_id), slot.id, kinds["duty"].duty_kind))
        held = frozenset(str(q) for q in day.qualifications.get(para_id, set()))
        paras.append(Para(str(para_id), frozenset(free), held))
    familiar = frozenset((str(p), str(s)) for p, s in day.familiar)
    week = SchoolWeek(tuple(slots), tuple(paras), tuple(requirements), tuple(duties), familiar)
    return week, [*absent_blocks, *taken], [s.id for s in slots]


def propose(absence: Absence, opens: Sequence[OpenBlock], day: CoverageDay) -> list[ProposedCover]:
    """Who covers each open block (None: uncovered, with the reason's code)."""
    week, blocks, slot_ids = solver_week(day, opens)
    chosen: dict[str, str] = {}
    reasons: dict[str, str] = {}
    if slot_ids:
        proposal = propose_coverage(
            week, blocks, str(absence.para_id), absence.date.weekday(), slot_ids, time_limit=SOLVER_SECONDS
        )
        chosen = {r.slot_id: r.to_para_id for r in proposal.reassignments}
        reasons = {u.slot_id: u.reason.code for u in proposal.uncovered_blocks}
    covers = []
    for o in opens:
        key = str(o.run.block_id)
        para = chosen.get(key)
        reason = "" if para else reasons.get(key, "duty" if o.rank == RANK_DUTY else "no_students")
        covers.append(ProposedCover(o, uuid.UUID(para) if para else None, reason))
    return covers


# An administrator's own choice -------------------------------------------------------------------------


@dataclass
class CoverCheck:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_cover(
    day: CoverageDay,
    para_id: uuid.UUID,
    start: datetime.time,
    end: datetime.time,
    needed: frozenset[uuid.UUID],
    qualification_names: dict[uuid.UUID, str],
    *,
    row_id: uuid.UUID | None = None,
) -> CoverCheck:
    """What is wrong with this para covering [start, end): refusals, and warnings (a duty left)."""
    check = CoverCheck()
    para = day.paras.get(para_id)
    if para is None:
        check.errors.append(_("Choose a para of this school who is not the absent para."))
        return check
    name = para.full_name
    for c in day.at(para_id, start, end):
        if c.kind == "covering" and c.row_id == row_id:
            continue
        message = commitment_message(c, name)
        (check.warnings if c.kind == "duty" else check.errors).append(message)
    for qualification_id in sorted(needed - day.qualifications.get(para_id, set()), key=str):
        check.errors.append(
            _("%(name)s does not hold “%(qualification)s”, which a student in this block needs.")
            % {"name": name, "qualification": qualification_names.get(qualification_id, "?")}
        )
    return check


def commitment_message(c: Commitment, name: str) -> str:
    params = {"name": name, "times": c.times}
    if c.kind == "absent":
        return _("%(name)s is absent then (%(times)s).") % params
    if c.kind == "break":
        return _("%(name)s would lose their break or lunch (%(times)s).") % params
    if c.kind == "students":
        return _("%(name)s is already with students then (%(times)s): that would double-book them.") % params
    if c.kind == "covering":
        return (
            _("%(name)s already covers another block then (%(times)s): that would double-book them.") % params
        )
    duty = DutyKind(c.duty_kind).label if c.duty_kind in DutyKind.values else _("duty")
    return _("%(name)s's %(duty)s (%(times)s) would be left uncovered.") % {**params, "duty": duty}


# The covering para's day ---------------------------------------------------------------------------------


def covered_blocks(staff: Staff, day: datetime.date) -> list[DayBlock]:
    """The blocks the staff member covers on that date (accepted coverage), as their Today page and
    schedule show them: the absent para's block, with `covering_for` set."""
    rows = list(
        CoverageAssignment.objects.filter(
            covering_para=staff, date=day, status=CoverageStatus.ACCEPTED
        ).select_related("absence__school", "block__teacher", "block__period", "block__section")
    )
    students = students_of_blocks(row.block for row in rows if row.block is not None)
    return [covered_run(row, students.get(row.block_id, ()) if row.block_id else ()) for row in rows]


def covered_run(row: CoverageAssignment, students: tuple[uuid.UUID, ...]) -> DayBlock:
    school = row.absence.school
    block = row.block
    return DayBlock(
        block_id=block.pk if block is not None else row.pk,
        school_id=row.absence.school_id,
        para_id=row.absence.para_id,
        start=school.at(row.date, row.start_time),
        end=school.at(row.date, row.end_time),
        support_type=row.support_type,
        duty_kind=row.duty_kind,
        student_ids=students,
        teacher_id=block.teacher_id if block is not None else None,
        teacher_name=block.teacher.full_name if block is not None and block.teacher else "",
        room=block.room if block is not None else "",
        period_name=block.period.name if block is not None and block.period else "",
        class_name=block.section.name if block is not None and block.section else "",
        covering_for=row.absence.para_id,
    )


def apply_coverage(staff: Staff, day: datetime.date, own: list[DayBlock]) -> list[DayBlock]:
    """What `today.day_blocks` gives the para: their own blocks minus those during their absences,
    plus the blocks they cover."""
    # A para with no blocks of their own (no schedule yet) may still cover: only covered blocks to read.
    away = list(Absence.objects.filter(para=staff, date=day)) if own else []
    kept = [r for r in own if not any(a.covers(local_time(r.start), local_time(r.end)) for a in away)]
    return [*kept, *covered_blocks(staff, day)]


def absences_of(staff: Staff, day: datetime.date) -> list[Absence]:
    """The staff member's absences on that date (what their Today and schedule say first)."""
    if staff.district_id is None:
        return []
    return list(Absence.objects.filter(para=staff, date=day, district_id=staff.district_id))


def para_team_role(support_type: str) -> str:
    return TeamRole.PARA_ONE_TO_ONE if support_type == SupportType.ONE_TO_ONE else TeamRole.PARA_SMALL_GROUP


def already_on_team(
    district_id: uuid.UUID, staff_id: uuid.UUID, student_ids: Sequence[uuid.UUID], day: datetime.date
) -> set[uuid.UUID]:
    """Students the para already supports on that date through a para assignment."""
    held = scopes.para_assignments(district_id, [staff_id], student_ids, day)
    return set(held.values_list("student_id", flat=True))
