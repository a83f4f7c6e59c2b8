"""Administrator pages: staff, roles and team assignments, within the administrator's scope."""

from __future__ import annotations

import datetime
from typing import cast

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from paradesk.access.models import AuditAction, AuditEntry
from paradesk.people.models import Assignment, Role, RoleKind, Staff, Student, TeamRole, today
from paradesk.testing import AssignmentFactory, Personas, StudentFactory, staff_with_role

pytestmark = pytest.mark.django_db

NON_ADMINS = ["assigned_para", "unassigned_para", "case_manager", "gen_ed_teacher", "provider"]
STRONG_PASSWORD = "lantern-orchard-velvet-42"


def persona_role(staff: Staff) -> Role:
    return Role.objects.get(staff=staff)


def persona_assignment(personas: Personas) -> Assignment:
    return Assignment.objects.get(staff=personas.assigned_para, student=personas.student)


def admin_urls(personas: Personas) -> list[str]:
    staff_id = personas.assigned_para.id
    return [
        reverse("staff_list"),
        reverse("staff_create"),
        reverse("staff_detail", args=[staff_id]),
        reverse("role_create", args=[staff_id]),
        reverse("assignment_create", args=[staff_id]),
    ]


def test_staff_pages_require_sign_in(client: Client, personas: Personas) -> None:
    for url in admin_urls(personas):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", NON_ADMINS)
def test_staff_pages_are_forbidden_to_non_administrators(
    client_for, personas: Personas, persona: str
) -> None:
    client = client_for(personas.all()[persona])
    for url in admin_urls(personas):
        assert client.get(url).status_code == 403, url
    role = persona_role(personas.assigned_para)
    assert client.post(reverse("role_end", args=[role.id])).status_code == 403
    assert client.post(reverse("assignment_end", args=[persona_assignment(personas).id])).status_code == 403
    role.refresh_from_db()
    assert role.active


def test_another_districts_admin_finds_no_staff_role_or_assignment(client_for, personas: Personas) -> None:
    client = client_for(personas.other_district_admin)
    staff_id = personas.assigned_para.id
    for name in ["staff_detail", "role_create", "assignment_create"]:
        assert client.get(reverse(name, args=[staff_id])).status_code == 404, name
    role = persona_role(personas.assigned_para)
    assignment = persona_assignment(personas)
    assert client.post(reverse("role_end", args=[role.id])).status_code == 404
    assert client.post(reverse("assignment_end", args=[assignment.id])).status_code == 404
    role.refresh_from_db()
    assignment.refresh_from_db()
    assert role.active
    assert assignment.end_date is None


def test_another_districts_admin_lists_only_their_own_district(client_for, personas: Personas) -> None:
    response = client_for(personas.other_district_admin).get(reverse("staff_list"))
    assert response.status_code == 200
    assert "Otto Outsider" in response.content.decode()
    assert "Maria Assigned" not in response.content.decode()


def test_school_admin_lists_only_staff_of_their_schools(client_for, personas: Personas) -> None:
    page = client_for(personas.school_admin).get(reverse("staff_list")).content.decode()
    assert "Maria Assigned" in page
    assert "Pat Provider" in page
    assert "Olive Otherschool" not in page
    assert "Dana District" not in page


def test_district_admin_lists_the_whole_district(client_for, personas: Personas) -> None:
    page = client_for(personas.district_admin).get(reverse("staff_list")).content.decode()
    for name in ["Maria Assigned", "Olive Otherschool", "Dana District", "Sam Principal"]:
        assert name in page
    assert "Otto Outsider" not in page


def test_staff_list_shows_roles_and_current_assignment_count(client_for, personas: Personas) -> None:
    AssignmentFactory(
        staff=personas.assigned_para,
        student=StudentFactory(school=personas.school),
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2020, 6, 1),
    )
    response = client_for(personas.district_admin).get(reverse("staff_list"))
    maria = next(
        person for person in response.context["page"].object_list if person.full_name == "Maria Assigned"
    )
    assert maria.current_assignments == 1
    assert [role.kind for role in maria.current_roles] == [RoleKind.PARA]
    page = response.content.decode()
    assert "Speech-language pathologist" in page
    assert "Alder Elementary (test)" in page


def test_staff_list_filters_by_school_and_role(client_for, personas: Personas) -> None:
    client = client_for(personas.district_admin)
    by_role = client.get(reverse("staff_list"), {"kind": RoleKind.PROVIDER}).context["page"].object_list
    assert [person.full_name for person in by_role] == ["Pat Provider"]
    by_school = client.get(reverse("staff_list"), {"school": personas.other_school.id}).context["page"]
    assert [person.full_name for person in by_school.object_list] == ["Olive Otherschool"]
    both = client.get(
        reverse("staff_list"), {"school": personas.other_school.id, "kind": RoleKind.PARA}
    ).context["page"]
    assert list(both.object_list) == []


