"""Walking every page and API operation as every persona: shared by the authorization matrix
(test_matrix.py) and the audit and privacy tests (test_audit_privacy.py).

The expected answer of a request comes from the route's rule (paradesk/access/routes.py) and the
persona's standings (paradesk/access/policy.py), never from the view under test.
"""

from __future__ import annotations

import datetime
import json
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from paradesk.access.models import ApiToken
from paradesk.access.policy import Action, allowed, standings_toward
from paradesk.access.routes import Gate, Route, Target
from paradesk.people.actions import end_assignment
from paradesk.people.models import Assignment, Role, RoleKind, Staff, TeamRole
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
from paradesk.progress.models import ReportBatch
from paradesk.recording.models import Observation, Session
from paradesk.schedules.coverage.actions import create_absence
from paradesk.schedules.coverage.models import Absence
from paradesk.schedules.models import CalendarDay, CalendarFeed, DayType
from paradesk.testing import Personas, bell_schedule_for, calendar_day, persona_block, signed_in

# What the test client answers (an HttpResponse with the request and templates attached).
Response = Any
ANONYMOUS = "anonymous"
PERSONA_NAMES = (
    "assigned_para",
    "unassigned_para",
    "case_manager",
    "gen_ed_teacher",
    "provider",
    "school_admin",
    "other_school_admin",
    "district_admin",
    "other_district_admin",
)
ADMIN_KINDS = {RoleKind.SCHOOL_ADMIN, RoleKind.DISTRICT_ADMIN}
# Admins whose schools or district hold the assigned para; the others' scope does not include them.
ADMINS_IN_SCOPE = {"school_admin", "district_admin"}
SKIPPED_NAMESPACES = {"admin"}
API_PREFIX = "api/"

PLAN_ITEM_MODELS: dict[Target, type[models.Model]] = {
    Target.GOAL: Goal,
    Target.MEASURE: Measure,
    Target.ACCOMMODATION: Accommodation,
    Target.SERVICE: Service,
    Target.TARGET_BEHAVIOR: TargetBehavior,
    Target.STRATEGY: BehaviorStrategy,
    Target.ABC_OPTION: AbcOption,
    Target.PERIOD: ReportingPeriod,
    Target.DIRECTION: ParaDirection,
}
PLAN_TARGETS = {Target.PLAN, *PLAN_ITEM_MODELS}
WRITE_ACTIONS = {Action.EDIT_PLAN, Action.EDIT_DIRECTIONS}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


# --- URL patterns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str  # full name, "namespace:name" when namespaced
    route: str  # the pattern's path, e.g. "plans/<uuid:plan_id>/"
    kwargs: tuple[str, ...]  # the URL's own arguments (converters), not the pattern's defaults


def _walk(resolver: URLResolver, prefix: str, namespace: str, kwargs: tuple[str, ...]) -> Iterator[Page]:
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        route = prefix + str(pattern)
        names = kwargs + tuple(getattr(pattern, "converters", {}) or ())
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            if ns in SKIPPED_NAMESPACES or route.startswith(API_PREFIX):
                continue
            yield from _walk(entry, route, f"{namespace}{ns}:" if ns else namespace, names)
        elif isinstance(entry, URLPattern) and entry.name:
            if route.startswith(API_PREFIX):
                continue
            yield Page(name=namespace + entry.name, route=route, kwargs=names)


def named_pages() -> dict[str, Page]:
    """Every named page of paradesk.urls, except Django admin and the JSON API."""
    resolver = get_resolver()
    return {page.name: page for page in _walk(resolver, "", "", ())}


# --- filling in ids ----------------------------------------------------------------------------------


def plan_item_id(plan: Plan, target: Target) -> uuid.UUID:
    model = PLAN_ITEM_MODELS[target]
    item = model._default_manager.filter(plan=plan).order_by("pk").first()
    assert item is not None, f"the plan holds no {model.__name__}"
    return item.pk


def own_token(staff: Staff) -> ApiToken:
    token = ApiToken.objects.filter(staff=staff, revoked_at__isnull=True).first()
    return token or ApiToken.issue(staff, "matrix test")[0]


