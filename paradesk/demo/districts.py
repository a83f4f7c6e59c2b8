"""The demo districts: Maplewood Unified (a small, rich, hand-shaped district to try every page) and
scale districts of N students (for benchmarks), both invented from paradesk/demo/content.py.

Both are idempotent: a district that already exists is kept as it is. Rows are collected and written
in batches by paradesk/demo/builder.py, so 5,000 students build in well under a minute.
"""

from __future__ import annotations

import datetime
import math
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from paradesk.demo import content
from paradesk.demo.builder import TIME_ZONE, Builder
from paradesk.demo.progress import add_demo_decisions
from paradesk.demo.recording import record_demo_history
from paradesk.demo.schedules import add_demo_schedules
from paradesk.people.models import (
    Assignment,
    Discipline,
    District,
    Role,
    RoleKind,
    School,
    Staff,
    Student,
    TeamRole,
)
from paradesk.plans.models import Plan, PlanKind
from paradesk.progress.summaries import refresh_district

DEMO_DISTRICT_ID = uuid.UUID("6d61706c-6577-4f6f-8400-000000000001")
DEMO_DISTRICT_NAME = "Maplewood Unified (demo)"
# Invented districts ask nobody for a second sign-in step, so every demo account signs in with the
# printed password; anyone may still add an authenticator app on their Security page (README).
DEMO_MFA_ROLE_KINDS: list[str] = []
DEMO_DOMAIN = "maplewood.demo"
SUPERUSER_EMAIL = f"admin@{DEMO_DOMAIN}"
SEED = 20260817
# Scale districts get ids derived from their size, so `--students 5000` finds its own district again.
SCALE_NAMESPACE = uuid.UUID("6d61706c-6577-4f6f-8400-5ca1e0000000")


@dataclass(frozen=True)
class SignIn:
    email: str
    role: str
    school: str


@dataclass
class BuildResult:
    district: District
    created: bool
    elapsed: float
    sign_ins: list[SignIn]
    caseload_40_email: str | None = None
    caseload_10_email: str | None = None
    counts: dict[str, int] = field(default_factory=dict)


# Maplewood: one elementary and one middle school, a named staff everyone can sign in as.

ELEMENTARY = "Maplewood Elementary School"
MIDDLE = "Maplewood Middle School"


@dataclass(frozen=True)
class DemoPerson:
    first: str
    last: str
    kind: RoleKind
    school: str | None  # None: both schools (providers) or the district (district administrator)
    label: str  # the part of the email before the @, after the first name
    discipline: str = ""

    @property
    def email(self) -> str:
        return f"{self.first.lower()}.{self.label}@{DEMO_DOMAIN}"


