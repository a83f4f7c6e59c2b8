"""Coverage never uses an unqualified para and never double-books: random small schools built in the
database, one or two paras absent on the same Monday, every proposal checked from the raw rows."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from paradesk.people.models import Role, RoleKind, Staff
from paradesk.schedules.coverage.models import CoverageAssignment
from paradesk.schedules.models import ParaBlock, StaffQualification, SupportNeed, SupportType
from paradesk.schedules.tests.coverage_fixtures import MONDAY, absent, block, para_at, student_at
from paradesk.testing import Personas, QualificationFactory, holds, needs

pytestmark = pytest.mark.django_db

PERIODS = [f"Period {n}" for n in range(1, 7)]
KINDS = [SupportType.ONE_TO_ONE, SupportType.SMALL_GROUP, SupportType.PUSH_IN, SupportType.PULL_OUT]


@dataclass(frozen=True)
class ParaPlan:
    qualifications: frozenset[int]  # which of the school's two qualifications they hold
    busy: frozenset[int]  # periods (0-5) with students
    lunch: int | None  # a period whose first half is their lunch
    duty: int | None  # a period with a recess duty


@dataclass(frozen=True)
class SchoolPlan:
    paras: tuple[ParaPlan, ...]
    absent_blocks: tuple[tuple[int, int, frozenset[int]], ...]  # (period, kind, needs) of para 0
    second_absent: bool  # para 1 absent too, with its own busy periods to cover


def para_plans() -> st.SearchStrategy[ParaPlan]:
    period = st.integers(0, 5)
    return st.builds(
        ParaPlan,
        st.frozensets(st.integers(0, 1)),
        st.frozensets(period, max_size=3),
        st.none() | period,
        st.none() | period,
    )


schools = st.builds(
    SchoolPlan,
    st.lists(para_plans(), min_size=2, max_size=5).map(tuple),
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 3), st.frozensets(st.integers(0, 1))),
        min_size=1,
        max_size=3,
        unique_by=lambda b: b[0],
    ).map(tuple),
    st.booleans(),
)


def build(personas: Personas, plan: SchoolPlan) -> list[Staff]:
    school = personas.school
    Role.objects.filter(school=school, kind=RoleKind.PARA).update(active=False)
    qualifications = [QualificationFactory.create(district=personas.district) for _ in range(2)]
    paras = [para_at(school, f"Para {n}") for n in range(len(plan.paras))]
    for para, p in zip(paras, plan.paras, strict=True):
        for q in p.qualifications:
            holds(para, qualifications[q])
        for n in p.busy:
            block(school, para, PERIODS[n], SupportType.SMALL_GROUP, [student_at(school, "Group")])
        if p.lunch is not None:
            start = datetime.time(8 + p.lunch, 0)
            block(school, para, None, SupportType.LUNCH, times=(start, datetime.time(8 + p.lunch, 25)))
        if p.duty is not None and p.duty not in p.busy:
            block(school, para, PERIODS[p.duty], SupportType.DUTY, duty="recess")
    ParaBlock.objects.filter(para=paras[0]).delete()
    for n, kind, needed in plan.absent_blocks:
        student = student_at(school, "Supported")
        for q in needed:
            needs(student, qualifications[q])
        block(school, paras[0], PERIODS[n], KINDS[kind], [student])
    return paras


def period_times(b: ParaBlock) -> tuple[datetime.time, datetime.time]:
    times = b.usual_times
    assert times is not None
    return times


def overlap(a: tuple[datetime.time, datetime.time], b: tuple[datetime.time, datetime.time]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def assert_sound(personas: Personas, absent_ids: set[uuid.UUID]) -> None:
    rows = list(
        CoverageAssignment.objects.filter(date=MONDAY, covering_para__isnull=False).select_related("block")
    )
    for row in rows:
        para = row.covering_para_id
        assert para is not None
        when = (row.start_time, row.end_time)
        assert para not in absent_ids, "an absent para covers"
        assert (
            Role.objects.current().filter(staff_id=para, school=personas.school, kind=RoleKind.PARA).exists()
        )
        students = list(row.block.students.all()) if row.block else []
        needed = {
            n.qualification_id
            for n in SupportNeed.objects.filter(student__in=students)
            if n.applies(row.support_type)
        }
        held = set(
            StaffQualification.objects.filter(staff_id=para).values_list("qualification_id", flat=True)
        )
        assert needed <= held, "an unqualified para covers"
        for own in ParaBlock.objects.filter(para_id=para, weekday=0).exclude(support_type=SupportType.DUTY):
            assert not overlap(when, period_times(own)), f"double-booked with own {own.support_type}"
        for other in rows:
            if other.pk != row.pk and other.covering_para_id == para:
                assert not overlap(when, (other.start_time, other.end_time)), "covers two blocks at once"


# No shrinking: each example builds a school in the database, and a failure prints its plan anyway.
@settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=schools)
def test_coverage_never_uses_an_unqualified_para_and_never_double_books(
    personas: Personas, plan: SchoolPlan
) -> None:
    with transaction.atomic():
        paras = build(personas, plan)
        absent(personas, para=paras[0])
        absent_ids = {paras[0].pk}
        if plan.second_absent:
            absent(personas, para=paras[1])
            absent_ids.add(paras[1].pk)
        assert_sound(personas, absent_ids)
        transaction.set_rollback(True)
