"""The JSON API under generated requests (Schemathesis): no answer is a server error, and every answer
is one the OpenAPI document declares, in status, content type and shape.

Each operation of /api/v1/openapi.json, loaded from the app itself through its WSGI entry point (the
whole middleware stack, as gunicorn calls it), gets a fixed number of requests, bodies and query
values drawn from the document: valid ones and deliberately invalid ones. The caller is a case
manager signed in with a real personal API token. Path ids are drawn from the student's real records
(the plan in force, a draft amendment of it, each kind of item in both, a recorded observation) or
are strings that name nothing, so both the found and the not-found answers are reached.

Bounded and reproducible: MAX_EXAMPLES requests per operation, derandomized (the same requests every
run, so a failure in CI fails the same way locally), no example database.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from paradesk.access.models import ApiToken
from paradesk.api import api
from paradesk.people.models import Staff
from paradesk.plans import actions
from paradesk.plans.api import ITEM_KINDS
from paradesk.plans.models import Plan
from paradesk.testing import Personas, observe

MAX_EXAMPLES = 75  # per operation: 39 operations, about 2,900 requests in all
OPENAPI_PATH = "/api/v1/openapi.json"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# An invalid request must be refused (4xx), never accepted.
NEGATIVE_CHECKS = [*CHECKS, negative_data_rejection]
NOT_AN_ID = ["not-a-uuid", "00000000-0000-0000-0000-000000000000"]
# Where date arithmetic breaks: the ends of the calendar with an offset that carries the time past
# them in UTC, and the years a device clock reset or run wild reaches.
CALENDAR_ENDS = [
    "0001-01-01T00:00:00+23:59",
    "9999-12-31T23:59:59.999999-23:59",
    "1900-01-01T00:00:00Z",
    "1970-01-01T00:00:00Z",
    "2100-01-01T00:00:00+00:00",
]
OFFSETS = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(
    lambda minutes: datetime.timezone(datetime.timedelta(minutes=minutes))
)
# Any time with any offset, and more often than chance the times above.
schemathesis.openapi.format(
    "date-time",
    st.sampled_from(CALENDAR_ENDS) | st.datetimes(timezones=OFFSETS).map(datetime.datetime.isoformat),
)
schemathesis.openapi.format("date", st.sampled_from(["0001-01-01", "9999-12-31"]) | st.dates().map(str))


def operation_ids() -> list[str]:
    paths = api.get_openapi_schema()["paths"]
    return sorted(op["operationId"] for ops in paths.values() for op in ops.values())


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """The app as a WSGI server calls it. Django's own test client keeps the test's database
    transaction open by not closing connections at request boundaries; do the same here."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@dataclass
class Caller:
    headers: dict[str, str]
    ids: dict[str, list[str]]  # path parameter name (with the item kind for item_id) -> real ids
    student_id: str
    measure_id: str
    accommodation_id: str


def ids_of_plans(*plans: Plan) -> dict[str, list[str]]:
    """The real ids each path parameter may name: the plans, and every item written in them (an
    item_id by kind, as /goals/{item_id} names only goals)."""
    found: dict[str, list[str]] = {"plan_id": [str(plan.pk) for plan in plans]}
    for kind in ITEM_KINDS:
        items = [pk for plan in plans for pk in getattr(plan, kind.path).values_list("pk", flat=True)]
        found[f"item_id:{kind.path}"] = [str(pk) for pk in items]
    return found


def signed_in_caller(personas: Personas) -> Caller:
    """The case manager with a token, the plan in force and a draft amendment of it (so writes reach
    both the editable and the 409 answers), and one recorded observation to void."""
    staff: Staff = personas.case_manager
    draft = actions.amend_plan(actor=staff, plan=personas.plan, reason="Fuzzing the API")
    at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    record = observe(personas.measure, personas.assigned_para, at, {"trials": []}, 50.0)
    ids = ids_of_plans(personas.plan, draft) | {
        "student_id": [str(personas.student.pk)],
        "measure_id": [str(personas.measure.pk)],
        "record_id": [str(record.pk), str(record.session_id)],
    }
    _token, raw = ApiToken.issue(staff, "fuzzing")
    return Caller(
        headers={"Authorization": f"Bearer {raw}"},
        ids=ids,
        student_id=str(personas.student.pk),
        measure_id=str(personas.measure.pk),
        accommodation_id=str(personas.plan.accommodations.values_list("pk", flat=True)[0]),
    )


