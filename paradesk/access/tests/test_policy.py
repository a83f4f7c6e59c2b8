"""Known-answer tests of the access policy (policy.py) and the fetch helpers (helpers.py).

Every branch of both modules is exercised here: standings from assignments, classes and roles, with
dates and active flags; the visible-student lists; 404 versus 403; ids that are not UUIDs. The last
tests hold the code's POLICY and the table in docs/access.md to each other.
"""

from __future__ import annotations

import datetime
import re
import uuid
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404

from paradesk.access.helpers import access_plan, access_plan_item, access_student, as_uuid, require
from paradesk.access.policy import (
    POLICY,
    Action,
    Standing,
    admin_school_ids,
    allowed,
    is_district_admin,
    standings_toward,
    visible_students,
)
from paradesk.people.models import (
    Assignment,
    ClassSection,
    District,
    Enrollment,
    Role,
    RoleKind,
    Staff,
    Student,
    TeamRole,
    today,
)
from paradesk.plans.models import Accommodation, Goal, Measure, ParaDirection
from paradesk.testing import (
    AssignmentFactory,
    DistrictFactory,
    Personas,
    StaffFactory,
    StudentFactory,
    staff_with_role,
)

pytestmark = pytest.mark.django_db

# An id nothing has (fixed, so pytest-xdist workers collect the same test ids).
NOBODY = uuid.UUID("00000000-0000-4000-8000-000000000000")
EXPECTED_STANDINGS: dict[str, frozenset[Standing]] = {
    "assigned_para": frozenset({Standing.PARA}),
    "unassigned_para": frozenset(),
    "case_manager": frozenset({Standing.CASE_MANAGER}),
    "gen_ed_teacher": frozenset({Standing.GEN_ED_TEACHER}),
    "provider": frozenset({Standing.PROVIDER}),
    "school_admin": frozenset({Standing.SCHOOL_ADMIN}),
    "other_school_admin": frozenset(),
    "district_admin": frozenset({Standing.DISTRICT_ADMIN}),
    "other_district_admin": frozenset(),
}


def new_staff(**fields: Any) -> Staff:
    return cast(Staff, StaffFactory(**fields))


def new_student(**fields: Any) -> Student:
    return cast(Student, StudentFactory(**fields))


def new_district() -> District:
    return cast(District, DistrictFactory())


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


# --- standings -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED_STANDINGS))
def test_each_persona_stands_toward_the_student_as_expected(personas: Personas, name: str) -> None:
    staff = personas.all()[name]
    assert standings_toward(staff, personas.student) == EXPECTED_STANDINGS[name]


def test_anonymous_user_has_no_standing(personas: Personas) -> None:
    assert standings_toward(AnonymousUser(), personas.student) == frozenset()  # type: ignore[arg-type]


def test_staff_without_district_has_no_standing_even_when_assigned(personas: Personas) -> None:
    loose = new_staff(district=None)
    AssignmentFactory(student=personas.student, staff=loose, team_role=TeamRole.CASE_MANAGER)
    assert standings_toward(loose, personas.student) == frozenset()


def test_staff_of_another_district_has_no_standing_even_when_assigned(personas: Personas) -> None:
    outsider = personas.other_district_admin
    AssignmentFactory(student=personas.student, staff=outsider, team_role=TeamRole.CASE_MANAGER)
    assert standings_toward(outsider, personas.student) == frozenset()


def test_ended_assignment_gives_no_standing(personas: Personas) -> None:
    para = personas.unassigned_para
    AssignmentFactory(student=personas.student, staff=para, start_date=days(-30), end_date=days(-1))
    assert standings_toward(para, personas.student) == frozenset()
    assert standings_toward(para, personas.student, on=days(-1)) == {Standing.PARA}


def test_assignment_ending_today_still_gives_standing(personas: Personas) -> None:
    para = personas.unassigned_para
    AssignmentFactory(student=personas.student, staff=para, start_date=days(-30), end_date=days(0))
    assert standings_toward(para, personas.student) == {Standing.PARA}


