"""The measure form: every method parameter, edited as a person writes it, checked beside its field."""

from __future__ import annotations

from typing import Any

import pytest

from paradesk.plans.forms import DirectionForm, MeasureForm
from paradesk.plans.models import DEFAULT_PROMPT_HIERARCHY, Measure
from paradesk.testing import GoalFactory, Personas

BASE = {
    "name": "Requests a break",
    "method": "count",
    "direction": "increase",
    "status": "baseline",
    "mastery_threshold": "90",
    "mastery_consecutive_sessions": "3",
    "mastery_min_trials": "0",
    "mastery_min_staff": "1",
    "mastery_min_settings": "1",
    "schedule_kind": "daily",
}


def measure_form(personas: Personas, **data: Any) -> MeasureForm:
    return MeasureForm(BASE | {"goal": str(personas.goal.id)} | data, instance=Measure(), plan=personas.plan)


def test_rating_labels_are_read_one_per_line(personas: Personas) -> None:
    form = measure_form(
        personas,
        method="rating",
        rating_min="1",
        rating_max="4",
        rating_labels="1 = Not yet\n\n4=Independently",
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["rating_labels"] == {"1": "Not yet", "4": "Independently"}


@pytest.mark.parametrize("labels", ["Not yet", "one = Not yet", "1 ="])
def test_badly_written_rating_labels_are_an_error_beside_the_field(personas: Personas, labels: str) -> None:
    form = measure_form(personas, method="rating", rating_min="1", rating_max="4", rating_labels=labels)
    assert list(form.errors) == ["rating_labels"]


def test_rating_labels_outside_the_scale_are_refused(personas: Personas) -> None:
    form = measure_form(personas, method="rating", rating_min="1", rating_max="4", rating_labels="5 = Beyond")
    assert list(form.errors) == ["rating_labels"]


def test_rating_scale_needs_max_above_min(personas: Personas) -> None:
    form = measure_form(personas, method="rating", rating_min="4", rating_max="1")
    assert list(form.errors) == ["rating_max"]


def test_trials_get_the_usual_prompt_hierarchy_when_left_empty(personas: Personas) -> None:
    form = measure_form(personas, method="trials", trials_per_session="10", goal_support_level="verbal")
    assert form.is_valid(), form.errors
    assert form.save(commit=False).prompt_hierarchy == DEFAULT_PROMPT_HIERARCHY


def test_a_team_may_reorder_the_prompt_hierarchy(personas: Personas) -> None:
    form = measure_form(
        personas, method="trials", trials_per_session="10", prompt_hierarchy="independent\nverbal\ngestural\n"
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["prompt_hierarchy"] == ["independent", "verbal", "gestural"]


def test_a_prompt_level_twice_is_refused(personas: Personas) -> None:
    form = measure_form(personas, method="trials", trials_per_session="10", prompt_hierarchy="verbal\nverbal")
    assert list(form.errors) == ["prompt_hierarchy"]


def test_support_level_outside_the_hierarchy_is_an_error_beside_it(personas: Personas) -> None:
    form = measure_form(
        personas,
        method="trials",
        trials_per_session="10",
        prompt_hierarchy="independent\nverbal",
        goal_support_level="model",
        mastery_max_prompt_level="full_physical",
    )
    assert set(form.errors) == {"goal_support_level", "mastery_max_prompt_level"}


def test_task_analysis_needs_steps_and_chaining(personas: Personas) -> None:
    form = measure_form(personas, method="task_analysis", task_steps="\n \n")
    assert set(form.errors) == {"task_steps", "chaining"}


def test_per_week_schedule_needs_a_number(personas: Personas) -> None:
    assert list(measure_form(personas, schedule_kind="per_week").errors) == ["sessions_per_week"]


def test_measure_needs_a_goal_or_a_behavior(personas: Personas) -> None:
    form = MeasureForm(BASE, instance=Measure(), plan=personas.plan)
    assert list(form.errors) == ["goal"]


def test_existing_task_steps_show_one_per_line(personas: Personas) -> None:
    measure = personas.measure
    measure.task_steps = ["Turn on water", "Wet hands"]
    html = str(MeasureForm(instance=measure, plan=personas.plan)["task_steps"])
    assert "Turn on water\nWet hands" in html


def test_unchanged_lists_are_not_reported_as_changed(personas: Personas) -> None:
    measure = personas.measure
    form = MeasureForm(instance=measure, plan=personas.plan)
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else str(v.pk) if hasattr(v, "pk") else v) for k, v in data.items()}
    data["prompt_hierarchy"] = "\n".join(measure.prompt_hierarchy)
    data["task_steps"] = ""
    data["rating_labels"] = ""
    bound = MeasureForm(data, instance=measure, plan=personas.plan)
    assert bound.is_valid(), bound.errors
    assert bound.changed_data == []


def test_direction_goal_choices_come_from_its_plan_only(personas: Personas) -> None:
    elsewhere = GoalFactory.create()
    form = DirectionForm({"goal": str(elsewhere.id), "why": "x"}, instance=None, plan=personas.plan)
    assert list(form.errors) == ["goal"]


def test_direction_measure_of_another_goal_is_refused(personas: Personas) -> None:
    other_goal = GoalFactory.create(plan=personas.plan, area="Math")
    data = {"goal": str(other_goal.id), "measure": str(personas.measure.id), "why": "x"}
    form = DirectionForm(data, plan=personas.plan)
    assert list(form.errors) == ["measure"]
