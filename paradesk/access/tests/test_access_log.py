"""A student's access history: administrators only, in the school's time zone, itself audited."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from paradesk.access import audit
from paradesk.access.models import AuditAction, AuditEntry
from paradesk.testing import Personas

pytestmark = pytest.mark.django_db


def log_url(personas: Personas) -> str:
    return reverse("student_access_log", args=[personas.student.id])


def test_access_log_requires_sign_in(client: Client, personas: Personas) -> None:
    response = client.get(log_url(personas))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["assigned_para", "case_manager", "provider", "gen_ed_teacher"])
def test_team_members_may_not_read_the_access_log(client_for, personas: Personas, persona: str) -> None:
    assert client_for(personas.all()[persona]).get(log_url(personas)).status_code == 403


@pytest.mark.parametrize("persona", ["unassigned_para", "other_school_admin", "other_district_admin"])
def test_outsiders_do_not_find_the_access_log(client_for, personas: Personas, persona: str) -> None:
    assert client_for(personas.all()[persona]).get(log_url(personas)).status_code == 404
    assert not AuditEntry.objects.filter(object_type="student.access_log").exists()


@pytest.mark.parametrize("persona", ["school_admin", "district_admin"])
def test_administrators_read_who_saw_the_record(client_for, personas: Personas, persona: str) -> None:
    audit.record_view(personas.case_manager, personas.plan, personas.student.id)
    response = client_for(personas.all()[persona]).get(log_url(personas))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Casey Manager" in page
    assert "Case manager" in page
    assert "Viewed the student&#x27;s plan" in page
    assert "plans.plan" in page
    assert str(personas.plan.id) in page


def test_reading_the_access_log_is_itself_recorded(client_for, personas: Personas) -> None:
    client_for(personas.school_admin).get(log_url(personas))
    entry = AuditEntry.objects.get(object_type="student.access_log")
    assert entry.action == AuditAction.VIEW
    assert entry.actor == personas.school_admin
    assert entry.student_id == personas.student.id
    assert entry.object_id == str(personas.student.id)
    assert entry.via == "web"
    assert entry.address == "127.0.0.1"


def test_times_are_shown_in_the_schools_time_zone(client_for, personas: Personas) -> None:
    personas.school.time_zone = "Asia/Tokyo"
    personas.school.save()
    at = datetime.datetime(2026, 10, 5, 23, 30, tzinfo=datetime.UTC)
    AuditEntry.objects.create(
        at=at,
        district=personas.district,
        actor=personas.case_manager,
        action=AuditAction.VIEW,
        object_type="plans.plan",
        student_id=personas.student.id,
    )
    page = client_for(personas.district_admin).get(log_url(personas)).content.decode()
    tokyo = formats.date_format(timezone.localtime(at, zoneinfo.ZoneInfo("Asia/Tokyo")), "DATETIME_FORMAT")
    assert tokyo in page
    assert "2026-10-06T08:30:00+09:00" in page


def test_access_log_shows_only_this_students_entries(client_for, personas: Personas) -> None:
    AuditEntry.objects.create(
        actor=personas.case_manager, action=AuditAction.VIEW, object_type="elsewhere.thing"
    )
    page = client_for(personas.district_admin).get(log_url(personas)).content.decode()
    assert "elsewhere.thing" not in page


def test_access_log_pages_and_answers_htmx_with_the_table(client_for, personas: Personas) -> None:
    AuditEntry.objects.bulk_create(
        AuditEntry(
            district=personas.district,
            actor=personas.case_manager,
            action=AuditAction.VIEW,
            object_type="plans.goal",
            student_id=personas.student.id,
        )
        for _ in range(60)
    )
    client = client_for(personas.district_admin)
    first = client.get(log_url(personas))
    assert first.context["page"].has_next()
    second = client.get(log_url(personas), {"page": 2}, headers={"HX-Request": "true"})
    assert second.status_code == 200
    assert 'id="log-table"' in second.content.decode()
    assert "<html" not in second.content.decode()


def test_audit_entries_never_hold_the_students_name(client_for, personas: Personas) -> None:
    client = client_for(personas.district_admin)
    client.get(log_url(personas))
    client.get(reverse("student_record_export", args=[personas.student.id]))
    for entry in AuditEntry.objects.all():
        flat = " ".join(str(value) for value in entry.__dict__.values())
        assert "Zebulon" not in flat
        assert "Quillfeather" not in flat


def test_a_system_entry_about_a_student_carries_the_students_district(client_for, personas: Personas) -> None:
    audit.record(
        actor=None, action=AuditAction.UPDATE, object_type="plans.plan", student_id=personas.student.id
    )
    entry = AuditEntry.objects.get(actor=None, student_id=personas.student.id)
    assert entry.district_id == personas.district.id
    page = client_for(personas.district_admin).get(log_url(personas)).content.decode()
    assert "No one signed in (system)" in page
    assert "Changed the student&#x27;s plan" in page
