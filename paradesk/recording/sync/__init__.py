"""The sync API's work: exactly-once ingest of what devices recorded (docs/architecture.md#nothing-lost).

A batch holds up to 500 records of any kind, each with an id made by the device. Each record is
answered on its own: accepted, duplicate or rejected with a reason and field errors; one bad record
never stops the others. The batch costs a fixed number of queries whatever its size: everything it
names is read in bulk first, then each record is checked in memory, then each kind is inserted with
one statement.

- schemas.py: what a device sends (one model per kind) and what each record is answered
- batch.py: the envelope's rules and everything a batch names, read in bulk
- checks.py: the checks every kind shares (standing, plan in force, times, corrections)
- kinds/: one module per kind, its own checks and its row; kinds.BUILDERS lists them
- ingest.py: each record checked and answered, the rows and their audit entries written

The API operation is paradesk.recording.api.sync_records; nothing here knows the API.
"""

from paradesk.recording.sync.batch import RECORD_LIMIT
from paradesk.recording.sync.ingest import ingest_batch, observations_stored
from paradesk.recording.sync.schemas import AnyRecordIn, BatchResult, RecordResult

__all__ = [
    "RECORD_LIMIT",
    "AnyRecordIn",
    "BatchResult",
    "RecordResult",
    "ingest_batch",
    "observations_stored",
]
