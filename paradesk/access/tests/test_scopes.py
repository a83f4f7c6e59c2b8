"""The named queries of paradesk.access.scopes (who stands where today) and the secret links API
tokens and calendar feeds share (docs/access.md#where-the-gate-is)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from paradesk.access import policy, scopes
from paradesk.access.models import ApiToken
from paradesk.people.models import Assignment, Role, RoleKind, TeamRole
from paradesk.schedules.models import CalendarFeed
from paradesk.testing import Personas, staff_with_role

pytestmark = pytest.mark.django_db


def test_the_caseload_is_the_case_managers_and_providers_students_only(personas: Personas) -> None:
    assert list(scopes.caseload(personas.case_manager)) == [personas.student]
    assert list(scopes.caseload(personas.provider)) == [personas.student]
    assert list(scopes.caseload(personas.assigned_para)) == []
    assert list(scopes.caseload(personas.school_admin)) == []


def test_a_para_s_students_end_with_the_assignment(personas: Personas) -> None:
    assert list(scopes.para_students(personas.assigned_para)) == [personas.student]
    Assignment.objects.filter(staff=personas.assigned_para).update(ended_at=timezone.now())
    assert list(scopes.para_students(personas.assigned_para)) == []


def test_an_assignment_without_the_matching_staff_role_puts_nobody_on_the_team(personas: Personas) -> None:
    Role.objects.filter(staff=personas.case_manager).update(active=False)
    assert list(scopes.caseload(personas.case_manager)) == []
    team = set(scopes.current_team(personas.student).values_list("staff_id", flat=True))
    assert team == {personas.assigned_para.pk, personas.provider.pk}


def test_a_team_on_a_day_before_it_began_is_empty(personas: Personas) -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Assignment.objects.filter(student=personas.student).update(start_date=timezone.localdate())
    assert list(scopes.current_team(personas.student, on=yesterday)) == []
    assert scopes.teams_of(personas.district.pk, [personas.student.pk], [TeamRole.CASE_MANAGER]).count() == 1


def test_someone_without_a_district_has_no_assignments(personas: Personas) -> None:
    personas.case_manager.district = None
    assert list(scopes.assignments_of(personas.case_manager)) == []
    assert list(scopes.caseload(personas.case_manager)) == []


def test_a_school_s_paras_are_those_with_a_current_para_role_there(personas: Personas) -> None:
    elsewhere = staff_with_role(personas.district, personas.other_school, RoleKind.PARA, "Pia Elsewhere")
    paras = set(scopes.school_paras([personas.school.pk]))
    assert paras == {personas.assigned_para, personas.unassigned_para}
    assert elsewhere not in paras
    assert scopes.holds_role_at(personas.assigned_para.pk, personas.school.pk, RoleKind.PARA)
    assert not scopes.holds_role_at(elsewhere.pk, personas.school.pk)


def test_directing_staff_are_the_school_s_teachers_and_providers(personas: Personas) -> None:
    directing = set(scopes.directing_staff([personas.school.pk]))
    assert directing == {personas.case_manager, personas.gen_ed_teacher, personas.provider}


def test_only_team_assignments_let_someone_record(personas: Personas) -> None:
    student = {personas.student.pk}
    assert policy.may_record_for(personas.assigned_para, student) == student
    assert policy.may_record_for(personas.case_manager, student) == student
    assert policy.may_record_for(personas.gen_ed_teacher, student) == set()
    assert policy.may_record_for(personas.school_admin, student) == set()
    assert policy.may_record_for(personas.unassigned_para, student) == set()


def test_a_secret_link_is_found_by_its_secret_until_revoked(personas: Personas) -> None:
    feed, raw = CalendarFeed.issue(personas.assigned_para)
    assert feed.prefix == raw[:8]
    assert CalendarFeed.find(raw) == feed
    assert feed.revoke() is True
    assert feed.revoke() is False  # the first revocation's time stays
    assert CalendarFeed.find(raw) is None


def test_an_expired_token_or_one_without_its_prefix_is_not_found(personas: Personas) -> None:
    token, raw = ApiToken.issue(personas.case_manager, "laptop")
    assert raw.startswith("pdk_") and token.prefix == raw[4:12]
    assert ApiToken.find(raw) == token
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert ApiToken.find(raw) is None
    assert ApiToken.find(raw.removeprefix("pdk_")) is None


def test_use_is_noted_at_most_once_per_resolution(personas: Personas) -> None:
    token, _raw = ApiToken.issue(personas.case_manager, "laptop")
    token.note_use(datetime.timedelta(minutes=1))
    first = token.last_used_at
    token.note_use(datetime.timedelta(minutes=1))
    assert token.last_used_at == first
    token.note_use()
    assert token.last_used_at is not None and first is not None and token.last_used_at > first
    assert ApiToken.objects.get(pk=token.pk).last_used_at == token.last_used_at
