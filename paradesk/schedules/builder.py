"""Build a school's week of para blocks with the solver: the Django side.

`school_week(school, monday)` turns the school's requirements into the solver's plain data:
- slots: the periods of each school day of that week (the date's day type; closed days have none),
  named by weekday and period name, so a block made from a slot follows the bell schedule;
- paras: the school's paras; a slot is theirs unless it overlaps their break or lunch block, or a
  block of theirs at another school. A para with no break or lunch block keeps one period free in
  `DEFAULT_BREAK_WINDOW`. Their duties at the school stay and are passed as duties;
- requirements, per active student with an active plan:
  * adult (paraprofessional) support services: their weekly minutes, less the teachers' push-in
    periods already naming the student; "1:1" (in the service's name, or a current 1:1 para
    assignment) makes it 1:1 support, otherwise service minutes;
  * supplementary aids and supports: service minutes delivered with a para;
  * teachers' push-in times: each push-in block now on the schedule, fixed at its period, shared by
    its students;
  special-education and related services are delivered by licensed staff, not scheduled here;
- qualifications: each student's support needs for the kind of block made, and each para's
  qualifications valid on the Monday; familiar pairs: para assignments and blocks so far.

`build_draft` runs the solver with a time limit (in the request: the project has no task worker)
and keeps the result as a `ScheduleDraft`; accepting it is `accepting.py`. Each block of a draft
carries its directing teacher and room: a push-in's own, or for a service the student's case
manager and the service's setting.
"""

from __future__ import annotations

import datetime
import math
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from paradesk.access import audit, scopes
from paradesk.access.models import AuditAction
from paradesk.people.models import Assignment, School, Staff, Student, TeamRole
from paradesk.plans.models import Plan, Service, ServiceKind
from paradesk.schedules.coverage.absences import local_time, minute_of, school_paras
from paradesk.schedules.coverage.models import ScheduleDraft
from paradesk.schedules.minutes import ServiceTerms, month_of, required_per_week
from paradesk.schedules.models import (
    BellPeriod,
    ParaBlock,
    ParaBlockStudent,
    StaffQualification,
    SupportNeed,
    SupportType,
    Weekday,
)
from paradesk.schedules.occurrences import DayBlock, blocks_with_details, occurrences
from paradesk.schedules.planning.solver import (
    Duty,
    Para,
    Reason,
    Requirement,
    RequirementKind,
    Schedule,
    SchoolWeek,
    Slot,
    solve_week,
)
from paradesk.schedules.school_calendar import SchoolCalendars

DEFAULT_BREAK_WINDOW = (10 * 60 + 30, 13 * 60 + 30)
# In the request: long enough for a school's week to be good, short enough to wait for.
TIME_LIMIT = 8.0
SUPPORT_OF_KIND = {
    RequirementKind.ONE_TO_ONE: SupportType.ONE_TO_ONE,
    RequirementKind.PUSH_IN: SupportType.PUSH_IN,
    RequirementKind.SERVICE: SupportType.SMALL_GROUP,
    RequirementKind.GROUP: SupportType.SMALL_GROUP,
}


class NoBellSchedule(Exception):
    """The school has no periods that week: nothing to schedule into."""


@dataclass(frozen=True)
class RequirementInfo:
    student_id: uuid.UUID
    kind: RequirementKind
    push_in: ParaBlock | None = None  # the teacher's push-in block it comes from
    # Who directs the para in the block and where it happens: the push-in's own teacher and room,
    # or for a service the student's case manager and the service's setting.
    teacher_id: uuid.UUID | None = None
    room: str = ""


@dataclass
class BuildInput:
    week: SchoolWeek
    monday: datetime.date
    periods: dict[str, BellPeriod] = field(default_factory=dict)  # slot id -> the default day type's period
    info: dict[str, RequirementInfo] = field(default_factory=dict)


def week_days(monday: datetime.date) -> list[datetime.date]:
    return [monday + datetime.timedelta(days=n) for n in range(5)]


def slot_id(weekday: int, period_name: str) -> str:
    return f"{weekday}|{period_name}"


