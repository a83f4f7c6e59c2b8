"""The student-data tables are read from the models (paradesk/district_tables.py): `people.Student`,
the two tables that name a student without a foreign key, and every table that reaches one of them
through foreign keys. Tables about staff and the organisation are not, even with a district column.
The known answers below were read off the models by hand
(docs/architecture.md#which-tables-are-student-data)."""

from __future__ import annotations

from paradesk.district_tables import student_data_tables, tables_missing_district

STUDENT_DATA = {
    # people: the student, who works with them, which classes they are in
    "people_student",
    "people_assignment",
    "people_enrollment",
    # the plan and everything in it
    "plans_plan",
    "plans_goal",
    "plans_measure",
    "plans_accommodation",
    "plans_service",
    "plans_paradirection",
    "plans_behaviorstrategy",
    "plans_targetbehavior",
    "plans_abcoption",
    "plans_reportingperiod",
    "plans_snapshot",
    # what was recorded about the student
    "recording_session",
    "recording_observation",
    "recording_abcincident",
    "recording_accommodationdelivery",
    "recording_carelogentry",
    "recording_casemanagernote",
    "recording_servicelog",
    # progress read from it
    "progress_progressentry",
    "progress_measuresummary",
    "progress_phasechange",
    "progress_aimlineadjustment",
    "progress_agreementcheck",
    "progress_fidelitycheck",
    # schedules rows that name a student
    "schedules_parablock_students",
    "schedules_coverageassignment_temporary_assignments",
    "schedules_supportneed",
    # named without a foreign key: the student's id in an audit entry, plans and PDFs in a batch
    "access_auditentry",
    "progress_reportbatch",
}

STAFF_AND_ORGANISATION = {
    # with a district column (on Citus: distributed by district, or a reference table)
    "people_school",
    "people_staff",
    "people_role",
    "people_classsection",
    "schedules_bellschedule",
    "schedules_bellperiod",
    "schedules_daytype",
    "schedules_calendarday",
    "schedules_parablock",
    "schedules_absence",
    "schedules_coverageassignment",
    "schedules_qualification",
    "schedules_staffqualification",
    "schedules_scheduledraft",
    "team_notification",
    # without one
    "people_district",
    "access_apitoken",
    "schedules_calendarfeed",
    "axes_accessattempt",
    "django_session",
    "django_content_type",
}


def test_no_table_of_student_data_lacks_its_district() -> None:
    assert tables_missing_district() == []


def test_the_student_data_tables_are_exactly_these() -> None:
    assert student_data_tables() == STUDENT_DATA


def test_tables_about_staff_and_the_organisation_are_not_checked() -> None:
    assert not STAFF_AND_ORGANISATION & student_data_tables()
