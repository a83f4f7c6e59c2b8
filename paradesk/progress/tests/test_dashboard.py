"""The team dashboard: whose students it shows, what it says about each measure, its audit entries,
and a query count that does not grow with the caseload. "Today" is Thursday 12 November 2026."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from paradesk.access.models import AuditAction, AuditEntry
from paradesk.people.models import Assignment, Staff, Student, TeamRole
from paradesk.plans.models import Measure, MeasureStatus, Method, ScheduleKind
from paradesk.progress.models import AimlineAdjustment, PhaseChange
from paradesk.progress.tests.test_alerts import TODAY, record, weekdays
from paradesk.progress.views import dashboard
from paradesk.testing import (
    AssignmentFactory,
    GoalFactory,
    MeasureFactory,
    Personas,
    PlanFactory,
    StudentFactory,
    bell_schedule_for,
    calendar_day,
    paired_check,
    signed_in,
)

pytestmark = pytest.mark.django_db

URL = "/progress/"


@pytest.fixture(autouse=True)
def today(monkeypatch: pytest.MonkeyPatch, personas: Personas) -> datetime.date:
    monkeypatch.setattr(dashboard, "local_today", lambda: TODAY)
    bell_schedule_for(personas.school)
    calendar_day(personas.school, datetime.date(2026, 11, 11), closed="Veterans Day")
    return TODAY


def page_of(staff: Staff, **params: str) -> str:
    response = signed_in(staff).get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def calm_student(personas: Personas, staff: Staff, team_role: str = TeamRole.CASE_MANAGER) -> Student:
    """A student whose one measure (once a week) has nothing to say: recorded on Monday of last
    week and of this week, no aimline, no mastery run."""
    student = StudentFactory.create(school=personas.school, last_name="Calmly")
    AssignmentFactory.create(student=student, staff=staff, team_role=team_role)
    plan = PlanFactory.create(student=student, created_by=personas.case_manager)
    measure = MeasureFactory.create(
        goal=GoalFactory.create(plan=plan),
        name="Greets a peer",
        schedule_kind=ScheduleKind.PER_WEEK,
        sessions_per_week=1,
    )
    for on in (datetime.date(2026, 11, 2), datetime.date(2026, 11, 9)):
        record(personas, on, 50, measure=measure, student=student)
    return student


def busy_student(personas: Personas, staff: Staff, number: int) -> Student:
    """A student with three measures and everything the page reads: 12 sessions each over the
    last weeks, a phase change, an adjusted aimline and an agreement check."""
    student = StudentFactory.create(school=personas.school)
    AssignmentFactory.create(student=student, staff=staff, team_role=TeamRole.CASE_MANAGER)
    plan = PlanFactory.create(student=student, created_by=personas.case_manager)
    goal = GoalFactory.create(plan=plan)
    for n in range(3):
        measure = MeasureFactory.create(goal=goal, name=f"Measure {number}.{n}")
        sessions = [
            record(personas, on, 40 + 3 * i, measure=measure, student=student)
            for i, on in enumerate(weekdays(datetime.date(2026, 10, 26), 12))
        ]
        PhaseChange.objects.create(
            district=personas.district,
            measure=measure,
            starts_on=datetime.date(2026, 10, 29),
            label="New prompts",
            created_by=personas.case_manager,
        )
        AimlineAdjustment.objects.create(
            district=personas.district,
            measure=measure,
            start_date=datetime.date(2026, 10, 1),
            start_value=40,
            target_date=datetime.date(2027, 3, 1),
            target_value=90,
            created_by=personas.case_manager,
        )
        second = record(personas, sessions[5].started_at.date(), 45, measure=measure, student=student)
        paired_check(personas, sessions[5], second, 75.0, measure=measure)
    return student


# ---- who sees what ---------------------------------------------------------------------------------


def test_case_manager_sees_their_students_measures_needing_attention(personas: Personas) -> None:
    page = page_of(personas.case_manager)
    assert personas.student.display_name in page
    assert personas.measure.name in page
    assert "No data yet: 52 school days since the plan started on September 1." in page


def test_another_case_managers_students_are_absent(personas: Personas) -> None:
    stranger = StudentFactory.create(school=personas.school, first_name="Ophelia", last_name="Elsewhere")
    AssignmentFactory.create(student=stranger, staff=personas.provider, team_role=TeamRole.CASE_MANAGER)
    plan = PlanFactory.create(student=stranger, created_by=personas.provider)
    MeasureFactory.create(goal=GoalFactory.create(plan=plan), name="Stranger's measure")
    page = page_of(personas.case_manager, show="all")
    assert "Ophelia" not in page
    assert "Stranger&#x27;s measure" not in page
    assert "Ophelia" in page_of(personas.provider, show="all")


def test_an_ended_assignment_takes_the_student_off_the_dashboard(personas: Personas) -> None:
    Assignment.objects.filter(staff=personas.case_manager).update(end_date=datetime.date(2026, 1, 1))
    page = page_of(personas.case_manager, show="all")
    assert personas.student.display_name not in page
    assert "No students are assigned to you as case manager or provider" in page


def test_provider_sees_the_students_they_serve(personas: Personas) -> None:
    """The persona provider is a speech-language pathologist and the plan's measures are a reading
    goal's and a target behavior's: listed after hers, as other disciplines' (docs/access.md)."""
    page = page_of(personas.provider, show="all")
    assert personas.student.display_name in page
    assert personas.measure.name in page


