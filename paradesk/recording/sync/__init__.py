"""The sync API's work, split by job in the next commit; ingest.py is the former sync.py."""

from paradesk.recording.sync.ingest import (
    RECORD_LIMIT,
    AnyRecordIn,
    BatchResult,
    RecordResult,
    ingest_batch,
    observations_stored,
)

__all__ = [
    "RECORD_LIMIT",
    "AnyRecordIn",
    "BatchResult",
    "RecordResult",
    "ingest_batch",
    "observations_stored",
]