def target_id(personas: Personas, target: Target, plan: Plan, requester: Staff | None) -> uuid.UUID:
    """The id a URL names: the persona student, its plan (or a draft of it), the assigned para..."""
    if target == Target.STUDENT:
        return personas.student.id
    if target == Target.PLAN:
        return plan.id
    if target == Target.GOAL and plan.pk == personas.plan.pk:
        return personas.goal.id
    if target == Target.MEASURE and plan.pk == personas.plan.pk:
        return personas.measure.id
    if target == Target.MEASURE:
        return Measure.objects.get(plan=plan, carried_from=personas.measure).id
    if target in PLAN_ITEM_MODELS:
        return plan_item_id(plan, target)
    if target == Target.STAFF:
        return personas.assigned_para.id
    if target == Target.ROLE:
        return (
            Role.objects.filter(staff=personas.assigned_para).order_by("pk").values_list("id", flat=True)[0]
        )
    if target == Target.ASSIGNMENT:
        return Assignment.objects.get(staff=personas.assigned_para, student=personas.student).id
    if target == Target.TOKEN:
        owner = requester if requester is not None else personas.case_manager
        return own_token(owner).id
    if target == Target.RECORD:
        return persona_observation(personas).id
    if target in SCHEDULE_TARGETS:
        return schedule_target_id(personas, target, requester)
    if target == Target.REPORT_BATCH:
        return own_report_batch(personas, requester).id
    raise AssertionError(f"no id for target {target}")


def own_app(staff: Staff) -> TOTPDevice:
    """An authenticator app of the requester's own being set up (django-otp's ids are integers).
    Not yet confirmed, so the requester owes no second sign-in step on the pages walked after."""
    found = TOTPDevice.objects.filter(user=staff).first()
    return found or TOTPDevice.objects.create(user=staff, name="matrix test", confirmed=False)


def own_report_batch(personas: Personas, requester: Staff | None) -> ReportBatch:
    """A progress-report batch the requester asked for (made when missing; nobody signed in: the
    case manager's)."""
    owner = requester if requester is not None else personas.case_manager
    found = ReportBatch.objects.filter(requested_by=owner).first()
    if found is not None:
        return found
    assert owner.district_id is not None
    return ReportBatch.objects.create(
        district_id=owner.district_id,
        requested_by=owner,
        period_ending_from=datetime.date(2026, 11, 1),
        period_ending_to=datetime.date(2026, 11, 30),
        plan_ids=[str(personas.plan.id)],
    )


def plan_period_kwargs(plan: Plan) -> dict[str, uuid.UUID]:
    """A plan and its first reporting period: the two ids of a progress report's URL."""
    return {"plan_id": plan.id, "period_id": plan_item_id(plan, Target.PERIOD)}


SCHEDULE_TARGETS = {
    Target.BELL_SCHEDULE,
    Target.DAY_TYPE,
    Target.CALENDAR_DAY,
    Target.PARA_BLOCK,
    Target.CALENDAR_FEED,
    Target.ABSENCE,
}


def schedule_target_id(personas: Personas, target: Target, requester: Staff | None) -> uuid.UUID:
    """Schedule rows of the persona school and the assigned para, made when missing."""
    schedule = bell_schedule_for(personas.school)
    if target == Target.BELL_SCHEDULE:
        return schedule.id
    if target == Target.DAY_TYPE:
        return (
            DayType.objects.filter(bell_schedule=schedule).order_by("order").values_list("id", flat=True)[0]
        )
    if target == Target.CALENDAR_DAY:
        entry = CalendarDay.objects.filter(bell_schedule=schedule).first()
        return (entry or calendar_day(personas.school, datetime.date(2026, 11, 26), closed="holiday")).id
    if target == Target.PARA_BLOCK:
        return persona_block(personas).id
    if target == Target.ABSENCE:
        return persona_absence(personas).id
    owner = requester if requester is not None else personas.assigned_para
    feed = CalendarFeed.objects.filter(staff=owner, revoked_at__isnull=True).first()
    return (feed or CalendarFeed.issue(owner)[0]).id


def persona_absence(personas: Personas) -> Absence:
    """The assigned para absent on a Monday at the persona school, with its proposed coverage."""
    found = Absence.objects.filter(para=personas.assigned_para, school=personas.school).first()
    if found is not None:
        return found
    persona_block(personas)
    absence = Absence(
        school=personas.school, para=personas.assigned_para, date=datetime.date(2026, 11, 16), reason="sick"
    )
    return create_absence(actor=personas.school_admin, absence=absence)


# Raw calendar-feed tokens issued here, by staff id (only their hash is stored).
_feed_tokens: dict[uuid.UUID, str] = {}


def calendar_token(personas: Personas) -> str:
    """The secret token of a live calendar feed of the assigned para."""
    para = personas.assigned_para
    raw = _feed_tokens.get(para.id)
    if raw is None or CalendarFeed.find(raw) is None:
        raw = CalendarFeed.issue(para)[1]
        _feed_tokens[para.id] = raw
    return raw