def test_future_assignment_gives_no_standing_until_it_starts(personas: Personas) -> None:
    para = personas.unassigned_para
    AssignmentFactory(student=personas.student, staff=para, start_date=days(1))
    assert standings_toward(para, personas.student) == frozenset()
    assert standings_toward(para, personas.student, on=days(1)) == {Standing.PARA}


def test_ended_assignment_of_assigned_para_removes_the_standing(personas: Personas) -> None:
    Assignment.objects.filter(staff=personas.assigned_para).update(end_date=days(-1))
    assert standings_toward(personas.assigned_para, personas.student) == frozenset()


@pytest.mark.parametrize(
    ("team_role", "standing"),
    [
        (TeamRole.CASE_MANAGER, Standing.CASE_MANAGER),
        (TeamRole.PROVIDER, Standing.PROVIDER),
        (TeamRole.PARA_ONE_TO_ONE, Standing.PARA),
        (TeamRole.PARA_SMALL_GROUP, Standing.PARA),
        (TeamRole.GEN_ED_TEACHER, Standing.GEN_ED_TEACHER),
    ],
)
def test_each_team_role_gives_its_standing(
    personas: Personas, team_role: TeamRole, standing: Standing
) -> None:
    staff = personas.unassigned_para
    AssignmentFactory(student=personas.student, staff=staff, team_role=team_role)
    assert standings_toward(staff, personas.student) == {standing}


def test_inactive_class_section_gives_no_standing(personas: Personas) -> None:
    ClassSection.objects.filter(teacher=personas.gen_ed_teacher).update(active=False)
    assert standings_toward(personas.gen_ed_teacher, personas.student) == frozenset()
    assert list(visible_students(personas.gen_ed_teacher)) == []


def test_class_without_the_student_gives_no_standing(personas: Personas) -> None:
    Enrollment.objects.filter(student=personas.student).delete()
    assert standings_toward(personas.gen_ed_teacher, personas.student) == frozenset()


def test_inactive_school_admin_role_gives_no_standing(personas: Personas) -> None:
    Role.objects.filter(staff=personas.school_admin).update(active=False)
    assert standings_toward(personas.school_admin, personas.student) == frozenset()
    assert admin_school_ids(personas.school_admin) == set()


def test_inactive_district_admin_role_gives_no_standing(personas: Personas) -> None:
    Role.objects.filter(staff=personas.district_admin).update(active=False)
    assert standings_toward(personas.district_admin, personas.student) == frozenset()
    assert not is_district_admin(personas.district_admin)
    assert list(visible_students(personas.district_admin)) == []


def test_non_admin_roles_give_no_standing_on_their_own(personas: Personas) -> None:
    """A para or teacher role at the student's school is not a relation to the student."""
    for kind in (RoleKind.PARA, RoleKind.SPED_TEACHER, RoleKind.GEN_ED_TEACHER, RoleKind.PROVIDER):
        staff = staff_with_role(personas.district, personas.school, kind, f"Role Only {kind}")
        assert standings_toward(staff, personas.student) == frozenset(), kind


def test_school_admin_of_another_school_has_no_standing(personas: Personas) -> None:
    assert standings_toward(personas.other_school_admin, personas.student) == frozenset()
    assert admin_school_ids(personas.other_school_admin) == {personas.other_school.id}


def test_district_admin_role_in_another_district_gives_no_standing(personas: Personas) -> None:
    """The role must be in the student's district, as visible_students and is_district_admin require."""
    staff = new_staff(district=personas.district)
    elsewhere = new_district()
    Role.objects.create(district=elsewhere, staff=staff, school=None, kind=RoleKind.DISTRICT_ADMIN)
    assert not is_district_admin(staff)
    assert list(visible_students(staff)) == []
    assert standings_toward(staff, personas.student) == frozenset()


