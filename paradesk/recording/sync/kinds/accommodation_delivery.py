"""An accommodation delivery: whether an accommodation of the plan in force was given, in which class."""

from __future__ import annotations

from paradesk.people.models import Student
from paradesk.recording.models import AccommodationDelivery, Record
from paradesk.recording.sync.batch import Batch
from paradesk.recording.sync.checks import common, in_force, plan_item, same_student
from paradesk.recording.sync.schemas import AccommodationDeliveryIn


def build(
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
