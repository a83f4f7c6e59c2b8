"""A team role needs the matching staff role, an ended assignment ends at once, and a duplicate is
refused: checked when assigning and again when access is decided (docs/access.md)."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from paradesk.access.policy import Standing, standings_toward, visible_students
from paradesk.people import actions
from paradesk.people.models import Assignment, AssignmentStatus, Discipline, RoleKind, TeamRole, today
from paradesk.testing import AssignmentFactory, Personas, staff_with_role

pytestmark = pytest.mark.django_db


def assignment_form(personas: Personas, team_role: str, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "student": personas.student.id,
        "team_role": team_role,
        "start_date": "2026-09-01",
        "end_date": "",
    }
    data.update(changes)
    return data


def post_assignment(client_for, personas: Personas, staff_id: object, data: dict[str, object]):
    url = reverse("assignment_create", args=[staff_id])
    return client_for(personas.school_admin).post(url, data)


@pytest.mark.parametrize(
    ("persona", "team_role"),
    [
        ("unassigned_para", TeamRole.CASE_MANAGER),
        ("unassigned_para", TeamRole.PROVIDER),
        ("gen_ed_teacher", TeamRole.PARA_ONE_TO_ONE),
        ("gen_ed_teacher", TeamRole.CASE_MANAGER),
        ("case_manager", TeamRole.PROVIDER),
    ],
)
def test_team_role_without_the_matching_staff_role_is_refused_beside_the_field(
    client_for, personas: Personas, persona: str, team_role: str
) -> None:
    staff = personas.all()[persona]
    before = Assignment.objects.filter(staff=staff).count()
    response = post_assignment(client_for, personas, staff.id, assignment_form(personas, team_role))
    assert response.status_code == 200
    errors = response.context["form"].errors["team_role"]
    assert any("Give the person that role first." in error for error in errors)
    assert Assignment.objects.filter(staff=staff).count() == before


def test_para_at_another_school_cannot_be_a_para_on_the_team(client_for, personas: Personas) -> None:
    elsewhere = staff_with_role(personas.district, personas.other_school, RoleKind.PARA, "Pia Elsewhere")
    url = reverse("assignment_create", args=[elsewhere.id])
    response = client_for(personas.district_admin).post(
        url, assignment_form(personas, TeamRole.PARA_SMALL_GROUP)
    )
    assert "team_role" in response.context["form"].errors
    assert not Assignment.objects.filter(staff=elsewhere).exists()


def test_provider_of_a_discipline_and_para_may_take_their_team_roles(client_for, personas: Personas) -> None:
    ot = staff_with_role(
        personas.district, personas.school, RoleKind.PROVIDER, "Otto Therapist", discipline=Discipline.OT
    )
    response = post_assignment(client_for, personas, ot.id, assignment_form(personas, TeamRole.PROVIDER))
    assert response.status_code == 302
    para = personas.unassigned_para
    response = post_assignment(
        client_for, personas, para.id, assignment_form(personas, TeamRole.PARA_SMALL_GROUP)
    )
    assert response.status_code == 302
    assert standings_toward(ot, personas.student) == {Standing.PROVIDER}
    assert standings_toward(para, personas.student) == {Standing.PARA}


def test_an_old_assignment_without_the_matching_role_grants_nothing(client_for, personas: Personas) -> None:
    """The tester's finding: a para given the team role "Case manager" opened the New plan form."""
    para = personas.unassigned_para
    AssignmentFactory.create(
        staff=para, student=personas.student, team_role=TeamRole.CASE_MANAGER, matching_role=False
    )
    assert standings_toward(para, personas.student) == frozenset()
    assert not visible_students(para).filter(pk=personas.student.pk).exists()
    response = client_for(para).get(reverse("plan_create", args=[personas.student.id]))
    assert response.status_code == 404


def test_a_para_with_a_wrong_case_manager_row_keeps_only_their_para_standing(personas: Personas) -> None:
    para = personas.assigned_para
    AssignmentFactory.create(
        staff=para, student=personas.student, team_role=TeamRole.CASE_MANAGER, matching_role=False
    )
    assert standings_toward(para, personas.student) == {Standing.PARA}


def test_a_role_ended_later_takes_the_team_standing_with_it(personas: Personas) -> None:
    role = personas.assigned_para.roles.get()
    actions.end_role(actor=personas.school_admin, role=role)
    assert standings_toward(personas.assigned_para, personas.student) == frozenset()


# --- ending ----------------------------------------------------------------------------------------