def test_several_standings_are_united(personas: Personas) -> None:
    Role.objects.create(
        district=personas.district,
        staff=personas.case_manager,
        school=personas.school,
        kind=RoleKind.SCHOOL_ADMIN,
    )
    assert standings_toward(personas.case_manager, personas.student) == {
        Standing.CASE_MANAGER,
        Standing.SCHOOL_ADMIN,
    }


# --- visible students ------------------------------------------------------------------------


@pytest.fixture
def more_students(personas: Personas) -> dict[str, Student]:
    """A classmate nobody is assigned to, a student at the other school, one in another district."""
    far_district = personas.other_district_admin.district
    assert far_district is not None
    return {
        "classmate": new_student(school=personas.school),
        "other_school": new_student(school=personas.other_school),
        "far": new_student(school__district=far_district),
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("assigned_para", {"student"}),
        ("unassigned_para", set()),
        ("case_manager", {"student"}),
        ("gen_ed_teacher", {"student"}),
        ("provider", {"student"}),
        ("school_admin", {"student", "classmate"}),
        ("other_school_admin", {"other_school"}),
        ("district_admin", {"student", "classmate", "other_school"}),
        ("other_district_admin", {"far"}),
    ],
)
def test_visible_students_for_each_persona(
    personas: Personas, more_students: dict[str, Student], name: str, expected: set[str]
) -> None:
    ids = {"student": personas.student.id} | {key: s.id for key, s in more_students.items()}
    visible = set(visible_students(personas.all()[name]).values_list("id", flat=True))
    assert visible == {ids[key] for key in expected}


def test_visible_students_agree_with_standings(personas: Personas, more_students: dict[str, Student]) -> None:
    students = [personas.student, *more_students.values()]
    for name, staff in personas.all().items():
        visible = set(visible_students(staff))
        for student in students:
            assert (student in visible) == bool(standings_toward(staff, student)), (name, student.id)


def test_visible_students_respect_assignment_dates(personas: Personas) -> None:
    para = personas.unassigned_para
    AssignmentFactory(student=personas.student, staff=para, start_date=days(-30), end_date=days(-1))
    AssignmentFactory(student=new_student(school=personas.school), staff=para, start_date=days(1))
    assert list(visible_students(para)) == []
    assert list(visible_students(para, on=days(-1))) == [personas.student]


def test_visible_students_of_anonymous_user_is_empty() -> None:
    assert list(visible_students(AnonymousUser())) == []  # type: ignore[arg-type]


def test_visible_students_of_staff_without_district_is_empty(personas: Personas) -> None:
    loose = new_staff(district=None)
    assert list(visible_students(loose)) == []


def test_visible_students_are_one_row_per_student(personas: Personas) -> None:
    """A person with several relations to a student sees the student once."""
    AssignmentFactory(student=personas.student, staff=personas.case_manager, team_role=TeamRole.PROVIDER)
    Role.objects.create(
        district=personas.district,
        staff=personas.case_manager,
        school=personas.school,
        kind=RoleKind.SCHOOL_ADMIN,
    )
    assert list(visible_students(personas.case_manager)) == [personas.student]


# --- allowed / require ---------------------------------------------------------------------------


def test_allowed_needs_one_permitting_standing() -> None:
    assert allowed(frozenset({Standing.PARA}), Action.VIEW_RECORD)
    assert not allowed(frozenset({Standing.PARA}), Action.EDIT_PLAN)
    assert allowed(frozenset({Standing.PARA, Standing.CASE_MANAGER}), Action.EDIT_PLAN)
    assert not allowed(frozenset(), Action.VIEW_SUMMARY)


def test_require_without_standing_is_not_found() -> None:
    with pytest.raises(Http404):
        require(frozenset(), Action.VIEW_SUMMARY)


def test_require_with_standing_but_not_permitted_is_forbidden() -> None:
    with pytest.raises(PermissionDenied):
        require(frozenset({Standing.GEN_ED_TEACHER}), Action.VIEW_RECORD)


def test_require_permitted_passes() -> None:
    require(frozenset({Standing.GEN_ED_TEACHER}), Action.VIEW_SUMMARY)


# --- as_uuid -----------------------------------------------------------------------------------


