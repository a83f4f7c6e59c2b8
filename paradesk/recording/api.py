"""Recording through the JSON API: sync (a device sends what it recorded, each record is answered)
and voids (the pages' void form, for other clients).

Mounted on the API by paradesk/api.py. The sync envelope is checked by the request parser (422 when
it is wrong); the records inside are checked one by one by paradesk.recording.sync, so one malformed
record is rejected with its errors while the others are stored. The OpenAPI document still shows
every record kind: each item of `records` is documented as the union of the kinds, discriminated by
`kind`.

A void reaches the record through paradesk.access.helpers.access_record, as the page reaches it: 404
for an outsider or a made-up id, 403 for those who may read but not void (scope of practice). A
record already voided answers 409 and keeps its first void.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Status
from pydantic import AfterValidator, AwareDatetime, BaseModel, Field, PlainValidator

from paradesk.access.helpers import access_record
from paradesk.access.policy import Action
from paradesk.access.routes import Gate, Route, Target, student
from paradesk.api_router import AreaRouter, caller
from paradesk.api_schemas import Payload
from paradesk.recording import actions
from paradesk.recording.models import RECORD_MODELS, Record, record_kind
from paradesk.recording.sync import RECORD_LIMIT, AnyRecordIn, ingest_batch
from paradesk.storable import Text

router = AreaRouter()


def as_sent(value: Any) -> Any:
    # Each record is checked by the ingest, on its own, so that one bad record loses no other.
    return value


SentRecord = Annotated[Any, PlainValidator(as_sent, json_schema_input_type=AnyRecordIn)]

# A device clock may be far off (one reset to 1970 is 56 years behind) and the batch is still read,
# each record judged on its own times. Past 60 years it is no clock at all: the skew would not fit
# the column that keeps it (a 32-bit integer of seconds), and at the ends of the calendar the time
# cannot even be put on the server's clock.
MAX_CLOCK_SKEW = datetime.timedelta(days=365 * 60)


def plausible_clock(sent_at: datetime.datetime) -> datetime.datetime:
    # A difference of aware times never overflows; within the limit, nothing after it does either.
    if abs(sent_at - timezone.now()) > MAX_CLOCK_SKEW:
        raise ValueError("The device clock is more than 60 years off: set its date and time")
    return sent_at


class SyncIn(Payload):
    device: Text = Field(max_length=64, description="The recording device's id, made by the device.")
    sent_at: Annotated[AwareDatetime, AfterValidator(plausible_clock)] = Field(
        description="When the batch was sent, by the device's clock (within 60 years of the server's)."
    )
    records: list[SentRecord] = Field(max_length=RECORD_LIMIT, description="In the order recorded.")
    staff_id: uuid.UUID | None = Field(
        None,
        description="Whose records these are (the device's signed-in person when they were made). When it "
        "is not the caller (someone else signed in on the device since) the batch is refused whole, 409, "
        "and stays on the device for its owner.",
    )


class RecordResultOut(BaseModel):
    id: uuid.UUID | None = Field(description="The record's id; null when it could not be read.")
    kind: str
    status: Literal["accepted", "duplicate", "rejected"]
    reason: str = Field(description="Why it was rejected, in the caller's language; empty otherwise.")
    errors: dict[str, list[str]]


class SyncOut(BaseModel):
    received_at: datetime.datetime
    clock_skew_seconds: int = Field(description="Device clock minus server clock, in seconds.")
    clock_skew_flagged: bool = Field(description="The device clock is more than 5 minutes off.")
    results: list[RecordResultOut] = Field(description="One per record, in the order sent.")


@router.operation(
    "POST",
    "/sync",
    "sync_records",
    Route(Gate.SIGNED_IN, method="POST"),
    SyncOut,
    conflict=True,
    tag="recording",
    summary="Send recorded data",
)
def sync_records(request: HttpRequest, payload: SyncIn) -> Any:
    """Store each new record once; answer each, in the order sent, as accepted, duplicate (already
    stored, nothing changes) or rejected (with the reason and the fields at fault). Records are
    checked like the pages check them: the caller records only for students they work with, under
    plan versions in force when the record was made."""
    actor = caller(request)
    if payload.staff_id is not None and payload.staff_id != actor.pk:
        detail = _("These records were made by someone else: they are sent when that person signs in.")
        return Status(409, {"detail": detail})
    result = ingest_batch(
        actor=actor, device=payload.device, sent_at=payload.sent_at, records=payload.records
    )
    return result.as_dict()


# Voids -------------------------------------------------------------------------------------------


class VoidIn(Payload):
    kind: Literal[*RECORD_MODELS] = Field(  # type: ignore[valid-type]
        description="The kind of record, as the sync API names it: an id names one record of one kind."
    )
    reason: Text = Field(min_length=1, max_length=2000, title="Reason for voiding")


class VoidOut(BaseModel):
    id: uuid.UUID
    kind: str = Field(description="The kind of record, as the sync API names it.")
    status: Literal["voided"]
    voided_at: datetime.datetime
    voided_by_id: uuid.UUID
    void_reason: str


def voided(record: Record) -> VoidOut:
    assert record.voided_at is not None and record.voided_by_id is not None
    return VoidOut(
        id=record.pk,
        kind=record_kind(record),
        status="voided",
        voided_at=record.voided_at,
        voided_by_id=record.voided_by_id,
        void_reason=record.void_reason,
    )


@router.operation(
    "POST",
    "/records/{record_id}/void",
    "void_record",
    student(Action.VOID_DATA, Target.RECORD, "POST"),
    VoidOut,
    plan_write=True,  # declares the 409 answer: already voided
    tag="recording",
    summary="Void a record",
)
def void_record(request: HttpRequest, record_id: str, payload: VoidIn) -> VoidOut:
    """Mark a record of any kind void, with the reason. It stays stored and readable, with who voided
    it and when, and no longer counts. 409 when it was already voided."""
    staff = caller(request)
    record, _standings = access_record(staff, record_id, Action.VOID_DATA, payload.kind)
    return voided(actions.void_record(actor=staff, record=record, reason=payload.reason))


__all__ = ["SyncIn", "SyncOut", "VoidIn", "VoidOut", "router"]