def week_slots(school: School, monday: datetime.date) -> tuple[list[Slot], dict[str, BellPeriod]]:
    """One slot per period of each school day; blocks refer to the default day type's periods of the
    same name (a block follows its period's name on every day type)."""
    calendars = SchoolCalendars.load({school.pk}, monday, monday + datetime.timedelta(days=4))
    schedule = calendars.schedules.get(school.pk)
    if schedule is None or schedule.default_day_type_id is None:
        raise NoBellSchedule
    default_periods = {
        p.name: p for (dt, name), p in calendars.periods.items() if dt == schedule.default_day_type_id
    }
    slots, periods = [], {}
    for day in week_days(monday):
        day_type = calendars.day_type(school.pk, day)
        if day_type is None:
            continue
        for period in day_type.periods.all():
            if period.name in default_periods:
                key = slot_id(day.weekday(), period.name)
                slots.append(Slot(key, day.weekday(), minute_of(period.start), minute_of(period.end)))
                periods[key] = default_periods[period.name]
    if not slots:
        raise NoBellSchedule
    return slots, periods


def overlapping(slots: list[Slot], weekday: int, start: int, end: int) -> list[Slot]:
    return [s for s in slots if s.day == weekday and s.start_minute < end and start < s.end_minute]


def runs_minutes(run: DayBlock) -> tuple[int, int]:
    return minute_of(local_time(run.start)), minute_of(local_time(run.end))


def para_week(
    school: School, slots: list[Slot], monday: datetime.date, paras: dict[uuid.UUID, Staff]
) -> tuple[list[Para], list[Duty], list[ParaBlock]]:
    friday = monday + datetime.timedelta(days=4)
    blocks = list(blocks_with_details().in_force_between(monday, friday).filter(para_id__in=paras))
    calendars = SchoolCalendars.load(
        {b.school_id for b in blocks}, monday, monday + datetime.timedelta(days=4)
    )
    runs = occurrences(blocks, week_days(monday), calendars)
    closed: dict[uuid.UUID, set[str]] = defaultdict(set)
    has_break: set[uuid.UUID] = set()
    duties = []
    for run in runs:
        weekday, (start, end) = run.start.weekday(), runs_minutes(run)
        hit = overlapping(slots, weekday, start, end)
        if run.support_type in (SupportType.BREAK, SupportType.LUNCH):
            has_break.add(run.para_id)
            closed[run.para_id].update(s.id for s in hit)
        elif run.school_id != school.pk:
            closed[run.para_id].update(s.id for s in hit)
        elif run.support_type == SupportType.DUTY:
            duties += [Duty(str(run.para_id), s.id, run.duty_kind) for s in hit]
    held: dict[uuid.UUID, set[str]] = defaultdict(set)
    for staff_id, q in (
        StaffQualification.objects.valid_on(monday)
        .filter(staff_id__in=paras)
        .values_list("staff_id", "qualification_id")
    ):
        held[staff_id].add(str(q))
    result = [
        Para(
            str(pid),
            frozenset(s.id for s in slots if s.id not in closed[pid]),
            frozenset(held[pid]),
            break_window=None if pid in has_break else DEFAULT_BREAK_WINDOW,
        )
        for pid in paras
    ]
    push_ins = [b for b in blocks if b.school_id == school.pk and b.support_type == SupportType.PUSH_IN]
    return result, list(dict.fromkeys(duties)), push_ins


def school_week(school: School, monday: datetime.date) -> BuildInput:
    slots, periods = week_slots(school, monday)
    paras = school_paras(school.pk)
    para_list, duties, push_ins = para_week(school, slots, monday, paras)
    built = BuildInput(SchoolWeek(tuple(slots), tuple(para_list), ()), monday, periods)
    pushed = push_in_requirements(built, slots, push_ins)
    requirements = pushed + service_requirements(built, school, monday, push_in_minutes(pushed, slots))
    requirements = with_qualifications(requirements, built)
    familiar = familiar_pairs(paras, {i.student_id for i in built.info.values()})
    built.week = SchoolWeek(tuple(slots), tuple(para_list), tuple(requirements), tuple(duties), familiar)
    return built


def push_in_requirements(
    built: BuildInput, slots: list[Slot], push_ins: list[ParaBlock]
) -> list[Requirement]:
    found = []
    for block in push_ins:
        times = block.usual_times
        if times is None:
            continue
        hit = overlapping(slots, block.weekday, minute_of(times[0]), minute_of(times[1]))
        students = list(block.students.all())
        for student in students:
            requirement = Requirement(
                id=f"push_in|{block.pk}|{student.pk}",
                student_id=str(student.pk),
                kind=RequirementKind.PUSH_IN,
                fixed_slot_ids=frozenset(s.id for s in hit),
                group=f"push_in:{block.pk}",
                group_size=max(1, len(students)),
            )
            if requirement.fixed_slot_ids:
                built.info[requirement.id] = RequirementInfo(
                    student.pk, RequirementKind.PUSH_IN, block, block.teacher_id, block.room
                )
                found.append(requirement)
    return found


