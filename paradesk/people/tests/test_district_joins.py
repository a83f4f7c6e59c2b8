"""Queries that name the district (paradesk/people/district.py, `AssignmentQuerySet.current`):
they answer as before within the district, nothing outside it, and their SQL carries the district
on every student-data table it joins (docs/architecture.md#the-district-as-distribution-key)."""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from paradesk.district_sql import offences
from paradesk.district_tables import student_data_tables
from paradesk.people.district import district_on, joined_in_district
from paradesk.people.models import Assignment
from paradesk.plans.models import Measure, TargetBehavior
from paradesk.testing import MeasureFactory, Personas

pytestmark = pytest.mark.django_db


def offending(rows: Iterable[object]) -> list[str]:
    """`table fingerprint` of each student-data table the reading of `rows` leaves without its district."""
    with CaptureQueriesContext(connection) as captured:
        list(rows)
    statements = [query["sql"] for query in captured.captured_queries]
    tables = student_data_tables()
    return [f"{o.table} {o.fingerprint}" for sql in statements for o in offences(sql, tables)]


def test_current_assignments_of_a_district_are_those_and_name_it(personas: Personas) -> None:
    para = personas.assigned_para
    mine = Assignment.objects.current(district_id=personas.district.pk).filter(staff=para)
    elsewhere = Assignment.objects.current(district_id=personas.other_district_admin.district_id)
    assert list(mine.values_list("student_id", flat=True)) == [personas.student.pk]
    assert not elsewhere.filter(staff=para).exists()
    assert offending(mine) == []


def test_without_the_district_the_students_join_is_reported(personas: Personas) -> None:
    """The check can fail: the same reading without the district names both tables."""
    bare = Assignment.objects.current().filter(staff=personas.assigned_para)
    assert {line.split()[0] for line in offending(bare)} == {"people_assignment", "people_student"}


def test_a_join_in_district_keeps_the_rows_without_one(personas: Personas) -> None:
    """A behavior measure, without a goal, is still read (the join stays LEFT), its goal's text None."""
    district_id = personas.district.pk
    behavior = TargetBehavior.objects.create(
        district_id=district_id, plan=personas.plan, name="Elopement", operational_definition="Leaves"
    )
    no_goal = MeasureFactory.create(plan=personas.plan, goal=None, target_behavior=behavior, name="Exits")
    measures = (
        Measure.objects.filter(district_on(district_id, "plan"), plan=personas.plan)
        .annotate(own_goal=joined_in_district("goal", district_id))
        .values_list("id", "own_goal__text")
    )
    read = dict(measures)
    assert read[no_goal.pk] is None
    assert read[personas.measure.pk] == personas.goal.text
    assert offending(measures) == []
