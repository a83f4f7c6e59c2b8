"""A student's complete education record, gathered as plain data.

This is what a district hands a parent who asks to inspect the record (FERPA 34 CFR 99.10, IDEA
300.613): identity, snapshot, every plan version with everything written in it, the team past and
present, class enrollments, and the full access history (99.32, 300.614). The HTML export renders it;
a PDF or JSON export can reuse it unchanged. Every value is already a readable string, in the reader's
language and the school's time zone.

Plan contents are listed field by field from the models, so a field added to a model later appears in
the export without anyone remembering to add it here. Queries stay bounded: one per kind of row,
whatever the number of plans, goals or audit entries.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from paradesk.access.record_data import decision_sections, recorded_sections
from paradesk.access.record_facts import EMPTY, Fact, Item, Section, facts_of, readable
from paradesk.access.record_history import AccessLine, access_history
from paradesk.people.models import Assignment, Enrollment, Student, today
from paradesk.plans.models import Measure, ParaDirection, Plan, Snapshot

__all__ = [
    "EMPTY",
    "AccessLine",
    "Fact",
    "Item",
    "PlanRecord",
    "Section",
    "StudentRecord",
    "gather_record",
]


@dataclass(frozen=True)
class PlanRecord:
    id: str
    title: str
    facts: list[Fact]
    sections: list[Section]


@dataclass(frozen=True)
class StudentRecord:
    student_id: str
    local_id: str
    display_name: str
    school: str
    time_zone: str
    generated_at: str
    identity: list[Fact]
    snapshot: list[Fact]
    plans: list[PlanRecord]
    assignments: list[Item]
    enrollments: list[Item]
    recorded: list[Section] = field(default_factory=list)
    decisions: list[Section] = field(default_factory=list)
    access_history: list[AccessLine] = field(default_factory=list)


def school_time_zone(student: Student) -> zoneinfo.ZoneInfo:
    """The student's school's time zone; a zone name the system does not know falls back to the
    site's, so an export never fails over a typo in a school's settings."""
    try:
        return student.school.zone
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def plan_queryset(student: Student) -> models.QuerySet[Plan]:
    """Every version of every plan, with everything in it, in a fixed number of queries."""
    return (
        Plan.objects.filter(district_id=student.district_id, student=student)
        .select_related("created_by", "previous")
        .prefetch_related(
            "reporting_periods",
            "goals",
            "target_behaviors",
            Prefetch("measures", queryset=Measure.objects.order_by("goal__order", "name")),
            "strategies",
            "abc_options",
            "accommodations",
            "services",
            Prefetch("directions", queryset=ParaDirection.objects.select_related("written_by")),
        )
        .order_by("kind", "created_at", "version")
    )


def plan_title(plan: Plan) -> str:
    return _("%(kind)s, version %(version)s") % {"kind": plan.get_kind_display(), "version": plan.version}


def plan_record(plan: Plan, tz: datetime.tzinfo) -> PlanRecord:
    goals = list(plan.goals.all())
    behaviors = list(plan.target_behaviors.all())
    measures = list(plan.measures.all())
    labels: dict[object, str] = {}
    for number, goal in enumerate(goals, start=1):
        labels[goal.pk] = _("Goal %(number)s: %(area)s") % {"number": number, "area": goal.area}
    labels.update((behavior.pk, behavior.name) for behavior in behaviors)
    labels.update((measure.pk, measure.name) for measure in measures)

    def section(key: str, title: str, rows: Iterable[models.Model], name: str = "") -> Section:
        items = [
            Item(
                str(row.pk),
                labels.get(row.pk) or getattr(row, name, "") or "",
                facts_of(row, tz, labels, keep_empty=False),
            )
            for row in rows
        ]
        return Section(key, title, items)

    return PlanRecord(
        id=str(plan.pk),
        title=plan_title(plan),
        facts=facts_of(plan, tz),
        sections=[
            section("reporting_periods", _("Reporting periods"), plan.reporting_periods.all(), "name"),
            section("goals", _("Goals"), goals),
            section("target_behaviors", _("Target behaviors"), behaviors),
            section("measures", _("Measures (how progress is measured)"), measures),
            section("strategies", _("Behavior strategies"), plan.strategies.all()),
            section("abc_options", _("ABC recording options"), plan.abc_options.all(), "label"),
            section("accommodations", _("Accommodations and modifications"), plan.accommodations.all()),
            section("services", _("Services"), plan.services.all(), "name"),
            section("directions", _("Directions for paraprofessionals"), plan.directions.all()),
        ],
    )


def assignment_item(assignment: Assignment, tz: datetime.tzinfo, day: datetime.date) -> Item:
    facts = facts_of(assignment, tz)
    facts.append(Fact("status", _("Status"), str(assignment.status_on(day).label)))
    return Item(str(assignment.pk), f"{assignment.staff} — {assignment.get_team_role_display()}", facts)


def enrollment_item(enrollment: Enrollment, tz: datetime.tzinfo) -> Item:
    section = enrollment.section
    facts = [
        Fact("class", _("Class"), section.name),
        Fact("teacher", _("Teacher"), str(section.teacher)),
        Fact("school", _("School"), section.school.name),
        Fact("active", _("Class is running"), readable(section.active, tz)),
    ]
    return Item(str(enrollment.pk), section.name, facts)


def plan_labels(plans: Iterable[Plan]) -> dict[object, str]:
    """How recorded data names what it was recorded against: the plan version, its measures,
    target behaviors, accommodations, services and reporting periods."""
    labels: dict[object, str] = {}
    for plan in plans:
        title = _("%(kind)s, version %(version)s") % {
            "kind": plan.get_kind_display(),
            "version": plan.version,
        }
        labels[plan.pk] = title
        named: list[tuple[object, str]] = [
            *((row.pk, row.name) for row in plan.measures.all()),
            *((row.pk, row.name) for row in plan.target_behaviors.all()),
            *((row.pk, row.wording) for row in plan.accommodations.all()),
            *((row.pk, row.name) for row in plan.services.all()),
            *((row.pk, row.name) for row in plan.reporting_periods.all()),
        ]
        labels.update((pk, f"{name} ({title})") for pk, name in named)
    return labels


def gather_record(student: Student) -> StudentRecord:
    """The student's complete record. The caller checks access (Action.EXPORT_RECORD) and audits."""
    tz = school_time_zone(student)
    in_district = {"district_id": student.district_id, "student": student}
    snapshot = Snapshot.objects.filter(**in_district).select_related("updated_by").first()
    assignments = Assignment.objects.filter(**in_district).select_related("staff").order_by("start_date")
    enrollments = Enrollment.objects.filter(**in_district).select_related(
        "section__teacher", "section__school"
    )
    plans = list(plan_queryset(student))
    labels = plan_labels(plans)
    recorded = recorded_sections(student, tz, labels)
    day = today()
    return StudentRecord(
        student_id=str(student.pk),
        local_id=student.local_id,
        display_name=student.display_name,
        school=student.school.name,
        time_zone=str(tz),
        generated_at=readable(timezone.now(), tz),
        identity=facts_of(student, tz, skip={"id", "district"}),
        snapshot=facts_of(snapshot, tz) if snapshot is not None else [],
        plans=[plan_record(plan, tz) for plan in plans],
        assignments=[assignment_item(assignment, tz, day) for assignment in assignments],
        enrollments=[enrollment_item(enrollment, tz) for enrollment in enrollments],
        recorded=recorded,
        decisions=decision_sections(student, tz, labels),
        access_history=access_history(student, tz),
    )
