"""A sync batch: the envelope's rules (how many records, whose clock) and everything its records
name, read in bulk before any record is checked.

The batch costs a fixed number of queries whatever its size: each kind's stored records with the
ids it sends or corrects, the plan items, students and standings it names, then nothing more until
the insert (paradesk.recording.sync.ingest).
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError as PydanticValidationError

from paradesk.access.models import AuditEntry
from paradesk.access.policy import may_record_for, visible_students
from paradesk.people.models import Staff, Student
from paradesk.plans.models import (
    AbcOption,
    Accommodation,
    Measure,
    Plan,
    PlanKind,
    PlanStatus,
    Service,
    TargetBehavior,
)
from paradesk.recording import methods
from paradesk.recording.messages import spec_of
from paradesk.recording.models import RECORD_MODELS, Record
from paradesk.recording.sync.schemas import RECORD_ADAPTER, RecordIn, Refused, fields_refused

RECORD_LIMIT = 500
# A device clock may drift; a record more than this far after the device's own "now" was not made
# yet, and a clock this far off the server's is worth a look (the times are kept as sent).
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
SKEW_FLAG_SECONDS = 5 * 60


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
    audit: list[AuditEntry] = field(default_factory=list)
    specs: dict[uuid.UUID, methods.MeasureSpec] = field(default_factory=dict)

    def spec(self, measure: Measure) -> methods.MeasureSpec:
        if measure.id not in self.specs:
            self.specs[measure.id] = spec_of(measure)
        return self.specs[measure.id]


def skew_seconds(sent_at: datetime.datetime, received_at: datetime.datetime) -> int:
    return round((sent_at - received_at).total_seconds())


def new_batch(actor: Staff, device: str, sent_at: datetime.datetime) -> Batch:
    received_at = timezone.now()
    skew = skew_seconds(sent_at, received_at)
    # The device's "now" by its own word, and the server's now on the device's clock: the earlier.
    limit = min(sent_at, received_at + datetime.timedelta(seconds=skew)) + FUTURE_TOLERANCE
    return Batch(actor, device, received_at, skew, limit)


# Each record as sent --------------------------------------------------------------------------------


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


# What the batch reads before checking anything -------------------------------------------------------


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


def stored_records(kind: str, ids: set[uuid.UUID], district_id: uuid.UUID | None) -> dict[uuid.UUID, Stored]:
    """Rows of one kind with these ids in the caller's district: the batch's duplicates and the
    records it corrects. `None` looks in every district, which only a retry does (`read_batch`)."""
    if not ids:
        return {}
    rows = RECORD_MODELS[kind]._default_manager.filter(id__in=ids)
    if district_id is not None:
        rows = rows.filter(district_id=district_id)
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
    district_id = actor.district_id
    items = (
        model._default_manager.filter(id__in=ids, district_id=district_id, plan__district_id=district_id)
        .select_related("plan")
        .order_by()  # a measure's default order joins its goal, which nothing here reads
    )
    return {item.pk: item for item in items}


def care_plans_of(district_id: uuid.UUID | None, student_ids: set[uuid.UUID]) -> dict[uuid.UUID, list[Plan]]:
    if district_id is None or not student_ids:
        return {}
    found: dict[uuid.UUID, list[Plan]] = defaultdict(list)
    plans = Plan.objects.filter(
        district_id=district_id, student_id__in=student_ids, kind=PlanKind.CARE
    ).exclude(status=PlanStatus.DRAFT)
    for plan in plans.order_by("-version"):
        found[plan.student_id].append(plan)
    return found


def read_batch(
    actor: Staff,
    parsed: list[RecordIn],
    loose: list[tuple[str, uuid.UUID | None]],
    batch: Batch,
    every_district: bool = False,
) -> None:
    """Fill the batch with everything its records name, a fixed number of queries in all.

    Stored records are looked for in the caller's district. `every_district` looks for them in all:
    a retry after an insert collided does, since an id another district holds collides too, and is
    to be answered "already used", not by a server error."""
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
        batch.stored[kind] = stored_records(kind, ids, None if every_district else actor.district_id)
    batch.sessions = dict(batch.stored["session"])
    batch.measures = by_id(Measure, ids_of(parsed, "measure_id"), actor)
    batch.accommodations = by_id(Accommodation, ids_of(parsed, "accommodation_id"), actor)
    batch.services = by_id(Service, ids_of(parsed, "service_id"), actor)
    batch.behaviors = by_id(TargetBehavior, ids_of(parsed, "target_behavior_id"), actor)
    codes = ids_of(by_kind["abc_incident"], "antecedent_codes", "behavior_codes", "consequence_codes")
    batch.options = by_id(AbcOption, codes, actor)
    read_students(actor, parsed, batch)
    care_logs = ids_of(by_kind["care_log"], "student_id") & batch.permitted
    batch.care_plans = care_plans_of(actor.district_id, care_logs)


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
    batch.permitted = may_record_for(actor, set(batch.students))
    rest = set(batch.students) - batch.permitted
    batch.visible = (
        set(visible_students(actor).filter(id__in=rest).values_list("id", flat=True)) if rest else set()
    )