def test_staff_list_answers_htmx_with_the_table_only(client_for, personas: Personas) -> None:
    response = client_for(personas.district_admin).get(reverse("staff_list"), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert 'id="staff-table"' in page
    assert "<html" not in page


def add_staff_with_assignments(personas: Personas, count: int) -> None:
    for number in range(count):
        para = staff_with_role(personas.district, personas.school, RoleKind.PARA, f"Extra Para {number}")
        Role.objects.create(
            district=personas.district, staff=para, school=personas.other_school, kind=RoleKind.PARA
        )
        AssignmentFactory(staff=para, student=StudentFactory(school=personas.school))


def staff_list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("staff_list")).status_code == 200
    return len(queries)


def test_staff_list_query_count_does_not_grow_with_staff(
    client_for, personas: Personas, django_assert_max_num_queries
) -> None:
    client = client_for(personas.district_admin)
    few = staff_list_queries(client)
    add_staff_with_assignments(personas, 12)
    assert staff_list_queries(client) == few
    with django_assert_max_num_queries(12):
        client.get(reverse("staff_list"))


def staff_form(personas: Personas, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "full_name": "Linda Newhire",
        "email": "linda.newhire@example.test",
        "password": STRONG_PASSWORD,
        "kind": RoleKind.PARA,
        "school": personas.school.id,
        "discipline": "",
    }
    data.update(changes)
    return data


def test_admin_adds_a_staff_member_with_a_first_role(client_for, personas: Personas) -> None:
    client = client_for(personas.school_admin)
    response = client.post(reverse("staff_create"), staff_form(personas, email="Linda.Newhire@Example.test"))
    staff = Staff.objects.get(email="linda.newhire@example.test")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff_detail", args=[staff.id])
    assert staff.district_id == personas.district.id
    assert staff.check_password(STRONG_PASSWORD)
    role = Role.objects.get(staff=staff)
    assert (role.kind, role.school_id, role.active) == (RoleKind.PARA, personas.school.id, True)
    entries = AuditEntry.objects.filter(actor=personas.school_admin, action=AuditAction.CREATE)
    assert {entry.object_type for entry in entries} == {"people.staff", "people.role"}
    assert "email" in entries.get(object_type="people.staff").changed_fields


def test_staff_added_without_a_password_cannot_sign_in_yet(client_for, personas: Personas) -> None:
    client_for(personas.district_admin).post(reverse("staff_create"), staff_form(personas, password=""))
    assert not Staff.objects.get(email="linda.newhire@example.test").has_usable_password()


def test_duplicate_email_in_any_case_is_refused_and_nothing_saved(client_for, personas: Personas) -> None:
    before = Staff.objects.count()
    taken = personas.assigned_para.email.upper()
    response = client_for(personas.district_admin).post(
        reverse("staff_create"), staff_form(personas, email=taken)
    )
    assert response.status_code == 200
    assert "Someone already signs in with this email address." in response.context["form"].errors["email"]
    assert Staff.objects.count() == before


def test_weak_password_is_refused_beside_the_field(client_for, personas: Personas) -> None:
    response = client_for(personas.district_admin).post(
        reverse("staff_create"), staff_form(personas, password="password")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not Staff.objects.filter(email="linda.newhire@example.test").exists()


def test_provider_needs_a_discipline(client_for, personas: Personas) -> None:
    response = client_for(personas.district_admin).post(
        reverse("staff_create"), staff_form(personas, kind=RoleKind.PROVIDER)
    )
    assert "discipline" in response.context["form"].errors
    assert not Staff.objects.filter(email="linda.newhire@example.test").exists()


def test_school_admin_cannot_give_roles_at_other_schools_or_district_wide(
    client_for, personas: Personas
) -> None:
    client = client_for(personas.school_admin)
    url = reverse("role_create", args=[personas.assigned_para.id])
    elsewhere = client.post(url, {"kind": RoleKind.PARA, "school": personas.other_school.id})
    assert "school" in elsewhere.context["form"].errors
    district_wide = client.post(url, {"kind": RoleKind.DISTRICT_ADMIN, "school": ""})
    assert "kind" in district_wide.context["form"].errors
    assert Role.objects.filter(staff=personas.assigned_para).count() == 1


def test_admin_adds_a_role(client_for, personas: Personas) -> None:
    url = reverse("role_create", args=[personas.assigned_para.id])
    response = client_for(personas.district_admin).post(
        url, {"kind": RoleKind.PARA, "school": personas.other_school.id}
    )
    assert response.status_code == 302
    role = Role.objects.get(staff=personas.assigned_para, school=personas.other_school)
    assert role.active
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(role.id)).exists()


def test_a_role_already_held_is_refused(client_for, personas: Personas) -> None:
    url = reverse("role_create", args=[personas.assigned_para.id])
    response = client_for(personas.school_admin).post(
        url, {"kind": RoleKind.PARA, "school": personas.school.id}
    )
    assert "kind" in response.context["form"].errors


def test_ending_a_role_keeps_it_inactive_and_audits(client_for, personas: Personas) -> None:
    role = persona_role(personas.assigned_para)
    response = client_for(personas.school_admin).post(reverse("role_end", args=[role.id]))
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.active is False
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(role.id))
    assert entry.changed_fields == ["active"]
    assert entry.actor == personas.school_admin


