"""Audit entries written many at once (audit.entry, audit.record_many: a sync batch's hundreds in
one statement) read back exactly as made, with the request's address and channel; known answers."""

from __future__ import annotations

import datetime
from typing import cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from paradesk.access import audit
from paradesk.access.models import AuditAction, AuditEntry
from paradesk.people.models import Staff, Student
from paradesk.testing import StaffFactory, StudentFactory

pytestmark = pytest.mark.django_db

AT = datetime.datetime(2026, 1, 5, 15, 30, tzinfo=datetime.UTC)


def made(actor: Staff, student: Student, number: int) -> AuditEntry:
    return audit.entry(
        at=AT,
        actor=actor,
        action=AuditAction.CORRECT,
        object_type="recording.session",
        object_id=f"record-{number}",
        student_id=student.id,
        district_id=student.district_id,
        changed_fields=["superseded_at", "note", "note"],
    )


def test_entries_written_together_read_back_with_the_request_origin() -> None:
    student = cast(Student, StudentFactory.create())
    actor = cast(Staff, StaffFactory.create(district=student.district))
    token = audit.set_origin("192.0.2.7", "api")
    try:
        entries = [made(actor, student, number) for number in range(3)]
    finally:
        audit.reset_origin(token)
    with CaptureQueriesContext(connection) as queries:
        audit.record_many(entries)
    assert len(queries) == 1
    rows = list(AuditEntry.objects.order_by("id").values())
    assert [row["object_id"] for row in rows] == ["record-0", "record-1", "record-2"]
    assert len({row["id"] for row in rows}) == 3  # numbered by the database
    first = rows[0]
    assert first["at"] == AT
    assert (first["actor_id"], first["student_id"], first["district_id"]) == (
        actor.id,
        student.id,
        student.district_id,
    )
    assert first["changed_fields"] == ["note", "superseded_at"]
    assert (first["address"], first["via"], first["action"]) == ("192.0.2.7", "api", "correct")


def test_outside_a_request_an_entry_is_the_system_s_and_now() -> None:
    before = datetime.datetime.now(datetime.UTC)
    found = audit.entry(
        actor=None,
        action=AuditAction.VIEW,
        object_type="plans.plan",
        object_id="",
        student_id=None,
        district_id=None,
    )
    assert (found.address, found.via, found.changed_fields) == (None, "system", [])
    assert before <= found.at <= datetime.datetime.now(datetime.UTC)
    assert audit.origin() == audit.RequestOrigin(address=None, via="system")


def test_no_entries_no_statement() -> None:
    with CaptureQueriesContext(connection) as queries:
        audit.record_many([])
    assert len(queries) == 0
