"""The para's day, as plain data: the students she supports today and, for each, the measures due.

Students come from the person's current team assignments, paras' own students first (1:1 and small
group), then those they case-manage or serve. Measures are those of active plans that are still being
taught or checked (baseline, acquisition, maintenance). A measure is due by its data schedule, in the
school's time zone: an every-day measure until someone has recorded a current observation of it
today, a times-per-week measure until this week (Monday to Sunday) holds that many sessions with a
current observation of it.

The whole read takes a fixed number of queries however many students and measures there are: the
Today page is opened many times a day on slow school Wi-Fi.
"""

from __future__ import annotations

import datetime
import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F
from django.utils import timezone

from paradesk.access import scopes
from paradesk.access.policy import provider_disciplines
from paradesk.people.district import joined_in_district
from paradesk.people.models import Assignment, Staff, Student, TeamRole
from paradesk.plans import figures, units
from paradesk.plans.disciplines import disciplines_of_measure
from paradesk.plans.models import (
    AbcOption,
    Accommodation,
    Measure,
    MeasureStatus,
    Method,
    ParaDirection,
    Plan,
    ScheduleKind,
    Service,
    Snapshot,
    TargetBehavior,
)
from paradesk.recording.models import Observation
from paradesk.schedules.coverage.absences import absences_of
from paradesk.schedules.coverage.models import Absence
from paradesk.schedules.models import DutyKind, SupportType
from paradesk.schedules.occurrences import DayBlock
from paradesk.schedules.today import day_blocks

# Team roles whose holders record data (policy: Action.RECORD_DATA), in the order the page lists them.
ROLE_ORDER: dict[str, int] = {
    TeamRole.PARA_ONE_TO_ONE: 0,
    TeamRole.PARA_SMALL_GROUP: 1,
    TeamRole.CASE_MANAGER: 2,
    TeamRole.PROVIDER: 3,
}
RECORDING_TEAM_ROLES = frozenset(ROLE_ORDER)
# Mastered and discontinued measures are no longer taught: no data is due for them.
TAUGHT = (MeasureStatus.BASELINE, MeasureStatus.ACQUISITION, MeasureStatus.MAINTENANCE)
SNAPSHOT_FIELDS = (
    "strengths",
    "interests",
    "triggers",
    "calming_strategies",
    "communication_system",
    "things_to_avoid",
    "medical_alerts",
)
SERVICE_FIELDS = ("name", "minutes", "frequency", "period")
DIRECTION_FIELDS = ("setup", "materials", "what_to_say", "prompting", "error_correction", "why")


@dataclass(frozen=True)
class SchoolDay:
    """A day and its week in one school's time zone, as instants."""

    day: datetime.date
    week_start: datetime.date

    @classmethod
    def at(cls, moment: datetime.datetime, zone: datetime.tzinfo) -> SchoolDay:
        day = moment.astimezone(zone).date()
        return cls(day=day, week_start=day - datetime.timedelta(days=day.weekday()))

    def in_week(self, day: datetime.date) -> bool:
        return self.week_start <= day < self.week_start + datetime.timedelta(days=7)


# ABC measures are recorded as incidents (AbcIncident), not as observations.
SHEET_OF_METHOD = {"abc": "abc_incident"}
METHOD_LABELS: dict[str, Any] = dict(Method.choices)
# The measure's fields the device needs, read as plain values: building 60 Measure instances (and
# their goals) was about half the page's server time (benchmarks/today_page.py, by cProfile).
MEASURE_FIELDS = (
    "id",
    "plan_id",
    "goal_id",
    "name",
    "method",
    "status",
    "schedule_kind",
    "sessions_per_week",
    "prompt_hierarchy",
    "goal_support_level",
    "trials_per_session",
    "interval_seconds",
    "interval_count",
    "task_steps",
    "chaining",
    "probe_type",
    "rating_min",
    "rating_max",
    "rating_labels",
    "observation_window",
    "unit",
    "direction",
)
Row = dict[str, Any]


@dataclass(frozen=True)
class MeasureToday:
    """A measure as the page shows it: `data` is its entry in the offline data (with due and counts)."""

    id: str
    name: str
    method: str
    due: bool
    recorded_today: int
    sessions_this_week: int
    data: Row
    sheet_kind: str
    method_label: str


