"""The student-data tables are read from the models (paradesk/district_tables.py): every
district-owned table is in, the two former automatic many-to-many tables are in, and no table
that reaches a student lacks a `district` column."""

from __future__ import annotations

from paradesk.district_tables import student_data_tables, tables_missing_district


def test_no_table_of_student_data_lacks_its_district() -> None:
    assert tables_missing_district() == []


def test_the_student_tables_and_the_former_automatic_ones_are_watched() -> None:
    tables = student_data_tables()
    assert {"people_student", "recording_session", "access_auditentry", "team_notification"} <= tables
    assert {"schedules_parablock_students", "schedules_coverageassignment_temporary_assignments"} <= tables


def test_tables_without_student_data_are_not() -> None:
    assert not {"people_district", "django_session", "access_apitoken", "schedules_calendarfeed"} & (
        student_data_tables()
    )
