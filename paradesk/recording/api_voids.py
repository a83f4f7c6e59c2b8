"""Voiding a recorded fact through the JSON API (the pages' void form, for other clients).

Registered on the shared API (paradesk.api) when paradesk/api_urls.py imports this module. The record
is reached through paradesk.access.helpers.access_record, as the page reaches it: 404 for an outsider
or a made-up id, 403 for those who may read but not void (scope of practice). A record already voided
answers 409 and keeps its first void.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from django.http import HttpRequest
from pydantic import BaseModel, Field

from paradesk.access.helpers import access_record
from paradesk.access.policy import Action
from paradesk.access.routes import Target, student
from paradesk.api import Payload, Text, caller, operation
from paradesk.recording import actions
from paradesk.recording.models import RECORD_MODELS, Record, record_kind


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


@operation(
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


__all__ = ["VoidIn", "VoidOut", "void_record"]
