"""Records in the sync API's shape, for the sync tests (and the ingest benchmark's readers)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.test import Client
from django.utils import timezone

from paradesk.people.models import Student
from paradesk.plans.models import AbcOption, Accommodation, Measure, Service

SYNC_URL = "/api/v1/sync"


def iso(moment: datetime.datetime) -> str:
    return moment.isoformat()


def minutes_ago(minutes: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)


def base(kind: str, at: datetime.datetime | None = None, **fields: Any) -> dict[str, Any]:
    return {"kind": kind, "id": str(uuid.uuid4()), "recorded_at": iso(at or minutes_ago(1)), **fields}


def session(student: Student, at: datetime.datetime | None = None, **fields: Any) -> dict[str, Any]:
    at = at or minutes_ago(1)
    started = at - datetime.timedelta(minutes=10)
    values = {"student_id": str(student.id), "started_at": iso(started), "ended_at": iso(at)}
    return base("session", at, **values, **fields)


def observation(
    of_session: dict[str, Any], measure: Measure, facts: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    values = {
        "session_id": of_session["id"],
        "measure_id": str(measure.id),
        "started_at": of_session["started_at"],
        "ended_at": of_session["ended_at"],
        "facts": facts,
    }
    at = datetime.datetime.fromisoformat(of_session["recorded_at"])
    return base("observation", at, **{**values, **fields})


TRIALS_FACTS = {
    "trials": [
        {"response": "correct", "prompt": "independent"},
        {"response": "correct", "prompt": "verbal"},
        {"response": "incorrect", "prompt": "verbal"},
        {"response": "no_response", "prompt": "model"},
    ]
}


def abc_incident(student: Student, antecedent: AbcOption | None = None, **fields: Any) -> dict[str, Any]:
    codes = [str(antecedent.id)] if antecedent else []
    values = {"student_id": str(student.id), "occurred_at": iso(minutes_ago(2)), "antecedent_codes": codes}
    return base("abc_incident", **{**values, **fields})


def accommodation_delivery(accommodation: Accommodation, **fields: Any) -> dict[str, Any]:
    values = {
        "accommodation_id": str(accommodation.id),
        "date": timezone.localdate().isoformat(),
        "status": "delivered",
    }
    return base("accommodation_delivery", **{**values, **fields})


def service_log(service: Service, **fields: Any) -> dict[str, Any]:
    values = {
        "service_id": str(service.id),
        "date": timezone.localdate().isoformat(),
        "minutes": 30,
        "status": "delivered",
    }
    return base("service_log", **{**values, **fields})


def care_log(student: Student, **fields: Any) -> dict[str, Any]:
    values = {"student_id": str(student.id), "occurred_at": iso(minutes_ago(3)), "care_kind": "toileting"}
    return base("care_log", **{**values, **fields})


def note(student: Student, **fields: Any) -> dict[str, Any]:
    return base("note", **{"student_id": str(student.id), "text": "Great morning, 3 new words.", **fields})


def envelope(records: list[Any], sent_at: datetime.datetime | None = None) -> dict[str, Any]:
    return {"device": "tablet-7", "sent_at": iso(sent_at or timezone.now()), "records": records}


def send(client: Client, records: list[Any], **options: Any) -> Any:
    response = client.post(SYNC_URL, envelope(records, **options), content_type="application/json")
    assert response.status_code == 200, response.content[:1000]
    return response.json()


def statuses(answer: dict[str, Any]) -> list[str]:
    return [result["status"] for result in answer["results"]]