def persona_observation(personas: Personas) -> Observation:
    """An observation of the persona student's measure recorded by the assigned para (made here
    when none exists yet, in a session of its own)."""
    found = Observation.objects.filter(measure=personas.measure, recorded_by=personas.assigned_para).first()
    if found is not None:
        return found
    at = datetime.datetime(2026, 10, 1, 14, 0, tzinfo=datetime.UTC)
    recorded = {
        "district": personas.district,
        "student": personas.student,
        "recorded_by": personas.assigned_para,
        "device": "matrix-test",
        "recorded_at": at,
        "received_at": at,
        "started_at": at,
        "ended_at": at + datetime.timedelta(minutes=10),
    }
    session = Session.objects.create(id=uuid.uuid4(), **recorded)
    return Observation.objects.create(
        id=uuid.uuid4(),
        session=session,
        plan=personas.plan,
        measure=personas.measure,
        facts={"trials": [{"response": "correct", "prompt": "independent"}]},
        value=100.0,
        **recorded,
    )


def page_url(page: Page, route: Route, personas: Personas, plan: Plan, requester: Staff | None) -> str:
    if route.target == Target.NONE:
        assert not page.kwargs, f"{page.name} takes {page.kwargs} but its route names no target"
        return reverse(page.name)
    if route.target == Target.PLAN_PERIOD:
        return reverse(page.name, kwargs=plan_period_kwargs(plan))
    if route.target == Target.RESET_LINK:
        return reverse(page.name, kwargs={"uidb64": "MQ", "token": "not-a-real-token"})
    assert len(page.kwargs) == 1, f"{page.name} should take exactly one id, takes {page.kwargs}"
    if route.target == Target.CALENDAR_TOKEN:
        return reverse(page.name, kwargs={page.kwargs[0]: calendar_token(personas)})
    if route.target == Target.MFA_APP:
        owner = requester if requester is not None else personas.case_manager
        return reverse(page.name, kwargs={page.kwargs[0]: own_app(owner).pk})
    return reverse(page.name, kwargs={page.kwargs[0]: target_id(personas, route.target, plan, requester)})


# --- team rows that grant nothing ----------------------------------------------------------------------


def rows_granting_nothing(personas: Personas) -> list[tuple[str, Staff]]:
    """People whose team rows must grant nothing (made once per test): a para given the team role
    case manager by an old row (no special-education teacher role), the same on top of a real para
    assignment, a para whose assignment was ended a moment ago, and one whose para role was ended."""
    found = Staff.objects.filter(email__startswith="rows-granting-nothing.", district=personas.district)
    if found.exists():
        return [(staff.email.split(".")[1], staff) for staff in found.order_by("email")]

    def para(name: str) -> Staff:
        staff = Staff.objects.create_user(
            email=f"rows-granting-nothing.{name}.{personas.district.pk.hex[:6]}@example.test",
            full_name=name.replace("_", " ").title(),
            district=personas.district,
        )
        Role.objects.create(
            district=personas.district, staff=staff, school=personas.school, kind=RoleKind.PARA
        )
        return staff

    def team_row(staff: Staff, team_role: str) -> Assignment:
        return Assignment.objects.create(
            district=personas.district,
            staff=staff,
            student=personas.student,
            team_role=team_role,
            start_date=datetime.date(2020, 8, 1),
        )

    made_case_manager = para("para_made_case_manager")
    team_row(made_case_manager, TeamRole.CASE_MANAGER)
    also = para("para_also_made_case_manager")
    team_row(also, TeamRole.PARA_SMALL_GROUP)
    team_row(also, TeamRole.CASE_MANAGER)
    ended = para("ended_para")
    end_assignment(actor=personas.school_admin, assignment=team_row(ended, TeamRole.PARA_ONE_TO_ONE))
    role_ended = para("para_role_ended")
    team_row(role_ended, TeamRole.PARA_ONE_TO_ONE)
    Role.objects.filter(staff=role_ended).update(active=False)
    return rows_granting_nothing(personas)


# --- expected answers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    codes: frozenset[int]
    to_login: bool = False  # a redirect to the sign-in page
    sign_out: bool = False  # success may end at the sign-in page
    why: str = ""

    def __str__(self) -> str:
        codes = "/".join(str(c) for c in sorted(self.codes)) or "not 401/403/404"
        return f"{codes}{' to sign-in' if self.to_login else ''} ({self.why})"


