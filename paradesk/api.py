"""Paradesk's JSON API, version 1 (django-ninja, OpenAPI 3.1), mounted at /api/v1/.

Every data operation needs a signed-in browser session (CSRF checked on unsafe methods) or a
personal API token (`Authorization: Bearer pdk_...`); the OpenAPI document itself is public, it holds
no student data. Records are reached through paradesk.access.helpers exactly as the pages reach them,
and every write goes through paradesk.plans.actions, which records the audit entries.

Error answers, declared on every operation, each a JSON object with `detail`:
  401  no session and no valid token
  403  visible, but not the caller's to do (scope of practice), or a failed CSRF check
  404  missing or not visible, alike. Ids in the path are plain strings passed to
       access.helpers.as_uuid, as the pages do, so an id that is not a UUID is 404 too, never 422.
  409  (writes to plans) the plan version is no longer a draft, or already has a newer version
  422  the payload: unparseable JSON, a wrong type, a value the model rejects, or an id in the payload
       that does not belong to the same plan version; `errors` maps each field to its messages
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Optional, cast

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from ninja import NinjaAPI, P, QueryEx, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.orm.fields import TYPES as NINJA_FIELD_TYPES
from pydantic import AfterValidator, ConfigDict, Field, create_model
from pydantic.fields import FieldInfo

from paradesk.access import audit
from paradesk.access.api_auth import ApiTokenAuth, BrowserSessionAuth
from paradesk.access.helpers import access_plan, access_plan_item, access_student
from paradesk.access.models import AuditAction
from paradesk.access.policy import Action, allowed, visible_students
from paradesk.access.routes import Gate, Route, Target, student
from paradesk.people.models import Staff
from paradesk.plans import actions
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
    Snapshot,
    TargetBehavior,
)

api = NinjaAPI(
    title="Paradesk API",
    version="1",
    description=__doc__ or "",
    urls_namespace="api",
    auth=[ApiTokenAuth(), BrowserSessionAuth()],
    # The bundled Swagger page loads its assets from a CDN, which the content security policy
    # blocks; the OpenAPI document at /api/v1/openapi.json is the documentation.
    docs_url=None,
)

# The access rule of every operation, by operation id (also its URL name in the "api" namespace).
# The authorization matrix test walks the OpenAPI paths and fails on any operation missing here.
API_ROUTES: dict[str, Route] = {"openapi-json": Route(Gate.PUBLIC)}


# Payload values ------------------------------------------------------------------------------


def storable(value: str) -> str:
    # PostgreSQL cannot store NUL or unpaired surrogates in text or jsonb: refuse them here
    # (422) rather than fail on save (500).
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("Text must be valid Unicode") from exc
    return value


Text = Annotated[str, AfterValidator(storable)]
INT_RANGE = {"PositiveIntegerField": (0, 2**31 - 1), "IntegerField": (-(2**31), 2**31 - 1)}
# JSON columns are typed by meaning (ninja would call every one of them an object).
JSON_PAYLOAD_TYPES: dict[str, Any] = {
    "task_steps": list[Text],
    "prompt_hierarchy": list[Text],
    "rating_labels": dict[Text, Text],
}
JSON_OUT_TYPES: dict[str, Any] = {
    "task_steps": list[Any],
    "prompt_hierarchy": list[Any],
    "rating_labels": dict[str, Any],
}


class Payload(Schema):
    """A request body; unknown keys are refused, so a misspelt field is never silently ignored."""

    model_config = ConfigDict(extra="forbid")


def drop_default(schema: dict[str, Any]) -> None:
    # A PATCH field left out stays as it is; it has no default to show.
    schema.pop("default", None)


def nullable(kind: Any, is_null: bool) -> Any:
    return Optional[kind] if is_null else kind  # noqa: UP045 - kind is a runtime value


def payload_type(fld: models.Field[Any, Any]) -> Any:
    if fld.is_relation:
        return uuid.UUID
    if fld.name in JSON_PAYLOAD_TYPES:
        return JSON_PAYLOAD_TYPES[fld.name]
    if fld.choices:
        values = [value for value, _label in fld.flatchoices] + ([""] if fld.blank else [])
        return cast(Any, Literal).__getitem__(tuple(values))
    kind = NINJA_FIELD_TYPES[fld.get_internal_type()]
    return Text if kind is str else kind


def constraints(fld: models.Field[Any, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {"title": capfirst(str(fld.verbose_name))}
    if isinstance(fld, models.CharField) and fld.max_length and not fld.choices:
        found["max_length"] = fld.max_length
    if fld.get_internal_type() in INT_RANGE:
        found["ge"], found["le"] = INT_RANGE[fld.get_internal_type()]
    return found


def default_of(fld: models.Field[Any, Any]) -> dict[str, Any]:
    """The model's own default, so a field left out of a create means what it means in a form."""
    if fld.has_default():
        return {"default_factory": fld.default} if callable(fld.default) else {"default": fld.default}
    if fld.null:
        return {"default": None}
    if fld.blank:
        return {"default": ""}
    return {}


