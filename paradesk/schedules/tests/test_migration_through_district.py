"""A para block's students and a coverage row's one-day assignments became explicit tables with a
district (schedules/0005): rows written before are still there after, each with the district of
the row it belongs to, and the change goes back with the rows. Runs on SQLite and on PostgreSQL
(`scripts/with-postgres`)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from paradesk.people.models import Assignment
from paradesk.schedules.models import (
    Absence,
    AbsenceReason,
    CoverageAssignment,
    CoverageTemporaryAssignment,
    ParaBlock,
    ParaBlockStudent,
)
from paradesk.testing import AssignmentFactory, ParaBlockFactory, StaffFactory, StudentFactory

BEFORE = [("schedules", "0004_notification_to_team")]
AFTER = [("schedules", "0005_para_block_students_and_temporary_assignments_carry_district")]

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader: the state as the database now has it


def district_columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        described = connection.introspection.get_table_description(cursor, table)
    return [column.name for column in described if column.name == "district_id"]


def block_and_coverage() -> tuple[ParaBlock, CoverageAssignment, Assignment]:
    """A block of a para's week and a coverage row of the para's absence, with no students yet."""
    block = ParaBlockFactory.create()
    para = block.para
    absence = Absence.objects.create(
        district_id=block.district_id,
        school=block.school,
        para=para,
        date=datetime.date(2026, 10, 5),
        reason=AbsenceReason.SICK,
        entered_by=para,
    )
    row = CoverageAssignment.objects.create(
        district_id=block.district_id,
        absence=absence,
        block=block,
        date=absence.date,
        start_time=datetime.time(9, 0),
        end_time=datetime.time(9, 45),
        support_type=block.support_type,
    )
    student = StudentFactory.create(district_id=block.district_id)
    assignment = AssignmentFactory.create(
        student=student, staff=StaffFactory.create(district=block.school.district)
    )
    return block, row, assignment


def test_rows_written_before_take_their_parents_district() -> None:
    block, row, assignment = block_and_coverage()
    executor = migrate(BEFORE)
    assert district_columns("schedules_parablock_students") == []
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("schedules", "ParaBlock").students.through.objects.create(
        parablock_id=block.pk, student_id=assignment.student_id
    )
    old.get_model("schedules", "CoverageAssignment").temporary_assignments.through.objects.create(
        coverageassignment_id=row.pk, assignment_id=assignment.pk
    )

    migrate(AFTER)

    assert district_columns("schedules_parablock_students") == ["district_id"]
    kept = ParaBlockStudent.objects.get()
    assert (kept.parablock_id, kept.student_id, kept.district_id) == (
        block.pk,
        assignment.student_id,
        block.district_id,
    )
    temporary = CoverageTemporaryAssignment.objects.get()
    assert (temporary.coverageassignment_id, temporary.district_id) == (row.pk, row.district_id)
    assert list(block.students.all()) == [assignment.student]
    assert list(row.temporary_assignments.all()) == [assignment]


def test_the_change_goes_back_with_the_rows() -> None:
    block, row, assignment = block_and_coverage()
    block.students.set([assignment.student], through_defaults={"district_id": block.district_id})
    row.temporary_assignments.add(assignment, through_defaults={"district_id": row.district_id})

    executor = migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    assert district_columns("schedules_coverageassignment_temporary_assignments") == []
    assert old.get_model("schedules", "ParaBlock").students.through.objects.count() == 1
    assert old.get_model("schedules", "CoverageAssignment").temporary_assignments.through.objects.count() == 1
    migrate(AFTER)
    assert ParaBlockStudent.objects.filter(district_id=block.district_id).count() == 1
    assert CoverageTemporaryAssignment.objects.filter(district_id=row.district_id).count() == 1
