"""Schedules for the Maplewood demo district: bell schedules and calendars of both schools, every
para's week, the qualifications catalogue, what paras hold and what some students need.

Idempotent: a school that already has a bell schedule, and a district that already has a catalogue,
are kept as they are. Nothing here is real data.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from paradesk.access import scopes
from paradesk.demo.builder import SchoolYear
from paradesk.people.models import (
    Assignment,
    ClassSection,
    District,
    RoleKind,
    School,
    Staff,
    Student,
    TeamRole,
)
from paradesk.schedules.models import (
    BellPeriod,
    BellSchedule,
    CalendarDay,
    ClosureReason,
    DayType,
    DayTypeKind,
    DutyKind,
    ParaBlock,
    ParaBlockStudent,
    Qualification,
    StaffQualification,
    SupportNeed,
    SupportType,
)

Times = tuple[str, str, str]  # period name, start, end

ELEMENTARY_REGULAR: list[Times] = [
    ("Morning meeting", "08:00", "08:20"),
    ("Reading", "08:25", "09:25"),
    ("Writing", "09:30", "10:15"),
    ("Recess", "10:15", "10:35"),
    ("Math", "10:40", "11:40"),
    ("Lunch", "11:45", "12:15"),
    ("Science and social studies", "12:20", "13:05"),
    ("Specials", "13:10", "13:55"),
    ("Intervention", "14:00", "14:40"),
]
ELEMENTARY_EARLY: list[Times] = [
    ("Morning meeting", "08:00", "08:15"),
    ("Reading", "08:15", "09:00"),
    ("Writing", "09:05", "09:40"),
    ("Recess", "09:40", "09:55"),
    ("Math", "10:00", "10:45"),
    ("Lunch", "10:50", "11:20"),
]
MIDDLE_REGULAR: list[Times] = [
    ("Period 1", "07:50", "08:40"),
    ("Period 2", "08:45", "09:35"),
    ("Period 3", "09:40", "10:30"),
    ("Period 4", "10:35", "11:25"),
    ("Lunch", "11:30", "12:00"),
    ("Period 5", "12:05", "12:55"),
    ("Period 6", "13:00", "13:50"),
    ("Period 7", "13:55", "14:45"),
]
MIDDLE_LATE_START: list[Times] = [
    ("Period 1", "09:50", "10:25"),
    ("Period 2", "10:30", "11:05"),
    ("Lunch", "11:10", "11:40"),
    ("Period 3", "11:45", "12:20"),
    ("Period 4", "12:25", "13:00"),
    ("Period 5", "13:05", "13:40"),
    ("Period 6", "13:45", "14:15"),
    ("Period 7", "14:20", "14:45"),
]

CATALOGUE = [
    ("De-escalation certification", "Crisis prevention and de-escalation training, renewed every two years."),
    ("Lifting and toileting", "Safe lifting, transfers and personal care, trained by the school nurse."),
    ("Core-word AAC device", "Models and supports the student's core-word AAC device."),
    ("Spanish", "Speaks Spanish with students and families."),
    ("CPR and first aid", "Current CPR and first-aid certificate."),
    ("Seizure response", "Trained in the student's seizure action plan."),
]


def at(text: str) -> datetime.time:
    return datetime.time.fromisoformat(text)


@transaction.atomic
def add_demo_schedules(district: District) -> int:
    """Give the district's demo schools their schedules; returns the number of para blocks made."""
    year = SchoolYear.around(timezone.localdate())
    made = 0
    for school in School.objects.filter(district=district).order_by("name"):
        if BellSchedule.objects.filter(school=school).exists():
            continue
        elementary = "Elementary" in school.name
        days = bell_schedule(school, year, elementary)
        made += DemoWeek(school, days).build(elementary)
    if not Qualification.objects.filter(district=district).exists():
        add_qualifications(district)
    return made


def bell_schedule(school: School, year: SchoolYear, elementary: bool) -> dict[str, DayType]:
    first, last = year.quarters[0][1], year.quarters[-1][2]
    schedule = BellSchedule.objects.create(
        district_id=school.district_id, school=school, name="Bell schedule", first_day=first, last_day=last
    )
    other_name, other_kind, other_times = (
        ("Early release", DayTypeKind.EARLY_RELEASE, ELEMENTARY_EARLY)
        if elementary
        else ("Late start", DayTypeKind.LATE_START, MIDDLE_LATE_START)
    )
    regular = day_type(
        schedule, "Regular day", DayTypeKind.REGULAR, 0, ELEMENTARY_REGULAR if elementary else MIDDLE_REGULAR
    )
    other = day_type(schedule, other_name, other_kind, 1, other_times)
    schedule.default_day_type = regular
    schedule.save(update_fields=["default_day_type"])
    add_calendar(schedule, first.year, other)
    return {"regular": regular, "other": other}