def payload_field(fld: models.Field[Any, Any], *, patch: bool) -> tuple[Any, FieldInfo]:
    kind = nullable(payload_type(fld), fld.null)
    if patch:
        return kind, Field(None, json_schema_extra=drop_default, **constraints(fld))
    return kind, Field(**default_of(fld), **constraints(fld))


def out_field(fld: models.Field[Any, Any]) -> tuple[Any, Any]:
    if fld.is_relation:
        kind: Any = uuid.UUID
    elif fld.name in JSON_OUT_TYPES:
        kind = JSON_OUT_TYPES[fld.name]
    else:
        kind = NINJA_FIELD_TYPES[fld.get_internal_type()]
    return nullable(kind, fld.null), ...


def build_schema(
    name: str, model: type[models.Model], fields: Iterable[models.Field[Any, Any]], mode: str
) -> type[Schema]:
    """A request ("in", "patch") or response ("out") schema from model fields; relations by id."""
    definitions: dict[str, Any] = {}
    for fld in fields:
        key = fld.attname if fld.is_relation else fld.name
        definitions[key] = out_field(fld) if mode == "out" else payload_field(fld, patch=mode == "patch")
    base = Schema if mode == "out" else Payload
    return cast(type[Schema], create_model(name, __base__=base, **definitions))


def model_fields(model: type[models.Model], names: Iterable[str]) -> list[models.Field[Any, Any]]:
    return [cast("models.Field[Any, Any]", model._meta.get_field(name)) for name in names]


def out_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """Everything stored, but the district (the caller's own)."""
    return [fld for fld in model._meta.concrete_fields if fld.name != "district"]


# Schemas -------------------------------------------------------------------------------------