PARAS = [
    DemoPerson("Maria", "Thistlewood", RoleKind.PARA, ELEMENTARY, "para"),
    DemoPerson("Linda", "Hollowbrook", RoleKind.PARA, ELEMENTARY, "para"),
    DemoPerson("Rosa", "Ashgrove", RoleKind.PARA, ELEMENTARY, "para"),
    DemoPerson("Priya", "Bellwether", RoleKind.PARA, ELEMENTARY, "para"),
    DemoPerson("Hector", "Candlewood", RoleKind.PARA, ELEMENTARY, "para"),
    DemoPerson("Keisha", "Driftmoor", RoleKind.PARA, ELEMENTARY, "para"),
    DemoPerson("Tobias", "Eastbrook", RoleKind.PARA, ELEMENTARY, "para"),
    DemoPerson("Jason", "Foxglove", RoleKind.PARA, MIDDLE, "para"),
    DemoPerson("Devon", "Greywillow", RoleKind.PARA, MIDDLE, "para"),
    DemoPerson("Aisha", "Hartwell", RoleKind.PARA, MIDDLE, "para"),
    DemoPerson("Marcus", "Ivybridge", RoleKind.PARA, MIDDLE, "para"),
    DemoPerson("Hannah", "Kingsfoil", RoleKind.PARA, MIDDLE, "para"),
]
CASE_MANAGERS = [
    DemoPerson("Nora", "Lanternfield", RoleKind.SPED_TEACHER, ELEMENTARY, "sped"),
    DemoPerson("Owen", "Mossbank", RoleKind.SPED_TEACHER, ELEMENTARY, "sped"),
    DemoPerson("Tessa", "Northwind", RoleKind.SPED_TEACHER, MIDDLE, "sped"),
    DemoPerson("Ravi", "Orchardly", RoleKind.SPED_TEACHER, MIDDLE, "sped"),
]
GEN_ED_TEACHERS = [
    DemoPerson("Grace", "Pinecrest", RoleKind.GEN_ED_TEACHER, ELEMENTARY, "teacher"),
    DemoPerson("Benedict", "Quarrystone", RoleKind.GEN_ED_TEACHER, ELEMENTARY, "teacher"),
    DemoPerson("Elena", "Ravenhill", RoleKind.GEN_ED_TEACHER, MIDDLE, "teacher"),
    DemoPerson("Samuel", "Stillwater", RoleKind.GEN_ED_TEACHER, MIDDLE, "teacher"),
]
PROVIDERS = [
    DemoPerson("Sofia", "Tumbledown", RoleKind.PROVIDER, None, "slp", Discipline.SLP),
    DemoPerson("Omar", "Jasperleigh", RoleKind.PROVIDER, None, "ot", Discipline.OT),
    DemoPerson("June", "Brightwater", RoleKind.PROVIDER, None, "bcba", Discipline.BCBA),
]
ADMINISTRATORS = [
    DemoPerson("Pat", "Cloverdale", RoleKind.SCHOOL_ADMIN, ELEMENTARY, "principal"),
    DemoPerson("Dana", "Wheatfield", RoleKind.DISTRICT_ADMIN, None, "district"),
]
DEMO_STAFF = [*PARAS, *CASE_MANAGERS, *GEN_ED_TEACHERS, *PROVIDERS, *ADMINISTRATORS]

# Student numbers (0-23 elementary, 24-39 middle) and what each one's plans hold.
ELEMENTARY_STUDENTS = range(0, 24)
MIDDLE_STUDENTS = range(24, 40)
ONLY_504 = frozenset({21, 22, 23, 37, 38, 39})
WITH_BEHAVIOR_PLAN = (0, 1, 2, 3, 4, 5, 24, 25, 26, 27)
WITH_CARE_PLAN = {2: 0, 28: 1}  # student number: CARE_PLANS entry
ONE_TO_ONE = {0: "Maria", 1: "Linda", 2: "Rosa", 24: "Jason", 25: "Devon"}
SMALL_GROUP_PARAS = {
    "elementary": ["Priya", "Hector", "Keisha", "Tobias"],
    "middle": ["Aisha", "Marcus", "Hannah"],
}
CASELOADS = {"Nora": range(0, 12), "Owen": range(12, 24), "Tessa": range(24, 32), "Ravi": range(32, 40)}
ELEMENTARY_GRADES = ["K", "1", "2", "3", "4", "5"]
MIDDLE_GRADES = ["6", "7", "8"]


def build_demo() -> BuildResult:
    """Maplewood Unified (demo), built once; later runs keep it and report its sign-ins."""
    started = time.perf_counter()
    ensure_superuser()
    existing = District.objects.filter(pk=DEMO_DISTRICT_ID).first()
    if existing is not None:
        return BuildResult(existing, False, time.perf_counter() - started, demo_sign_ins(existing))
    with transaction.atomic():
        builder = Builder(
            District(
                id=DEMO_DISTRICT_ID,
                name=DEMO_DISTRICT_NAME,
                time_zone=TIME_ZONE,
                mfa_role_kinds=DEMO_MFA_ROLE_KINDS,
            ),
            SEED,
        )
        MaplewoodPlan(builder).build()
        counts = builder.write()
        counts["Observation"] = record_demo_history(builder.district)
        counts["ParaBlock"] = add_demo_schedules(builder.district)
        counts["Progress decisions"] = add_demo_decisions(builder.district)
        counts["Measure summaries"] = refresh_district(builder.district.pk)
    district = builder.district
    return BuildResult(district, True, time.perf_counter() - started, demo_sign_ins(district), counts=counts)