@dataclass
class StudentToday:
    student: Student
    team_role: str
    school_day: SchoolDay
    snapshot: Snapshot | None
    plans: list[PlanContents]
    measures: list[MeasureToday] = field(default_factory=list)

    @property
    def due_count(self) -> int:
        return sum(1 for item in self.measures if item.due)


@dataclass(frozen=True)
class BlockToday:
    """One block of the para's day as the page shows it. `students` are those the para may see
    (need-to-know); `others` counts the rest of the block's students, never named."""

    id: str
    start: datetime.datetime  # aware, school time zone
    end: datetime.datetime
    support_type: str
    support_label: str
    label: str  # where and with whom: period, class, room, teacher
    plain: bool  # a duty, break or lunch: a row without students
    students: list[StudentToday]
    others: int
    covering_for: str  # the absent para's name, or ""

    @property
    def start_time(self) -> datetime.time:
        return self.start.time()

    @property
    def end_time(self) -> datetime.time:
        return self.end.time()


@dataclass(frozen=True)
class Today:
    staff: Staff
    day: datetime.date
    generated_at: datetime.datetime
    students: list[StudentToday]
    blocks: list[BlockToday] = field(default_factory=list)
    # Students on the para's caseload who are in none of today's blocks (only with blocks).
    also: list[StudentToday] = field(default_factory=list)
    # The person's absences that day: the page says first that she is marked absent.
    absences: list[Absence] = field(default_factory=list)

    @property
    def has_students(self) -> bool:
        return bool(self.students)


def assignments_today(staff: Staff) -> list[Assignment]:
    """The person's current recording assignments, one per student: the first in ROLE_ORDER."""
    if staff.district_id is None:
        return []
    assignments = (
        scopes.assignments_of(staff, RECORDING_TEAM_ROLES)
        .filter(student__active=True)
        .annotate(district_snapshot=joined_in_district("student__snapshot", staff.district_id))
        .select_related("student__school", "district_snapshot")  # type: ignore[misc]  # stubs: no FilteredRelation
    )
    best: dict[uuid.UUID, Assignment] = {}
    for assignment in assignments:
        held = best.get(assignment.student_id)
        if held is None or ROLE_ORDER[assignment.team_role] < ROLE_ORDER[held.team_role]:
            best[assignment.student_id] = assignment
    return sorted(
        best.values(),
        key=lambda a: (ROLE_ORDER[a.team_role], a.student.last_name, a.student.first_name, a.student_id),
    )


@dataclass
class PlanContents:
    """An active plan and what the device needs from it, as plain rows (read once, iterated often)."""

    id: uuid.UUID
    measures: list[Row] = field(default_factory=list)
    directions: list[Row] = field(default_factory=list)
    accommodations: list[Row] = field(default_factory=list)
    services: list[Row] = field(default_factory=list)
    abc_options: list[Row] = field(default_factory=list)
    target_behaviors: list[Row] = field(default_factory=list)


def plan_rows(plans: dict[uuid.UUID, PlanContents], name: str, rows: Iterable[Any]) -> None:
    for row in rows:
        getattr(plans[row["plan_id"]], name).append(row)