@pytest.mark.parametrize(
    "persona", ["assigned_para", "unassigned_para", "gen_ed_teacher", "school_admin", "other_district_admin"]
)
def test_people_without_a_caseload_get_a_page_that_says_so(personas: Personas, persona: str) -> None:
    page = page_of(getattr(personas, persona), show="all")
    assert "No students are assigned to you as case manager or provider" in page
    assert personas.student.display_name not in page
    assert personas.measure.name not in page
    assert not AuditEntry.objects.filter(actor=getattr(personas, persona)).exists()


def test_signed_out_visitor_is_sent_to_sign_in(personas: Personas) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_progress_link_shows_for_licensed_staff_only(personas: Personas) -> None:
    assert f'href="{URL}"' in page_of(personas.case_manager)
    assert f'href="{URL}"' in page_of(personas.provider)
    assert f'href="{URL}"' not in page_of(personas.assigned_para)
    assert f'href="{URL}"' not in page_of(personas.gen_ed_teacher)


# ---- what it shows ---------------------------------------------------------------------------------


def test_attention_filter_leaves_out_students_with_nothing_to_look_at(personas: Personas) -> None:
    calm = calm_student(personas, personas.case_manager)
    page = page_of(personas.case_manager)
    assert calm.display_name not in page
    assert "1 student has nothing needing attention." in page
    everything = page_of(personas.case_manager, show="all")
    assert calm.display_name in everything
    assert "Greets a peer" in everything


def test_all_filter_shows_each_measure_with_its_decision_last_data_and_sessions_this_week(
    personas: Personas,
) -> None:
    calm = calm_student(personas, personas.case_manager)
    measure = Measure.objects.get(plan__student=calm)
    page = page_of(personas.case_manager, show="all")
    row = page[page.index(f'<a href="{reverse("measure_progress", args=[measure.pk])}"') :]
    row = row[: row.index("</tr>")]
    assert "Four-point rule: no aimline (the measure needs a target value and date)." in row
    assert "November 9" in row
    assert "<td>1</td>" in row
    assert "Nothing" in row


def test_abc_measures_are_not_on_the_dashboard(personas: Personas) -> None:
    MeasureFactory.create(goal=personas.goal, name="Incident log", method=Method.ABC)
    assert "Incident log" not in page_of(personas.case_manager, show="all")


