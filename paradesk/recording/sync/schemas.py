"""What a device sends to the sync API, one model per kind of record, and what each record is
answered (docs/api.md, "Sync").

Unknown keys are refused, so a misspelt field is never lost. The kinds form one union discriminated
by `kind`: the OpenAPI document shows every kind, and the batch reads each record with it alone
(paradesk.recording.sync.batch.parse), so one malformed record is rejected with its own errors.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from django.db import models
from django.utils.translation import gettext as _
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

from paradesk.recording.models import CareKind, DeliveryStatus, MissedReason, ServiceStatus
from paradesk.storable import Text

INT_MAX = 2**31 - 1


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