def active_plans(
    student_ids: Iterable[uuid.UUID], district_id: uuid.UUID
) -> dict[uuid.UUID, list[PlanContents]]:
    """Active plans with what the device needs offline, by student, in seven queries, each naming
    the district (docs/architecture.md#the-district-as-distribution-key)."""
    by_student: dict[uuid.UUID, list[PlanContents]] = defaultdict(list)
    plans: dict[uuid.UUID, PlanContents] = {}
    found = (
        Plan.objects.active()
        .filter(district_id=district_id, student_id__in=list(student_ids))
        .order_by("kind", "-version")
        .values_list("id", "student_id")
    )
    for plan_id, student_id in found:
        plans[plan_id] = PlanContents(id=plan_id)
        by_student[student_id].append(plans[plan_id])
    if not plans:
        return by_student
    ids = list(plans)
    measures = (
        Measure.objects.filter(district_id=district_id, plan_id__in=ids, status__in=TAUGHT)
        .annotate(
            own_goal=joined_in_district("goal", district_id),
            own_behavior=joined_in_district("target_behavior", district_id),
        )
        .order_by("own_goal__order", "name")
    )
    goal_fields = {
        "goal__text": F("own_goal__text"),
        "goal__discipline": F("own_goal__discipline"),
        "target_behavior__name": F("own_behavior__name"),
        "target_behavior__operational_definition": F("own_behavior__operational_definition"),
    }
    plan_rows(plans, "measures", measures.values(*MEASURE_FIELDS, **goal_fields))
    directions = ParaDirection.objects.filter(district_id=district_id, plan_id__in=ids).order_by("pk")
    fields = ("id", "plan_id", "goal_id", "measure_id", *DIRECTION_FIELDS)
    plan_rows(plans, "directions", directions.values(*fields))
    plan_rows(
        plans,
        "accommodations",
        Accommodation.objects.filter(district_id=district_id, plan_id__in=ids).values(
            "id", "plan_id", "wording", "log_delivery"
        ),
    )
    plan_rows(
        plans,
        "services",
        Service.objects.filter(district_id=district_id, plan_id__in=ids).values(
            "id", "plan_id", "name", "minutes", "frequency", "period"
        ),
    )
    plan_rows(
        plans,
        "abc_options",
        AbcOption.objects.filter(district_id=district_id, plan_id__in=ids).values(
            "id", "plan_id", "category", "label"
        ),
    )
    behaviors = TargetBehavior.objects.filter(district_id=district_id, plan_id__in=ids).order_by("pk")
    plan_rows(plans, "target_behaviors", behaviors.values("id", "plan_id", "name"))
    return by_student


def snapshot_of(assignment: Assignment) -> Snapshot | None:
    """The snapshot `assignments_today` joined, if the student has one."""
    found: Snapshot | None = getattr(assignment, "district_snapshot", None)
    return found


def observations_this_week(
    measure_ids: list[uuid.UUID], since: datetime.datetime, district_id: uuid.UUID
) -> dict[uuid.UUID, list[tuple[uuid.UUID, datetime.datetime]]]:
    """(session, start) of each current observation of the measures since an instant, by measure."""
    rows = (
        Observation.objects.current()
        .filter(district_id=district_id, measure_id__in=measure_ids, started_at__gte=since)
        .values_list("measure_id", "session_id", "started_at")
    )
    found: dict[uuid.UUID, list[tuple[uuid.UUID, datetime.datetime]]] = defaultdict(list)
    for measure_id, session_id, started_at in rows:
        found[measure_id].append((session_id, started_at))
    return found


def goal_text(row: Row) -> str:
    if row["goal_id"] is not None:
        return str(row["goal__text"])
    name = row["target_behavior__name"]
    return f"{name}: {row['target_behavior__operational_definition']}" if name else ""


def measure_today(
    row: Row, seen: list[tuple[uuid.UUID, datetime.datetime]], school_day: SchoolDay, zone: zoneinfo.ZoneInfo
) -> MeasureToday:
    days = [(session, started.astimezone(zone).date()) for session, started in seen]
    recorded_today = sum(1 for _session, day in days if day == school_day.day)
    sessions = len({session for session, day in days if school_day.in_week(day)})
    if row["schedule_kind"] == ScheduleKind.PER_WEEK:
        due = sessions < (row["sessions_per_week"] or 1)
    else:
        due = recorded_today == 0
    data = measure_data(row, due=due, recorded_today=recorded_today, sessions_this_week=sessions)
    return MeasureToday(
        id=data["id"],
        name=row["name"],
        method=row["method"],
        due=due,
        recorded_today=recorded_today,
        sessions_this_week=sessions,
        data=data,
        sheet_kind=SHEET_OF_METHOD.get(row["method"]) or row["method"],
        method_label=data["method_label"],
    )