def test_as_uuid_returns_a_uuid_unchanged() -> None:
    value = uuid.uuid4()
    assert as_uuid(value) is value


def test_as_uuid_parses_uuid_strings() -> None:
    value = uuid.uuid4()
    assert as_uuid(str(value)) == value
    assert as_uuid(str(value).upper()) == value
    assert as_uuid(value.hex) == value


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "abc",
        "1234",
        "not-a-uuid",
        "../../etc/passwd",
        "' OR 1=1 --",
        "00000000-0000-0000-0000-00000000000g",
        "0" * 33,
        None,
        42,
        3.5,
        b"\x00\x01",
        ["a"],
        {"id": 1},
        object(),
    ],
)
def test_as_uuid_on_garbage_is_not_found(garbage: object) -> None:
    with pytest.raises(Http404):
        as_uuid(garbage)


# --- access helpers ----------------------------------------------------------------------------


def test_access_student_returns_student_and_standings(personas: Personas) -> None:
    student, standings = access_student(personas.case_manager, str(personas.student.id), Action.EDIT_PLAN)
    assert student == personas.student
    assert standings == {Standing.CASE_MANAGER}


@pytest.mark.parametrize("student_id", ["garbage", str(NOBODY), NOBODY, None])
def test_access_student_missing_is_not_found(personas: Personas, student_id: object) -> None:
    with pytest.raises(Http404):
        access_student(personas.district_admin, student_id, Action.VIEW_SUMMARY)


@pytest.mark.parametrize("name", ["unassigned_para", "other_school_admin", "other_district_admin"])
def test_access_student_outsider_is_not_found(personas: Personas, name: str) -> None:
    with pytest.raises(Http404):
        access_student(personas.all()[name], personas.student.id, Action.VIEW_SUMMARY)


