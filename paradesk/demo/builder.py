"""Rows of an invented district, collected in memory and written in a few batched inserts.

paradesk/demo/districts.py decides the shape of each demo district; this module knows how to turn
people, students and plan content (paradesk/demo/content.py) into model rows, and writes 100,000+ of
them quickly (paradesk/bulk.py). Every staff member shares one password hash
(settings.DEMO_PASSWORD), hashed once, because Argon2 takes ~0.3 s per hash by design.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models
from django.utils import timezone

from paradesk.bulk import insert_rows
from paradesk.demo import content
from paradesk.people.models import (
    Assignment,
    ClassSection,
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
    AbcOption,
    Accommodation,
    BehaviorStrategy,
    Goal,
    Measure,
    MeasureStatus,
    ParaDirection,
    Plan,
    PlanKind,
    PlanStatus,
    ReportingPeriod,
    Service,
    Snapshot,
    TargetBehavior,
)

TIME_ZONE = "America/Chicago"

M = TypeVar("M", bound=models.Model)

# Foreign keys point up this list, so writing in this order never references an unwritten row.
WRITE_ORDER: list[type[models.Model]] = [
    District,
    School,
    Staff,
    Role,
    Student,
    Assignment,
    ClassSection,
    Enrollment,
    Plan,
    ReportingPeriod,
    Goal,
    TargetBehavior,
    Measure,
    BehaviorStrategy,
    AbcOption,
    Accommodation,
    Service,
    Snapshot,
    ParaDirection,
]


@dataclass(frozen=True)
class SchoolYear:
    """Dates of the school year in progress, so demo plans and assignments are current today."""

    start: datetime.date  # August 1: assignments start here, so they are in force all year
    quarters: tuple[tuple[str, datetime.date, datetime.date], ...]

    @classmethod
    def around(cls, day: datetime.date) -> SchoolYear:
        year = day.year if day.month >= 8 else day.year - 1
        quarters = (
            ("Quarter 1", datetime.date(year, 8, 17), datetime.date(year, 10, 16)),
            ("Quarter 2", datetime.date(year, 10, 19), datetime.date(year, 12, 18)),
            ("Quarter 3", datetime.date(year + 1, 1, 5), datetime.date(year + 1, 3, 12)),
            ("Quarter 4", datetime.date(year + 1, 3, 15), datetime.date(year + 1, 5, 28)),
        )
        return cls(start=datetime.date(year, 8, 1), quarters=quarters)


def grade_number(grade: str) -> int:
    return 0 if grade == "K" else int(grade)


class Builder:
    """Collects a district's rows in memory, then writes them in a few bulk inserts."""

    def __init__(self, district: District, seed: int) -> None:
        self.district = district
        self.district_id = district.pk
        self.rng = random.Random(seed)
        self.today = timezone.localdate()
        self.year = SchoolYear.around(self.today)
        self.password = make_password(settings.DEMO_PASSWORD)
        self.rows: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.add(district)

    def add(self, obj: M) -> M:
        self.rows[type(obj)].append(obj)
        return obj

    def write(self) -> dict[str, int]:
        for model in WRITE_ORDER:
            insert_rows(model, self.rows.get(model, []))
        return {model.__name__: len(self.rows.get(model, [])) for model in WRITE_ORDER}

    # People

    def school(self, name: str) -> School:
        return self.add(School(district_id=self.district_id, name=name, time_zone=TIME_ZONE))

    def staff(
        self, email: str, full_name: str, kind: RoleKind, school: School | None, discipline: str = ""
    ) -> Staff:
        person = self.add(
            Staff(email=email, full_name=full_name, district_id=self.district_id, password=self.password)
        )
        self.role(person, kind, school, discipline)
        return person

    def role(self, staff: Staff, kind: RoleKind, school: School | None, discipline: str = "") -> Role:
        return self.add(
            Role(
                district_id=self.district_id,
                staff_id=staff.pk,
                school_id=pk_of(school),
                kind=kind,
                discipline=discipline,
            )
        )

    def student(self, school: School, local_id: str, grade: str, name: tuple[str, str]) -> Student:
        age_on_sept_1 = 5 + grade_number(grade)
        born_after = datetime.date(self.year.start.year - age_on_sept_1 - 1, 9, 2)
        return self.add(
            Student(
                district_id=self.district_id,
                school_id=school.pk,
                local_id=local_id,
                first_name=name[0],
                last_name=name[1],
                grade=grade,
                birth_date=born_after + datetime.timedelta(days=self.rng.randint(0, 364)),
                home_language=self.rng.choices(["English", "Spanish", "Vietnamese"], [8, 3, 1])[0],
            )
        )

    def assign(self, staff: Staff, student: Student, team_role: TeamRole) -> Assignment:
        return self.add(
            Assignment(
                district_id=self.district_id,
                staff_id=staff.pk,
                student_id=student.pk,
                team_role=team_role,
                start_date=self.year.start,
            )
        )

    def section(self, school: School, name: str, teacher: Staff) -> ClassSection:
        return self.add(
            ClassSection(district_id=self.district_id, school_id=school.pk, name=name, teacher_id=teacher.pk)
        )

    def enroll(self, section: ClassSection, student: Student) -> Enrollment:
        return self.add(
            Enrollment(district_id=self.district_id, section_id=section.pk, student_id=student.pk)
        )

    # Plans

    def plan(self, student: Student, kind: str, author: Staff, start: datetime.date | None = None) -> Plan:
        """An active plan version; annual plans start on scattered anniversaries within the last year."""
        start = start or self.today - datetime.timedelta(days=self.rng.randint(20, 320))
        end = start + datetime.timedelta(days=364)
        return self.add(
            Plan(
                district_id=self.district_id,
                student_id=student.pk,
                kind=kind,
                status=PlanStatus.ACTIVE,
                start_date=start,
                end_date=end,
                review_date=end - datetime.timedelta(days=14),
                created_by_id=author.pk,
            )
        )

    def reporting_periods(self, plan: Plan) -> None:
        for name, start, end in self.year.quarters:
            self.add(
                ReportingPeriod(
                    district_id=self.district_id, plan_id=plan.pk, name=name, start_date=start, end_date=end
                )
            )

    def goal(
        self, plan: Plan, template: content.GoalTemplate, order: int, student: Student, author: Staff
    ) -> Measure:
        """A goal as written, its measure, and the para's directions for it."""
        target_date = plan.end_date - datetime.timedelta(days=21)
        words = {"first": student.preferred_name or student.first_name, "by": target_date.strftime("%B %Y")}
        goal = self.add(
            Goal(
                district_id=self.district_id,
                plan_id=plan.pk,
                area=template.area,
                text=template.text.format(**words),
                present_level=template.present_level.format(**words),
                discipline=template.discipline,
                order=order,
            )
        )
        measure = self.measure(plan, template.measure, target_date, goal=goal)
        direction = {key: value.format(**words) for key, value in template.direction.items()}
        self.add(
            ParaDirection(
                district_id=self.district_id,
                plan_id=plan.pk,
                goal_id=goal.pk,
                measure_id=measure.pk,
                written_by_id=author.pk,
                **direction,
            )
        )
        return measure

    def measure(
        self,
        plan: Plan,
        spec: dict[str, Any],
        target_date: datetime.date,
        goal: Goal | None = None,
        target_behavior: TargetBehavior | None = None,
    ) -> Measure:
        fields = {key: copy_value(value) for key, value in spec.items()}
        for key in ("baseline_value", "target_value", "mastery_threshold"):
            if key in fields:
                fields[key] = Decimal(str(fields[key]))
        status = self.rng.choices(
            [MeasureStatus.ACQUISITION, MeasureStatus.BASELINE, MeasureStatus.MAINTENANCE], [8, 1, 1]
        )[0]
        return self.add(
            Measure(
                district_id=self.district_id,
                plan_id=plan.pk,
                goal_id=pk_of(goal),
                target_behavior_id=pk_of(target_behavior),
                target_date=target_date,
                status=status,
                **fields,
            )
        )

    def accommodations(self, plan: Plan, texts: Iterable[content.AccommodationText]) -> None:
        for text in texts:
            self.add(
                Accommodation(
                    district_id=self.district_id,
                    plan_id=plan.pk,
                    wording=text.wording,
                    category=text.category,
                    applies_to=text.applies_to,
                    for_assessments=text.for_assessments,
                    log_delivery=text.log_delivery,
                )
            )

    def service(self, plan: Plan, text: content.ServiceText) -> Service:
        return self.add(
            Service(
                district_id=self.district_id,
                plan_id=plan.pk,
                kind=text.kind,
                name=text.name,
                provider_role=text.provider_role,
                discipline=text.discipline,
                minutes=text.minutes,
                frequency=text.frequency,
                period=text.period,
                setting=text.setting,
                start_date=plan.start_date,
                end_date=plan.end_date,
            )
        )

    def snapshot(self, student: Student, text: content.SnapshotText, author: Staff) -> Snapshot:
        return self.add(
            Snapshot(
                district_id=self.district_id,
                student_id=student.pk,
                strengths=text.strengths,
                interests=text.interests,
                triggers=text.triggers,
                calming_strategies=text.calming_strategies,
                communication_system=text.communication_system,
                things_to_avoid=text.things_to_avoid,
                medical_alerts=text.medical_alerts,
                updated_by_id=author.pk,
            )
        )

    def iep(
        self,
        student: Student,
        author: Staff,
        goals: Sequence[content.GoalTemplate],
        team_roles: Iterable[str],
    ) -> Plan:
        """An active IEP: goals with measures and directions, accommodations, services, quarters."""
        plan = self.plan(student, PlanKind.IEP, author)
        for order, template in enumerate(goals, start=1):
            self.goal(plan, template, order, student, author)
        self.accommodations(plan, self.rng.sample(content.ACCOMMODATIONS, self.rng.randint(4, 6)))
        self.service(plan, self.rng.choice(content.SPECIAL_EDUCATION_SERVICES))
        for role in team_roles:
            self.service(plan, content.ADULT_SUPPORT[role])
        for discipline in sorted({template.discipline for template in goals} - {""}):
            self.service(plan, content.RELATED_SERVICES[discipline])
        if self.rng.random() < 0.5:
            self.service(plan, content.CONSULTATION)
        self.reporting_periods(plan)
        return plan

    def behavior_plan(
        self, student: Student, author: Staff, behaviors: Sequence[content.BehaviorText], start: datetime.date
    ) -> Plan:
        """A BIP: defined target behaviors and their measures, strategies of each kind, crisis steps,
        and the coded choices of its ABC form."""
        plan = self.plan(student, PlanKind.BEHAVIOR, author, start=start)
        plan.crisis_steps = content.CRISIS_STEPS
        for text in behaviors:
            behavior = self.add(
                TargetBehavior(
                    district_id=self.district_id,
                    plan_id=plan.pk,
                    name=text.name,
                    operational_definition=text.operational_definition,
                    non_examples=text.non_examples,
                    hypothesized_function=text.hypothesized_function,
                )
            )
            spec = {"direction": "decrease", **text.measure}
            measure = self.measure(plan, spec, plan.end_date, target_behavior=behavior)
            self.add(
                ParaDirection(
                    district_id=self.district_id,
                    plan_id=plan.pk,
                    measure_id=measure.pk,
                    setup="Know the definition by heart: score only what it describes, not the non-examples.",
                    materials="Paradesk on the tablet or phone (works offline).",
                    what_to_say=(
                        "During the behavior, as few words as possible; follow the consequence strategies."
                    ),
                    prompting="Prompt the replacement skill early, when you see the first warning signs.",
                    error_correction=(
                        "If you missed recording, add it as soon as it is safe, with the real time."
                    ),
                    why=(
                        "The BCBA and team decide whether the plan works from these records, so record "
                        "every episode."
                    ),
                    written_by_id=author.pk,
                )
            )
        for kind, texts in content.STRATEGIES.items():
            for order, strategy in enumerate(self.rng.sample(texts, 2), start=1):
                self.add(
                    BehaviorStrategy(
                        district_id=self.district_id, plan_id=plan.pk, kind=kind, text=strategy, order=order
                    )
                )
        labels = {**content.ABC_OPTIONS, "behavior": [text.name for text in behaviors]}
        for category, options in labels.items():
            for label in options:
                self.add(
                    AbcOption(district_id=self.district_id, plan_id=plan.pk, category=category, label=label)
                )
        return plan


def pk_of(obj: models.Model | None) -> Any:
    return None if obj is None else obj.pk


def copy_value(value: Any) -> Any:
    """Lists and dicts from the content bank, copied so no two measures share one JSON value."""
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value