def today_for(staff: Staff, now: datetime.datetime | None = None, *, with_blocks: bool = True) -> Today:
    """Everything the Today page shows the person, read in a fixed number of queries."""
    moment = now or timezone.now()
    assignments = assignments_today(staff)
    district_id = staff.district_id
    plans = active_plans((a.student_id for a in assignments), district_id) if district_id else {}
    students = [
        StudentToday(
            student=a.student,
            team_role=a.team_role,
            school_day=SchoolDay.at(moment, a.student.school.zone),
            snapshot=snapshot_of(a),
            plans=plans.get(a.student_id, []),
        )
        for a in assignments
    ]
    fill_measures(students, staff.district_id)
    keep_providers_own_measures(students, provider_disciplines(staff, [a.student for a in assignments]))
    district_zone = staff.district.zone if staff.district else timezone.get_current_timezone()
    day = students[0].school_day.day if students else SchoolDay.at(moment, district_zone).day
    blocks = timeline(day_blocks(staff, day), students) if with_blocks else []
    listed = {s.student.pk for block in blocks for s in block.students}
    also = [s for s in students if s.student.pk not in listed] if blocks else []
    return Today(
        staff=staff,
        day=day,
        generated_at=moment,
        students=students,
        blocks=blocks,
        also=also,
        absences=absences_of(staff, day),
    )


def fill_measures(students: list[StudentToday], district_id: uuid.UUID | None) -> None:
    measure_ids = [m["id"] for s in students for plan in s.plans for m in plan.measures]
    if not measure_ids or district_id is None:
        return
    # A day before the earliest week start covers every school's time zone; each row is then placed
    # in its own school's day and week.
    earliest = min(s.school_day.week_start for s in students) - datetime.timedelta(days=1)
    since = datetime.datetime.combine(earliest, datetime.time.min, tzinfo=datetime.UTC)
    seen = observations_this_week(measure_ids, since, district_id)
    for item in students:
        zone = item.student.school.zone
        item.measures = [
            measure_today(row, seen.get(row["id"], []), item.school_day, zone)
            for plan in item.plans
            for row in plan.measures
        ]


def keep_providers_own_measures(
    students: list[StudentToday], disciplines: dict[uuid.UUID, frozenset[str]]
) -> None:
    """A provider's Today lists the measures of their discipline (docs/access.md): the rest of the
    plan is recorded by the teacher and the paras, and stays on the student's page."""
    for item in students:
        own = disciplines.get(item.student.pk)
        if own is None:
            continue
        rows = {str(row["id"]): row for plan in item.plans for row in plan.measures}
        item.measures = [measure for measure in item.measures if own & row_disciplines(rows[measure.id])]


def row_disciplines(row: Row) -> frozenset[str]:
    return disciplines_of_measure(
        row["goal__discipline"], has_target_behavior=row["target_behavior__name"] is not None
    )


# The day's blocks (issue 5): the page follows them in time order -------------------------------------

# Blocks without students: shown as plain rows in the timeline.
PLAIN_SUPPORT = frozenset({SupportType.DUTY, SupportType.BREAK, SupportType.LUNCH})
SUPPORT_LABELS: dict[str, Any] = dict(SupportType.choices)
DUTY_LABELS: dict[str, Any] = dict(DutyKind.choices)


def block_label(run: DayBlock) -> str:
    """Where and with whom: period, class, room and teacher, those that are set."""
    parts = [run.period_name, run.class_name, run.room, run.teacher_name]
    if run.duty_kind:
        parts.insert(0, str(DUTY_LABELS.get(run.duty_kind, run.duty_kind)))
    return " · ".join(part for part in parts if part)


def absent_names(runs: list[DayBlock]) -> dict[uuid.UUID, str]:
    """The names of the paras whose blocks are covered: one query, and only on a day with cover."""
    absent = {run.covering_for for run in runs if run.covering_for is not None}
    if not absent:
        return {}
    return {
        staff.pk: staff.full_name for staff in Staff.objects.filter(pk__in=absent).only("id", "full_name")
    }


def timeline(runs: list[DayBlock], students: list[StudentToday]) -> list[BlockToday]:
    """Today's blocks with the students the para may see in each; a student the para has no current
    assignment to (need-to-know) is counted, never named."""
    visible = {item.student.pk: item for item in students}
    names = absent_names(runs)
    blocks = []
    for run in runs:
        shown = [visible[sid] for sid in run.student_ids if sid in visible]
        blocks.append(
            BlockToday(
                id=str(run.block_id),
                start=run.start,
                end=run.end,
                support_type=run.support_type,
                support_label=str(SUPPORT_LABELS.get(run.support_type, run.support_type)),
                label=block_label(run),
                plain=run.support_type in PLAIN_SUPPORT,
                students=sorted(shown, key=lambda s: (s.student.last_name, s.student.first_name)),
                others=len(run.student_ids) - len(shown),
                covering_for=names.get(run.covering_for, "") if run.covering_for else "",
            )
        )
    return blocks