def test_ended_role_can_be_given_again(client_for, personas: Personas) -> None:
    role = persona_role(personas.assigned_para)
    client = client_for(personas.school_admin)
    client.post(reverse("role_end", args=[role.id]))
    url = reverse("role_create", args=[personas.assigned_para.id])
    client_for(personas.district_admin).post(url, {"kind": RoleKind.PARA, "school": personas.school.id})
    role.refresh_from_db()
    assert role.active
    assert Role.objects.filter(staff=personas.assigned_para).count() == 1


def test_ending_a_role_is_a_post(client_for, personas: Personas) -> None:
    role = persona_role(personas.assigned_para)
    assert client_for(personas.school_admin).get(reverse("role_end", args=[role.id])).status_code == 405


def test_school_admin_cannot_end_a_role_at_another_school(client_for, personas: Personas) -> None:
    role = persona_role(personas.other_school_admin)
    assert client_for(personas.school_admin).post(reverse("role_end", args=[role.id])).status_code == 404
    role.refresh_from_db()
    assert role.active


def test_other_school_admin_finds_no_staff_or_assignment_of_another_school(
    client_for, personas: Personas
) -> None:
    client = client_for(personas.other_school_admin)
    assert client.get(reverse("staff_detail", args=[personas.assigned_para.id])).status_code == 404
    assignment = persona_assignment(personas)
    assert client.post(reverse("assignment_end", args=[assignment.id])).status_code == 404


def test_staff_detail_shows_roles_and_assignments(client_for, personas: Personas) -> None:
    page = client_for(personas.school_admin).get(reverse("staff_detail", args=[personas.assigned_para.id]))
    text = page.content.decode()
    assert personas.student.local_id in text
    assert "1:1 paraprofessional" in text
    assert reverse("assignment_end", args=[persona_assignment(personas).id]) in text


def assignment_form(personas: Personas, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "student": personas.student.id,
        "team_role": TeamRole.PARA_SMALL_GROUP,
        "start_date": "2026-09-01",
        "end_date": "2027-06-15",
    }
    data.update(changes)
    return data


def test_admin_assigns_staff_to_a_student(client_for, personas: Personas) -> None:
    url = reverse("assignment_create", args=[personas.unassigned_para.id])
    response = client_for(personas.school_admin).post(url, assignment_form(personas))
    assert response.status_code == 302
    assignment = Assignment.objects.get(staff=personas.unassigned_para)
    assert assignment.student == personas.student
    assert assignment.end_date == datetime.date(2027, 6, 15)
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_id=str(assignment.id))
    assert entry.student_id == personas.student.id
    assert "team_role" in entry.changed_fields


def test_assignment_ending_before_it_starts_is_refused_beside_the_end_date(
    client_for, personas: Personas
) -> None:
    url = reverse("assignment_create", args=[personas.unassigned_para.id])
    response = client_for(personas.school_admin).post(url, assignment_form(personas, end_date="2026-08-01"))
    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.context["form"].errors["end_date"]
    assert "The end date cannot be before the start date." in response.content.decode()
    assert not Assignment.objects.filter(staff=personas.unassigned_para).exists()


def test_school_admin_cannot_assign_a_student_of_another_school(client_for, personas: Personas) -> None:
    elsewhere = cast(Student, StudentFactory(school=personas.other_school))
    url = reverse("assignment_create", args=[personas.unassigned_para.id])
    response = client_for(personas.school_admin).post(url, assignment_form(personas, student=elsewhere.id))
    assert "student" in response.context["form"].errors
    assert not Assignment.objects.filter(staff=personas.unassigned_para).exists()


def test_assignment_form_offers_only_students_in_scope(client_for, personas: Personas) -> None:
    StudentFactory(school=personas.other_school, local_id="ELSEWHERE1")
    url = reverse("assignment_create", args=[personas.unassigned_para.id])
    page = client_for(personas.school_admin).get(url).content.decode()
    assert f"{personas.student.local_id} — Zebulon Quillfeather" in page
    assert "ELSEWHERE1" not in page


def test_ending_an_assignment_sets_its_end_moment_and_todays_end_date_and_audits(
    client_for, personas: Personas
) -> None:
    assignment = persona_assignment(personas)
    response = client_for(personas.district_admin).post(reverse("assignment_end", args=[assignment.id]))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.end_date == today()
    assert assignment.ended_at is not None
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(assignment.id))
    assert entry.changed_fields == ["end_date", "ended_at"]
    assert entry.student_id == personas.student.id


def test_ending_an_assignment_that_has_not_started_ends_it_on_its_first_day(
    client_for, personas: Personas
) -> None:
    start = today() + datetime.timedelta(days=10)
    assignment = cast(
        Assignment,
        AssignmentFactory(staff=personas.unassigned_para, student=personas.student, start_date=start),
    )
    client_for(personas.school_admin).post(reverse("assignment_end", args=[assignment.id]))
    assignment.refresh_from_db()
    assert assignment.end_date == start