def test_ending_an_assignment_ends_access_at_once_and_reads_ended(client_for, personas: Personas) -> None:
    para = personas.assigned_para
    assignment = Assignment.objects.get(staff=para, student=personas.student)
    assert standings_toward(para, personas.student) == {Standing.PARA}
    client_for(personas.school_admin).post(reverse("assignment_end", args=[assignment.id]))
    assignment.refresh_from_db()
    assert assignment.status_on(today()) == AssignmentStatus.ENDED
    assert standings_toward(para, personas.student) == frozenset()
    assert not Assignment.objects.current().filter(pk=assignment.pk).exists()
    page = client_for(personas.school_admin).get(reverse("staff_detail", args=[para.id])).content.decode()
    assert "Ended" in page
    assert reverse("assignment_end", args=[assignment.id]) not in page
    assert client_for(para).get(reverse("student_detail", args=[personas.student.id])).status_code == 404


def test_an_ended_assignment_still_counts_for_the_days_before_it_ended(personas: Personas) -> None:
    assignment = Assignment.objects.get(staff=personas.assigned_para, student=personas.student)
    actions.end_assignment(actor=personas.school_admin, assignment=assignment)
    yesterday = today() - datetime.timedelta(days=1)
    assert Assignment.objects.current(yesterday).filter(pk=assignment.pk).exists()
    assignment.refresh_from_db()
    assert assignment.status_on(yesterday) == AssignmentStatus.CURRENT


def test_ending_twice_keeps_the_first_end(personas: Personas) -> None:
    assignment = Assignment.objects.get(staff=personas.assigned_para, student=personas.student)
    first = actions.end_assignment(actor=personas.school_admin, assignment=assignment)
    second = actions.end_assignment(actor=personas.school_admin, assignment=assignment)
    assert second.ended_at == first.ended_at


def test_a_one_day_coverage_assignment_is_current_on_its_day_only(personas: Personas) -> None:
    day = today()
    one_day = AssignmentFactory.create(
        staff=personas.unassigned_para, student=personas.student, start_date=day, end_date=day
    )
    assert Assignment.objects.current(day).filter(pk=one_day.pk).exists()
    assert not Assignment.objects.current(day + datetime.timedelta(days=1)).filter(pk=one_day.pk).exists()
    assert standings_toward(personas.unassigned_para, personas.student) == {Standing.PARA}


# --- duplicates ------------------------------------------------------------------------------------


def test_an_exact_duplicate_assignment_is_refused_beside_the_field(client_for, personas: Personas) -> None:
    para = personas.unassigned_para
    data = assignment_form(personas, TeamRole.PARA_SMALL_GROUP)
    assert post_assignment(client_for, personas, para.id, data).status_code == 302
    response = post_assignment(client_for, personas, para.id, data)
    assert response.status_code == 200
    assert "already has this role" in " ".join(response.context["form"].errors["team_role"])
    assert Assignment.objects.filter(staff=para).count() == 1


def test_an_overlapping_dated_assignment_in_the_same_role_is_refused(client_for, personas: Personas) -> None:
    para = personas.unassigned_para
    first = assignment_form(personas, TeamRole.PARA_SMALL_GROUP, end_date="2026-12-18")
    assert post_assignment(client_for, personas, para.id, first).status_code == 302
    overlapping = assignment_form(personas, TeamRole.PARA_SMALL_GROUP, start_date="2026-12-01")
    assert "team_role" in post_assignment(client_for, personas, para.id, overlapping).context["form"].errors
    later = assignment_form(personas, TeamRole.PARA_SMALL_GROUP, start_date="2027-01-04")
    assert post_assignment(client_for, personas, para.id, later).status_code == 302


def test_an_ended_assignment_may_be_given_again(client_for, personas: Personas) -> None:
    assignment = Assignment.objects.get(staff=personas.assigned_para, student=personas.student)
    actions.end_assignment(actor=personas.school_admin, assignment=assignment)
    data = assignment_form(personas, TeamRole.PARA_ONE_TO_ONE, start_date=today().isoformat())
    assert post_assignment(client_for, personas, personas.assigned_para.id, data).status_code == 302


def test_the_database_refuses_a_second_open_assignment(personas: Personas) -> None:
    existing = Assignment.objects.get(staff=personas.assigned_para, student=personas.student)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            district=personas.district,
            staff=personas.assigned_para,
            student=personas.student,
            team_role=existing.team_role,
            start_date=existing.start_date,
        )


def test_staff_page_says_an_old_wrong_row_grants_no_access(client_for, personas: Personas) -> None:
    para = personas.unassigned_para
    AssignmentFactory.create(
        staff=para, student=personas.student, team_role=TeamRole.CASE_MANAGER, matching_role=False
    )
    page = client_for(personas.school_admin).get(reverse("staff_detail", args=[para.id])).content.decode()
    assert "Grants no access" in page
    assigned = client_for(personas.school_admin).get(
        reverse("staff_detail", args=[personas.assigned_para.id])
    )
    assert "Grants no access" not in assigned.content.decode()