# The page's offline data (docs/architecture.md#the-offline-client) -------------------------------


def measure_data(row: Row, *, due: bool, recorded_today: int, sessions_this_week: int) -> Row:
    return {
        "id": str(row["id"]),
        "plan_id": str(row["plan_id"]),
        "goal_id": str(row["goal_id"]) if row["goal_id"] else None,
        "goal_text": goal_text(row),
        "name": row["name"],
        "method": row["method"],
        "method_label": str(METHOD_LABELS.get(row["method"], row["method"])),
        "status": row["status"],
        "due": due,
        "recorded_today": recorded_today,
        "schedule": {
            "kind": row["schedule_kind"],
            "per_week": row["sessions_per_week"],
            "done_this_week": sessions_this_week,
        },
        "prompt_hierarchy": list(row["prompt_hierarchy"] or []),
        "goal_support_level": row["goal_support_level"],
        "trials_per_session": row["trials_per_session"],
        "interval_seconds": row["interval_seconds"],
        "interval_count": row["interval_count"],
        "task_steps": list(row["task_steps"] or []),
        "chaining": row["chaining"],
        "probe_type": row["probe_type"],
        "rating_min": row["rating_min"],
        "rating_max": row["rating_max"],
        "rating_labels": row["rating_labels"] or {},
        "observation_window": row["observation_window"],
        "unit": row["unit"] or units.default_unit(row["method"]) or "",
        "figure": figures.figure_name(
            row["method"], row["unit"], row["goal_support_level"], list(row["prompt_hierarchy"] or [])
        ),
        "direction": row["direction"],
    }


def optional_id(value: uuid.UUID | None) -> str | None:
    return str(value) if value else None


def direction_data(row: Row) -> Row:
    return {
        "id": str(row["id"]),
        "plan_id": str(row["plan_id"]),
        "goal_id": optional_id(row["goal_id"]),
        "measure_id": optional_id(row["measure_id"]),
        **{name: row[name] for name in DIRECTION_FIELDS},
    }


def student_data(item: StudentToday) -> Row:
    plans = item.plans
    snapshot = item.snapshot
    abc: dict[str, list[dict[str, str]]] = {"antecedent": [], "behavior": [], "consequence": []}
    for plan in plans:
        for option in plan.abc_options:
            abc.setdefault(option["category"], []).append({"id": str(option["id"]), "label": option["label"]})
    return {
        "id": str(item.student.id),
        "name": item.student.display_name,
        "team_role": item.team_role,
        "snapshot": {name: getattr(snapshot, name) if snapshot else "" for name in SNAPSHOT_FIELDS},
        "directions": [direction_data(d) for plan in plans for d in plan.directions],
        "accommodations": [
            {"id": str(a["id"]), "wording": a["wording"], "log_delivery": a["log_delivery"]}
            for plan in plans
            for a in plan.accommodations
        ],
        "services": [
            {
                key: str(s["id"]) if key == "id" else s[key]
                for key in ("id", "name", "minutes", "frequency", "period")
            }
            for plan in plans
            for s in plan.services
        ],
        "abc_options": abc,
        "target_behaviors": [
            {"id": str(b["id"]), "name": b["name"]} for plan in plans for b in plan.target_behaviors
        ],
        "measures": [m.data for m in item.measures],
    }


def block_data(block: BlockToday) -> Row:
    return {
        "id": block.id,
        "start": block.start.isoformat(),
        "end": block.end.isoformat(),
        "support_type": block.support_type,
        "label": block.label,
        "student_ids": [str(s.student.pk) for s in block.students],
        "covering_for": block.covering_for or None,
    }


def today_data(today: Today, *, sync_url: str, service_worker_url: str) -> Row:
    """What the device keeps for a day without Wi-Fi, in the shape the offline client reads."""
    return {
        "staff": {"id": str(today.staff.pk)},
        "day": today.day.isoformat(),
        "generated_at": today.generated_at.isoformat(),
        "sync_url": sync_url,
        "service_worker_url": service_worker_url,
        "students": [student_data(item) for item in today.students],
        "blocks": [block_data(block) for block in today.blocks],
    }
