"""The demo district (`paradesk demo`) and scale districts (`paradesk demo --students N`)."""

from __future__ import annotations

import time
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import models
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from paradesk.demo import content
from paradesk.demo.builder import WRITE_ORDER
from paradesk.demo.districts import (
    DEMO_DISTRICT_NAME,
    DEMO_STAFF,
    SUPERUSER_EMAIL,
    build_demo,
    build_scale,
    caseload_sizes,
    caseload_with,
)
from paradesk.people.models import Assignment, District, Role, RoleKind, School, Staff, Student, TeamRole
from paradesk.plans.models import (
    Accommodation,
    BehaviorStrategy,
    Goal,
    Measure,
    Method,
    ParaDirection,
    Plan,
    PlanKind,
    ReportingPeriod,
    Service,
    Snapshot,
    StrategyKind,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hashing(settings: Any) -> None:
    # Argon2 takes ~0.3 s per hash by design; the demo's one shared hash works the same with MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def district_rows(district: District) -> dict[str, int]:
    counts = {}
    for model in WRITE_ORDER:
        manager = model._default_manager
        if model is District:
            counts[model.__name__] = manager.filter(pk=district.pk).count()
        elif model is Snapshot:
            counts[model.__name__] = manager.filter(student__district=district).count()
        else:
            counts[model.__name__] = manager.filter(district=district).count()
    return counts


def roles(district: District, kind: RoleKind) -> int:
    return Staff.objects.filter(roles__district=district, roles__kind=kind).distinct().count()


def test_demo_builds_maplewood_with_its_schools_staff_and_students() -> None:
    district = build_demo().district

    assert district.name == DEMO_DISTRICT_NAME
    assert (
        list(School.objects.filter(district=district).values_list("time_zone", flat=True))
        == ["America/Chicago"] * 2
    )
    assert Student.objects.filter(district=district).count() == 40
    assert roles(district, RoleKind.PARA) == 12
    assert roles(district, RoleKind.SPED_TEACHER) + roles(district, RoleKind.GEN_ED_TEACHER) == 8
    assert set(
        Role.objects.filter(district=district, kind=RoleKind.PROVIDER).values_list("discipline", flat=True)
    ) == {
        "slp",
        "ot",
        "bcba",
    }
    assert roles(district, RoleKind.SCHOOL_ADMIN) == 1
    assert roles(district, RoleKind.DISTRICT_ADMIN) == 1
    assert Staff.objects.get(email=SUPERUSER_EMAIL).is_superuser


def test_every_demo_student_has_a_case_manager_and_every_iep_student_a_para() -> None:
    district = build_demo().district
    students = Student.objects.filter(district=district)

    case_managed = students.filter(assignments__team_role=TeamRole.CASE_MANAGER).distinct()
    assert case_managed.count() == 40
    with_iep = students.filter(plans__kind=PlanKind.IEP)
    para_roles = [TeamRole.PARA_ONE_TO_ONE, TeamRole.PARA_SMALL_GROUP]
    assert with_iep.filter(assignments__team_role__in=para_roles).distinct().count() == with_iep.count()
    assert Assignment.objects.filter(district=district, team_role=TeamRole.PARA_ONE_TO_ONE).exists()
    assert Assignment.objects.filter(district=district, team_role=TeamRole.PROVIDER).exists()
    assert students.filter(enrollments__isnull=False).distinct().count() == 40
    assert Snapshot.objects.filter(student__district=district).count() == 40


def test_demo_plans_use_every_measurement_method_and_every_part_of_a_plan() -> None:
    district = build_demo().district
    plans = Plan.objects.filter(district=district, status="active")

    assert set(Measure.objects.filter(district=district).values_list("method", flat=True)) == set(
        Method.values
    )
    assert 30 <= plans.filter(kind=PlanKind.IEP).count() <= 36
    assert plans.filter(kind=PlanKind.SECTION_504).count() >= 4
    assert plans.filter(kind=PlanKind.BEHAVIOR).count() == 10
    assert plans.filter(kind=PlanKind.CARE).count() == 2
    for iep in plans.filter(kind=PlanKind.IEP).annotate(
        periods=Count("reporting_periods", distinct=True), goal_count=Count("goals", distinct=True)
    ):
        assert iep.periods == 4
        assert iep.goal_count >= 2
    for bip in plans.filter(kind=PlanKind.BEHAVIOR):
        assert bip.crisis_steps
        assert bip.target_behaviors.exists()
        assert set(bip.strategies.values_list("kind", flat=True)) == set(StrategyKind.values)
        assert set(bip.abc_options.values_list("category", flat=True)) == {
            "antecedent",
            "behavior",
            "consequence",
        }
    kinds = set(Service.objects.filter(district=district).values_list("kind", flat=True))
    assert {"special_education", "related", "adult_support"} <= kinds
    assert Accommodation.objects.filter(district=district).values("category").distinct().count() >= 6
    assert not Goal.objects.filter(district=district, measures__isnull=True).exists()
    assert not Goal.objects.filter(district=district, directions__isnull=True).exists()


def test_every_demo_row_passes_full_clean() -> None:
    district = build_demo().district

    for model in WRITE_ORDER:
        rows: models.QuerySet[models.Model] = model._default_manager.all()
        if model is District:
            rows = rows.filter(pk=district.pk)
        elif model is Snapshot:
            rows = rows.filter(student__district=district)
        else:
            rows = rows.filter(district=district)
        assert rows.exists(), model.__name__
        for row in rows:
            row.full_clean()


def test_every_demo_account_signs_in_with_the_demo_password() -> None:
    result = build_demo()
    emails = [sign_in.email for sign_in in result.sign_ins]

    assert "maria.para@maplewood.demo" in emails
    assert SUPERUSER_EMAIL in emails
    assert len(emails) == len(DEMO_STAFF) + 1
    for email in emails:
        # Through the sign-in form: the throttle (django-axes) needs the request a real sign-in has.
        client = Client()
        client.post(reverse("login"), {"username": email, "password": settings.DEMO_PASSWORD})
        assert "_auth_user_id" in client.session, email


def test_a_second_demo_run_keeps_everything_as_it_is() -> None:
    first = build_demo()
    before = district_rows(first.district)
    staff_before = Staff.objects.count()

    second = build_demo()

    assert first.created and not second.created
    assert district_rows(second.district) == before
    assert Staff.objects.count() == staff_before
    assert second.sign_ins == first.sign_ins


def test_demo_names_come_only_from_the_invented_lists() -> None:
    district = build_demo().district

    for first, last, local_id in Student.objects.filter(district=district).values_list(
        "first_name", "last_name", "local_id"
    ):
        assert first in content.STUDENT_FIRST_NAMES
        assert last in content.STUDENT_LAST_NAMES
        assert local_id.startswith("MW-")
    invented = {f"{person.first} {person.last}" for person in DEMO_STAFF}
    for email, full_name in Staff.objects.filter(district=district).values_list("email", "full_name"):
        assert email.endswith("@maplewood.demo")
        assert full_name in invented


def test_demo_command_prints_sign_ins_and_the_password_and_is_idempotent() -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    again = StringIO()
    call_command("demo", stdout=again)

    assert "maria.para@maplewood.demo" in out.getvalue()
    assert "Paraprofessional" in out.getvalue()
    assert settings.DEMO_PASSWORD in out.getvalue()
    assert "already exists" in again.getvalue()
    assert "maria.para@maplewood.demo" in again.getvalue()
    assert District.objects.filter(name=DEMO_DISTRICT_NAME).count() == 1


def test_demo_command_rejects_a_student_count_below_one() -> None:
    with pytest.raises(CommandError):
        call_command("demo", "--students", "0", stdout=StringIO())


def test_scale_build_of_200_students_has_proportional_staff_and_a_40_student_caseload() -> None:
    started = time.perf_counter()
    result = build_scale(200)
    elapsed = time.perf_counter() - started
    district = result.district

    assert elapsed < 30
    assert Student.objects.filter(district=district).count() == 200
    assert 14 <= roles(district, RoleKind.SPED_TEACHER) <= 18
    assert 40 <= roles(district, RoleKind.PARA) <= 60
    assert result.caseload_40_email == caseload_with(district, 40)
    assert result.caseload_40_email is not None
    assert result.caseload_10_email is not None
    ieps = Plan.objects.filter(district=district, kind=PlanKind.IEP, status="active")
    assert ieps.count() == 200
    goal_counts = {row.goals_n for row in ieps.annotate(goals_n=Count("goals"))}
    assert goal_counts <= {3, 4, 5, 6}
    for model in (Accommodation, Service, ReportingPeriod, ParaDirection):
        assert model._default_manager.filter(district=district).values("plan").distinct().count() == 200
    assert Snapshot.objects.filter(student__district=district).count() == 200
    assert not Student.objects.filter(district=district, assignments__isnull=True).exists()
    for measure in Measure.objects.filter(district=district)[:200]:
        measure.full_clean()


def test_scale_build_coexists_with_the_demo_and_is_idempotent() -> None:
    build_demo()
    first = build_scale(60)
    before = district_rows(first.district)

    second = build_scale(60)

    assert not second.created
    assert district_rows(first.district) == before
    assert District.objects.count() == 2
    assert second.caseload_40_email == first.caseload_40_email
    assert BehaviorStrategy.objects.filter(district=first.district).count() == 0


def test_caseloads_start_with_the_sizes_asked_and_fold_a_small_remainder_into_the_last() -> None:
    assert caseload_sizes(200, (40, 10)) == [40, 10, *[12] * 12, 6]
    assert caseload_sizes(29, (40, 10)) == [29]
    assert caseload_sizes(500, ()) == [*[12] * 41, 8]
    assert caseload_sizes(40, ()) == [12, 12, 16]
    assert sum(caseload_sizes(4999, (40, 10))) == 4999