def ensure_superuser() -> None:
    """The Django admin account; it belongs to no district, so it sees no student through Paradesk."""
    if not Staff.objects.filter(email=SUPERUSER_EMAIL).exists():
        Staff.objects.create_superuser(
            SUPERUSER_EMAIL, settings.DEMO_PASSWORD, full_name="Demo Administrator"
        )


class MaplewoodPlan:
    """The shape of Maplewood: who works where, who is on whose team, which plans each student has."""

    def __init__(self, builder: Builder) -> None:
        self.b = builder
        self.rng = builder.rng
        self.schools = {ELEMENTARY: builder.school(ELEMENTARY), MIDDLE: builder.school(MIDDLE)}
        self.people: dict[str, Staff] = {}
        self.students: list[Student] = []
        self.goal_cursor = 0
        self.behavior_cursor = 0
        self.goal_order = self.rng.sample(content.GOALS, len(content.GOALS))

    def build(self) -> None:
        self.add_staff()
        self.add_students()
        self.add_classes()
        for number, student in enumerate(self.students):
            self.add_team_and_plans(number, student)

    def add_staff(self) -> None:
        for person in DEMO_STAFF:
            full_name = f"{person.first} {person.last}"
            at_all = person.kind == RoleKind.PROVIDER
            school = self.schools[person.school] if person.school else None
            first_school = self.schools[ELEMENTARY] if at_all else school
            staff = self.b.staff(person.email, full_name, person.kind, first_school, person.discipline)
            if at_all:
                self.b.role(staff, person.kind, self.schools[MIDDLE], person.discipline)
            self.people[person.first] = staff

    def add_students(self) -> None:
        pairs = [(f, last) for f in content.STUDENT_FIRST_NAMES for last in content.STUDENT_LAST_NAMES]
        names = self.rng.sample(pairs, len(ELEMENTARY_STUDENTS) + len(MIDDLE_STUDENTS))
        for number, name in enumerate(names):
            elementary = number in ELEMENTARY_STUDENTS
            school = self.schools[ELEMENTARY if elementary else MIDDLE]
            grades = ELEMENTARY_GRADES if elementary else MIDDLE_GRADES
            grade = grades[number % len(grades)]
            self.students.append(self.b.student(school, f"MW-{number + 1:04d}", grade, name))

    def add_classes(self) -> None:
        """Homerooms by grade in the elementary school; English and math by grade in the middle school."""
        elementary = self.schools[ELEMENTARY]
        homerooms = {
            grade: self.b.section(
                elementary,
                f"Grade {grade} homeroom, room {10 + index}",
                self.people["Grace" if index < 3 else "Benedict"],
            )
            for index, grade in enumerate(ELEMENTARY_GRADES)
        }
        middle = self.schools[MIDDLE]
        subject_classes = {
            grade: [
                self.b.section(middle, f"English {grade}, period {index + 1}", self.people["Elena"]),
                self.b.section(middle, f"Math {grade}, period {index + 3}", self.people["Samuel"]),
            ]
            for index, grade in enumerate(MIDDLE_GRADES)
        }
        for student in self.students:
            sections = (
                [homerooms[student.grade]] if student.grade in homerooms else subject_classes[student.grade]
            )
            for section in sections:
                self.b.enroll(section, student)

    def next_goals(self, count: int) -> list[content.GoalTemplate]:
        """Goals taken in turn from a shuffled bank, so together the plans use every method."""
        picked = [self.goal_order[(self.goal_cursor + i) % len(self.goal_order)] for i in range(count)]
        self.goal_cursor += count
        return picked

    def para_for(self, number: int) -> tuple[Staff, TeamRole] | None:
        if number in ONLY_504:
            return None
        if number in ONE_TO_ONE:
            return self.people[ONE_TO_ONE[number]], TeamRole.PARA_ONE_TO_ONE
        group = SMALL_GROUP_PARAS["elementary" if number in ELEMENTARY_STUDENTS else "middle"]
        return self.people[group[number % len(group)]], TeamRole.PARA_SMALL_GROUP

    def add_team_and_plans(self, number: int, student: Student) -> None:
        case_manager = next(self.people[name] for name, numbers in CASELOADS.items() if number in numbers)
        self.b.assign(case_manager, student, TeamRole.CASE_MANAGER)
        snapshot = self.b.snapshot(student, self.rng.choice(content.SNAPSHOTS), case_manager)
        if number in WITH_CARE_PLAN:
            snapshot.medical_alerts = content.CARE_PLANS[WITH_CARE_PLAN[number]].medical_alert
        if number in ONLY_504:
            plan = self.b.plan(student, PlanKind.SECTION_504, case_manager)
            self.b.accommodations(plan, self.rng.sample(content.ACCOMMODATIONS_504, self.rng.randint(3, 5)))
            return
        para = self.para_for(number)
        team_roles = []
        if para is not None:
            self.b.assign(para[0], student, para[1])
            team_roles.append(str(para[1]))
        goals = self.next_goals(self.rng.randint(2, 4))
        iep = self.b.iep(student, case_manager, goals, team_roles)
        for provider_name, discipline in (("Sofia", "slp"), ("Omar", "ot")):
            if any(goal.discipline == discipline for goal in goals):
                self.b.assign(self.people[provider_name], student, TeamRole.PROVIDER)
        if number in WITH_BEHAVIOR_PLAN:
            self.add_behavior_plan(student, case_manager, iep)
        if number in WITH_CARE_PLAN:
            self.add_care_plan(student, case_manager, iep, content.CARE_PLANS[WITH_CARE_PLAN[number]])

    def add_behavior_plan(self, student: Student, case_manager: Staff, iep: Plan) -> None:
        bank = content.TARGET_BEHAVIORS
        count = 1 + self.behavior_cursor % 2
        behaviors = [bank[(self.behavior_cursor + i) % len(bank)] for i in range(count)]
        self.behavior_cursor += count
        self.b.behavior_plan(
            student, case_manager, behaviors, start=iep.start_date + datetime.timedelta(days=7)
        )
        self.b.assign(self.people["June"], student, TeamRole.PROVIDER)
        self.b.service(iep, content.RELATED_SERVICES["bcba"])

    def add_care_plan(
        self, student: Student, case_manager: Staff, iep: Plan, care: content.CarePlanText
    ) -> None:
        plan = self.b.plan(student, PlanKind.CARE, case_manager, start=iep.start_date)
        self.b.goal(plan, care.goal, 1, student, case_manager)
        self.b.accommodations(plan, care.accommodations)


