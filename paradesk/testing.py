"""Factories and the personas (docs/conventions.md#personas), shared by all areas' tests and benchmarks."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

import factory
from django.conf import settings
from django.test import Client

from paradesk.people.models import (
    STAFF_ROLE_FOR_TEAM_ROLE,
    Assignment,
    ClassSection,
    Discipline,
    District,
    Enrollment,
    Role,
    RoleKind,
    School,
    Staff,
    Student,
    TeamRole,
)
from paradesk.plans.models import (
    DEFAULT_PROMPT_HIERARCHY,
    AbcOption,
    Accommodation,
    BehaviorStrategy,
    Goal,
    Measure,
    Method,
    ParaDirection,
    Plan,
    PlanKind,
    PlanStatus,
    ReportingPeriod,
    Service,
    Snapshot,
    TargetBehavior,
)
from paradesk.progress.models import AgreementCheck
from paradesk.recording.models import Observation, Session
from paradesk.schedules.models import (
    BellPeriod,
    BellSchedule,
    CalendarDay,
    DayType,
    DayTypeKind,
    ParaBlock,
    Qualification,
    StaffQualification,
    SupportNeed,
    SupportType,
)

PASSWORD = settings.DEMO_PASSWORD


def signed_in(staff: Staff, client: Client | None = None, *, through_sign_in: bool = False) -> Client:
    """A test client (a new one unless given) signed in as the staff member: every page test's
    first step, written once. `through_sign_in` signs in on the sign-in page with the personas'
    password, for tests of what a real sign-in sets (the session's clock marks, audit entries);
    otherwise the session is made directly, which is much faster."""
    client = client or Client()
    if not through_sign_in:
        client.force_login(staff)
        return client
    response = client.post("/accounts/login/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


class DistrictFactory(factory.django.DjangoModelFactory[District]):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"Test District {n}")
    # Tests sign people in with `Client.force_login`, which skips the second step of signing in, so
    # a test district asks nobody for it; tests of multi-factor sign-in (access/tests/test_mfa.py)
    # set the requirement themselves, and a district made any other way has the real default.
    mfa_role_kinds = factory.LazyFunction(list)


class SchoolFactory(factory.django.DjangoModelFactory[School]):
    class Meta:
        model = School

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Test School {n}")


class StaffFactory(factory.django.DjangoModelFactory[Staff]):
    class Meta:
        model = Staff
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Staff Member {n}")
    district = factory.SubFactory(DistrictFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj: Staff, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            obj.save()


class RoleFactory(factory.django.DjangoModelFactory[Role]):
    class Meta:
        model = Role

    staff = factory.SubFactory(StaffFactory)
    district = factory.SelfAttribute("staff.district")
    school = factory.SubFactory(SchoolFactory, district=factory.SelfAttribute("..district"))
    kind = RoleKind.PARA


class StudentFactory(factory.django.DjangoModelFactory[Student]):
    class Meta:
        model = Student

    school = factory.SubFactory(SchoolFactory)
    district = factory.SelfAttribute("school.district")
    local_id = factory.Sequence(lambda n: f"S{n:06d}")
    first_name = factory.Sequence(lambda n: f"Kidfirst{n}")
    last_name = factory.Sequence(lambda n: f"Kidlast{n}")
    grade = "3"
    birth_date = datetime.date(2017, 4, 12)


class AssignmentFactory(factory.django.DjangoModelFactory[Assignment]):
    class Meta:
        model = Assignment
        skip_postgeneration_save = True

    student = factory.SubFactory(StudentFactory)
    district = factory.SelfAttribute("student.district")
    staff = factory.SubFactory(StaffFactory, district=factory.SelfAttribute("..district"))
    team_role = TeamRole.PARA_ONE_TO_ONE
    start_date = datetime.date(2020, 8, 1)

    @factory.post_generation
    def matching_role(obj: Assignment, create: bool, extracted: bool | None, **kwargs: object) -> None:  # noqa: N805
        """The staff role the team role needs at the student's school, unless it is held already or
        the test asks for none (`matching_role=False`): a team role without it grants nothing."""
        if not create or extracted is False or obj.team_role not in STAFF_ROLE_FOR_TEAM_ROLE:
            return
        Role.objects.get_or_create(
            staff=obj.staff,
            school=obj.student.school,
            kind=STAFF_ROLE_FOR_TEAM_ROLE[TeamRole(obj.team_role)],
            defaults={
                "district": obj.district,
                "discipline": Discipline.OTHER if obj.team_role == TeamRole.PROVIDER else "",
            },
        )


class PlanFactory(factory.django.DjangoModelFactory[Plan]):
    class Meta:
        model = Plan

    student = factory.SubFactory(StudentFactory)
    district = factory.SelfAttribute("student.district")
    kind = PlanKind.IEP
    status = PlanStatus.ACTIVE
    start_date = datetime.date(2026, 9, 1)
    end_date = datetime.date(2027, 8, 31)
    review_date = datetime.date(2027, 8, 15)
    created_by = factory.SubFactory(StaffFactory, district=factory.SelfAttribute("..district"))


class GoalFactory(factory.django.DjangoModelFactory[Goal]):
    class Meta:
        model = Goal

    plan = factory.SubFactory(PlanFactory)
    district = factory.SelfAttribute("plan.district")
    area = "Reading"
    text = "Given a grade-level passage, the student will read 90 words correct per minute."
    present_level = "Reads 45 words correct per minute."


class MeasureFactory(factory.django.DjangoModelFactory[Measure]):
    class Meta:
        model = Measure

    goal = factory.SubFactory(GoalFactory)
    plan = factory.SelfAttribute("goal.plan")
    district = factory.SelfAttribute("plan.district")
    name = "Sight words read correctly"
    method = Method.TRIALS
    trials_per_session = 10
    prompt_hierarchy = factory.LazyFunction(lambda: list(DEFAULT_PROMPT_HIERARCHY))
    goal_support_level = "independent"


@dataclass
class Personas:
    """One student with a full team, and everyone around it who must not see too much."""

    district: District
    school: School
    other_school: School
    student: Student
    plan: Plan
    goal: Goal
    measure: Measure
    assigned_para: Staff
    unassigned_para: Staff
    case_manager: Staff
    gen_ed_teacher: Staff
    provider: Staff
    school_admin: Staff
    other_school_admin: Staff
    district_admin: Staff
    other_district_admin: Staff

    def all(self) -> dict[str, Staff]:
        return {
            "assigned_para": self.assigned_para,
            "unassigned_para": self.unassigned_para,
            "case_manager": self.case_manager,
            "gen_ed_teacher": self.gen_ed_teacher,
            "provider": self.provider,
            "school_admin": self.school_admin,
            "other_school_admin": self.other_school_admin,
            "district_admin": self.district_admin,
            "other_district_admin": self.other_district_admin,
        }


def staff_with_role(
    district: District, school: School | None, kind: RoleKind, name: str, **role: object
) -> Staff:
    slug = name.lower().replace(" ", ".")
    staff = StaffFactory.create(
        district=district, full_name=name, email=f"{slug}.{district.pk.hex[:6]}@example.test"
    )
    Role.objects.create(district=district, staff=staff, school=school, kind=kind, **role)
    return staff


def build_personas() -> Personas:
    district = DistrictFactory.create(name="Riverbend Unified (test)")
    school = SchoolFactory.create(district=district, name="Alder Elementary (test)")
    other_school = SchoolFactory.create(district=district, name="Birch Middle (test)")
    student = StudentFactory.create(school=school, first_name="Zebulon", last_name="Quillfeather")

    def member(kind: RoleKind, name: str, at: School | None = school, **role: object) -> Staff:
        return staff_with_role(district, at, kind, name, **role)

    assigned_para = member(RoleKind.PARA, "Maria Assigned")
    unassigned_para = member(RoleKind.PARA, "Jason Unassigned")
    case_manager = member(RoleKind.SPED_TEACHER, "Casey Manager")
    gen_ed_teacher = member(RoleKind.GEN_ED_TEACHER, "Gene Teacher")
    provider = member(RoleKind.PROVIDER, "Pat Provider", discipline=Discipline.SLP)
    school_admin = member(RoleKind.SCHOOL_ADMIN, "Sam Principal")
    other_school_admin = member(RoleKind.SCHOOL_ADMIN, "Olive Otherschool", at=other_school)
    district_admin = member(RoleKind.DISTRICT_ADMIN, "Dana District", at=None)
    elsewhere = DistrictFactory.create(name="Faraway District (test)")
    other_district_admin = staff_with_role(elsewhere, None, RoleKind.DISTRICT_ADMIN, "Otto Outsider")

    for staff, team_role in [
        (assigned_para, TeamRole.PARA_ONE_TO_ONE),
        (case_manager, TeamRole.CASE_MANAGER),
        (provider, TeamRole.PROVIDER),
    ]:
        AssignmentFactory.create(student=student, staff=staff, team_role=team_role)
    section = ClassSection.objects.create(
        district=district, school=school, name="Grade 3 Room 12", teacher=gen_ed_teacher
    )
    Enrollment.objects.create(district=district, section=section, student=student)

    plan = PlanFactory.create(student=student, created_by=case_manager)
    goal = GoalFactory.create(plan=plan)
    measure = MeasureFactory.create(goal=goal)
    fill_plan(plan, measure, case_manager)
    Snapshot.objects.create(
        district=district,
        student=student,
        strengths="Loves puzzles",
        triggers="Loud bells",
        calming_strategies="Quiet corner with headphones",
        communication_system="Core-word AAC board",
    )
    return Personas(
        district=district,
        school=school,
        other_school=other_school,
        student=student,
        plan=plan,
        goal=goal,
        measure=measure,
        assigned_para=assigned_para,
        unassigned_para=unassigned_para,
        case_manager=case_manager,
        gen_ed_teacher=gen_ed_teacher,
        provider=provider,
        school_admin=school_admin,
        other_school_admin=other_school_admin,
        district_admin=district_admin,
        other_district_admin=other_district_admin,
    )


def fill_plan(plan: Plan, measure: Measure, author: Staff) -> None:
    """One of everything a plan can hold, so every page and route has something to show."""
    district = plan.district
    Accommodation.objects.create(
        district=district, plan=plan, wording="Extended time (1.5x) on tests and quizzes", category="timing"
    )
    Service.objects.create(
        district=district,
        plan=plan,
        kind="special_education",
        name="Specialized reading instruction",
        provider_role="Special-education teacher",
        minutes=30,
        frequency=5,
        setting="Resource room",
        start_date=plan.start_date,
        end_date=plan.end_date,
    )
    behavior = TargetBehavior.objects.create(
        district=district,
        plan=plan,
        name="Elopement",
        operational_definition="Leaves the assigned area by more than 3 meters without permission.",
        hypothesized_function="escape",
    )
    BehaviorStrategy.objects.create(
        district=district, plan=plan, kind="antecedent", text="Preview transitions with a visual schedule."
    )
    AbcOption.objects.create(
        district=district, plan=plan, category="antecedent", label="Transition announced"
    )
    ReportingPeriod.objects.create(
        district=district,
        plan=plan,
        name="Quarter 1",
        start_date=plan.start_date,
        end_date=plan.start_date + datetime.timedelta(days=70),
    )
    ParaDirection.objects.create(
        district=district,
        plan=plan,
        goal=measure.goal,
        measure=measure,
        setup="Flash cards face down.",
        what_to_say="Read this word.",
        prompting="Wait 3 seconds, then model.",
        why="Builds automatic recognition.",
        written_by=author,
    )
    Measure.objects.create(
        district=district,
        plan=plan,
        target_behavior=behavior,
        name="Elopement count",
        method=Method.COUNT,
        direction="decrease",
    )


# Schedules (paradesk/schedules) ---------------------------------------------------------------------

SCHOOL_YEAR = (datetime.date(2026, 8, 17), datetime.date(2027, 6, 4))


def bell_schedule_for(school: School) -> BellSchedule:
    """The school's bell schedule (made once): a regular day of six 50-minute periods from 8:00 on
    the hour (Period 1 8:00-8:50 ... Period 6 13:00-13:50, the default day type), and an early
    release day of four 30-minute periods (8:00, 8:40, 9:20, 10:00) with no Period 5 or 6."""
    existing = BellSchedule.objects.filter(school=school).first()
    if existing is not None:
        return existing
    district = school.district
    schedule = BellSchedule.objects.create(
        district=district, school=school, first_day=SCHOOL_YEAR[0], last_day=SCHOOL_YEAR[1]
    )
    regular = DayType.objects.create(district=district, bell_schedule=schedule, name="Regular day", order=0)
    early = DayType.objects.create(
        district=district,
        bell_schedule=schedule,
        name="Early release",
        kind=DayTypeKind.EARLY_RELEASE,
        order=1,
    )
    for number in range(6):
        BellPeriod.objects.create(
            district=district,
            day_type=regular,
            name=f"Period {number + 1}",
            start=datetime.time(8 + number, 0),
            end=datetime.time(8 + number, 50),
            order=number,
        )
    for number in range(4):
        start = datetime.datetime(2000, 1, 1, 8, 0) + datetime.timedelta(minutes=40 * number)
        BellPeriod.objects.create(
            district=district,
            day_type=early,
            name=f"Period {number + 1}",
            start=start.time(),
            end=(start + datetime.timedelta(minutes=30)).time(),
            order=number,
        )
    schedule.default_day_type = regular
    schedule.save(update_fields=["default_day_type"])
    return schedule


def calendar_day(school: School, day: datetime.date, *, closed: str = "", day_type: str = "") -> CalendarDay:
    """A calendar entry: closed for a reason, or a day of the named day type."""
    schedule = bell_schedule_for(school)
    kind = DayType.objects.get(bell_schedule=schedule, name=day_type) if day_type else None
    return CalendarDay.objects.create(
        district=school.district,
        bell_schedule=schedule,
        date=day,
        day_type=kind,
        closed=kind is None,
        closure_reason=closed if kind is None else "",
    )


def period_of(school: School, name: str, day_type: str = "Regular day") -> BellPeriod:
    return BellPeriod.objects.get(day_type__bell_schedule__school=school, day_type__name=day_type, name=name)


class ParaBlockFactory(factory.django.DjangoModelFactory[ParaBlock]):
    """A block of a para's week; pass `students=[...]` to name students."""

    class Meta:
        model = ParaBlock
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    district = factory.SelfAttribute("school.district")
    para = factory.SubFactory(StaffFactory, district=factory.SelfAttribute("..district"))
    weekday = 0
    start_time = datetime.time(9, 0)
    end_time = datetime.time(9, 45)
    support_type = SupportType.SMALL_GROUP
    room = "Room 12"

    @factory.post_generation
    def students(obj: ParaBlock, create: bool, extracted: list[Student] | None, **kwargs: object) -> None:  # noqa: N805
        if create and extracted:
            obj.students.set(extracted, through_defaults={"district_id": obj.district_id})


class QualificationFactory(factory.django.DjangoModelFactory[Qualification]):
    class Meta:
        model = Qualification

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Qualification {n}")


def holds(
    staff: Staff, qualification: Qualification, expires_on: datetime.date | None = None
) -> StaffQualification:
    return StaffQualification.objects.create(
        district=qualification.district, staff=staff, qualification=qualification, expires_on=expires_on
    )


def needs(student: Student, qualification: Qualification, applies_to: str = "") -> SupportNeed:
    return SupportNeed.objects.create(
        district=student.district, student=student, qualification=qualification, applies_to=applies_to
    )


def persona_block(personas: Personas) -> ParaBlock:
    """The assigned para's Monday Period 2 block: 1:1 with the persona student, directed by the
    general-education teacher in Room 12 (made once)."""
    found = ParaBlock.objects.filter(para=personas.assigned_para, school=personas.school).first()
    if found is not None:
        return found
    bell_schedule_for(personas.school)
    return ParaBlockFactory.create(
        school=personas.school,
        para=personas.assigned_para,
        period=period_of(personas.school, "Period 2"),
        start_time=None,
        end_time=None,
        support_type=SupportType.ONE_TO_ONE,
        teacher=personas.gen_ed_teacher,
        students=[personas.student],
    )


# Progress decisions (paradesk/progress/actions.py) ---------------------------------------------------


def observe(
    measure: Measure,
    by: Staff,
    at: datetime.datetime,
    facts: dict[str, object],
    value: float | None,
    *,
    minutes: float = 10,
    agreement_of: Session | None = None,
) -> Observation:
    """An observation of the measure recorded by `by` at `at` (UTC), in a session of its own, as the
    sync API stores it (the value given, not recomputed)."""
    student = measure.plan.student
    common = {
        "district_id": measure.district_id,
        "student_id": student.pk,
        "recorded_by": by,
        "device": "test-tablet",
        "recorded_at": at,
        "received_at": at + datetime.timedelta(minutes=1),
        "clock_skew_seconds": 0,
    }
    end = at + datetime.timedelta(minutes=minutes)
    session = Session.objects.create(
        id=uuid.uuid4(),
        started_at=at,
        ended_at=end,
        setting="Resource room",
        agreement_of=agreement_of,
        **common,
    )
    return Observation.objects.create(
        id=uuid.uuid4(),
        session=session,
        plan=measure.plan,
        measure=measure,
        started_at=at,
        ended_at=end,
        facts=facts,
        value=value,
        **common,
    )


def paired_check(
    personas: Personas,
    primary: Observation,
    secondary: Observation,
    percent: float,
    measure: Measure | None = None,
) -> AgreementCheck:
    """A trial-by-trial agreement check of the primary observer's observation with a second
    observer's, paired by the case manager at the percent given (not recomputed)."""
    return AgreementCheck.objects.create(
        district=personas.district,
        measure=measure or personas.measure,
        primary=primary,
        secondary=secondary,
        kind="trial_by_trial",
        percent=percent,
        paired_by=personas.case_manager,
    )
