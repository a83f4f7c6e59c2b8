"""Exactly-once ingest of what devices recorded (docs/architecture.md#nothing-lost): the sync API's work.

A batch holds up to 500 records of any kind, each with an id made by the device. Each record is
answered on its own: accepted (stored now), duplicate (already stored with that id, by the caller:
nothing changes) or rejected (with a reason and field errors; the device keeps it and shows why). One
bad record never stops the others. Checks are those of the pages: the caller records only for
students they work with (`Action.RECORD_DATA`), only under plan versions in force when the record was
made, and corrects only their own records on the same school day (docs/architecture.md#scope-of-practice).

The batch costs a fixed number of queries whatever its size: everything it names is read in bulk
first, then each record is checked in memory, then each kind is inserted with one statement.
"""

from __future__ import annotations

import datetime
import math
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Annotated, Any, Literal

from django.db import IntegrityError, connection, models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from paradesk.access import audit
from paradesk.access.models import AuditAction, AuditEntry
from paradesk.access.policy import TEAM_ROLE_STANDING, Action, allowed, visible_students
from paradesk.api import Text, storable
from paradesk.bulk import insert_rows, value_getter
from paradesk.people.models import Assignment, Staff, Student, TeamRole
from paradesk.plans import units
from paradesk.plans.models import (
    AbcCategory,
    AbcOption,
    Accommodation,
    Measure,
    MeasureStatus,
    Plan,
    PlanKind,
    PlanStatus,
    Service,
    TargetBehavior,
)
from paradesk.recording import methods
from paradesk.recording.messages import problem_message, spec_of
from paradesk.recording.models import (
    RECORD_MODELS,
    AbcIncident,
    AccommodationDelivery,
    CareKind,
    CareLogEntry,
    CaseManagerNote,
    DeliveryStatus,
    MissedReason,
    Observation,
    Record,
    ServiceLog,
    ServiceStatus,
    Session,
)

RECORD_LIMIT = 500
# A device clock may drift; a record more than this far after the device's own "now" was not made
# yet, and a clock this far off the server's is worth a look (the times are kept as sent).
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
SKEW_FLAG_SECONDS = 5 * 60
INT_MAX = 2**31 - 1
# A device keeps a record only until the server has it: anything older than a school year was not
# recorded by a device that has been waiting, but typed or clocked wrong (a session dated 1900).
OLDEST = datetime.timedelta(days=400)
# A session or observation is one stretch of a school day.
LONGEST_SPAN = datetime.timedelta(seconds=units.SCHOOL_DAY_SECONDS)


# What a device sends, one model per kind ---------------------------------------------------------