def demo_sign_ins(district: District) -> list[SignIn]:
    """Every demo account with its role and schools, then the Django admin account."""
    return [*sign_ins(district), SignIn(SUPERUSER_EMAIL, str(_("Superuser (Django admin)")), "")]


def sign_ins(district: District, emails: Iterable[str] | None = None) -> list[SignIn]:
    """Accounts of the district (or just those emails, in that order) with role and schools, as stored."""
    kind_order = {kind: position for position, kind in enumerate(RoleKind.values)}
    roles = Role.objects.filter(district=district).select_related("staff", "school")
    if emails is not None:
        emails = list(emails)
        roles = roles.filter(staff__email__in=emails)
    ordered = sorted(
        roles,
        key=lambda role: (kind_order[role.kind], role.staff.email, role.school.name if role.school else ""),
    )
    rows: dict[str, SignIn] = {}
    for role in ordered:
        where = role.school.name if role.school else district.name
        earlier = rows.get(role.staff.email)
        school = f"{earlier.school}; {where}" if earlier else where
        shown = role.get_discipline_display() if role.discipline else role.get_kind_display()
        rows[role.staff.email] = SignIn(role.staff.email, str(shown), school)
    if emails is None:
        return list(rows.values())
    return [rows[email] for email in emails if email in rows]