def service_requirements(
    built: BuildInput, school: School, monday: datetime.date, push_minutes: Counter[str]
) -> list[Requirement]:
    students = Student.objects.filter(school=school).active()
    services = Service.objects.filter(
        plan__in=Plan.objects.active().filter(student__in=students),
        kind__in=[ServiceKind.ADULT_SUPPORT, ServiceKind.SUPPLEMENTARY],
    ).select_related("plan")
    month_days = school_month_days(school, monday)
    one_to_one = set(
        scopes.teams_of(school.district_id, students, [TeamRole.PARA_ONE_TO_ONE], monday).values_list(
            "student_id", flat=True
        )
    )
    case_managers = dict(
        scopes.teams_of(school.district_id, students, [TeamRole.CASE_MANAGER], monday)
        .order_by("-start_date")
        .values_list("student_id", "staff_id")
    )
    found = []
    for service in services:
        student_id = service.plan.student_id
        weekly = math.ceil(required_per_week(ServiceTerms.of(service), monday, month_days))
        if service.kind == ServiceKind.ADULT_SUPPORT:
            taken = min(weekly, push_minutes[str(student_id)])
            push_minutes[str(student_id)] -= taken
            weekly -= taken
        if weekly <= 0:
            continue
        adult_1to1 = service.kind == ServiceKind.ADULT_SUPPORT and (
            "1:1" in service.name or student_id in one_to_one
        )
        kind = RequirementKind.ONE_TO_ONE if adult_1to1 else RequirementKind.SERVICE
        requirement = Requirement(
            id=f"service|{service.pk}", student_id=str(student_id), kind=kind, minutes_per_week=weekly
        )
        built.info[requirement.id] = RequirementInfo(
            student_id, kind, teacher_id=case_managers.get(student_id), room=service.setting[:100]
        )
        found.append(requirement)
    return found


def push_in_minutes(pushed: list[Requirement], slots: list[Slot]) -> Counter[str]:
    """Minutes a week each student already spends with a para in teachers' push-in periods."""
    minutes_of = {s.id: s.minutes for s in slots}
    minutes: Counter[str] = Counter()
    for r in pushed:
        minutes[r.student_id] += sum(minutes_of[s] for s in r.fixed_slot_ids)
    return minutes


def school_month_days(school: School, monday: datetime.date) -> Counter[tuple[int, int]]:
    first = monday.replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    calendars = SchoolCalendars.load({school.pk}, first, last)
    return Counter(month_of(day) for day in calendars.school_days(school.pk, first, last))


def with_qualifications(requirements: list[Requirement], built: BuildInput) -> list[Requirement]:
    needs: dict[uuid.UUID, list[SupportNeed]] = defaultdict(list)
    for need in SupportNeed.objects.filter(student_id__in={i.student_id for i in built.info.values()}):
        needs[need.student_id].append(need)
    result = []
    for r in requirements:
        info = built.info[r.id]
        support = SUPPORT_OF_KIND[r.kind]
        wanted = frozenset(str(n.qualification_id) for n in needs[info.student_id] if n.applies(support))
        result.append(Requirement(**{**r.__dict__, "qualifications": wanted}))
    return result


def familiar_pairs(paras: dict[uuid.UUID, Staff], students: set[uuid.UUID]) -> frozenset[tuple[str, str]]:
    assigned = Assignment.objects.filter(staff_id__in=paras, student_id__in=students).values_list(
        "staff_id", "student_id"
    )
    through = ParaBlockStudent.objects.filter(
        parablock__para_id__in=paras, student_id__in=students
    ).values_list("parablock__para_id", "student_id")
    return frozenset((str(p), str(s)) for p, s in {*assigned, *through})


# The draft -------------------------------------------------------------------------------------------