def day_type(schedule: BellSchedule, name: str, kind: str, order: int, times: list[Times]) -> DayType:
    made = DayType.objects.create(
        district_id=schedule.district_id, bell_schedule=schedule, name=name, kind=kind, order=order
    )
    BellPeriod.objects.bulk_create(
        BellPeriod(district_id=schedule.district_id, day_type=made, name=n, start=at(s), end=at(e), order=i)
        for i, (n, s, e) in enumerate(times)
    )
    return made


def thanksgiving(year: int) -> datetime.date:
    november = datetime.date(year, 11, 1)
    first_thursday = november + datetime.timedelta(days=(3 - november.weekday()) % 7)
    return first_thursday + datetime.timedelta(weeks=3)


def add_calendar(schedule: BellSchedule, year: int, other: DayType) -> None:
    """Labor Day, Thanksgiving, winter and spring break, a snow day, and the other day type on the
    first Wednesday of each month."""
    closed: dict[datetime.date, str] = {}
    labor_day = datetime.date(year, 9, 1) + datetime.timedelta(
        days=(0 - datetime.date(year, 9, 1).weekday()) % 7
    )
    closed[labor_day] = ClosureReason.HOLIDAY
    for offset in (0, 1):
        closed[thanksgiving(year) + datetime.timedelta(days=offset)] = ClosureReason.HOLIDAY
    for start, days in ((datetime.date(year, 12, 21), 12), (datetime.date(year + 1, 3, 22), 5)):
        for offset in range(days):
            closed[start + datetime.timedelta(days=offset)] = ClosureReason.BREAK
    closed[datetime.date(year + 1, 1, 27)] = ClosureReason.SNOW_DAY
    entries = [
        CalendarDay(
            district_id=schedule.district_id,
            bell_schedule=schedule,
            date=day,
            closed=True,
            closure_reason=reason,
        )
        for day, reason in closed.items()
        if day.weekday() < 5
    ]
    for month in (*range(9, 13), *range(1, 6)):
        first = datetime.date(year if month >= 9 else year + 1, month, 1)
        wednesday = first + datetime.timedelta(days=(2 - first.weekday()) % 7)
        if wednesday not in closed:
            entries.append(
                CalendarDay(
                    district_id=schedule.district_id, bell_schedule=schedule, date=wednesday, day_type=other
                )
            )
    CalendarDay.objects.bulk_create(entries)


@dataclass
class Team:
    para: Staff
    one_to_one: list[Student]
    group: list[Student]


class DemoWeek:
    """Every para's week at one school: 1:1 paras follow their student all day (with a break during
    specials or Period 5), small-group paras take reading and math groups, push into classes, and
    have an arrival or recess duty and their lunch."""

    def __init__(self, school: School, days: dict[str, DayType]) -> None:
        self.school = school
        self.periods = {p.name: p for p in BellPeriod.objects.filter(day_type=days["regular"])}
        self.blocks: list[tuple[ParaBlock, list[Student]]] = []
        self.sections = section_of_students(school)

    def build(self, elementary: bool) -> int:
        for team in teams(self.school):
            for student in team.one_to_one:
                self.one_to_one_week(team.para, student, elementary)
            if team.group:
                self.group_week(team.para, team.group, elementary)
        ParaBlock.objects.bulk_create(block for block, _students in self.blocks)
        ParaBlockStudent.objects.bulk_create(
            ParaBlockStudent(district_id=block.district_id, parablock_id=block.pk, student_id=student.pk)
            for block, students in self.blocks
            for student in students
        )
        return len(self.blocks)

    def add(
        self, para: Staff, weekday: int, support: str, students: Sequence[Student], **fields: object
    ) -> None:
        section = self.sections.get(students[0].pk) if students else None
        values: dict[str, object] = {
            "section": section if support in {SupportType.PUSH_IN, SupportType.ONE_TO_ONE} else None,
            "teacher_id": section.teacher_id if section else None,
            "room": room_of(section) if section else "",
        }
        values.update(fields)
        block = ParaBlock(
            district_id=self.school.district_id,
            school=self.school,
            para=para,
            weekday=weekday,
            support_type=support,
            **values,
        )
        self.blocks.append((block, list(students)))

    def one_to_one_week(self, para: Staff, student: Student, elementary: bool) -> None:
        break_period = "Specials" if elementary else "Period 5"
        for weekday in range(5):
            for name, period in self.periods.items():
                if name == break_period:
                    continue
                self.add(para, weekday, SupportType.ONE_TO_ONE, [student], period=period)
            # The break follows the period, so a day type that moves or drops it moves the break too.
            self.add(
                para, weekday, SupportType.BREAK, [], period=self.periods[break_period], room="Staff room"
            )

    def group_week(self, para: Staff, group: list[Student], elementary: bool) -> None:
        lunch = self.periods["Lunch"]
        half = (len(group) + 1) // 2
        first, second = group[:half], group[half:] or group[:half]
        pull_out = group[:3]
        work = (
            [("Reading", SupportType.SMALL_GROUP, first), ("Math", SupportType.SMALL_GROUP, second),
             ("Writing", SupportType.PUSH_IN, first[:1]), ("Intervention", SupportType.PULL_OUT, pull_out)]
            if elementary
            else [("Period 1", SupportType.PUSH_IN, first[:1]), ("Period 2", SupportType.SMALL_GROUP, first),
                  ("Period 4", SupportType.SMALL_GROUP, second), ("Period 6", SupportType.PULL_OUT, pull_out)]
        )  # fmt: skip
        for weekday in range(5):
            arrival = datetime.time(7, 35) if elementary else datetime.time(7, 25)
            self.add(
                para,
                weekday,
                SupportType.DUTY,
                [],
                start_time=arrival,
                end_time=plus(arrival, 15),
                duty_kind=DutyKind.ARRIVAL if weekday % 2 == 0 else DutyKind.BUS,
                room="Front entrance",
            )
            for name, support, students in work:
                room = "Resource room" if support == SupportType.PULL_OUT else ""
                self.add(para, weekday, support, students, period=self.periods[name])
                if room:
                    self.blocks[-1][0].room = room
            self.add(para, weekday, SupportType.LUNCH, [], start_time=lunch.start, end_time=lunch.end)