def is_admin(staff: Staff) -> bool:
    return Role.objects.current().filter(staff=staff, kind__in=ADMIN_KINDS).exists()


def success(method: str, route: Route, plan: Plan, *, api: bool = False) -> frozenset[int]:
    """What "allowed" looks like: a page, or for a write a redirect, a form with errors or 409."""
    if api:
        return frozenset()  # anything but 401/403/404: see Expect.matches for the API
    if method in UNSAFE:
        return frozenset({200, 302, 409})
    if route.gate == Gate.SIGNED_IN:
        return frozenset({200, 302})
    plan_bound = route.target in PLAN_TARGETS and route.action in WRITE_ACTIONS
    if plan_bound and not plan.is_editable:
        return frozenset({200, 409})  # allowed, but an active plan is not a draft
    return frozenset({200})


def expect(
    route: Route, persona: str, staff: Staff | None, personas: Personas, plan: Plan, *, api: bool = False
) -> Expect:
    """The answer the route's rule gives this persona (staff None: nobody signed in)."""
    method = route.method
    if route.gate == Gate.PUBLIC:
        return Expect(frozenset({200}), why="public")
    if staff is None:
        return (
            Expect(frozenset({401}), why="API needs sign-in")
            if api
            else Expect(frozenset({302}), to_login=True, why="sign-in required")
        )
    if route.gate == Gate.SIGNED_IN:
        return Expect(
            success(method, route, plan, api=api), sign_out=method in UNSAFE, why="any signed-in person"
        )
    if route.gate == Gate.STUDENT:
        assert route.action is not None
        standings = standings_toward(staff, personas.student)
        if not standings:
            return Expect(frozenset({404}), why="no standing toward the student")
        if not allowed(standings, route.action):
            return Expect(frozenset({403}), why=f"{sorted(standings)} may not {route.action}")
        return Expect(success(method, route, plan, api=api), why=f"{sorted(standings)} may {route.action}")
    if route.gate == Gate.STAFF_ADMIN:
        if not is_admin(staff):
            return Expect(frozenset({403}), why="not an administrator")
        if route.target != Target.NONE and persona not in ADMINS_IN_SCOPE:
            return Expect(frozenset({404}), why="administrator outside the target's schools")
        return Expect(success(method, route, plan, api=api), why="administrator in scope")
    raise AssertionError(f"no expectation for gate {route.gate}")


def matches(expected: Expect, response: Response, *, api: bool = False) -> bool:
    if api and not expected.codes:
        return response.status_code not in {401, 403, 404} and response.status_code < 500
    if response.status_code not in expected.codes:
        return False
    to_login = response.status_code == 302 and response["Location"].startswith(reverse("login"))
    if expected.to_login:
        return to_login
    # Only signing out may send a signed-in person to the sign-in page.
    return not to_login or expected.sign_out


def describe(response: Response) -> str:
    text = str(response.status_code)
    if response.status_code in {301, 302, 303}:
        text += f" to {response['Location']}"
    exc_info = getattr(response, "exc_info", None)
    if exc_info:
        text += f" raising {exc_info[0].__name__}: {exc_info[1]}"
    return text


# --- requests -----------------------------------------------------------------------------------------


def rolled_back[T](call: Callable[[], T]) -> T:
    """Run one request and undo whatever it wrote, so every persona meets the same data."""
    with transaction.atomic():
        result = call()
        transaction.set_rollback(True)
    return result


def client_for(staff: Staff | None) -> Client:
    """A client signed in as the staff member, answering errors as 500 pages rather than raising."""
    client = Client(raise_request_exception=False)
    return client if staff is None else signed_in(staff, client)


def personas_and_anonymous(personas: Personas) -> list[tuple[str, Staff | None]]:
    return [*personas.all().items(), (ANONYMOUS, None)]


def send(client: Client, method: str, url: str, body: Any = None, *, api: bool = False) -> Response:
    """A page gets a plain GET or an empty form POST; the API gets JSON on unsafe methods."""
    if api and method in UNSAFE:
        return client.generic(method, url, data=json_body(body), content_type="application/json")
    if not api and method == "POST":
        return client.post(url, {})
    return client.generic(method, url)


def json_body(body: Any) -> str:
    return json.dumps({} if body is None else body, default=str)


# --- API ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str  # as in the schema, with {placeholders}
    request_schema: dict[str, Any] | None