# Scale districts: N students, proportional staff, built fast for benchmarks.

STUDENTS_PER_SCHOOL = 500
STUDENTS_PER_CASE_MANAGER = 12
STUDENTS_PER_GROUP_PARA = 6  # with 1 student in 10 on a 1:1 para: about 1 para per 4 students
ONE_TO_ONE_SHARE = 10
STUDENTS_PER_SECTION = 20
STUDENTS_PER_PROVIDER = 50


def scale_district_id(students: int) -> uuid.UUID:
    return uuid.uuid5(SCALE_NAMESPACE, f"scale-{students}")


def scale_district_name(students: int) -> str:
    return f"Scale District {students} (demo)"


def build_scale(students: int) -> BuildResult:
    """A district of `students` students, each with an active IEP (3-6 goals) and a full team."""
    started = time.perf_counter()
    existing = District.objects.filter(pk=scale_district_id(students)).first()
    if existing is not None:
        return scale_result(existing, False, time.perf_counter() - started)
    with transaction.atomic():
        district = District(
            id=scale_district_id(students),
            name=scale_district_name(students),
            time_zone=TIME_ZONE,
            mfa_role_kinds=DEMO_MFA_ROLE_KINDS,
        )
        builder = Builder(district, SEED + students)
        ScalePlan(builder, students).build()
        counts = builder.write()
    return scale_result(district, True, time.perf_counter() - started, counts)


def caseload_sizes(total: int, first: Sequence[int] = ()) -> list[int]:
    """Caseloads of about 12 splitting `total` students, starting with the sizes given in `first`
    (as far as the students go); a remainder under half a caseload joins the last one."""
    sizes: list[int] = []
    left = total
    for size in first:
        if left <= 0:
            break
        sizes.append(min(size, left))
        left -= sizes[-1]
    while left > 0:
        size = min(STUDENTS_PER_CASE_MANAGER, left)
        if size < STUDENTS_PER_CASE_MANAGER // 2 and len(sizes) > len(first):
            sizes[-1] += size
        else:
            sizes.append(size)
        left -= size
    return sizes


