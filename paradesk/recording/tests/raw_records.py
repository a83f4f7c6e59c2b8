"""Recorded data made directly through the ORM for the raw-data and void tests (the sync API's own
checks are tested with the sync API)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.utils import timezone

from paradesk.people.models import Staff
from paradesk.plans.models import Measure
from paradesk.recording.models import Observation, Record, Session
from paradesk.testing import Personas

START = datetime.datetime(2026, 10, 5, 23, 30, tzinfo=datetime.UTC)
TRIALS = {
    "trials": [
        {"response": "correct", "prompt": "independent"},
        {"response": "correct", "prompt": "verbal"},
        {"response": "incorrect", "prompt": "independent"},
        {"response": "no_response", "prompt": "model"},
    ]
}


def recorded(personas: Personas, by: Staff | None = None, at: datetime.datetime = START) -> dict[str, Any]:
    """What every record carries: who, where, when."""
    return {
        "district": personas.district,
        "student": personas.student,
        "recorded_by": by or personas.assigned_para,
        "device": "tablet-7",
        "recorded_at": at,
        "received_at": at + datetime.timedelta(minutes=2),
        "clock_skew_seconds": 0,
    }


def session(personas: Personas, at: datetime.datetime = START, **extra: Any) -> Session:
    fields = recorded(personas, at=at) | {"setting": "Resource room"} | extra
    return Session.objects.create(
        id=uuid.uuid4(), started_at=at, ended_at=at + datetime.timedelta(minutes=15), **fields
    )


def observation(
    personas: Personas,
    *,
    at: datetime.datetime = START,
    measure: Measure | None = None,
    facts: object = None,
    value: float | None = 50.0,
    **extra: Any,
) -> Observation:
    measure = measure or personas.measure
    fields = recorded(personas, at=at) | extra
    return Observation.objects.create(
        id=uuid.uuid4(),
        session=session(personas, at),
        plan=measure.plan,
        measure=measure,
        started_at=at,
        ended_at=at + datetime.timedelta(minutes=10),
        facts=TRIALS if facts is None else facts,
        value=value,
        **fields,
    )


def correction(record: Observation, reason: str, **changes: Any) -> Observation:
    """A new record correcting the given one, which becomes superseded (as the sync API stores it)."""
    fields = {
        name: getattr(record, name)
        for name in (
            "district",
            "student",
            "recorded_by",
            "device",
            "session",
            "plan",
            "measure",
            "started_at",
            "ended_at",
            "facts",
            "value",
            "clock_skew_seconds",
        )
    }
    fields |= {"recorded_at": record.recorded_at + datetime.timedelta(minutes=30)}
    fields |= {"received_at": fields["recorded_at"]} | changes
    new = Observation.objects.create(id=uuid.uuid4(), corrects=record, correction_reason=reason, **fields)
    record.superseded_at = timezone.now()
    record.save(update_fields=["superseded_at"])
    return new


def voided[R: Record](record: R, by: Staff, reason: str) -> R:
    record.voided_at = timezone.now()
    record.voided_by = by
    record.void_reason = reason
    record.save(update_fields=["voided_at", "voided_by", "void_reason"])
    return record