def api_operations(schema: dict[str, Any]) -> list[Operation]:
    operations = []
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            if method.upper() not in {"GET", "POST", "PUT", "PATCH", "DELETE"}:
                continue
            content = (spec.get("requestBody") or {}).get("content", {})
            body = (content.get("application/json") or {}).get("schema")
            operations.append(Operation(spec["operationId"], method.upper(), path, body))
    return operations


def api_url(operation: Operation, route: Route, personas: Personas, plan: Plan, staff: Staff | None) -> str:
    placeholders = re.findall(r"{(\w+)}", operation.path)
    assert len(placeholders) <= 1 or route.target != Target.NONE, operation.path
    url = operation.path
    for name in placeholders:
        target = _target_by_name(name) or route.target
        url = url.replace("{" + name + "}", str(target_id(personas, target, plan, staff)))
    return url if url.startswith("/api/") else "/api/v1" + url


ID_NAMES: dict[str, Target] = {
    "student": Target.STUDENT,
    "plan": Target.PLAN,
    "goal": Target.GOAL,
    "measure": Target.MEASURE,
    "accommodation": Target.ACCOMMODATION,
    "service": Target.SERVICE,
    "target_behavior": Target.TARGET_BEHAVIOR,
    "behavior": Target.TARGET_BEHAVIOR,
    "strategy": Target.STRATEGY,
    "abc_option": Target.ABC_OPTION,
    "period": Target.PERIOD,
    "reporting_period": Target.PERIOD,
    "direction": Target.DIRECTION,
    "staff": Target.STAFF,
    "role": Target.ROLE,
    "assignment": Target.ASSIGNMENT,
    "token": Target.TOKEN,
    "record": Target.RECORD,
    "bell_schedule": Target.BELL_SCHEDULE,
    "block": Target.PARA_BLOCK,
    "para_block": Target.PARA_BLOCK,
    "day_type": Target.DAY_TYPE,
}


# Routes that end the signed-in session: a walk runs them last (or not at all).
SIGN_OUT_ROUTES = frozenset({"logout", "sign_out_everywhere"})

# The record every persona's requests name (Target.RECORD) is an observation.
RECORD_TARGET_KIND = "observation"


def _target_by_name(name: str) -> Target | None:
    base = name.removesuffix("_id").removesuffix("_ids")
    return ID_NAMES.get(base)


def example_body(
    schema: dict[str, Any] | None, components: dict[str, Any], fill_id: Callable[[Target], uuid.UUID]
) -> Any:
    """The smallest valid JSON body for a request schema, ids inside it naming the persona data, so a
    request is turned away for who sends it and never for what it sends."""
    if schema is None:
        return {}
    return _example(schema, components, fill_id, "", 0)


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _example(
    schema: dict[str, Any],
    components: dict[str, Any],
    fill_id: Callable[[Target], uuid.UUID],
    name: str,
    depth: int,
) -> Any:
    schema = _resolve(schema, components)
    if depth > 6:
        return None
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [_resolve(s, components) for s in schema[key]]
            non_null = [s for s in options if s.get("type") != "null"]
            return _example((non_null or options)[0], components, fill_id, name, depth + 1)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(_resolve(part, components))
        return _example(merged, components, fill_id, name, depth + 1)
    if "default" in schema:
        return schema["default"]
    if "const" in schema:
        return schema["const"]
    if "enum" in schema and name == "kind" and RECORD_TARGET_KIND in schema["enum"]:
        return RECORD_TARGET_KIND  # a void names the kind of the record it voids
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {
            key: _example(props[key], components, fill_id, key, depth + 1)
            for key in schema.get("required", [])
            if key in props
        }
    if kind == "array":
        minimum = schema.get("minItems", 0)
        item = schema.get("items", {})
        return [_example(item, components, fill_id, name, depth + 1) for _ in range(minimum)]
    if kind == "integer":
        return max(1, int(schema.get("minimum", 1)))
    if kind == "number":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "string":
        return _string(schema, name, fill_id)
    return None


def _string(schema: dict[str, Any], name: str, fill_id: Callable[[Target], uuid.UUID]) -> str:
    fmt = schema.get("format")
    if fmt == "uuid":
        target = _target_by_name(name)
        return str(fill_id(target)) if target else str(uuid.uuid4())
    if fmt == "date":
        return "2026-10-01"
    if fmt == "date-time":
        return datetime.datetime(2026, 10, 1, 14, 30, tzinfo=datetime.UTC).isoformat()
    if fmt == "email":
        return f"matrix-{uuid.uuid4().hex[:8]}@example.test"
    return "x" * max(1, int(schema.get("minLength", 1)))