class ScalePlan:
    def __init__(self, builder: Builder, students: int) -> None:
        self.b = builder
        self.rng = builder.rng
        self.total = students
        self.domain = f"scale{students}.demo"
        self.counters: dict[str, int] = defaultdict(int)

    def person(self, label: str, kind: RoleKind, school: School | None, discipline: str = "") -> Staff:
        self.counters[label] += 1
        name = f"{self.rng.choice(content.STAFF_FIRST_NAMES)} {self.rng.choice(content.STAFF_LAST_NAMES)}"
        email = f"{label}{self.counters[label]:04d}@{self.domain}"
        return self.b.staff(email, name, kind, school, discipline)

    def build(self) -> None:
        self.b.staff(f"district@{self.domain}", "Dana Wheatfield", RoleKind.DISTRICT_ADMIN, None)
        school_count = max(1, round(self.total / STUDENTS_PER_SCHOOL))
        base, extra = divmod(self.total, school_count)
        number = 0
        for index in range(school_count):
            size = base + (1 if index < extra else 0)
            self.build_school(index, number, size)
            number += size

    def build_school(self, index: int, first_number: int, size: int) -> None:
        elementary = index % 2 == 0
        kind = "Elementary" if elementary else "Middle"
        school = self.b.school(f"Scale {kind} School {index + 1} (demo)")
        self.person("principal", RoleKind.SCHOOL_ADMIN, school)
        grades = ELEMENTARY_GRADES if elementary else MIDDLE_GRADES
        students = [
            self.b.student(
                school,
                f"SC{self.total}-{first_number + i + 1:06d}",
                grades[i % len(grades)],
                (self.rng.choice(content.STUDENT_FIRST_NAMES), self.rng.choice(content.STUDENT_LAST_NAMES)),
            )
            for i in range(size)
        ]
        goals = [self.rng.sample(content.GOALS, self.rng.randint(3, 6)) for _ in students]
        # The benchmark needs one caseload of exactly 40 and one of 10 (query counts must not grow).
        firsts = (40, 10) if index == 0 else ()
        case_managers = self.add_case_managers(school, students, caseload_sizes(size, firsts))
        team_roles = self.add_paras(school, students)
        self.add_providers(school, students, goals)
        self.add_sections(school, students)
        for student, picked, case_manager in zip(students, goals, case_managers, strict=True):
            self.b.snapshot(student, self.rng.choice(content.SNAPSHOTS), case_manager)
            self.b.iep(student, case_manager, picked, team_roles[student.pk])

    def add_case_managers(self, school: School, students: list[Student], sizes: list[int]) -> list[Staff]:
        managers: list[Staff] = []
        for size in sizes:
            case_manager = self.person("sped", RoleKind.SPED_TEACHER, school)
            for student in students[len(managers) : len(managers) + size]:
                self.b.assign(case_manager, student, TeamRole.CASE_MANAGER)
                managers.append(case_manager)
        return managers

    def add_paras(self, school: School, students: list[Student]) -> dict[uuid.UUID, list[str]]:
        roles: dict[uuid.UUID, list[str]] = {}
        one_to_one = students[::ONE_TO_ONE_SHARE]
        for student in one_to_one:
            self.b.assign(self.person("para", RoleKind.PARA, school), student, TeamRole.PARA_ONE_TO_ONE)
            roles[student.pk] = [TeamRole.PARA_ONE_TO_ONE]
        grouped = [s for s in students if s.pk not in roles]
        for start in range(0, len(grouped), STUDENTS_PER_GROUP_PARA):
            para = self.person("para", RoleKind.PARA, school)
            for student in grouped[start : start + STUDENTS_PER_GROUP_PARA]:
                self.b.assign(para, student, TeamRole.PARA_SMALL_GROUP)
                roles[student.pk] = [TeamRole.PARA_SMALL_GROUP]
        return roles

    def add_providers(
        self, school: School, students: list[Student], goals: list[list[content.GoalTemplate]]
    ) -> None:
        for discipline in (Discipline.SLP, Discipline.OT):
            served = [
                s
                for s, picked in zip(students, goals, strict=True)
                if any(g.discipline == discipline for g in picked)
            ]
            count = math.ceil(len(served) / STUDENTS_PER_PROVIDER)
            providers = [
                self.person(str(discipline), RoleKind.PROVIDER, school, discipline) for _ in range(count)
            ]
            for position, student in enumerate(served):
                self.b.assign(providers[position % count], student, TeamRole.PROVIDER)

    def add_sections(self, school: School, students: list[Student]) -> None:
        for start in range(0, len(students), STUDENTS_PER_SECTION):
            teacher = self.person("teacher", RoleKind.GEN_ED_TEACHER, school)
            section = self.b.section(school, f"Class {self.counters['teacher']:04d}", teacher)
            for student in students[start : start + STUDENTS_PER_SECTION]:
                self.b.enroll(section, student)


def caseload_with(district: District, size: int) -> str | None:
    """The email of a case manager in the district with exactly `size` current students."""
    row = (
        Assignment.objects.current(district_id=district.pk)
        .filter(team_role=TeamRole.CASE_MANAGER)
        .values("staff__email")
        .annotate(students=Count("student", distinct=True))
        .filter(students=size)
        .order_by("staff__email")
        .first()
    )
    return row["staff__email"] if row else None


def scale_result(
    district: District, created: bool, elapsed: float, counts: dict[str, int] | None = None
) -> BuildResult:
    caseload_40 = caseload_with(district, 40)
    caseload_10 = caseload_with(district, 10)
    domain = f"scale{district.students.count()}.demo"
    shown = [caseload_40, caseload_10, f"para0001@{domain}", f"principal0001@{domain}", f"district@{domain}"]
    accounts = sign_ins(district, [email for email in shown if email])
    return BuildResult(district, created, elapsed, accounts, caseload_40, caseload_10, counts or {})
