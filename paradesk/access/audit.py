"""Audit entries for every view of a student's records and every change (docs/architecture.md#audit).

Entries name ids and field names, never values and never a student's name. Every entry is written
through this module: `record` (one entry now), `record_many` (many entries made with `entry`, one
statement, for work that writes hundreds at once such as a sync batch) and the list forms below.
Each entry takes its address and channel from the request being served (`origin()`).
"""

from __future__ import annotations

import contextvars
import datetime
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from paradesk.access.models import AuditAction, AuditEntry
from paradesk.bulk import insert_rows
from paradesk.people.models import Staff, Student

# An audit entry of a list page: object_type LIST_TYPE, object_id the page's URL name (a student seen
# in a list is findable in their access history: "seen in a list by X at T, on the caseload").
LIST_TYPE = "student.list"
ADMIN_VIA = "admin"


@dataclass(frozen=True)
class RequestOrigin:
    address: str | None
    via: str
    page: str = ""  # the URL name of the page or API operation serving the request


_origin: contextvars.ContextVar[RequestOrigin] = contextvars.ContextVar(
    "paradesk_request_origin",
    default=RequestOrigin(address=None, via="system"),  # noqa: B039 (frozen dataclass: immutable)
)


def set_origin(address: str | None, via: str) -> contextvars.Token[RequestOrigin]:
    return _origin.set(RequestOrigin(address=address, via=via))


def reset_origin(token: contextvars.Token[RequestOrigin]) -> None:
    _origin.reset(token)


def origin() -> RequestOrigin:
    """Where the request being served comes from (outside a request: no address, channel "system")."""
    return _origin.get()


def note_page(page: str, *, admin: bool = False) -> None:
    """Name the page serving the request once the URL is resolved (reset with the request's origin);
    Django admin's pages are their own channel."""
    current = _origin.get()
    via = ADMIN_VIA if admin else current.via
    _origin.set(RequestOrigin(address=current.address, via=via, page=page[:64]))


def record(
    *,
    actor: Staff | None,
    action: AuditAction,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    student_id: uuid.UUID | None = None,
    district_id: uuid.UUID | None = None,
    changed_fields: Iterable[str] = (),
) -> AuditEntry:
    """Write one audit entry; the address and channel come from the request being served."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        district_id = district_id or getattr(obj, "district_id", None)
    if district_id is None and actor is not None and actor.is_authenticated:
        district_id = actor.district_id
    if district_id is None and student_id is not None:
        # An entry about a student always carries the student's district: the access history and the
        # complete record read entries by district (the distribution key at state scale).
        district_id = Student.objects.filter(pk=student_id).values_list("district_id", flat=True).first()
    current = origin()
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=str(obj.pk) if obj is not None else object_id,
        student_id=student_id,
        district_id=district_id,
        changed_fields=sorted(set(changed_fields)),
        address=current.address,
        via=current.via,
    )


def entry(
    *,
    actor: Staff | None,
    action: AuditAction,
    object_type: str,
    object_id: str,
    student_id: uuid.UUID | None,
    district_id: uuid.UUID | None,
    changed_fields: Iterable[str] = (),
    at: datetime.datetime | None = None,
) -> AuditEntry:
    """An entry not yet written, with the address and channel of the request being served; `record`
    writes one, `record_many` many. `at` is now unless the work has its own moment (a sync batch's
    entries all carry the time it was received, as its records do)."""
    current = origin()
    return AuditEntry(
        at=at or timezone.now(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        student_id=student_id,
        district_id=district_id,
        changed_fields=sorted(set(changed_fields)),
        address=current.address,
        via=current.via,
    )


def record_many(entries: Sequence[AuditEntry]) -> None:
    """Write entries made with `entry` in one prepared statement, whatever their number
    (paradesk/bulk.py; the database numbers their ids, which do not come back)."""
    insert_rows(AuditEntry, entries)


def record_view(actor: Staff, obj: models.Model, student_id: uuid.UUID) -> AuditEntry:
    return record(actor=actor, action=AuditAction.VIEW, obj=obj, student_id=student_id)


def record_list_views(actor: Staff, students: Iterable[Student]) -> list[AuditEntry]:
    """One entry per student whose name or records a list page shows, written in one query whatever
    the number of students (list pages keep a constant query count)."""
    return record_seen_in_list(actor, ((student.pk, student.district_id) for student in students))


def record_seen_in_list(
    actor: Staff, students: Iterable[tuple[uuid.UUID, uuid.UUID | None]]
) -> list[AuditEntry]:
    """The bulk form of record_view for a list: one VIEW entry per (student id, district id), naming
    the list's page, in one INSERT."""
    page = origin().page
    return AuditEntry.objects.bulk_create(
        entry(
            actor=actor,
            action=AuditAction.VIEW,
            object_type=LIST_TYPE,
            object_id=page,
            student_id=student_id,
            district_id=district_id,
        )
        for student_id, district_id in dict.fromkeys(students)
    )


def record_choices_seen(actor: Staff, students: models.QuerySet[Student]) -> list[AuditEntry]:
    """A form's choice list names students too: each one offered is seen in a list (one SELECT of
    their ids, one INSERT)."""
    return record_seen_in_list(actor, students.values_list("id", "district_id"))
