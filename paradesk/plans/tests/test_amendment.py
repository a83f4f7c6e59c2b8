"""Plan versions (docs/architecture.md#versioned-plans): amending copies all to a draft, activating ends the
old version, and active or ended versions never change."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from paradesk.access.models import AuditAction, AuditEntry
from paradesk.plans.actions import (
    PlanNotEditable,
    activate_plan,
    amend_plan,
    delete_plan_item,
    save_plan_item,
)
from paradesk.plans.models import (
    AbcOption,
    Accommodation,
    BehaviorStrategy,
    Goal,
    Measure,
    ParaDirection,
    Plan,
    PlanStatus,
    ReportingPeriod,
    Service,
    TargetBehavior,
)
from paradesk.testing import Personas

pytestmark = pytest.mark.django_db

PLAN_CONTENT: list[type[models.Model]] = [
    Goal,
    TargetBehavior,
    Measure,
    Accommodation,
    Service,
    BehaviorStrategy,
    AbcOption,
    ReportingPeriod,
    ParaDirection,
]
# Fields a copy may differ in: its own id, its plan, and its links to other copied rows.
LINKS = {"id", "plan", "carried_from", "goal", "target_behavior", "measure"}


def contents(plan: Plan) -> dict[str, list[dict[str, Any]]]:
    """Every row of every kind in the plan, as plain values, in a stable order."""
    return {
        model.__name__: sorted(
            model._default_manager.filter(plan=plan).values(), key=lambda row: str(row["id"])
        )
        for model in PLAN_CONTENT
    }


def plan_fields(plan: Plan) -> dict[str, Any]:
    return dict(Plan.objects.filter(pk=plan.pk).values().get())


def comparable(model: type[models.Model], row: models.Model) -> dict[str, Any]:
    return {
        field.attname: getattr(row, field.attname)
        for field in model._meta.concrete_fields
        if field.name not in LINKS
    }


@pytest.fixture
def amended(personas: Personas) -> Plan:
    return amend_plan(actor=personas.case_manager, plan=personas.plan, reason="Annual review moved up")


def test_amend_makes_version_two_as_a_draft(personas: Personas, amended: Plan) -> None:
    old = personas.plan
    assert amended.pk != old.pk
    assert amended.version == 2
    assert amended.status == PlanStatus.DRAFT
    assert amended.lineage == old.lineage
    assert amended.previous_id == old.pk
    assert amended.amendment_reason == "Annual review moved up"
    assert amended.created_by == personas.case_manager
    assert (amended.student_id, amended.kind, amended.start_date, amended.end_date) == (
        old.student_id,
        old.kind,
        old.start_date,
        old.end_date,
    )


@pytest.mark.parametrize("model", PLAN_CONTENT)
def test_amend_copies_every_kind_of_plan_content(
    personas: Personas, amended: Plan, model: type[models.Model]
) -> None:
    originals = list(model._default_manager.filter(plan=personas.plan))
    copies = list(model._default_manager.filter(plan=amended))
    assert originals, f"the personas' plan should hold a {model.__name__}"
    assert len(copies) == len(originals)
    assert not {c.pk for c in copies} & {o.pk for o in originals}
    assert sorted(map(repr, (comparable(model, c) for c in copies))) == sorted(
        map(repr, (comparable(model, o) for o in originals))
    )


@pytest.mark.parametrize("model", [Goal, TargetBehavior, Measure, Accommodation, Service, ParaDirection])
def test_copies_remember_what_they_were_copied_from(
    personas: Personas, amended: Plan, model: type[models.Model]
) -> None:
    originals = {o.pk: o for o in model._default_manager.filter(plan=personas.plan)}
    for copy in model._default_manager.filter(plan=amended):
        original = originals[getattr(copy, "carried_from_id")]  # noqa: B009
        assert comparable(model, copy) == comparable(model, original)


def test_copied_measures_point_at_copied_goals_and_behaviors(personas: Personas, amended: Plan) -> None:
    measures = list(
        Measure.objects.filter(plan=amended).select_related("goal", "target_behavior", "carried_from")
    )
    assert len(measures) == 2
    for measure in measures:
        old = measure.carried_from
        assert old is not None
        if old.goal_id:
            assert measure.goal is not None
            assert measure.goal.plan_id == amended.pk
            assert measure.goal.carried_from_id == old.goal_id
        else:
            assert measure.goal_id is None
        if old.target_behavior_id:
            assert measure.target_behavior is not None
            assert measure.target_behavior.plan_id == amended.pk
            assert measure.target_behavior.carried_from_id == old.target_behavior_id
        else:
            assert measure.target_behavior_id is None


def test_copied_directions_point_at_copied_goal_and_measure(personas: Personas, amended: Plan) -> None:
    direction = ParaDirection.objects.select_related("goal", "measure").get(plan=amended)
    assert direction.goal is not None and direction.measure is not None
    assert direction.goal.plan_id == amended.pk
    assert direction.measure.plan_id == amended.pk
    assert direction.goal.carried_from_id == personas.goal.pk
    assert direction.measure.carried_from_id == personas.measure.pk
    assert direction.written_by_id == personas.case_manager.pk


def test_amend_leaves_version_one_unchanged(personas: Personas) -> None:
    before_plan, before = plan_fields(personas.plan), contents(personas.plan)
    amend_plan(actor=personas.case_manager, plan=personas.plan, reason="Change of placement")
    assert plan_fields(personas.plan) == before_plan
    assert contents(personas.plan) == before


def test_editing_the_draft_leaves_version_one_unchanged(personas: Personas, amended: Plan) -> None:
    before = contents(personas.plan)
    goal = Goal.objects.get(plan=amended)
    goal.text = "Reads 110 words correct per minute."
    save_plan_item(actor=personas.case_manager, item=goal, changed_fields=["text"])
    delete_plan_item(actor=personas.case_manager, item=Accommodation.objects.get(plan=amended))
    assert contents(personas.plan) == before
    assert Goal.objects.get(plan=amended).text == "Reads 110 words correct per minute."


def test_amend_is_audited_without_names(personas: Personas, amended: Plan) -> None:
    entry = AuditEntry.objects.get(action=AuditAction.AMEND)
    assert entry.actor == personas.case_manager
    assert entry.object_id == str(amended.pk)
    assert entry.student_id == personas.student.pk


def test_amending_a_draft_is_refused(personas: Personas, amended: Plan) -> None:
    with pytest.raises(ValidationError):
        amend_plan(actor=personas.case_manager, plan=amended, reason="again")
    assert Plan.objects.filter(lineage=personas.plan.lineage).count() == 2


def test_amending_twice_is_refused(personas: Personas, amended: Plan) -> None:
    with pytest.raises(ValidationError):
        amend_plan(actor=personas.case_manager, plan=personas.plan, reason="second amendment")
    assert Plan.objects.filter(lineage=personas.plan.lineage).count() == 2


def test_activate_ends_the_previous_version(personas: Personas, amended: Plan) -> None:
    activate_plan(actor=personas.case_manager, plan=amended)
    personas.plan.refresh_from_db()
    amended.refresh_from_db()
    assert amended.status == PlanStatus.ACTIVE
    assert personas.plan.status == PlanStatus.ENDED
    assert list(Plan.objects.active().filter(lineage=amended.lineage)) == [amended]
    ended = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(personas.plan.pk))
    assert ended.changed_fields == ["status"]
    assert AuditEntry.objects.filter(action=AuditAction.ACTIVATE, object_id=str(amended.pk)).exists()


def test_an_ended_version_can_be_amended_only_if_it_is_the_newest(personas: Personas, amended: Plan) -> None:
    activate_plan(actor=personas.case_manager, plan=amended)
    with pytest.raises(ValidationError):
        amend_plan(actor=personas.case_manager, plan=personas.plan, reason="old version")
    third = amend_plan(actor=personas.case_manager, plan=amended, reason="next year")
    assert third.version == 3
    assert third.previous_id == amended.pk


def test_activating_an_active_plan_is_refused(personas: Personas) -> None:
    with pytest.raises(PlanNotEditable):
        activate_plan(actor=personas.case_manager, plan=personas.plan)


def test_saving_into_an_active_plan_raises_plan_not_editable(personas: Personas) -> None:
    goal = Goal.objects.get(pk=personas.goal.pk)
    goal.text = "Changed without an amendment"
    with pytest.raises(PlanNotEditable):
        save_plan_item(actor=personas.case_manager, item=goal, changed_fields=["text"])
    assert Goal.objects.get(pk=goal.pk).text == personas.goal.text
    new_goal = Goal(plan=personas.plan, area="Math", text="Adds within 20.")
    with pytest.raises(PlanNotEditable):
        save_plan_item(actor=personas.case_manager, item=new_goal)
    with pytest.raises(PlanNotEditable):
        save_plan_item(actor=personas.case_manager, item=personas.plan, changed_fields=["crisis_steps"])
    with pytest.raises(PlanNotEditable):
        delete_plan_item(actor=personas.case_manager, item=Accommodation.objects.get(plan=personas.plan))
    assert Goal.objects.filter(plan=personas.plan).count() == 1


def test_saving_into_an_ended_plan_raises_plan_not_editable(personas: Personas, amended: Plan) -> None:
    activate_plan(actor=personas.case_manager, plan=amended)
    accommodation = Accommodation.objects.get(plan=personas.plan)
    accommodation.wording = "Changed after the plan ended"
    with pytest.raises(PlanNotEditable):
        save_plan_item(actor=personas.case_manager, item=accommodation, changed_fields=["wording"])
    assert Accommodation.objects.get(pk=accommodation.pk).wording != "Changed after the plan ended"


def test_plan_not_editable_message_names_no_student(personas: Personas) -> None:
    message = " ".join(PlanNotEditable().messages)
    assert personas.student.first_name not in message
    assert personas.student.last_name not in message


def test_database_allows_one_active_version_per_lineage(personas: Personas, amended: Plan) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.filter(pk=amended.pk).update(status=PlanStatus.ACTIVE)
    amended.refresh_from_db()
    assert amended.status == PlanStatus.DRAFT


def test_database_allows_many_ended_versions_per_lineage(personas: Personas, amended: Plan) -> None:
    Plan.objects.filter(lineage=personas.plan.lineage).update(status=PlanStatus.ENDED)
    assert Plan.objects.filter(lineage=personas.plan.lineage, status=PlanStatus.ENDED).count() == 2