class RecordIn(BaseModel):
    """What every record carries. Unknown keys are refused, so a misspelt field is never lost."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID = Field(description="Made by the device; sending the same id again stores nothing.")
    recorded_at: AwareDatetime = Field(description="When it was recorded, by the device's clock.")
    corrects: uuid.UUID | None = Field(
        None, description="The id of the caller's own record (same kind, same school day) this corrects."
    )
    correction_reason: Text = ""
    staff_id: uuid.UUID | None = Field(None, description="Who recorded it, if the device says; the caller.")


def Choice(choices: type[models.TextChoices], *extra: str) -> Any:  # noqa: N802 - reads as a type
    return Literal.__getitem__(tuple(choices.values) + extra)


class SessionIn(RecordIn):
    kind: Literal["session"]
    student_id: uuid.UUID
    started_at: AwareDatetime
    ended_at: AwareDatetime
    setting: Text = Field("", max_length=100)
    agreement_of: uuid.UUID | None = Field(None, description="A second observer's session of the same time.")


class ObservationIn(RecordIn):
    kind: Literal["observation"]
    session_id: uuid.UUID = Field(description="The caller's session, sent earlier or earlier in this batch.")
    measure_id: uuid.UUID
    student_id: uuid.UUID | None = Field(None, description="Optional; must be the session's student.")
    started_at: AwareDatetime
    ended_at: AwareDatetime
    facts: dict[str, Any] = Field(description="The method's raw facts (docs/api.md, Sync).")


class AbcIncidentIn(RecordIn):
    kind: Literal["abc_incident"]
    student_id: uuid.UUID
    occurred_at: AwareDatetime
    setting: Text = Field("", max_length=100)
    target_behavior_id: uuid.UUID | None = None
    measure_id: uuid.UUID | None = None
    antecedent_codes: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    behavior_codes: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    consequence_codes: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    antecedent_text: Text = ""
    behavior_text: Text = ""
    consequence_text: Text = ""
    intensity: int | None = Field(None, ge=1, le=5)
    duration_seconds: int | None = Field(None, ge=0, le=INT_MAX)


class AccommodationDeliveryIn(RecordIn):
    kind: Literal["accommodation_delivery"]
    accommodation_id: uuid.UUID
    student_id: uuid.UUID | None = Field(None, description="Optional; must be the accommodation's student.")
    date: datetime.date
    class_name: Text = Field("", max_length=200)
    status: Choice(DeliveryStatus)  # type: ignore[valid-type]
    note: Text = ""


class ServiceLogIn(RecordIn):
    kind: Literal["service_log"]
    service_id: uuid.UUID
    student_id: uuid.UUID | None = Field(None, description="Optional; must be the service's student.")
    date: datetime.date
    minutes: int = Field(ge=0, le=24 * 60)
    status: Choice(ServiceStatus)  # type: ignore[valid-type]
    missed_reason: Choice(MissedReason, "") = Field("", description="Required when missed.")  # type: ignore[valid-type]
    note: Text = ""


class CareLogIn(RecordIn):
    kind: Literal["care_log"]
    student_id: uuid.UUID
    occurred_at: AwareDatetime
    care_kind: Choice(CareKind)  # type: ignore[valid-type]
    note: Text = ""


class NoteIn(RecordIn):
    kind: Literal["note"]
    student_id: uuid.UUID
    text: Text = Field(min_length=1)


AnyRecordIn = Annotated[
    SessionIn | ObservationIn | AbcIncidentIn | AccommodationDeliveryIn | ServiceLogIn | CareLogIn | NoteIn,
    Field(discriminator="kind"),
]
RECORD_ADAPTER: TypeAdapter[Any] = TypeAdapter(AnyRecordIn)
TIME_FIELDS = ("recorded_at", "started_at", "ended_at", "occurred_at")


# What the batch answers --------------------------------------------------------------------------


@dataclass
class RecordResult:
    id: uuid.UUID | None
    kind: str
    status: Literal["accepted", "duplicate", "rejected"]
    reason: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "reason": self.reason,
            "errors": self.errors,
        }


@dataclass
class BatchResult:
    received_at: datetime.datetime
    clock_skew_seconds: int
    clock_skew_flagged: bool
    results: list[RecordResult]

    def as_dict(self) -> dict[str, Any]:
        return {
            "received_at": self.received_at,
            "clock_skew_seconds": self.clock_skew_seconds,
            "clock_skew_flagged": self.clock_skew_flagged,
            "results": [result.as_dict() for result in self.results],
        }


class Refused(Exception):
    """Why one record is rejected; raised by the checks, answered for that record alone."""

    def __init__(self, reason: str, errors: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.errors = dict(errors or {})


def not_found(name: str) -> Refused:
    # Never says whether the id exists elsewhere: unknown and not the caller's look alike.
    return Refused(
        _("Not found: it does not exist or is not yours to record for."), {name: [_("Not found.")]}
    )


def fields_refused(errors: Mapping[str, list[str]]) -> Refused:
    return Refused(_("Some fields need attention."), errors)


# What the batch reads before checking anything -----------------------------------------------------


@dataclass
class Stored:
    """A record already stored (or accepted earlier in this batch), as far as the checks need it."""

    id: uuid.UUID
    recorded_by_id: uuid.UUID
    student_id: uuid.UUID
    recorded_at: datetime.datetime
    current: bool
    voided: bool
    instance: Record | None = None  # accepted earlier in this batch, not yet inserted


@dataclass
class Batch:
    """Everything one batch names, read in bulk, and what it has accepted so far."""

    actor: Staff
    device: str
    received_at: datetime.datetime
    skew: int
    limit: datetime.datetime  # no time in a record may be later
    stored: dict[str, dict[uuid.UUID, Stored]] = field(default_factory=dict)
    sessions: dict[uuid.UUID, Stored] = field(default_factory=dict)  # what observations may name
    students: dict[uuid.UUID, Student] = field(default_factory=dict)
    permitted: set[uuid.UUID] = field(default_factory=set)
    visible: set[uuid.UUID] = field(default_factory=set)
    measures: dict[uuid.UUID, Measure] = field(default_factory=dict)
    accommodations: dict[uuid.UUID, Accommodation] = field(default_factory=dict)
    services: dict[uuid.UUID, Service] = field(default_factory=dict)
    behaviors: dict[uuid.UUID, TargetBehavior] = field(default_factory=dict)
    options: dict[uuid.UUID, AbcOption] = field(default_factory=dict)
    care_plans: dict[uuid.UUID, list[Plan]] = field(default_factory=dict)
    accepted: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))
    superseded: dict[str, list[uuid.UUID]] = field(default_factory=lambda: defaultdict(list))
    audit: list[dict[str, Any]] = field(default_factory=list)
    specs: dict[uuid.UUID, methods.MeasureSpec] = field(default_factory=dict)

    def spec(self, measure: Measure) -> methods.MeasureSpec:
        if measure.id not in self.specs:
            self.specs[measure.id] = spec_of(measure)
        return self.specs[measure.id]


def loose_key(item: object) -> tuple[str, uuid.UUID | None]:
    """A record's kind and id as far as they can be read, for the answer and the duplicate check."""
    if not isinstance(item, dict):
        return "", None
    kind = item.get("kind")
    kind = kind if isinstance(kind, str) and kind in RECORD_MODELS else ""
    try:
        return kind, uuid.UUID(str(item.get("id")))
    except ValueError:
        return kind, None