class Error(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


class StudentOut(Schema):
    id: uuid.UUID
    local_id: str
    first_name: str
    last_name: str
    preferred_name: str
    grade: str
    school_id: uuid.UUID


class StudentPage(Schema):
    count: int
    items: list[StudentOut]


class AmendIn(Payload):
    reason: Text = Field(min_length=1, title="Reason for amendment")


SNAPSHOT_FIELDS = model_fields(
    Snapshot,
    [
        "strengths",
        "interests",
        "triggers",
        "calming_strategies",
        "communication_system",
        "things_to_avoid",
        "medical_alerts",
    ],
)
SnapshotIn = build_schema("SnapshotIn", Snapshot, SNAPSHOT_FIELDS, "in")
SnapshotOut = build_schema("SnapshotOut", Snapshot, out_fields(Snapshot), "out")

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


def schema_with(name: str, base: type[Schema], **definitions: Any) -> type[Schema]:
    """A response schema extended with more fields (nested schemas built from the table above)."""
    return cast(type[Schema], create_model(name, __base__=base, **definitions))


def many(schema: type[Schema]) -> Any:
    return list.__class_getitem__(schema)


PlanDetailOut = schema_with(
    "PlanDetailOut", PlanOut, **{kind.path: (many(kind.out_schema), ...) for kind in ITEM_KINDS}
)
StudentDetailOut = schema_with(
    "StudentDetailOut",
    StudentOut,
    snapshot=(SnapshotOut | None, ...),
    accommodations=(many(ITEMS["accommodations"].out_schema), ...),
    # Only for those who may read the full record (not general-education teachers).
    plans=(many(PlanDetailOut) | None, ...),
)


# Errors --------------------------------------------------------------------------------------


def answer(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return answer(request, 404, _("Not found."))


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return answer(request, 403, _("You may see this student's records but not make this change."))


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = answer(request, 401, _("Sign in, or send a personal API token."))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # the body is not JSON
        return answer(request, 422, _("The request body is not valid JSON."), errors={})
    if exc.status_code == 403:  # the session's CSRF check, the only HttpError 403 here
        return answer(request, 403, _("The CSRF token is missing or wrong."))
    return answer(request, exc.status_code, str(exc))


# Model field names that the API spells with their id.
API_FIELD_NAMES = {"goal": "goal_id", "target_behavior": "target_behavior_id", "measure": "measure_id"}


@api.exception_handler(DjangoValidationError)
def invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """Field errors are the payload's fault (422); an error about no field is the plan's state (409)."""
    if not hasattr(exc, "error_dict"):
        return answer(request, 409, " ".join(exc.messages))
    errors = {API_FIELD_NAMES.get(name, name): messages for name, messages in exc.message_dict.items()}
    return answer(request, 422, _("Some fields need attention."), errors=errors)


@api.exception_handler(NinjaValidationError)
def invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        # ("body", "payload", "field") -> "field"; ("query", "limit") -> "limit"
        parts = location[2:] if location[:2] == ["body", "payload"] else location[1:]
        errors.setdefault(".".join(parts) or "__all__", []).append(str(error.get("msg", "")))
    return answer(request, 422, _("Some fields need attention."), errors=errors)


def responses(
    ok: Any, status: int = 200, *, plan_write: bool = False, conflict: bool = False
) -> dict[int, Any]:
    declared = {status: ok, 401: Error, 403: Error, 404: Error, 422: ValidationErrorOut}
    if plan_write or conflict:
        declared[409] = Error
    return declared


def operation(
    method: str,
    path: str,
    operation_id: str,
    route: Route,
    ok: Any,
    status: int = 200,
    *,
    plan_write: bool = False,
    conflict: bool = False,
    tag: str,
    summary: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an operation and its access rule together, so neither exists without the other."""
    assert route.method == method, operation_id
    API_ROUTES[operation_id] = route
    return api.api_operation(
        [method],
        path,
        response=responses(ok, status, plan_write=plan_write, conflict=conflict),
        operation_id=operation_id,
        url_name=operation_id,
        tags=[tag],
        summary=summary,
    )


def caller(request: HttpRequest) -> Staff:
    return cast(Staff, request.auth)  # type: ignore[attr-defined]


# Students ------------------------------------------------------------------------------------


def plans_with_content() -> models.QuerySet[Plan]:
    return Plan.objects.prefetch_related(*ITEMS)


@operation("GET", "/students", "list_students", Route(Gate.SIGNED_IN), StudentPage, tag="students")
def list_students(
    request: HttpRequest,
    limit: QueryEx[int, P(ge=1, le=200)] = 50,
    offset: QueryEx[int, P(ge=0, le=2**31 - 1)] = 0,
) -> dict[str, Any]:
    """The students the caller may see (need-to-know), by name; each one in the page is audited as
    seen in a list (one insert)."""
    staff = caller(request)
    students = visible_students(staff).order_by("last_name", "first_name", "id")
    items = list(students[offset : offset + limit])
    audit.record_list_views(staff, items)
    return {"count": students.count(), "items": items}


@operation(
    "GET",
    "/students/{student_id}",
    "get_student",
    student(Action.VIEW_SUMMARY, Target.STUDENT),
    StudentDetailOut,
    tag="students",
)
def get_student(request: HttpRequest, student_id: str) -> dict[str, Any]:
    """The student's summary (snapshot, accommodations in force); the active plans in full for those
    who may read the record."""
    staff = caller(request)
    found, standings = access_student(staff, student_id, Action.VIEW_SUMMARY)
    audit.record_view(staff, found, found.id)
    plans = None
    if allowed(standings, Action.VIEW_RECORD):
        plans = list(plans_with_content().filter(student=found, status=PlanStatus.ACTIVE))
    summary = StudentOut.from_orm(found).model_dump()
    return summary | {
        "snapshot": Snapshot.objects.filter(student=found).first(),
        "accommodations": Accommodation.objects.filter(plan__student=found, plan__status=PlanStatus.ACTIVE),
        "plans": plans,
    }


@operation(
    "PUT",
    "/students/{student_id}/snapshot",
    "update_snapshot",
    student(Action.EDIT_SNAPSHOT, Target.STUDENT, "PUT"),
    SnapshotOut,
    tag="students",
)
def update_snapshot(request: HttpRequest, student_id: str, payload: SnapshotIn) -> Snapshot:  # type: ignore[valid-type]
    """Replace the snapshot (a field left out becomes empty); the audit entry names the fields that
    changed."""
    staff = caller(request)
    found, _standings = access_student(staff, student_id, Action.EDIT_SNAPSHOT)
    snapshot = Snapshot.objects.filter(student=found).first() or Snapshot(student=found)
    values = payload.model_dump()  # type: ignore[attr-defined]
    changed = [name for name, value in values.items() if getattr(snapshot, name) != value]
    for name, value in values.items():
        setattr(snapshot, name, value)
    return actions.save_snapshot(actor=staff, snapshot=snapshot, changed_fields=changed)


# Plans ---------------------------------------------------------------------------------------


def plan_detail(plan: Plan) -> Plan:
    return plans_with_content().get(pk=plan.pk)


@operation(
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


@operation(
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


@operation(
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


@operation(
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


@operation(
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


@operation(
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


def register_item_kind(kind: ItemKind) -> None:
    """Create, update and delete operations for one kind of plan item."""
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
        operation(
            method, path, operation_id, route, ok, status, plan_write=True, tag=kind.path, summary=summary
        )(view)


for _kind in ITEM_KINDS:
    register_item_kind(_kind)


__all__ = ["API_ROUTES", "ITEM_KINDS", "api"]
