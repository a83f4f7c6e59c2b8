"""The district filters of the progress reads (docs/architecture.md#the-district-as-distribution-key):
`in_district` keeps exactly the district's rows, and `series.loaded_measures` reads each measure's
goal and target behavior in the same query, through joins that name the district, without losing
the measures that have no goal."""

from __future__ import annotations

from typing import Any

import pytest

from paradesk.people.district import in_district
from paradesk.plans.models import Measure
from paradesk.progress import series
from paradesk.testing import GoalFactory, MeasureFactory, Personas

pytestmark = pytest.mark.django_db


def names(measures: Any) -> set[str]:
    return {measure.name for measure in measures}


def test_in_district_keeps_only_the_districts_rows(personas: Personas) -> None:
    elsewhere = MeasureFactory.create(name="Another district's measure")
    here = in_district(Measure.objects.all(), personas.district.pk)
    assert names(here) == {"Sight words read correctly", "Elopement count"}
    both = in_district(Measure.objects.all(), {personas.district.pk, elsewhere.district_id})
    assert names(both) == {"Sight words read correctly", "Elopement count", "Another district's measure"}


def test_in_district_through_a_relation_names_its_district_too(personas: Personas) -> None:
    """A measure whose goal row is another district's (bad data) is not read through the goal."""
    Measure.objects.filter(pk=personas.measure.pk).update(goal=GoalFactory.create())
    through_goal = in_district(Measure.objects.all(), personas.district.pk, "goal")
    assert names(through_goal) == set()  # the other measure has no goal: an inner join drops it


def test_loaded_measures_bring_goal_and_behavior_in_one_query(
    personas: Personas, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        loaded = series.loaded_measures(Measure.objects.all(), {personas.district.pk}, "name")
        read = [(m.name, m.goal, m.target_behavior and m.target_behavior.name) for m in loaded]
    assert read == [
        ("Elopement count", None, "Elopement"),
        ("Sight words read correctly", personas.goal, None),
    ]


def test_loaded_measures_never_read_another_districts_goal(personas: Personas) -> None:
    Measure.objects.filter(pk=personas.measure.pk).update(goal=GoalFactory.create())
    loaded = series.loaded_measures(Measure.objects.filter(pk=personas.measure.pk), {personas.district.pk})
    assert [(m.name, m.goal) for m in loaded] == [("Sight words read correctly", None)]
