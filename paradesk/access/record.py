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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from paradesk.access.models import AuditEntry
from paradesk.people.models import Assignment, Enrollment, Student, today
from paradesk.plans.models import Measure, ParaDirection, Plan, Snapshot

# Internal keys and links every row carries; the readable record says the same thing by where a row
# sits (its plan, its student). `carried_from` links a copy to the version it was amended from.
EMPTY = "—"
INTERNAL_FIELDS = frozenset({"id", "district", "plan", "student", "carried_from", "lineage", "order"})


@dataclass(frozen=True)
class Fact:
    name: str
    label: str
    value: str


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    facts: list[Fact]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: list[Item]


@dataclass(frozen=True)
class PlanRecord:
    id: str
    title: str
    facts: list[Fact]
    sections: list[Section]


@dataclass(frozen=True)
class AccessLine:
    at: str
    at_iso: str
    actor: str
    action: str
    object_type: str
    object_id: str
    changed_fields: str
    address: str
    channel: str


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
    access_history: list[AccessLine] = field(default_factory=list)


def school_time_zone(student: Student) -> zoneinfo.ZoneInfo:
    """The student's school's time zone; a zone name the system does not know falls back to the
    site's, so an export never fails over a typo in a school's settings."""
    try:
        return zoneinfo.ZoneInfo(student.school.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def readable(value: object, tz: datetime.tzinfo) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value, tz), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, Decimal):
        return formats.number_format(value.normalize() if value == value.to_integral() else value)
    if isinstance(value, list):
        return "; ".join(str(part) for part in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {part}" for key, part in value.items())
    return str(value)


def field_value(
    obj: models.Model, model_field: models.Field, tz: datetime.tzinfo, labels: Mapping[object, str]
) -> str:
    """One field of a row, readable: choices by their label, links by what they point to."""
    if model_field.is_relation:
        related_id = getattr(obj, model_field.attname)
        if related_id is None:
            return EMPTY
        if related_id in labels:
            return labels[related_id]
        # Only links the caller loaded with select_related reach here, so this costs no query.
        return str(getattr(obj, model_field.name))
    value = getattr(obj, model_field.attname)
    if model_field.choices and value not in (None, ""):
        return str(getattr(obj, f"get_{model_field.name}_display")())
    return readable(value, tz)


def facts_of(
    obj: models.Model,
    tz: datetime.tzinfo,
    labels: Mapping[object, str] | None = None,
    skip: Iterable[str] = INTERNAL_FIELDS,
    keep_empty: bool = True,
) -> list[Fact]:
    """Every field of a row but its internal keys, each with its label; `keep_empty=False` leaves
    out fields with nothing in them (a measure has many parameters, most for other methods)."""
    skipped = frozenset(skip)
    facts = [
        Fact(f.name, str(capfirst(f.verbose_name)), field_value(obj, f, tz, labels or {}))
        for f in obj._meta.concrete_fields
        if f.name not in skipped
    ]
    return facts if keep_empty else [fact for fact in facts if fact.value != EMPTY]


def plan_queryset(student: Student) -> models.QuerySet[Plan]:
    """Every version of every plan, with everything in it, in a fixed number of queries."""
    return (
        Plan.objects.filter(student=student)
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
        title=_("%(kind)s, version %(version)s") % {"kind": plan.get_kind_display(), "version": plan.version},
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


def access_line(entry: AuditEntry, tz: datetime.tzinfo) -> AccessLine:
    return AccessLine(
        at=readable(entry.at, tz),
        at_iso=timezone.localtime(entry.at, tz).isoformat(),
        actor=entry.actor.full_name if entry.actor is not None else _("No one signed in (system)"),
        action=entry.get_action_display(),
        object_type=entry.object_type,
        object_id=entry.object_id or EMPTY,
        changed_fields=", ".join(entry.changed_fields) or EMPTY,
        address=entry.address or EMPTY,
        channel=entry.via,
    )


def access_history(student: Student, tz: datetime.tzinfo) -> list[AccessLine]:
    """Every audit entry about the student, oldest first."""
    entries = AuditEntry.objects.for_student(student.id).select_related("actor").order_by("at", "id")
    return [access_line(entry, tz) for entry in entries]


def gather_record(student: Student) -> StudentRecord:
    """The student's complete record. The caller checks access (Action.EXPORT_RECORD) and audits."""
    tz = school_time_zone(student)
    snapshot = Snapshot.objects.filter(student=student).select_related("updated_by").first()
    assignments = Assignment.objects.filter(student=student).select_related("staff").order_by("start_date")
    enrollments = Enrollment.objects.filter(student=student).select_related(
        "section__teacher", "section__school"
    )
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
        plans=[plan_record(plan, tz) for plan in plan_queryset(student)],
        assignments=[assignment_item(assignment, tz, day) for assignment in assignments],
        enrollments=[enrollment_item(enrollment, tz) for enrollment in enrollments],
        access_history=access_history(student, tz),
    )
