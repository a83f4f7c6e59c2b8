"""Plans through the JSON API: a student's plan versions (list, create, read, change a draft,
amend, activate) and the nine kinds of thing written in a plan, one set of operations each.

Mounted on the API by paradesk/api.py. Plans are reached through paradesk.access.helpers as the
pages reach them, and every write goes through paradesk.plans.actions, which records the audit
entries; a write to a plan version that is no longer a draft is 409.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from ninja import Schema, Status
from pydantic import Field

from paradesk.access import audit
from paradesk.access.helpers import access_plan, access_plan_item, access_student
from paradesk.access.models import AuditAction
from paradesk.access.policy import Action
from paradesk.access.routes import Target, student
from paradesk.api_router import AreaRouter, caller
from paradesk.api_schemas import Payload, build_schema, many, model_fields, out_fields, schema_with
from paradesk.plans import actions
from paradesk.plans.models import (
    AbcOption,
    Accommodation,
    BehaviorStrategy,
    Goal,
    Measure,
    ParaDirection,
    Plan,
    ReportingPeriod,
    Service,
    TargetBehavior,
)
from paradesk.storable import Text

router = AreaRouter()


class AmendIn(Payload):
    reason: Text = Field(min_length=1, title="Reason for amendment")


PLAN_FIELDS = ["kind", "start_date", "end_date", "review_date", "crisis_steps"]
PlanIn = build_schema("PlanIn", Plan, model_fields(Plan, PLAN_FIELDS), "in")
PlanPatch = build_schema("PlanPatch", Plan, model_fields(Plan, [*PLAN_FIELDS, "amendment_reason"]), "patch")
PlanOut = build_schema("PlanOut", Plan, out_fields(Plan), "out")

# What is never written through the API: ids, the plan it belongs to (the URL says), history.
NOT_WRITABLE = frozenset({"id", "district", "plan", "carried_from", "written_by"})


@dataclass
class ItemKind:
    """One kind of thing written in a plan; its operations are generated from this row."""

    path: str  # URL segment, and the plan's related name for these items
    name: str  # singular, in operation ids: create_goal, update_goal, delete_goal
    model: type[models.Model]
    target: Target
    action: Action = Action.EDIT_PLAN
    writable: list[models.Field[Any, Any]] = field(init=False)
    in_schema: type[Schema] = field(init=False)
    patch_schema: type[Schema] = field(init=False)
    out_schema: type[Schema] = field(init=False)

    def __post_init__(self) -> None:
        model = self.model
        self.writable = [fld for fld in model._meta.concrete_fields if fld.name not in NOT_WRITABLE]
        self.in_schema = build_schema(f"{model.__name__}In", model, self.writable, "in")
        self.patch_schema = build_schema(f"{model.__name__}Patch", model, self.writable, "patch")
        self.out_schema = build_schema(f"{model.__name__}Out", model, out_fields(model), "out")

    def references(self) -> list[models.Field[Any, Any]]:
        """Fields naming another item of the plan (a measure's goal, a direction's measure)."""
        return [fld for fld in self.writable if fld.is_relation]


ITEM_KINDS = (
    ItemKind("goals", "goal", Goal, Target.GOAL),
    ItemKind("measures", "measure", Measure, Target.MEASURE),
    ItemKind("accommodations", "accommodation", Accommodation, Target.ACCOMMODATION),
    ItemKind("services", "service", Service, Target.SERVICE),
    ItemKind("target_behaviors", "target_behavior", TargetBehavior, Target.TARGET_BEHAVIOR),
    ItemKind("strategies", "strategy", BehaviorStrategy, Target.STRATEGY),
    ItemKind("abc_options", "abc_option", AbcOption, Target.ABC_OPTION),
    ItemKind("reporting_periods", "reporting_period", ReportingPeriod, Target.PERIOD),
    ItemKind("directions", "direction", ParaDirection, Target.DIRECTION, Action.EDIT_DIRECTIONS),
)
ITEMS = {kind.path: kind for kind in ITEM_KINDS}

PlanDetailOut = schema_with(
    "PlanDetailOut", PlanOut, **{kind.path: (many(kind.out_schema), ...) for kind in ITEM_KINDS}
)


def plans_with_content() -> models.QuerySet[Plan]:
    return Plan.objects.prefetch_related(*ITEMS)


def plan_detail(plan: Plan) -> Plan:
    return plans_with_content().get(pk=plan.pk)


# Plans ---------------------------------------------------------------------------------------


@router.operation(
    "GET",
    "/students/{student_id}/plans",
    "list_plans",
    student(Action.VIEW_RECORD, Target.STUDENT),
    list[PlanOut],  # type: ignore[valid-type]
    tag="plans",
)
def list_plans(request: HttpRequest, student_id: str) -> models.QuerySet[Plan]:
    """Every plan of the student, every version (drafts, in force and ended)."""
    staff = caller(request)
    found, _standings = access_student(staff, student_id, Action.VIEW_RECORD)
    audit.record(
        actor=staff,
        action=AuditAction.VIEW,
        object_type="plans.plan",
        student_id=found.id,
        district_id=found.district_id,
    )
    return Plan.objects.filter(student=found)


@router.operation(
    "POST",
    "/students/{student_id}/plans",
    "create_plan",
    student(Action.EDIT_PLAN, Target.STUDENT, "POST"),
    PlanDetailOut,
    201,
    tag="plans",
)
def create_plan(request: HttpRequest, student_id: str, payload: PlanIn) -> Status[Plan]:  # type: ignore[valid-type]
    """A new plan, version 1, as a draft."""
    staff = caller(request)
    found, _standings = access_student(staff, student_id, Action.EDIT_PLAN)
    plan = Plan(**payload.model_dump(exclude_unset=True))  # type: ignore[attr-defined]
    plan = actions.create_plan(actor=staff, student=found, plan=plan)
    return Status(201, plan_detail(plan))


@router.operation(
    "GET",
    "/plans/{plan_id}",
    "get_plan",
    student(Action.VIEW_RECORD, Target.PLAN),
    PlanDetailOut,
    tag="plans",
)
def get_plan(request: HttpRequest, plan_id: str) -> Plan:
    """One plan version with everything written in it."""
    staff = caller(request)
    plan, _standings = access_plan(staff, plan_id, Action.VIEW_RECORD)
    audit.record_view(staff, plan, plan.student_id)
    return plan_detail(plan)


@router.operation(
    "PATCH",
    "/plans/{plan_id}",
    "update_plan",
    student(Action.EDIT_PLAN, Target.PLAN, "PATCH"),
    PlanDetailOut,
    plan_write=True,
    tag="plans",
)
def update_plan(request: HttpRequest, plan_id: str, payload: PlanPatch) -> Plan:  # type: ignore[valid-type]
    """Change the fields sent, on a draft."""
    staff = caller(request)
    plan, _standings = access_plan(staff, plan_id, Action.EDIT_PLAN)
    actions.ensure_editable(plan)
    changes = payload.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    for name, value in changes.items():
        setattr(plan, name, value)
    actions.save_plan_item(actor=staff, item=plan, changed_fields=changes)
    return plan_detail(plan)


@router.operation(
    "POST",
    "/plans/{plan_id}/amend",
    "amend_plan",
    student(Action.EDIT_PLAN, Target.PLAN, "POST"),
    PlanDetailOut,
    201,
    plan_write=True,
    tag="plans",
)
def amend_plan(request: HttpRequest, plan_id: str, payload: AmendIn) -> Status[Plan]:
    """A new draft version carrying everything forward; the amended version stays as it was."""
    staff = caller(request)
    plan, _standings = access_plan(staff, plan_id, Action.EDIT_PLAN)
    new = actions.amend_plan(actor=staff, plan=plan, reason=payload.reason)
    return Status(201, plan_detail(new))


@router.operation(
    "POST",
    "/plans/{plan_id}/activate",
    "activate_plan",
    student(Action.EDIT_PLAN, Target.PLAN, "POST"),
    PlanDetailOut,
    plan_write=True,
    tag="plans",
)
def activate_plan(request: HttpRequest, plan_id: str) -> Plan:
    """Put a draft in force; the version it amends ends."""
    staff = caller(request)
    plan, _standings = access_plan(staff, plan_id, Action.EDIT_PLAN)
    return plan_detail(actions.activate_plan(actor=staff, plan=plan))


# What is written in a plan: nine kinds, one set of operations each ----------------------------


def check_references(kind: ItemKind, plan: Plan, values: dict[str, Any]) -> None:
    """An id in the payload must name something in the same plan version (never reveal whether it
    exists anywhere else)."""
    errors: dict[str, str] = {}
    for fld in kind.references():
        value = values.get(fld.attname)
        related = cast(type[models.Model], fld.related_model)
        if value is not None and not related._default_manager.filter(pk=value, plan=plan).exists():
            errors[fld.attname] = _("Choose one from this plan version.")
    if errors:
        raise DjangoValidationError(errors)


def add_item_operations(kind: ItemKind) -> None:
    """Create, update and delete operations for one kind of plan item, on this area's router."""
    plan_path, item_path = f"/plans/{{plan_id}}/{kind.path}", f"/{kind.path}/{{item_id}}"
    label = capfirst(str(kind.model._meta.verbose_name))

    def create_item(request: HttpRequest, plan_id: str, payload: Schema) -> Status[models.Model]:
        staff = caller(request)
        plan, _standings = access_plan(staff, plan_id, kind.action)
        actions.ensure_editable(plan)
        values = payload.model_dump(exclude_unset=True)
        check_references(kind, plan, values)
        item = kind.model(plan=plan, **values)
        return Status(201, actions.save_plan_item(actor=staff, item=item))

    def update_item(request: HttpRequest, item_id: str, payload: Schema) -> models.Model:
        staff = caller(request)
        item, _standings = access_plan_item(staff, kind.model, item_id, kind.action)
        plan: Plan = item.plan  # type: ignore[attr-defined]
        actions.ensure_editable(plan)
        changes = payload.model_dump(exclude_unset=True)
        check_references(kind, plan, changes)
        for name, value in changes.items():
            setattr(item, name, value)
        return actions.save_plan_item(actor=staff, item=item, changed_fields=changes)

    def delete_item(request: HttpRequest, item_id: str) -> Status[None]:
        staff = caller(request)
        item, _standings = access_plan_item(staff, kind.model, item_id, kind.action)
        actions.delete_plan_item(actor=staff, item=item)
        return Status(204, None)

    create_item.__annotations__["payload"] = kind.in_schema
    update_item.__annotations__["payload"] = kind.patch_schema
    table: list[tuple[str, str, str, Target, Callable[..., Any], Any, int]] = [
        ("create", "POST", plan_path, Target.PLAN, create_item, kind.out_schema, 201),
        ("update", "PATCH", item_path, kind.target, update_item, kind.out_schema, 200),
        ("delete", "DELETE", item_path, kind.target, delete_item, None, 204),
    ]
    for verb, method, path, target, view, ok, status in table:
        operation_id = f"{verb}_{kind.name}"
        view.__name__ = view.__qualname__ = operation_id
        route = student(kind.action, target, method)
        summary = f"{verb.capitalize()} {label.lower()}"
        router.operation(
            method, path, operation_id, route, ok, status, plan_write=True, tag=kind.path, summary=summary
        )(view)


for _kind in ITEM_KINDS:
    add_item_operations(_kind)


__all__ = ["ITEMS", "ITEM_KINDS", "PlanDetailOut", "plans_with_content", "router"]
