"""Every page that shows students, and every API answer, carries `Cache-Control: no-store`: walked
through every named page and API operation (paradesk/access/tests/walk.py), allowed or refused."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest
from django.test import Client

from paradesk.access.routes import ROUTES, Gate, Target
from paradesk.access.tests import walk
from paradesk.access.tests.test_matrix import api_schema, load_api
from paradesk.testing import Personas

pytestmark = pytest.mark.django_db

# Someone who may, someone refused (not found), and nobody signed in.
PERSONAS = ("assigned_para", "case_manager", "unassigned_para")
STUDENT_DATA_GATES = {Gate.STUDENT, Gate.SIGNED_IN}


def people(personas: Personas) -> list[tuple[str, Any]]:
    everyone = personas.all()
    return [*((name, everyone[name]) for name in PERSONAS), (walk.ANONYMOUS, None)]


def cached(response: Any) -> bool:
    return "no-store" not in response.get("Cache-Control", "")


def test_student_pages_are_never_stored(personas: Personas) -> None:
    pages = walk.named_pages()
    failures, shown = [], 0
    for name, route in sorted(ROUTES.items()):
        if route.gate not in STUDENT_DATA_GATES or route.target == Target.CALENDAR_TOKEN:
            continue
        for persona, staff in people(personas):
            url = walk.page_url(pages[name], route, personas, personas.plan, staff)
            send = partial(walk.send, walk.client_for(staff), route.method, url)
            response = walk.rolled_back(send)
            shown += response.status_code == 200
            if cached(response):
                failures.append(f"{persona}: {route.method} {url} {response.get('Cache-Control')!r}")
    assert shown > 20, "the walk reached too few pages to prove anything"
    assert not failures, "\n".join(failures)


def test_api_answers_are_never_stored(personas: Personas) -> None:
    _api, routes = load_api()
    schema = api_schema()
    components = schema.get("components", {}).get("schemas", {})
    failures, answered = [], 0
    for operation in walk.api_operations(schema):
        route = routes[operation.operation_id]
        for persona, staff in people(personas):
            url = walk.api_url(operation, route, personas, personas.plan, staff)

            def fill(target: Target, staff: Any = staff) -> Any:
                return walk.target_id(personas, target, personas.plan, staff)

            body = walk.example_body(operation.request_schema, components, fill)
            send = partial(walk.send, walk.client_for(staff), operation.method, url, body, api=True)
            response = walk.rolled_back(send)
            answered += response.status_code < 300
            if cached(response):
                failures.append(f"{persona}: {operation.operation_id} {response.get('Cache-Control')!r}")
    assert answered > 5, "the walk reached too few operations to prove anything"
    assert not failures, "\n".join(failures)


def test_static_files_stay_cacheable(client: Client) -> None:
    response = client.get("/static/web/paradesk.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
