"""The complete record export a parent receives on an inspection request (FERPA 99.10, IDEA 300.613)."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import cast

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from paradesk.access import audit
from paradesk.access.models import AuditAction, AuditEntry
from paradesk.access.record import gather_record
from paradesk.people.models import Assignment, today
from paradesk.plans.actions import amend_plan
from paradesk.plans.models import Measure, Plan
from paradesk.testing import GoalFactory, MeasureFactory, Personas, PlanFactory, fill_plan

pytestmark = pytest.mark.django_db


def export_url(personas: Personas) -> str:
    return reverse("student_record_export", args=[personas.student.id])


def test_export_requires_sign_in(client: Client, personas: Personas) -> None:
    response = client.get(export_url(personas))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["assigned_para", "case_manager", "provider", "gen_ed_teacher"])
def test_team_members_may_not_export_the_record(client_for, personas: Personas, persona: str) -> None:
    response = client_for(personas.all()[persona]).get(export_url(personas))
    assert response.status_code == 403
    assert personas.goal.text not in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("persona", ["unassigned_para", "other_school_admin", "other_district_admin"])
def test_outsiders_do_not_find_the_record(client_for, personas: Personas, persona: str) -> None:
    response = client_for(personas.all()[persona]).get(export_url(personas))
    assert response.status_code == 404
    assert personas.goal.text not in response.content.decode()


def test_export_downloads_one_html_file_named_by_local_id_and_date(client_for, personas: Personas) -> None:
    response = client_for(personas.school_admin).get(export_url(personas))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"student-record-{personas.student.local_id}-{today().isoformat()}.html" in disposition
    assert "no-store" in response["Cache-Control"]
    assert "Content-Security-Policy" in response


def test_export_is_self_contained(client_for, personas: Personas) -> None:
    page = client_for(personas.district_admin).get(export_url(personas)).content.decode()
    assert "<style>" in page
    for external in ["<link", "<script", "src=", "@import", "url("]:
        assert external not in page


def test_export_holds_the_complete_record(client_for, personas: Personas) -> None:
    page = client_for(personas.district_admin).get(export_url(personas)).content.decode()
    expected = [
        personas.student.local_id,
        "Zebulon",
        "Quillfeather",
        "Loves puzzles",  # snapshot
        "IEP, version 1",
        personas.goal.text,
        "Reads 45 words correct per minute.",  # present level
        "Sight words read correctly",  # measure
        "Discrete trials",
        "independent; gestural; verbal",  # prompt hierarchy
        "Extended time (1.5x) on tests and quizzes",
        "Specialized reading instruction",
        "Resource room",
        "Leaves the assigned area by more than 3 meters without permission.",
        "Preview transitions with a visual schedule.",
        "Transition announced",
        "Quarter 1",
        "Builds automatic recognition.",  # direction's why
        "Maria Assigned",
        "Casey Manager",
        "Grade 3 Room 12",
        "Gene Teacher",
    ]
    for text in expected:
        assert text in page, text


def test_export_holds_the_access_history_oldest_first(client_for, personas: Personas) -> None:
    audit.record_view(personas.assigned_para, personas.plan, personas.student.id)
    page = client_for(personas.district_admin).get(export_url(personas)).content.decode()
    history = page[page.index('id="access"') :]
    lines = re.findall(r'<tr class="access-line">(.*?)</tr>', history, re.DOTALL)
    assert len(lines) == 2
    assert "Maria Assigned" in lines[0]
    assert "1:1 paraprofessional" in lines[0]
    assert "Viewed the student&#x27;s plan" in lines[0]
    assert "plans.plan" not in history
    assert str(personas.plan.id) not in history
    assert "Dana District" in lines[1]
    assert "District administrator" in lines[1]
    assert "Exported the student&#x27;s complete record" in lines[1]


def test_export_is_audited(client_for, personas: Personas) -> None:
    client_for(personas.school_admin).get(export_url(personas))
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == personas.school_admin
    assert entry.student_id == personas.student.id
    assert entry.object_type == "student.record"


def test_export_holds_every_plan_version_and_past_assignments(client_for, personas: Personas) -> None:
    amend_plan(actor=personas.case_manager, plan=personas.plan, reason="Added a writing goal")
    Assignment.objects.filter(staff=personas.provider).update(end_date=today())
    page = client_for(personas.district_admin).get(export_url(personas)).content.decode()
    assert "IEP, version 1" in page
    assert "IEP, version 2" in page
    assert "Added a writing goal" in page
    assert page.count(personas.goal.text) == 2
    assert "Pat Provider" in page


def export_queries(client: Client, personas: Personas) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(export_url(personas)).status_code == 200
    return len(queries)


def test_export_queries_do_not_grow_with_the_record(client_for, personas: Personas) -> None:
    client = client_for(personas.district_admin)
    small = export_queries(client, personas)
    for _ in range(3):
        plan = cast(
            Plan, PlanFactory(student=personas.student, created_by=personas.case_manager, status="draft")
        )
        measure = cast(Measure, MeasureFactory(goal=GoalFactory(plan=plan)))
        fill_plan(plan, measure, personas.case_manager)
        audit.record_view(personas.case_manager, plan, personas.student.id)
    assert export_queries(client, personas) == small


def test_gathered_record_is_plain_data(personas: Personas) -> None:
    record = gather_record(personas.student)
    as_json = json.dumps(dataclasses.asdict(record))
    assert personas.goal.text in as_json
    goals = next(section for section in record.plans[0].sections if section.key == "goals")
    assert goals.items[0].title == "Goal 1: Reading"
    measures = next(section for section in record.plans[0].sections if section.key == "measures")
    sight_words = next(item for item in measures.items if item.title == "Sight words read correctly")
    goal_fact = next(fact for fact in sight_words.facts if fact.name == "goal")
    assert goal_fact.value == "Goal 1: Reading"
