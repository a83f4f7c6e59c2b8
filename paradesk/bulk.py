"""Fast inserts of many new rows: one prepared statement per model, executed in batches.

Why: `bulk_create` compiles SQL for every row and field, and for large batches that compiling is
most of the time (measured: about 70% of a 5,000-student demo build, and the largest part of a sync
batch, benchmarks/ingest.py). Here each column's conversion to the database's form is chosen once,
and the rows go to `executemany`.

When: rows that are new and need nothing back from the database: the sync API's records
(paradesk/recording/sync/), their audit entries (paradesk.access.audit.record_many) and the demo
districts. Rows carry their own primary keys (UUIDs made in Python), or the model's primary key is
one the database numbers (an AutoField, left out of the insert). It skips what `save()` and
`bulk_create` do besides writing: no signals, no `pre_save` hooks other than `auto_now` /
`auto_now_add`, no database defaults, no returned ids. For a few rows, use the ORM.
"""

from __future__ import annotations

import datetime
import operator
import uuid
from collections.abc import Callable, Sequence
from typing import Any, cast

from django.db import connection, models
from django.utils import timezone

BATCH_SIZE = 2000

# Values these fields hold are already what every database driver takes.
PASS_THROUGH = frozenset(
    {"CharField", "TextField", "EmailField", "BooleanField", "IntegerField", "PositiveIntegerField"}
)


def insert_rows(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Insert new rows in batches with one prepared statement per model.

    Measured: bulk_create spent about 70% of a 5,000-student build compiling per-row SQL (one
    placeholder and one conversion call per field per row); executemany with each field's own
    conversion, chosen once per column, takes a fraction of that. Rows carry their UUID primary
    keys already, so nothing needs to come back from the database.
    """
    if not objects:
        return
    fields = inserted_fields(model)
    quote = connection.ops.quote_name
    # Table and column names come from the model's metadata, quoted; values go as parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(str(f.column)) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    getters = [value_getter(f) for f in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(objects), BATCH_SIZE):
            batch = objects[start : start + BATCH_SIZE]
            cursor.executemany(sql, [tuple(get(obj) for get in getters) for obj in batch])


def inserted_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """Every stored column but an auto-numbered primary key, which the database numbers."""
    numbered = model._meta.auto_field
    return [f for f in model._meta.concrete_fields if f is not numbered]


def value_getter(field: models.Field[Any, Any]) -> Callable[[models.Model], Any]:
    attname = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)
    if field.get_internal_type() in PASS_THROUGH:
        return operator.attrgetter(attname)
    target = cast("models.Field[Any, Any]", getattr(field, "target_field", field))
    if target.get_internal_type() == "UUIDField":
        return uuid_getter(attname, target)
    if field.get_internal_type() == "DateTimeField":
        return datetime_getter(attname, field)
    return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)


# Measured on the sync API's ingest: the generic get_db_prep_save was a quarter of a batch's time,
# almost all of it on ids and times, which every row has several of.


def uuid_getter(attname: str, target: models.Field[Any, Any]) -> Callable[[models.Model], Any]:
    """The database's form of a UUID (PostgreSQL takes it as it is, SQLite as 32 hex digits)."""
    native = connection.features.has_native_uuid_field

    def value(obj: models.Model) -> Any:
        found = getattr(obj, attname)
        if found is None:
            return None
        if not isinstance(found, uuid.UUID):
            found = target.to_python(found)
        return found if native else found.hex

    return value


def datetime_getter(attname: str, field: models.Field[Any, Any]) -> Callable[[models.Model], Any]:
    """An aware time goes straight to the backend's adapter; anything else takes Django's full path
    (which makes a naive time aware, with its warning)."""
    adapt = connection.ops.adapt_datetimefield_value

    def value(obj: models.Model) -> Any:
        found = getattr(obj, attname)
        if isinstance(found, datetime.datetime) and timezone.is_aware(found):
            return adapt(found)
        return field.get_db_prep_save(found, connection)

    return value
