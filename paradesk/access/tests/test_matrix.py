"""The authorization matrix: every page and every API operation, for every persona and for nobody
signed in, answers what its rule in paradesk/access/routes.py (and the API's API_ROUTES) says.

A URL pattern or API operation without a rule fails here, so nothing new can be reached before
someone has decided who may reach it (docs/access.md).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from functools import partial
from typing import Any, cast

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from paradesk import api as api_module
from paradesk.access.models import ApiToken
from paradesk.access.policy import Standing, standings_toward
from paradesk.access.routes import ROUTES, Gate, Route, Target
from paradesk.access.tests import walk
from paradesk.people.models import Staff
from paradesk.plans.actions import amend_plan
from paradesk.plans.models import Plan
from paradesk.testing import Personas, StaffFactory

pytestmark = pytest.mark.django_db

PLAN_BOUND_WRITES = sorted(
    name
    for name, route in ROUTES.items()
    if route.target in walk.PLAN_TARGETS and route.action in walk.WRITE_ACTIONS
)


def check_page(
    name: str, personas: Personas, plan: Plan, people: Sequence[tuple[str, Staff | None]] | None = None
) -> list[str]:
    """Every persona and nobody (or the people given) against one page; the mismatches, described."""
    pages = walk.named_pages()
    assert name in pages, f"no URL pattern is named {name!r} yet (routes.py has a rule for it)"
    page, route = pages[name], ROUTES[name]
    failures = []
    for persona, staff in people or walk.personas_and_anonymous(personas):
        client = walk.client_for(staff)
        url = walk.page_url(page, route, personas, plan, staff)
        expected = walk.expect(route, persona, staff, personas, plan)
        response = walk.rolled_back(partial(walk.send, client, route.method, url))
        if not walk.matches(expected, response):
            failures.append(
                f"{persona}: {route.method} {url} expected {expected}, got {walk.describe(response)}"
            )
    return failures


def test_every_named_page_has_an_access_rule() -> None:
    missing = sorted(set(walk.named_pages()) - set(ROUTES))
    assert not missing, f"URL names without a rule in paradesk/access/routes.py ROUTES: {missing}"


def test_every_access_rule_names_a_page() -> None:
    missing = sorted(set(ROUTES) - set(walk.named_pages()))
    assert not missing, f"ROUTES rules with no URL pattern of that name: {missing}"


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_page_answers_each_persona_by_its_rule(personas: Personas, name: str) -> None:
    failures = check_page(name, personas, personas.plan)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", PLAN_BOUND_WRITES)
def test_plan_write_page_on_a_draft_answers_each_persona_by_its_rule(personas: Personas, name: str) -> None:
    """On a draft the case manager (and for directions the provider) gets the form itself."""
    draft = amend_plan(actor=personas.case_manager, plan=personas.plan, reason="matrix test")
    failures = check_page(name, personas, draft)
    assert not failures, "\n".join(failures)


def test_plan_write_forms_on_a_draft_open_for_the_case_manager(personas: Personas) -> None:
    draft = amend_plan(actor=personas.case_manager, plan=personas.plan, reason="matrix test")
    pages = walk.named_pages()
    client = walk.client_for(personas.case_manager)
    for name in PLAN_BOUND_WRITES:
        route = ROUTES[name]
        if route.method != "GET" or name not in pages:
            continue
        url = walk.page_url(pages[name], route, personas, draft, personas.case_manager)
        response = client.get(url)
        assert response.status_code == 200, f"{name} {url}: {walk.describe(response)}"


# --- team rows that must grant nothing (docs/access.md, "A team role needs the matching staff role") --


def test_rows_that_grant_nothing_leave_only_an_outsiders_standing(personas: Personas) -> None:
    people = dict(walk.rows_granting_nothing(personas))
    assert standings_toward(people["para_made_case_manager"], personas.student) == frozenset()
    assert standings_toward(people["ended_para"], personas.student) == frozenset()
    assert standings_toward(people["para_role_ended"], personas.student) == frozenset()
    assert standings_toward(people["para_also_made_case_manager"], personas.student) == {Standing.PARA}


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_page_answers_rows_that_grant_nothing_by_its_rule(personas: Personas, name: str) -> None:
    """A para made case manager without being a special-education teacher, a para whose assignment
    was ended a moment ago, and one whose para role was ended answer like an outsider; a para who
    was also made case manager answers like a para (the tester's New plan form is 403)."""
    failures = check_page(name, personas, personas.plan, walk.rows_granting_nothing(personas))
    assert not failures, "\n".join(failures)


def test_pages_for_everyone_never_name_the_student_to_rows_that_grant_nothing(personas: Personas) -> None:
    pages = walk.named_pages()
    shown = []
    for name, route in ROUTES.items():
        if route.gate != Gate.SIGNED_IN or route.method != "GET" or name not in pages:
            continue
        for persona, staff in walk.rows_granting_nothing(personas):
            if persona == "para_also_made_case_manager":
                continue
            url = walk.page_url(pages[name], route, personas, personas.plan, staff)
            response = walk.rolled_back(partial(walk.send, walk.client_for(staff), "GET", url))
            if personas.student.last_name in response.content.decode(errors="replace"):
                shown.append(f"{persona}: {url}")
    assert not shown, "\n".join(shown)


def test_api_answers_rows_that_grant_nothing_by_its_rule(personas: Personas) -> None:
    failures = check_api(personas, personas.plan, walk.rows_granting_nothing(personas))
    assert not failures, "\n".join(failures)


def test_revoking_someone_elses_token_is_not_found(personas: Personas) -> None:
    token, _raw = ApiToken.issue(personas.case_manager, "someone else's")
    client = walk.client_for(personas.assigned_para)
    response = client.post(f"/account/tokens/{token.id}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


# --- Django admin ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [*walk.PERSONA_NAMES, walk.ANONYMOUS])
def test_django_admin_is_refused_to_everyone_but_superusers(personas: Personas, persona: str) -> None:
    staff = personas.all().get(persona)
    client = walk.client_for(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    follow = client.get("/admin/people/staff/")
    assert follow.status_code in {302, 404}


def test_django_admin_refuses_staff_flag_without_superuser(personas: Personas) -> None:
    staff = personas.district_admin
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    response = walk.client_for(staff).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_django_admin_opens_for_a_superuser(db: None) -> None:
    superuser = cast(Staff, StaffFactory(district=None, is_staff=True, is_superuser=True))
    client = Client()
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200


# --- the JSON API --------------------------------------------------------------------------------------


def load_api() -> tuple[Any, dict[str, Route]]:
    return api_module.api, api_module.API_ROUTES


def api_schema() -> dict[str, Any]:
    api, _routes = load_api()
    return api.get_openapi_schema()


def api_extras() -> dict[str, Route]:
    """Rules for API URLs that are not operations of the schema (the OpenAPI document itself)."""
    _api, routes = load_api()
    ids = {op.operation_id for op in walk.api_operations(api_schema())}
    return {name: route for name, route in routes.items() if name not in ids}


def test_every_api_operation_has_an_access_rule() -> None:
    _api, routes = load_api()
    ids = {op.operation_id for op in walk.api_operations(api_schema())}
    missing = sorted(ids - set(routes))
    assert not missing, f"API operations without a rule in API_ROUTES: {missing}"


def test_every_api_rule_names_an_operation_or_api_url() -> None:
    stale = []
    for name in api_extras():
        try:
            reverse(f"api:{name}")
        except NoReverseMatch:
            stale.append(name)
    assert not stale, f"API_ROUTES rules with no operation or URL of that name: {stale}"


def test_api_urls_outside_the_schema_answer_by_their_rule(personas: Personas) -> None:
    failures = []
    for name, route in api_extras().items():
        url = reverse(f"api:{name}")
        for persona, staff in walk.personas_and_anonymous(personas):
            expected = walk.expect(route, persona, staff, personas, personas.plan, api=True)
            response = walk.client_for(staff).generic(route.method, url)
            if not walk.matches(expected, response, api=True):
                failures.append(f"{persona}: {name} {url} expected {expected}, got {walk.describe(response)}")
    assert not failures, "\n".join(failures)


def check_api(
    personas: Personas, plan: Plan, people: Sequence[tuple[str, Staff | None]] | None = None
) -> list[str]:
    _api, routes = load_api()
    schema = api_schema()
    components = schema.get("components", {}).get("schemas", {})
    failures = []
    people = people or walk.personas_and_anonymous(personas)
    clients = {persona: walk.client_for(staff) for persona, staff in people}
    for operation in walk.api_operations(schema):
        route = routes.get(operation.operation_id)
        if route is None:
            failures.append(f"{operation.operation_id}: no rule in API_ROUTES")
            continue
        for persona, staff in people:
            client = clients[persona]
            url = walk.api_url(operation, route, personas, plan, staff)

            def fill(target: Target, staff: Any = staff) -> Any:
                return walk.target_id(personas, target, plan, staff)

            body = walk.example_body(operation.request_schema, components, fill)
            expected = walk.expect(route, persona, staff, personas, plan, api=True)
            response = walk.rolled_back(partial(walk.send, client, operation.method, url, body, api=True))
            if not walk.matches(expected, response, api=True):
                failures.append(
                    f"{persona}: {operation.operation_id} {operation.method} {url} expected "
                    f"{expected}, got {walk.describe(response)} "
                    f"{response.content[:200]!r}"
                )
    return failures


def test_api_answers_each_persona_by_its_rule(personas: Personas) -> None:
    failures = check_api(personas, personas.plan)
    assert not failures, "\n".join(failures)


def test_api_on_a_draft_answers_each_persona_by_its_rule(personas: Personas) -> None:
    draft = amend_plan(actor=personas.case_manager, plan=personas.plan, reason="matrix test")
    failures = check_api(personas, draft)
    assert not failures, "\n".join(failures)


def test_api_answer_to_a_bad_body_is_the_same_for_real_and_missing_ids(personas: Personas) -> None:
    """Ninja checks a body before the operation runs, so an outsider sending `{}` gets 422, not 404;
    that answer must not differ between a real id and a made-up one (no way to probe for records)."""
    _api, routes = load_api()
    client = walk.client_for(personas.unassigned_para)
    differing = []
    for operation in walk.api_operations(api_schema()):
        if operation.method not in walk.UNSAFE or "{" not in operation.path:
            continue
        real = walk.api_url(operation, routes[operation.operation_id], personas, personas.plan, None)
        made_up = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", str(uuid.uuid4()), real)
        answers = [
            walk.rolled_back(partial(walk.send, client, operation.method, url, {}, api=True))
            for url in (real, made_up)
        ]
        if (answers[0].status_code, answers[0].content) != (answers[1].status_code, answers[1].content):
            differing.append(
                f"{operation.operation_id}: {answers[0].status_code} vs {answers[1].status_code}"
            )
    assert not differing, "\n".join(differing)