def draft_blocks(built: BuildInput, schedule: Schedule) -> list[dict[str, Any]]:
    rows = []
    for block in schedule.blocks:
        infos = [built.info[r] for r in block.requirement_ids]
        kind = infos[0].kind
        support = SUPPORT_OF_KIND[kind]
        source = infos[0].push_in
        directed = next((i for i in infos if i.teacher_id), infos[0])
        period = built.periods[block.slot_id]
        rows.append(
            {
                "para_id": block.para_id,
                "weekday": int(block.slot_id.split("|", 1)[0]),
                "period_id": str(period.pk),
                "period": period.name,
                "start": period.start.strftime("%H:%M"),
                "end": period.end.strftime("%H:%M"),
                "support_type": str(support),
                "student_ids": sorted({str(i.student_id) for i in infos}),
                "teacher_id": str(directed.teacher_id) if directed.teacher_id else None,
                "section_id": str(source.section_id) if source and source.section_id else None,
                "room": directed.room or next((i.room for i in infos if i.room), ""),
            }
        )
    return rows


def draft_shortfalls(built: BuildInput, schedule: Schedule) -> list[dict[str, Any]]:
    return [
        {
            "requirement_id": s.requirement_id,
            "student_id": s.student_id,
            "kind": str(built.info[s.requirement_id].kind),
            "minutes_short": s.minutes_short,
            "reasons": [{"code": r.code, "params": dict(r.params)} for r in s.reasons],
        }
        for s in schedule.shortfalls
    ]


@transaction.atomic
def build_draft(
    *, actor: Staff, school: School, monday: datetime.date, time_limit: float = TIME_LIMIT
) -> ScheduleDraft:
    """Solve the school's week and keep it as a draft (earlier unaccepted drafts of the school go)."""
    built = school_week(school, monday)
    schedule = solve_week(built.week, time_limit=time_limit)
    ScheduleDraft.objects.filter(school=school, accepted_at__isnull=True).delete()
    draft = ScheduleDraft.objects.create(
        district_id=school.district_id,
        school=school,
        week_of=monday,
        created_by=actor,
        method=schedule.method,
        seconds=schedule.seconds,
        blocks=draft_blocks(built, schedule),
        shortfalls=draft_shortfalls(built, schedule),
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=draft)
    return draft


# Reasons in words ------------------------------------------------------------------------------------


def slot_label(key: str) -> str:
    """ "Monday Period 2" for the slot id "0|Period 2"."""
    weekday, _sep, name = key.partition("|")
    days = dict(Weekday.choices)
    return f"{days.get(int(weekday), weekday) if weekday.isdigit() else weekday} {name}".strip()


def reason_text(reason: Reason | dict[str, Any], names: dict[str, str], slots: dict[str, str]) -> str:
    """A solver reason in plain words. `names`: para and qualification ids to names."""
    code = reason.code if isinstance(reason, Reason) else reason["code"]
    params = dict(reason.params if isinstance(reason, Reason) else reason["params"])
    listed = ", ".join(names.get(str(i), _("someone")) for i in params.get("qualifications", []))
    paras = ", ".join(names.get(str(i), _("a para")) for i in params.get("para_ids", []))
    periods = ", ".join(slots.get(str(i)) or slot_label(str(i)) for i in params.get("slot_ids", []))
    if code == "no_qualified_para":
        return _("No para holds everything this support needs: %(qualifications)s.") % {
            "qualifications": listed
        }
    if code == "not_enough_qualified_time":
        return _(
            "The paras who hold %(qualifications)s work only %(available)s of the %(required)s "
            "minutes needed in the periods it can use."
        ) % {
            "qualifications": listed or _("what it needs"),
            "available": params.get("available_minutes"),
            "required": params.get("required_minutes"),
        }
    if code == "breaks":
        return _("Giving it more time would take paras' breaks.") + (f" ({paras})" if paras else "")
    if code == "max_load":
        return _("The qualified paras free then are at their weekly limit: %(paras)s.") % {"paras": paras}
    if code == "conflicts_with":
        return _("%(para)s is needed for other support then (%(periods)s).") % {
            "para": names.get(str(params.get("para_id")), _("The qualified para")),
            "periods": periods,
        }
    if code == "student_busy":
        return _("The student is with other support then (%(periods)s).") % {"periods": periods}
    if code == "no_available_para":
        return _("No qualified para is free then.")
    if code == "duty":
        return _("A duty: cover it by hand if someone is free.")
    if code == "covering_para_absent":
        return _("The para who was to cover it is absent too.")
    if code == "left_by_administrator":
        return _("Left uncovered by an administrator.")
    return _("No para could be found for it.")