def parse(item: object) -> RecordIn | Refused:
    if not isinstance(item, dict):
        return Refused(_("A record must be a JSON object."), {"__all__": [_("Not a JSON object.")]})
    try:
        parsed: RecordIn = RECORD_ADAPTER.validate_python(item)
    except PydanticValidationError as exc:
        return fields_refused(pydantic_errors(exc))
    return parsed


def pydantic_errors(exc: PydanticValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = defaultdict(list)
    for error in exc.errors(include_url=False):
        location = [str(part) for part in error["loc"]]
        if error["type"].startswith("union_tag"):
            location = ["kind"]
        elif location and location[0] in RECORD_MODELS:  # the union's tag leads every location
            location = location[1:]
        errors[".".join(location) or "__all__"].append(str(error["msg"]))
    return dict(errors)


def ids_of(records: Iterable[RecordIn], *names: str) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for record in records:
        for name in names:
            value = getattr(record, name, None)
            if isinstance(value, list):
                found.update(value)
            elif value is not None:
                found.add(value)
    return found


def stored_records(kind: str, ids: set[uuid.UUID]) -> dict[uuid.UUID, Stored]:
    """Rows of one kind with these ids: the batch's duplicates and the records it corrects."""
    if not ids:
        return {}
    rows = RECORD_MODELS[kind]._default_manager.filter(id__in=ids)
    columns = ("id", "recorded_by_id", "student_id", "recorded_at", "superseded_at", "voided_at")
    return {
        row[0]: Stored(
            row[0],
            row[1],
            row[2],
            row[3],
            current=row[4] is None and row[5] is None,
            voided=row[5] is not None,
        )
        for row in rows.values_list(*columns)
    }


def by_id[M: models.Model](model: type[M], ids: set[uuid.UUID], actor: Staff) -> dict[uuid.UUID, M]:
    """Plan items of the caller's district with their plan; other districts' ids are simply absent."""
    if not ids:
        return {}
    items = model._default_manager.filter(id__in=ids, district_id=actor.district_id).select_related("plan")
    return {item.pk: item for item in items}


def recording_standings(actor: Staff, student_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """Students the caller may record for, by the policy's table, in one query. RECORD_DATA is given
    only by team assignments (para, case manager, provider), so only those are read."""
    if not student_ids:
        return set()
    roles: dict[uuid.UUID, set[Any]] = defaultdict(set)
    # The students were read from the caller's own district (read_students).
    current = Assignment.objects.current().filter(staff=actor, student_id__in=student_ids)
    for student_id, team_role in current.values_list("student_id", "team_role"):
        roles[student_id].add(TEAM_ROLE_STANDING[TeamRole(team_role)])
    return {sid for sid, found in roles.items() if allowed(frozenset(found), Action.RECORD_DATA)}


def care_plans_of(student_ids: set[uuid.UUID]) -> dict[uuid.UUID, list[Plan]]:
    if not student_ids:
        return {}
    found: dict[uuid.UUID, list[Plan]] = defaultdict(list)
    plans = Plan.objects.filter(student_id__in=student_ids, kind=PlanKind.CARE).exclude(
        status=PlanStatus.DRAFT
    )
    for plan in plans.order_by("-version"):
        found[plan.student_id].append(plan)
    return found


def read_batch(
    actor: Staff, parsed: list[RecordIn], loose: list[tuple[str, uuid.UUID | None]], batch: Batch
) -> None:
    """Fill the batch with everything its records name, a fixed number of queries in all."""
    by_kind: dict[str, list[RecordIn]] = defaultdict(list)
    for record in parsed:
        by_kind[getattr(record, "kind")].append(record)  # noqa: B009 - every kind's model has it
    # Every id is looked for in every kind: an id names one record of one kind, so a note may not
    # take the id of a session (a void or correction of one would reach the other).
    sent = {rid for _kind, rid in loose if rid is not None}
    for kind in RECORD_MODELS:
        ids = sent | ids_of(by_kind[kind], "corrects")
        if kind == "session":
            ids |= ids_of(by_kind["observation"], "session_id") | ids_of(by_kind["session"], "agreement_of")
        batch.stored[kind] = stored_records(kind, ids)
    batch.sessions = dict(batch.stored["session"])
    batch.measures = by_id(Measure, ids_of(parsed, "measure_id"), actor)
    batch.accommodations = by_id(Accommodation, ids_of(parsed, "accommodation_id"), actor)
    batch.services = by_id(Service, ids_of(parsed, "service_id"), actor)
    batch.behaviors = by_id(TargetBehavior, ids_of(parsed, "target_behavior_id"), actor)
    codes = ids_of(by_kind["abc_incident"], "antecedent_codes", "behavior_codes", "consequence_codes")
    batch.options = by_id(AbcOption, codes, actor)
    read_students(actor, parsed, batch)
    batch.care_plans = care_plans_of(ids_of(by_kind["care_log"], "student_id") & batch.permitted)


def read_students(actor: Staff, parsed: list[RecordIn], batch: Batch) -> None:
    student_ids = ids_of(parsed, "student_id") | {s.student_id for s in batch.sessions.values()}
    for items in (batch.measures, batch.accommodations, batch.services, batch.behaviors, batch.options):
        student_ids |= {item.plan.student_id for item in items.values()}
    if actor.district_id is None:
        return  # no district, no students: every record is "not found"
    students = Student.objects.filter(id__in=student_ids, district_id=actor.district_id).select_related(
        "school"
    )
    batch.students = {student.id: student for student in students} if student_ids else {}
    batch.permitted = recording_standings(actor, set(batch.students))
    rest = set(batch.students) - batch.permitted
    batch.visible = (
        set(visible_students(actor).filter(id__in=rest).values_list("id", flat=True)) if rest else set()
    )


# Checks shared by every kind ---------------------------------------------------------------------------


def school_day(student: Student, moment: datetime.datetime) -> datetime.date:
    return student.school.local_date(moment)


def student_for(batch: Batch, student_id: uuid.UUID, name: str) -> Student:
    """The student, if the caller may record for them; others are "not found" unless visible."""
    student = batch.students.get(student_id)
    if student is None or student_id not in batch.permitted:
        if student_id in batch.visible:
            raise Refused(_("You may see this student's records but not record data for them."))
        raise not_found(name)
    return student


def same_student(record: RecordIn, student: Student) -> None:
    claimed = getattr(record, "student_id", None)
    if claimed is not None and claimed != student.id:
        raise not_found("student_id")


def in_force(plan: Plan, record: RecordIn, name: str, errors: dict[str, list[str]]) -> None:
    if not plan.was_in_force_at(record.recorded_at):
        errors.setdefault(name, []).append(_("This plan version was not in force when this was recorded."))


def plan_item[I: models.Model](
    items: Mapping[uuid.UUID, I], item_id: uuid.UUID, batch: Batch, name: str
) -> tuple[I, Student]:
    item = items.get(item_id)
    if item is None:
        raise not_found(name)
    return item, student_for(batch, item.plan.student_id, name)  # type: ignore[attr-defined]


def check_times(record: RecordIn, student: Student, batch: Batch, errors: dict[str, list[str]]) -> None:
    """Nothing recorded later than the device's own clock allows (plus a little drift)."""
    oldest = batch.received_at - OLDEST
    for name in TIME_FIELDS:
        moment = getattr(record, name, None)
        if moment is not None and moment > batch.limit:
            errors.setdefault(name, []).append(_("This time is in the future."))
        elif moment is not None and moment < oldest:
            errors.setdefault(name, []).append(too_old())
    day = getattr(record, "date", None)
    if isinstance(day, datetime.date) and day > school_day(student, batch.limit):
        errors.setdefault("date", []).append(_("This date is in the future."))
    elif isinstance(day, datetime.date) and day < school_day(student, oldest):
        errors.setdefault("date", []).append(too_old())


def too_old() -> str:
    return _(
        "This is more than %(days)s days ago: check the device's date. Older records are entered by a "
        "teacher, not synced."
    ) % {"days": OLDEST.days}


def json_storable(value: object) -> bool:
    """PostgreSQL's jsonb refuses NUL, unpaired surrogates and NaN: refuse them here, not on insert."""
    if isinstance(value, str):
        try:
            storable(value)
        except ValueError:
            return False
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(json_storable(key) and json_storable(item) for key, item in value.items())
    if isinstance(value, list):
        return all(json_storable(item) for item in value)
    return True


def check_span(started: datetime.datetime, ended: datetime.datetime, errors: dict[str, list[str]]) -> None:
    if ended < started:
        errors.setdefault("ended_at", []).append(_("The end is before the start."))
    elif ended - started > LONGEST_SPAN:
        errors.setdefault("ended_at", []).append(
            _("This lasts longer than a school day (%(hours)s hours): check the start and end.")
            % {"hours": LONGEST_SPAN.seconds // 3600}
        )


def check_correction(
    kind: str, record: RecordIn, student: Student, batch: Batch, errors: dict[str, list[str]]
) -> Stored | None:
    """A correction names the caller's own current record of the same kind and student, made on
    the same school day, and says why (docs/architecture.md#scope-of-practice; later, a teacher voids it)."""
    if record.corrects is None:
        if record.correction_reason.strip():
            errors.setdefault("correction_reason", []).append(_("A reason is given only with a correction."))
        return None
    target = batch.stored[kind].get(record.corrects)
    if target is None or target.recorded_by_id != batch.actor.id or target.student_id != student.id:
        raise Refused(
            _("There is no record of yours with this id to correct."), {"corrects": [_("Not found.")]}
        )
    if not target.current:
        errors.setdefault("corrects", []).append(
            _("This record was already corrected or voided: correct its latest version.")
        )
    elif school_day(student, target.recorded_at) != school_day(student, record.recorded_at):
        errors.setdefault("corrects", []).append(
            _("A record can be corrected only on the school day it was recorded. Ask a teacher to void it.")
        )
    if not record.correction_reason.strip():
        errors.setdefault("correction_reason", []).append(_("Say why the record is corrected."))
    return target


def measure_for(
    batch: Batch, measure_id: uuid.UUID, student: Student, record: RecordIn, errors: dict[str, list[str]]
) -> Measure:
    measure = batch.measures.get(measure_id)
    if measure is None or measure.plan.student_id != student.id:
        raise not_found("measure_id")
    if measure.status == MeasureStatus.DISCONTINUED:
        errors.setdefault("measure_id", []).append(_("This measure is discontinued."))
    in_force(measure.plan, record, "measure_id", errors)
    return measure


# One builder per kind: the checks of that kind, then the unsaved row ---------------------------------


def common(record: RecordIn, student: Student, batch: Batch) -> dict[str, Any]:
    return {
        "id": record.id,
        "district_id": student.district_id,
        "student_id": student.id,
        "recorded_by_id": batch.actor.id,
        "device": batch.device,
        "recorded_at": record.recorded_at,
        "received_at": batch.received_at,
        "clock_skew_seconds": batch.skew,
        "corrects_id": record.corrects,
        "correction_reason": record.correction_reason.strip(),
    }


def build_session(record: SessionIn, batch: Batch, errors: dict[str, list[str]]) -> tuple[Record, Student]:
    student = student_for(batch, record.student_id, "student_id")
    check_span(record.started_at, record.ended_at, errors)
    if record.agreement_of is not None:
        other = batch.sessions.get(record.agreement_of)
        if other is None or other.student_id != student.id or other.voided:
            errors.setdefault("agreement_of", []).append(_("Not found."))
    values = {"started_at": record.started_at, "ended_at": record.ended_at, "setting": record.setting}
    return Session(**common(record, student, batch), agreement_of_id=record.agreement_of, **values), student


def build_observation(
    record: ObservationIn, batch: Batch, errors: dict[str, list[str]]
) -> tuple[Record, Student]:
    session = batch.sessions.get(record.session_id)
    if session is None or session.recorded_by_id != batch.actor.id or session.voided:
        raise not_found("session_id")
    student = student_for(batch, session.student_id, "session_id")
    same_student(record, student)
    measure = measure_for(batch, record.measure_id, student, record, errors)
    check_span(record.started_at, record.ended_at, errors)
    if not json_storable(record.facts):
        errors.setdefault("facts", []).append(_("The facts hold a value that cannot be stored."))
    value = None
    if not errors:
        spec = batch.spec(measure)
        observed = (record.ended_at - record.started_at).total_seconds()
        for problem in methods.check(spec, record.facts, observed):
            errors.setdefault(problem.field, []).append(problem_message(problem))
        if not errors:
            value = methods.session_value(spec, record.facts, observed).value
    values = {
        "started_at": record.started_at,
        "ended_at": record.ended_at,
        "facts": record.facts,
        "value": value,
    }
    row = Observation(
        **common(record, student, batch),
        session_id=session.id,
        plan_id=measure.plan_id,
        measure_id=measure.id,
        **values,
    )
    return row, student


ABC_CATEGORIES = {
    "antecedent_codes": AbcCategory.ANTECEDENT,
    "behavior_codes": AbcCategory.BEHAVIOR,
    "consequence_codes": AbcCategory.CONSEQUENCE,
}


def abc_plan(
    record: AbcIncidentIn, student: Student, batch: Batch, errors: dict[str, list[str]]
) -> Plan | None:
    """The behavior plan the incident is recorded under: its measure's, behavior's or codes'."""
    plans: list[Plan] = []
    if record.measure_id is not None:
        plans.append(measure_for(batch, record.measure_id, student, record, errors).plan)
    if record.target_behavior_id is not None:
        behavior = batch.behaviors.get(record.target_behavior_id)
        if behavior is None or behavior.plan.student_id != student.id:
            raise not_found("target_behavior_id")
        in_force(behavior.plan, record, "target_behavior_id", errors)
        plans.append(behavior.plan)
    for name, category in ABC_CATEGORIES.items():
        for code in getattr(record, name):
            option = batch.options.get(code)
            if option is None or option.plan.student_id != student.id:
                raise not_found(name)
            if option.category != category or not option.plan.was_in_force_at(record.recorded_at):
                errors.setdefault(name, []).append(
                    _("Choose from the options of the behavior plan in force.")
                )
            plans.append(option.plan)
    return plans[0] if plans else None


def build_abc_incident(
    record: AbcIncidentIn, batch: Batch, errors: dict[str, list[str]]
) -> tuple[Record, Student]:
    student = student_for(batch, record.student_id, "student_id")
    plan = abc_plan(record, student, batch, errors)
    values = record.model_dump(
        include={
            "occurred_at",
            "setting",
            "antecedent_text",
            "behavior_text",
            "consequence_text",
            "intensity",
            "duration_seconds",
        }
    )
    codes = {name: [str(code) for code in getattr(record, name)] for name in ABC_CATEGORIES}
    row = AbcIncident(
        **common(record, student, batch),
        plan=plan,
        target_behavior_id=record.target_behavior_id,
        measure_id=record.measure_id,
        **codes,
        **values,
    )
    return row, student


def build_accommodation_delivery(
    record: AccommodationDeliveryIn, batch: Batch, errors: dict[str, list[str]]
) -> tuple[Record, Student]:
    accommodation, student = plan_item(
        batch.accommodations, record.accommodation_id, batch, "accommodation_id"
    )
    same_student(record, student)
    in_force(accommodation.plan, record, "accommodation_id", errors)
    values = {
        "date": record.date,
        "class_name": record.class_name,
        "status": record.status,
        "note": record.note,
    }
    row = AccommodationDelivery(
        **common(record, student, batch),
        plan_id=accommodation.plan_id,
        accommodation_id=accommodation.id,
        **values,
    )
    return row, student


def build_service_log(
    record: ServiceLogIn, batch: Batch, errors: dict[str, list[str]]
) -> tuple[Record, Student]:
    service, student = plan_item(batch.services, record.service_id, batch, "service_id")
    same_student(record, student)
    in_force(service.plan, record, "service_id", errors)
    if record.status == ServiceStatus.MISSED and not record.missed_reason:
        errors.setdefault("missed_reason", []).append(_("Say why the session was missed."))
    if record.status == ServiceStatus.DELIVERED and record.missed_reason:
        errors.setdefault("missed_reason", []).append(_("A delivered session has no reason for missing it."))
    values = {
        "date": record.date,
        "minutes": record.minutes,
        "status": record.status,
        "missed_reason": record.missed_reason,
        "note": record.note,
    }
    row = ServiceLog(
        **common(record, student, batch), plan_id=service.plan_id, service_id=service.id, **values
    )
    return row, student


def build_care_log(record: CareLogIn, batch: Batch, errors: dict[str, list[str]]) -> tuple[Record, Student]:
    student = student_for(batch, record.student_id, "student_id")
    plans = batch.care_plans.get(student.id, [])
    plan = next((plan for plan in plans if plan.was_in_force_at(record.recorded_at)), None)
    values = {"occurred_at": record.occurred_at, "care_kind": record.care_kind, "note": record.note}
    return CareLogEntry(**common(record, student, batch), plan=plan, **values), student


def build_note(record: NoteIn, batch: Batch, errors: dict[str, list[str]]) -> tuple[Record, Student]:
    student = student_for(batch, record.student_id, "student_id")
    return CaseManagerNote(**common(record, student, batch), text=record.text), student


BUILDERS: dict[str, Any] = {
    "session": build_session,
    "observation": build_observation,
    "abc_incident": build_abc_incident,
    "accommodation_delivery": build_accommodation_delivery,
    "service_log": build_service_log,
    "care_log": build_care_log,
    "note": build_note,
}


# The batch ---------------------------------------------------------------------------------------------


def already_stored(kind: str, record_id: uuid.UUID | None, batch: Batch) -> RecordResult | None:
    """A record with this id exists: the caller's of the same kind is a duplicate (nothing changes,
    whatever it says now); anyone else's, or one of another kind, is refused without saying anything
    about it."""
    if record_id is None:
        return None
    found = batch.stored.get(kind, {}).get(record_id)
    if found is not None and found.recorded_by_id == batch.actor.id:
        return RecordResult(record_id, kind, "duplicate")
    if found is None and not any(record_id in stored for stored in batch.stored.values()):
        return None
    reason = _("This id is already used by another record.")
    return RecordResult(record_id, kind, "rejected", reason, {"id": [reason]})


def take(
    item: object, parsed: RecordIn | Refused, key: tuple[str, uuid.UUID | None], batch: Batch
) -> RecordResult:
    kind, record_id = key
    known = already_stored(kind, record_id, batch)
    if known is not None:
        return known
    try:
        if isinstance(parsed, Refused):
            raise parsed
        accept(kind, parsed, batch)
    except Refused as refused:
        return RecordResult(record_id, kind, "rejected", refused.reason, refused.errors)
    return RecordResult(record_id, kind, "accepted")


def check_staff(record: RecordIn, batch: Batch) -> None:
    if record.staff_id is not None and record.staff_id != batch.actor.id:
        raise Refused(
            _("This record was made by someone else. Sign in as them to send it."),
            {"staff_id": [_("Not the person signed in.")]},
        )


def accept(kind: str, record: RecordIn, batch: Batch) -> None:
    """Check one parsed record against the batch; keep its row to insert, or raise Refused."""
    check_staff(record, batch)
    errors: dict[str, list[str]] = {}
    row, student = BUILDERS[kind](record, batch, errors)
    check_times(record, student, batch, errors)
    target = check_correction(kind, record, student, batch, errors)
    if errors:
        raise fields_refused(errors)
    remember(kind, row, student, batch, target)


def remember(kind: str, row: Record, student: Student, batch: Batch, target: Stored | None) -> None:
    batch.accepted[kind].append(row)
    stored = Stored(
        row.id, batch.actor.id, student.id, row.recorded_at, current=True, voided=False, instance=row
    )
    batch.stored[kind][row.id] = stored
    if kind == "session":
        batch.sessions[row.id] = stored
    batch.audit.append(audit_entry(batch, AuditAction.CREATE, kind, row.id, student))
    if target is None:
        return
    target.current = False
    if target.instance is not None:
        target.instance.superseded_at = batch.received_at
    else:
        batch.superseded[kind].append(target.id)
    batch.audit.append(audit_entry(batch, AuditAction.CORRECT, kind, target.id, student, ["superseded_at"]))


def audit_entry(
    batch: Batch,
    action: AuditAction,
    kind: str,
    record_id: uuid.UUID,
    student: Student,
    changed: Iterable[str] = (),
) -> dict[str, Any]:
    # The bulk form of audit.record (as audit.record_list_views writes list views): one insert a batch.
    origin = audit._origin.get()
    return {
        "at": batch.received_at,
        "actor_id": batch.actor.id,
        "action": action,
        "object_type": RECORD_MODELS[kind]._meta.label_lower,
        "object_id": str(record_id),
        "student_id": student.id,
        "district_id": student.district_id,
        "changed_fields": sorted(changed),
        "address": origin.address,
        "via": origin.via,
    }


AUDIT_FIELDS = [fld for fld in AuditEntry._meta.concrete_fields if fld.name != "id"]


def insert_audit(entries: list[dict[str, Any]]) -> None:
    """The batch's audit entries in one prepared statement (the id is the database's to number)."""
    if not entries:
        return
    quote = connection.ops.quote_name
    # Table and column names come from the model's metadata, quoted; values go as parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(AuditEntry._meta.db_table),
        ", ".join(quote(str(fld.column)) for fld in AUDIT_FIELDS),
        ", ".join(["%s"] * len(AUDIT_FIELDS)),
    )
    getters = [value_getter(fld) for fld in AUDIT_FIELDS]
    rows = [tuple(get(SimpleNamespace(**entry)) for get in getters) for entry in entries]  # type: ignore[arg-type]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


# Sent once a batch's transaction has committed, with ``measure_ids``: the measures that received
# observations (new ones or corrections). The progress app refreshes its summaries of them.
observations_stored = Signal()


def write(batch: Batch) -> None:
    """One insert per kind (sessions before the observations that name them), then the supersedes
    and the audit entries; and, once stored for good, word of the measures that received data."""
    for kind, model in RECORD_MODELS.items():
        # One prepared statement per kind: bulk_create compiles SQL per row and field, which
        # measured as the largest part of a batch's time (benchmarks/ingest.py).
        insert_rows(model, batch.accepted[kind])
        if batch.superseded[kind]:
            model._default_manager.filter(id__in=batch.superseded[kind]).update(
                superseded_at=batch.received_at
            )
    insert_audit(batch.audit)
    measure_ids = {row.measure_id for row in batch.accepted["observation"] if isinstance(row, Observation)}
    if measure_ids:
        transaction.on_commit(lambda: observations_stored.send(sender=Observation, measure_ids=measure_ids))


def skew_seconds(sent_at: datetime.datetime, received_at: datetime.datetime) -> int:
    return round((sent_at - received_at).total_seconds())


def new_batch(actor: Staff, device: str, sent_at: datetime.datetime) -> Batch:
    received_at = timezone.now()
    skew = skew_seconds(sent_at, received_at)
    # The device's "now" by its own word, and the server's now on the device's clock: the earlier.
    limit = min(sent_at, received_at + datetime.timedelta(seconds=skew)) + FUTURE_TOLERANCE
    return Batch(actor, device, received_at, skew, limit)


def _ingest(actor: Staff, device: str, sent_at: datetime.datetime, records: list[Any]) -> BatchResult:
    batch = new_batch(actor, device, sent_at)
    keys = [loose_key(item) for item in records]
    parsed = [parse(item) for item in records]
    read_batch(actor, [p for p in parsed if not isinstance(p, Refused)], keys, batch)
    results = [take(item, p, key, batch) for item, p, key in zip(records, parsed, keys, strict=True)]
    write(batch)
    flagged = abs(batch.skew) > SKEW_FLAG_SECONDS
    return BatchResult(batch.received_at, batch.skew, flagged, results)


def ingest_batch(*, actor: Staff, device: str, sent_at: datetime.datetime, records: list[Any]) -> BatchResult:
    """Store each new record of the batch once, with its audit entry; answer each in the order sent.

    Two sends of the same batch at the same moment (a retry while the first is still being stored)
    can both find an id new; the second insert then fails on the primary key, and the batch is read
    again, when the first send's rows are there to be answered as duplicates."""
    if len(records) > RECORD_LIMIT:
        raise ValueError(f"at most {RECORD_LIMIT} records in a batch")
    try:
        with transaction.atomic():
            return _ingest(actor, device, sent_at, records)
    except IntegrityError:
        with transaction.atomic():
            return _ingest(actor, device, sent_at, records)


__all__ = ["RECORD_LIMIT", "AnyRecordIn", "BatchResult", "RecordResult", "ingest_batch"]