def test_access_student_visible_but_not_permitted_is_forbidden(personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        access_student(personas.gen_ed_teacher, personas.student.id, Action.VIEW_RECORD)
    with pytest.raises(PermissionDenied):
        access_student(personas.case_manager, personas.student.id, Action.VIEW_ACCESS_LOG)


def test_access_plan_returns_plan_and_standings(personas: Personas) -> None:
    plan, standings = access_plan(personas.assigned_para, personas.plan.id, Action.VIEW_RECORD)
    assert plan == personas.plan
    assert standings == {Standing.PARA}


@pytest.mark.parametrize("plan_id", ["garbage", str(NOBODY)])
def test_access_plan_missing_is_not_found(personas: Personas, plan_id: str) -> None:
    with pytest.raises(Http404):
        access_plan(personas.district_admin, plan_id, Action.VIEW_RECORD)


def test_access_plan_outsider_is_not_found_and_para_cannot_edit(personas: Personas) -> None:
    with pytest.raises(Http404):
        access_plan(personas.other_district_admin, personas.plan.id, Action.VIEW_RECORD)
    with pytest.raises(PermissionDenied):
        access_plan(personas.assigned_para, personas.plan.id, Action.EDIT_PLAN)


def test_access_plan_student_id_is_not_a_plan_id(personas: Personas) -> None:
    with pytest.raises(Http404):
        access_plan(personas.case_manager, personas.student.id, Action.VIEW_RECORD)


@pytest.mark.parametrize("model", [Goal, Measure, Accommodation, ParaDirection])
def test_access_plan_item_returns_item_through_its_plan(personas: Personas, model: type[Model]) -> None:
    item_id = model._default_manager.filter(plan=personas.plan).values_list("id", flat=True)[0]
    item, standings = access_plan_item(personas.case_manager, model, item_id, Action.EDIT_PLAN)
    assert item.pk == item_id
    assert standings == {Standing.CASE_MANAGER}


def test_access_plan_item_missing_or_wrong_kind_is_not_found(personas: Personas) -> None:
    for item_id in ["garbage", uuid.uuid4(), personas.measure.id, personas.plan.id]:
        with pytest.raises(Http404):
            access_plan_item(personas.case_manager, Goal, item_id, Action.VIEW_RECORD)


def test_access_plan_item_outsider_not_found_and_provider_cannot_edit_plan(personas: Personas) -> None:
    with pytest.raises(Http404):
        access_plan_item(personas.unassigned_para, Goal, personas.goal.id, Action.VIEW_RECORD)
    with pytest.raises(PermissionDenied):
        access_plan_item(personas.provider, Goal, personas.goal.id, Action.EDIT_PLAN)
    item, _ = access_plan_item(
        personas.provider, ParaDirection, _direction_id(personas), Action.EDIT_DIRECTIONS
    )
    assert item.plan_id == personas.plan.id


def _direction_id(personas: Personas) -> uuid.UUID:
    return ParaDirection.objects.filter(plan=personas.plan).values_list("id", flat=True)[0]


@pytest.mark.parametrize("name", sorted(EXPECTED_STANDINGS))
@pytest.mark.parametrize("action", list(Action))
def test_access_student_answers_by_the_table(personas: Personas, name: str, action: Action) -> None:
    staff = personas.all()[name]
    standings = EXPECTED_STANDINGS[name]
    if not standings:
        with pytest.raises(Http404):
            access_student(staff, personas.student.id, action)
    elif not standings & POLICY[action]:
        with pytest.raises(PermissionDenied):
            access_student(staff, personas.student.id, action)
    else:
        assert access_student(staff, personas.student.id, action)[0] == personas.student


# --- the code and docs/access.md agree -------------------------------------------------------------

DOC = Path(settings.BASE_DIR).parent / "docs" / "access.md"
DOC_COLUMNS = {
    "case manager": Standing.CASE_MANAGER,
    "provider": Standing.PROVIDER,
    "para": Standing.PARA,
    "gen-ed teacher": Standing.GEN_ED_TEACHER,
    "school admin": Standing.SCHOOL_ADMIN,
    "district admin": Standing.DISTRICT_ADMIN,
}


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def doc_policy() -> dict[str, frozenset[Standing]]:
    """The "Actions by standing" table of docs/access.md, as action value -> permitted standings."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "## Actions by standing")
    header_at = next(i for i in range(start, len(lines)) if lines[i].startswith("| action"))
    header = cells(lines[header_at])[1:]
    assert set(header) == set(DOC_COLUMNS), f"docs/access.md columns changed: {header}"
    table: dict[str, frozenset[Standing]] = {}
    for line in lines[header_at + 2 :]:
        if not line.startswith("|"):
            break
        first, *answers = cells(line)
        codes = re.findall(r"`([^`]+)`", first)
        assert len(codes) == 1, f"an action row must name its action code once: {line}"
        assert len(answers) == len(header), f"wrong number of cells: {line}"
        permitted = set()
        for column, answer in zip(header, answers, strict=True):
            plain = answer.replace("*", "").strip().lower()
            if plain.startswith("yes"):
                permitted.add(DOC_COLUMNS[column])
            else:
                assert plain == "403", f"cell must be yes or 403: {answer!r} in {line}"
        assert codes[0] not in table, f"action listed twice: {codes[0]}"
        table[codes[0]] = frozenset(permitted)
    return table


def test_docs_table_names_exactly_the_policy_actions() -> None:
    assert set(doc_policy()) == {action.value for action in Action}
    assert set(POLICY) == set(Action)


@pytest.mark.parametrize("action", list(Action))
def test_policy_matches_docs_table(action: Action) -> None:
    assert POLICY[action] == doc_policy()[action.value], (
        f"{action.value}: code allows {sorted(POLICY[action])}, "
        f"docs/access.md allows {sorted(doc_policy()[action.value])}"
    )


def test_docs_standings_table_lists_every_standing() -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Standings", 1)[1].split("\n## ", 1)[0]
    rows = [cells(line)[0] for line in section.splitlines() if line.startswith("| ")][1:]
    names = {row.replace("general-education", "gen-ed").replace("administrator", "admin") for row in rows}
    assert names == set(DOC_COLUMNS)
