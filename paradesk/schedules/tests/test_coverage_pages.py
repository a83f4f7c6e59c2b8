"""Absence and coverage pages, the notification banner, and the schedule builder page."""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from paradesk.access.models import AuditAction, AuditEntry
from paradesk.plans.models import Service
from paradesk.schedules.coverage.models import Absence, CoverageStatus, ScheduleDraft
from paradesk.schedules.models import ParaBlock, SupportType
from paradesk.schedules.tests.coverage_fixtures import (
    MONDAY,
    absent,
    block,
    one_to_one_in_period_2,
    para_at,
    student_at,
)
from paradesk.team.models import Notification
from paradesk.testing import Personas

pytestmark = pytest.mark.django_db


def test_absence_pages_need_sign_in(client: Client, personas: Personas) -> None:
    absence = absent(personas)
    for url in (reverse("absence_list"), reverse("absence_coverage", args=[absence.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_para_is_forbidden_and_another_school_or_district_finds_nothing(
    client_for: Any, personas: Personas
) -> None:
    url = reverse("absence_coverage", args=[absent(personas).pk])
    assert client_for(personas.assigned_para).get(url).status_code == 403
    assert client_for(personas.other_school_admin).get(url).status_code == 404
    assert client_for(personas.other_district_admin).get(url).status_code == 404


def test_marking_a_para_absent_proposes_coverage(client_for: Any, personas: Personas) -> None:
    one_to_one_in_period_2(personas)
    client = client_for(personas.school_admin)
    data = {
        "school": personas.school.pk,
        "para": personas.assigned_para.pk,
        "date": "2026-11-16",
        "all_day": "on",
        "reason": "sick",
    }
    response = client.post(reverse("absence_create"), data)
    absence = Absence.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "absence_coverage", args=[absence.pk]
    )
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "Zebulon Quillfeather" in text and "Jason Unassigned" in text
    assert AuditEntry.objects.filter(
        actor=personas.school_admin, action=AuditAction.VIEW, student_id=personas.student.pk
    ).exists()
    listing = client.get(reverse("absence_list"), {"date": "2026-11-16"}).content.decode()
    assert "Maria Assigned" in listing


def test_an_impossible_choice_comes_back_with_the_reason(client_for: Any, personas: Personas) -> None:
    one_to_one_in_period_2(personas)
    busy = para_at(personas.school, "Busy Bea")
    block(personas.school, busy, "Period 2", SupportType.SMALL_GROUP, [student_at(personas.school, "Other")])
    absence = absent(personas)
    row = absence.coverage.get()
    response = client_for(personas.school_admin).post(
        reverse("coverage_set", args=[absence.pk]), {"row": row.pk, f"{row.pk}-covering_para": busy.pk}
    )
    assert response.status_code == 200
    assert "double-book" in response.content.decode()
    row.refresh_from_db()
    assert row.covering_para_id == personas.unassigned_para.pk


def test_accepting_on_the_page_notifies_and_the_banner_shows_once(
    client_for: Any, personas: Personas
) -> None:
    one_to_one_in_period_2(personas)
    absence = absent(personas)
    response = client_for(personas.school_admin).post(reverse("coverage_accept", args=[absence.pk]))
    assert response.status_code == 302
    assert absence.coverage.get().status == CoverageStatus.ACCEPTED
    para = Client()
    para.force_login(personas.unassigned_para)
    first = para.get(reverse("my_schedule")).content.decode()
    assert "you cover 1 block(s) for Maria Assigned" in first
    assert Notification.objects.get().read_at is not None
    assert "you cover" not in para.get(reverse("my_schedule")).content.decode()


def test_the_covering_para_today_page_shows_the_student(personas: Personas) -> None:
    one_to_one_in_period_2(personas)
    absence = absent(personas)
    from paradesk.schedules.coverage import actions as coverage_actions

    coverage_actions.accept_coverage(actor=personas.school_admin, absence=absence)
    para = Client()
    para.force_login(personas.unassigned_para)
    at = datetime.datetime(2026, 11, 16, 15, 0, tzinfo=datetime.UTC)
    with mock.patch.object(timezone, "now", return_value=at):
        page = para.get(reverse("today")).content.decode()
    assert "Zebulon" in page and "Loves puzzles" in page
    assert "Zebulon" not in para.get(reverse("today")).content.decode()  # the next days: gone


def test_removing_an_absence(client_for: Any, personas: Personas) -> None:
    absence = absent(personas)
    response = client_for(personas.school_admin).post(reverse("absence_delete", args=[absence.pk]))
    assert response.status_code == 302
    assert not Absence.objects.exists()


# The schedule builder page -------------------------------------------------------------------------------


def test_builder_page_on_a_tiny_school(client_for: Any, personas: Personas) -> None:
    """One para (the assigned para), one student needing 100 minutes of adult support a week: the
    solver gives two 50-minute periods, the page names the student, accepting replaces the blocks."""
    from paradesk.testing import bell_schedule_for

    bell_schedule_for(personas.school)
    personas.unassigned_para.roles.update(active=False)
    Service.objects.create(
        district=personas.district,
        plan=personas.plan,
        kind="adult_support",
        name="Adult support",
        provider_role="Para",
        minutes=50,
        frequency=2,
        setting="Class",
        start_date=personas.plan.start_date,
        end_date=personas.plan.end_date,
    )
    client = client_for(personas.school_admin)
    response = client.post(
        reverse("schedule_builder"), {"school": personas.school.pk, "week_of": "2026-11-18"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = ScheduleDraft.objects.get()
    assert draft.week_of == MONDAY
    page = client.get(response["Location"]).content.decode()
    assert "Zebulon Quillfeather" in page and "Every required minute is scheduled" in page
    client.post(reverse("schedule_builder_accept"), {"draft": draft.pk})
    blocks = ParaBlock.objects.filter(school=personas.school)
    assert blocks.count() == 2
    assert {b.para_id for b in blocks} == {personas.assigned_para.pk}
    assert all(list(b.students.all()) == [personas.student] for b in blocks)