def test_discontinued_measure_is_listed_under_all_without_alerts(personas: Personas) -> None:
    Measure.objects.filter(plan=personas.plan).update(status=MeasureStatus.DISCONTINUED)
    assert personas.student.display_name not in page_of(personas.case_manager)
    page = page_of(personas.case_manager, show="all")
    assert personas.measure.name in page
    assert "No data yet" in page  # the last-data column, not an alert
    assert "No recent data" not in page


def test_students_with_the_most_urgent_alerts_come_first(personas: Personas) -> None:
    """The persona student's measures have only "no data" alerts; a student whose measure's last
    4 points sit under the aimline needs a change of instruction, which comes first."""
    student = StudentFactory.create(school=personas.school, last_name="Zzyzx")
    AssignmentFactory.create(student=student, staff=personas.case_manager, team_role=TeamRole.CASE_MANAGER)
    plan = PlanFactory.create(student=student, created_by=personas.case_manager)
    measure = MeasureFactory.create(goal=GoalFactory.create(plan=plan), name="Falling behind")
    AimlineAdjustment.objects.create(
        district=personas.district,
        measure=measure,
        start_date=datetime.date(2026, 10, 1),
        start_value=50,
        target_date=datetime.date(2026, 12, 31),
        target_value=50,
        created_by=personas.case_manager,
    )
    for on, value in zip(
        weekdays(datetime.date(2026, 11, 2), 8), [50, 50, 50, 40, 40, 40, 40, 40], strict=True
    ):
        record(personas, on, value, measure=measure, student=student)
    page = page_of(personas.case_manager)
    assert page.index(student.display_name) < page.index(personas.student.display_name)
    assert "Change instruction:" in page


def test_each_measure_links_to_its_progress_page(personas: Personas) -> None:
    page = page_of(personas.case_manager)
    link = reverse("measure_progress", kwargs={"measure_id": personas.measure.pk})
    assert f'href="{link}"' in page


def test_htmx_filter_answers_the_fragment(personas: Personas) -> None:
    response = signed_in(personas.case_manager).get(URL, {"show": "all"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="dashboard-body">')
    assert "<html" not in body
    assert personas.measure.name in body


def test_unknown_filter_value_shows_measures_needing_attention(personas: Personas) -> None:
    calm = calm_student(personas, personas.case_manager)
    page = page_of(personas.case_manager, show="<script>")
    assert calm.display_name not in page
    assert "<script>" not in page.split("<main", 1)[1]


# ---- audit -------------------------------------------------------------------------------------------


def views_by(staff: Staff) -> list[tuple[str, Any]]:
    entries = AuditEntry.objects.filter(actor=staff, action=AuditAction.VIEW)
    return sorted((entry.object_type, entry.student_id) for entry in entries)


def test_one_view_entry_per_student_shown(personas: Personas) -> None:
    calm = calm_student(personas, personas.case_manager)
    page_of(personas.case_manager)
    assert views_by(personas.case_manager) == [("student.list", personas.student.pk)]
    page_of(personas.case_manager, show="all")
    assert views_by(personas.case_manager) == sorted(
        [("student.list", personas.student.pk)] * 2 + [("student.list", calm.pk)]
    )


def test_audit_entries_name_no_student(personas: Personas) -> None:
    page_of(personas.case_manager, show="all")
    for entry in AuditEntry.objects.filter(actor=personas.case_manager).values():
        assert personas.student.last_name not in str(entry)


# ---- queries -----------------------------------------------------------------------------------------


def queries_for(staff: Staff, **params: str) -> int:
    client = signed_in(staff)
    assert client.get(URL, params).status_code == 200  # fills the session and template caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("show", ["attention", "all"])
def test_queries_do_not_grow_with_the_caseload(personas: Personas, show: str) -> None:
    manager = personas.case_manager
    for number in range(2):
        busy_student(personas, manager, number)
    at_two = queries_for(manager, show=show)
    for number in range(2, 10):
        busy_student(personas, manager, number)
    at_ten = queries_for(manager, show=show)
    assert at_ten == at_two
    # The persona student and 10 more, each of their measures on the page.
    assert page_of(manager, show="all").count("Measure ") >= 30