def plus(start: datetime.time, minutes: int) -> datetime.time:
    return (
        datetime.datetime.combine(datetime.date(2000, 1, 1), start) + datetime.timedelta(minutes=minutes)
    ).time()


def room_of(section: ClassSection) -> str:
    """ "Grade 3 homeroom, room 13" -> "Room 13"; a middle-school class keeps its name."""
    tail = section.name.rsplit(", ", 1)[-1]
    return tail.capitalize() if tail.startswith("room") else ""


def section_of_students(school: School) -> dict[object, ClassSection]:
    """Each student's first class (a homeroom, or English in the middle school)."""
    found: dict[object, ClassSection] = {}
    for section in (
        ClassSection.objects.filter(school=school).order_by("name").prefetch_related("enrollments")
    ):
        for enrollment in section.enrollments.all():
            found.setdefault(enrollment.student_id, section)
    return found


def teams(school: School) -> list[Team]:
    """The school's paras with their current 1:1 and small-group students."""
    paras = scopes.school_paras([school]).order_by("full_name")
    by_para: dict[object, Team] = {para.pk: Team(para, [], []) for para in paras}
    assignments = (
        Assignment.objects.current(district_id=school.district_id)
        .filter(staff__in=paras, student__school=school)
        .select_related("student")
        .order_by("student__last_name")
    )
    for assignment in assignments:
        team = by_para[assignment.staff_id]
        chosen = team.one_to_one if assignment.team_role == TeamRole.PARA_ONE_TO_ONE else team.group
        chosen.append(assignment.student)
    return list(by_para.values())


def add_qualifications(district: District) -> None:
    """The catalogue; every para holds CPR (one expired last month), 1:1 paras de-escalation and what
    their student needs; 1:1 students need de-escalation in 1:1 blocks, and the first needs their
    AAC device and lifting and toileting too."""
    catalogue = {
        name: Qualification.objects.create(district=district, name=name, description=text)
        for name, text in CATALOGUE
    }
    today = timezone.localdate()
    held: dict[tuple[uuid.UUID, str], datetime.date | None] = {}
    needs: dict[tuple[uuid.UUID, str], str] = {}
    paras = (
        Staff.objects.filter(roles__district=district, roles__kind=RoleKind.PARA)
        .distinct()
        .order_by("full_name")
    )
    for index, para in enumerate(paras):
        held[(para.pk, "CPR and first aid")] = today - datetime.timedelta(days=30) if index == 3 else None
    one_to_one = Assignment.objects.current(district_id=district.pk).filter(
        team_role=TeamRole.PARA_ONE_TO_ONE
    )
    per_student: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for assignment in one_to_one.order_by("student__local_id"):
        per_student[assignment.student_id].append(assignment.staff_id)
        held[(assignment.staff_id, "De-escalation certification")] = None
        needs[(assignment.student_id, "De-escalation certification")] = SupportType.ONE_TO_ONE
    for student_id in list(per_student)[:1]:
        for name in ("Core-word AAC device", "Lifting and toileting"):
            needs[(student_id, name)] = "" if name.startswith("Core") else SupportType.ONE_TO_ONE
            for staff_id in per_student[student_id]:
                held[(staff_id, name)] = None
    StaffQualification.objects.bulk_create(
        StaffQualification(
            district=district, staff_id=staff_id, qualification=catalogue[name], expires_on=expiry
        )
        for (staff_id, name), expiry in held.items()
    )
    SupportNeed.objects.bulk_create(
        SupportNeed(
            district=district, student_id=student_id, qualification=catalogue[name], applies_to=applies
        )
        for (student_id, name), applies in needs.items()
    )