def path_values(operation: schemathesis.APIOperation, caller: Caller) -> st.SearchStrategy[dict[str, str]]:
    """Each path parameter: one of the real ids it can name, or an id that names nothing."""
    kind = operation.path.removeprefix("/api/v1/").split("/")[0]
    choices = {}
    for name in re.findall(r"{(\w+)}", operation.path):
        real = caller.ids.get(f"{name}:{kind}", caller.ids.get(name, []))
        choices[name] = st.sampled_from(real + NOT_AN_ID)
    return st.fixed_dictionaries(choices)


def aim_at_the_student(body: Any, caller: Caller) -> None:
    """Generated records name made-up students and dates centuries away, which sync rejects before
    looking further; point the records of some batches at the caller's student, measure and
    accommodation, recorded an hour ago, so the checks after those are reached too."""
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        return
    now = datetime.datetime.now(datetime.UTC)
    body["sent_at"] = now.isoformat()
    hour_ago, later = now - datetime.timedelta(hours=1), now - datetime.timedelta(minutes=50)
    real = {
        "student_id": caller.student_id,
        "measure_id": caller.measure_id,
        "accommodation_id": caller.accommodation_id,
        "recorded_at": later.isoformat(),
        "started_at": hour_ago.isoformat(),
        "ended_at": later.isoformat(),
        "date": later.date().isoformat(),
        "corrects": None,
        "staff_id": None,
    }
    for record in body["records"]:
        if isinstance(record, dict):
            record.update({name: value for name, value in real.items() if name in record})


def record_validator(schema: schemathesis.BaseSchema) -> jsonschema_rs.Validator:
    """The OpenAPI document's schema of one record sent to sync (the union of the kinds)."""
    raw = schema.raw_schema
    records = raw["components"]["schemas"]["SyncIn"]["properties"]["records"]["items"]
    return jsonschema_rs.Draft202012Validator(
        {**records, "components": raw["components"]}, validate_formats=True
    )


def assert_invalid_records_rejected(
    body: Any, answer: dict[str, Any], valid: jsonschema_rs.Validator
) -> None:
    """Sync answers 200 to a batch whose envelope is right and checks each record on its own (one
    malformed record loses no other), so a record the document refuses must come back rejected."""
    for sent, result in zip(body["records"], answer["results"], strict=True):
        if not valid.is_valid(sent):
            assert result["status"] == "rejected", (sent, result)


@pytest.mark.parametrize("operation_id", operation_ids())
def test_every_answer_is_declared_and_none_is_a_server_error(
    operation_id: str, personas: Personas, wsgi_app: WSGIHandler
) -> None:
    schema = schemathesis.openapi.from_wsgi(OPENAPI_PATH, wsgi_app, config=schemathesis.Config())
    operation = schema.find_operation_by_id(operation_id)
    caller = signed_in_caller(personas)
    is_sync = operation_id == "sync_records"
    valid_record = record_validator(schema)
    statuses: Counter[int] = Counter()

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        mode = data.draw(st.sampled_from([GenerationMode.POSITIVE, GenerationMode.NEGATIVE]))
        path = data.draw(path_values(operation, caller))
        case = data.draw(operation.as_strategy(mode, path_parameters=path, headers=caller.headers))
        if is_sync and data.draw(st.booleans()):
            aim_at_the_student(case.body, caller)
        # Sync takes a batch with malformed records (answering each), so only its own check applies.
        negative = mode is GenerationMode.NEGATIVE and not is_sync
        response = case.call_and_validate(checks=NEGATIVE_CHECKS if negative else CHECKS)
        statuses[response.status_code] += 1
        if is_sync and response.status_code == 200:
            assert_invalid_records_rejected(case.body, response.json(), valid_record)

    fuzz()
    print(f"{operation_id}: {statuses.total()} requests, answers {dict(sorted(statuses.items()))}")
    assert statuses.total() >= MAX_EXAMPLES // 2, "Hypothesis ran too few requests to mean anything"
