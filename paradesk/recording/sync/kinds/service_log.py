"""A service log: minutes of a service of the plan in force, delivered or missed (and why)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from paradesk.people.models import Student
from paradesk.recording.models import Record, ServiceLog, ServiceStatus
from paradesk.recording.sync.batch import Batch
from paradesk.recording.sync.checks import common, in_force, plan_item, same_student
from paradesk.recording.sync.schemas import ServiceLogIn


def build(record: ServiceLogIn, batch: Batch, errors: dict[str, list[str]]) -> tuple[Record, Student]:
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
