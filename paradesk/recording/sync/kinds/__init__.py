"""One module per kind of record, each with its own checks and its builder, behind one interface:
`build(record, batch, errors) -> (unsaved row, student)`.

A builder checks what only its kind has (a session's span, an observation's facts against its
method, a service log's reason for missing), adds each field's message to `errors` or raises
Refused, and returns the row it would insert and the student it is about; the checks every kind
shares run around it (paradesk.recording.sync.ingest.accept). BUILDERS below is the one place the
kinds are listed: a kind without an entry here is not accepted, whatever modules exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from paradesk.people.models import Student
from paradesk.recording.models import Record
from paradesk.recording.sync.batch import Batch
from paradesk.recording.sync.kinds import (
    abc_incident,
    accommodation_delivery,
    care_log,
    note,
    observation,
    service_log,
    session,
)

# (the kind's parsed record, the batch, the field errors so far) -> (unsaved row, its student)
Builder = Callable[[Any, Batch, dict[str, list[str]]], tuple[Record, Student]]

BUILDERS: dict[str, Builder] = {
    "session": session.build,
    "observation": observation.build,
    "abc_incident": abc_incident.build,
    "accommodation_delivery": accommodation_delivery.build,
    "service_log": service_log.build,
    "care_log": care_log.build,
    "note": note.build,
}

__all__ = ["BUILDERS", "Builder"]
