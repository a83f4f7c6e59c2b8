"""Every access is recorded, and no record of it names the student (docs/architecture.md#audit, FERPA 99.32).

Each GET of a student-record page leaves an audit entry with the student's id and the actor; each
successful write leaves one with the names of the fields it changed. Walking every page and API
operation as every persona, no audit entry and no log line carries the persona student's name.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator, Mapping
from html.parser import HTMLParser
from typing import Any, cast

import pytest
from django.test import Client

from paradesk.access.models import AuditAction, AuditEntry, AuditEntryQuerySet
from paradesk.access.policy import allowed, standings_toward
from paradesk.access.routes import ROUTES, Gate, Route
from paradesk.access.tests import walk
from paradesk.api import API_ROUTES, api
from paradesk.people.models import Staff, Student
from paradesk.plans.actions import amend_plan
from paradesk.plans.models import Plan, Snapshot
from paradesk.testing import Personas, StudentFactory

pytestmark = pytest.mark.django_db

NAMES = ("Zebulon", "Quillfeather")
STUDENT_PAGES = sorted(n for n, r in ROUTES.items() if r.gate == Gate.STUDENT and r.method == "GET")
EDIT_PAGES = sorted(n for n in STUDENT_PAGES if n.endswith("_edit"))
# Text fields to change when round-tripping a form, best first (free text, no format to respect).
PREFERRED_FIELDS = (
    "strengths",
    "text",
    "wording",
    "why",
    "operational_definition",
    "crisis_steps",
    "amendment_reason",
    "label",
    "name",
    "setting",
)


def names_in(text: str) -> list[str]:
    return [name for name in NAMES if name.lower() in text.lower()]


def reader_of(route: Route, personas: Personas) -> Staff:
    """The case manager when the rule lets them in, else the first persona it does let in."""
    assert route.action is not None
    for staff in (personas.case_manager, personas.provider, personas.school_admin, personas.district_admin):
        if allowed(standings_toward(staff, personas.student), route.action):
            return staff
    raise AssertionError(f"nobody may {route.action}")


@pytest.fixture
def draft(personas: Personas) -> Plan:
    return amend_plan(actor=personas.case_manager, plan=personas.plan, reason="audit test")


def entries_for(personas: Personas, actor: Staff) -> Any:
    return AuditEntry.objects.filter(student_id=personas.student.id, actor=actor)


# --- views are recorded ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", STUDENT_PAGES)
def test_every_student_record_page_view_is_audited(personas: Personas, draft: Plan, name: str) -> None:
    route, page = ROUTES[name], walk.named_pages()[name]
    actor = reader_of(route, personas)
    url = walk.page_url(page, route, personas, draft, actor)
    before = entries_for(personas, actor).count()
    response = walk.client_for(actor).get(url)
    assert response.status_code == 200, f"{name} {url}: {walk.describe(response)}"
    assert entries_for(personas, actor).count() > before, f"{name}: no audit entry for {url}"
    entry = entries_for(personas, actor).order_by("-id").first()
    assert entry is not None
    assert entry.via == "web"
    assert entry.address == "127.0.0.1"
    assert entry.district_id == personas.district.id


def test_refused_page_view_is_not_recorded_as_a_view(personas: Personas) -> None:
    client = walk.client_for(personas.unassigned_para)
    assert client.get(f"/students/{personas.student.id}/").status_code == 404
    assert not AuditEntry.objects.filter(actor=personas.unassigned_para, action=AuditAction.VIEW).exists()


def test_api_reads_are_audited_through_the_api_channel(personas: Personas) -> None:
    client = walk.client_for(personas.case_manager)
    for url in (f"/api/v1/students/{personas.student.id}", f"/api/v1/plans/{personas.plan.id}"):
        before = entries_for(personas, personas.case_manager).count()
        response = client.get(url)
        assert response.status_code == 200, url
        assert entries_for(personas, personas.case_manager).count() > before, url
        assert entries_for(personas, personas.case_manager).order_by("-id")[0].via == "api"


# --- writes are recorded with the fields they changed ---------------------------------------------


class FormReader(HTMLParser):
    """The fields of the page's first POST form that is not the sign-out button, with their values."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action = action
        self.in_form = False
        self.done = False
        self.fields: list[tuple[str, str, str]] = []  # (name, kind, value)
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and a.get("method", "").lower() == "post":
            self.in_form = a.get("action", "") in {"", self.action}
        if not self.in_form:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind in {"submit", "button", "file"}:
                return
            self.fields.append((a["name"], kind, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select, self._select_first, self._select_value = a.get("name"), None, None
        elif tag == "option" and self._select:
            if self._select_first is None:
                self._select_first = a.get("value", "")
            if "selected" in a:
                self._select_value = a.get("value", "")
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self.in_form:
            return
        if tag == "select" and self._select:
            value = self._select_value if self._select_value is not None else self._select_first or ""
            self.fields.append((self._select, "select", value))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "textarea", "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self.in_form, self.done = False, True


def form_of(html: str, action: str) -> list[tuple[str, str, str]]:
    reader = FormReader(action)
    reader.feed(html)
    return reader.fields


def field_to_change(fields: list[tuple[str, str, str]]) -> str:
    free_text = {
        name
        for name, kind, value in fields
        if kind in {"text", "textarea"} and not value.lstrip().startswith(("[", "{"))
    }
    for name in PREFERRED_FIELDS:
        if name in free_text:
            return name
    assert free_text, f"no free-text field in {fields}"
    return sorted(free_text)[0]


@pytest.mark.parametrize("name", EDIT_PAGES)
def test_every_successful_form_write_is_audited_with_changed_field_names(
    personas: Personas, draft: Plan, name: str
) -> None:
    route, page = ROUTES[name], walk.named_pages()[name]
    actor = reader_of(route, personas)
    client = walk.client_for(actor)
    url = walk.page_url(page, route, personas, draft, actor)
    fields = form_of(client.get(url).content.decode(), url)
    changed = field_to_change(fields)
    data: dict[str, list[str]] = {}
    for field, _kind, value in fields:
        data.setdefault(field, []).append(value + " (revised)" if field == changed else value)
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.post(url, data)
    assert response.status_code == 302, f"{name}: {walk.describe(response)} {response.content[:3000]!r}"
    writes = AuditEntry.objects.filter(
        id__gt=last, actor=actor, student_id=personas.student.id, action=AuditAction.UPDATE
    )
    assert [e.changed_fields for e in writes] == [[changed]], f"{name}: changed {changed!r}"


SNAPSHOT_FIELDS = (
    "strengths",
    "interests",
    "triggers",
    "calming_strategies",
    "communication_system",
    "things_to_avoid",
    "medical_alerts",
)
API_UPDATES = {
    "update_snapshot": ("PUT", "students/{student}/snapshot", "strengths"),
    "update_plan": ("PATCH", "plans/{plan}", "crisis_steps"),
    "update_goal": ("PATCH", "goals/{goal}", "text"),
    "update_measure": ("PATCH", "measures/{measure}", "name"),
    "update_accommodation": ("PATCH", "accommodations/{accommodation}", "wording"),
    "update_service": ("PATCH", "services/{service}", "setting"),
    "update_target_behavior": ("PATCH", "target_behaviors/{target_behavior}", "operational_definition"),
    "update_strategy": ("PATCH", "strategies/{strategy}", "text"),
    "update_abc_option": ("PATCH", "abc_options/{abc_option}", "label"),
    "update_reporting_period": ("PATCH", "reporting_periods/{period}", "name"),
    "update_direction": ("PATCH", "directions/{direction}", "why"),
}


@pytest.mark.parametrize("operation_id", sorted(API_UPDATES))
def test_every_successful_api_write_is_audited_with_changed_field_names(
    personas: Personas, draft: Plan, operation_id: str
) -> None:
    method, path, field = API_UPDATES[operation_id]
    route = API_ROUTES[operation_id]
    actor = reader_of(route, personas)
    target = re.findall(r"{(\w+)}", path)[0]
    url = "/api/v1/" + path.replace(
        "{" + target + "}", str(walk.target_id(personas, walk.ID_NAMES[target], draft, actor))
    )
    client = walk.client_for(actor)
    body: dict[str, Any] = {field: "Revised by the audit test"}
    if method == "PUT":  # a PUT replaces the whole snapshot: send what it holds, one field changed
        snapshot = Snapshot.objects.filter(student=personas.student).values(*SNAPSHOT_FIELDS).get()
        body = {**snapshot, **body}
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.generic(method, url, walk.json_body(body), content_type="application/json")
    assert response.status_code == 200, (
        f"{operation_id}: {walk.describe(response)} {response.content[:500]!r}"
    )
    writes = AuditEntry.objects.filter(id__gt=last, actor=actor, student_id=personas.student.id).exclude(
        action=AuditAction.VIEW
    )
    assert [e.changed_fields for e in writes] == [[field]], operation_id
    assert all(e.via == "api" for e in writes)


# --- no names anywhere -----------------------------------------------------------------------------


def entry_text(row: Mapping[str, Any]) -> str:
    return " ".join(str(value) for value in row.values())


def formatted(records: list[logging.LogRecord]) -> Iterator[tuple[logging.LogRecord, str]]:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in records:
        text = formatter.format(record)
        extra = " ".join(repr(v) for k, v in vars(record).items() if k not in {"msg", "args", "exc_info"})
        yield record, f"{text} {record.args!r} {extra}"


def exercise_pages(personas: Personas, plan: Plan) -> tuple[list[dict[str, Any]], list[str]]:
    """Every page, every persona, GET or an empty POST; each request undone, its audit rows kept."""
    pages, rows, statuses = walk.named_pages(), [], []
    for persona, staff in walk.personas_and_anonymous(personas):
        client = walk.client_for(staff)
        # Signing out ends the client's session: that one goes last.
        for name, route in sorted(ROUTES.items(), key=lambda item: item[0] in walk.SIGN_OUT_ROUTES):
            if name not in pages:
                continue
            url = walk.page_url(pages[name], route, personas, plan, staff)
            for method in {route.method, "GET"}:

                def call(method: str = method, url: str = url, client: Client = client) -> Any:
                    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
                    response = walk.send(client, method, url)
                    return response, list(AuditEntry.objects.filter(id__gt=last).values())

                response, new_rows = walk.rolled_back(call)
                rows += new_rows
                statuses.append(f"{persona} {method} {name} {response.status_code}")
                assert not names_in(response.get("Content-Disposition", "")), name
                if staff is None or not standings_toward(staff, personas.student):
                    assert not names_in(response.content.decode(errors="replace")), (
                        f"{persona} {method} {name}: the student's name shown to someone without standing"
                    )
    return rows, statuses


def exercise_api(personas: Personas, plan: Plan) -> list[dict[str, Any]]:
    schema = api.get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    rows: list[dict[str, Any]] = []
    for persona, staff in walk.personas_and_anonymous(personas):
        client = walk.client_for(staff)
        for operation in walk.api_operations(schema):
            route = API_ROUTES[operation.operation_id]
            url = walk.api_url(operation, route, personas, plan, staff)

            def fill(target: Any, staff: Any = staff) -> Any:
                return walk.target_id(personas, target, plan, staff)

            body = walk.example_body(operation.request_schema, components, fill)

            def call(
                url: str = url, body: Any = body, op: walk.Operation = operation, c: Client = client
            ) -> Any:
                last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
                response = walk.send(c, op.method, url, body, api=True)
                return response, list(AuditEntry.objects.filter(id__gt=last).values())

            response, new_rows = walk.rolled_back(call)
            rows += new_rows
            if staff is None or not standings_toward(staff, personas.student):
                assert not names_in(response.content.decode(errors="replace")), (
                    f"{persona} {operation.operation_id}: the student's name in an answer to an outsider"
                )
    return rows


@pytest.mark.parametrize("version", ["active", "draft"])
def test_no_audit_entry_or_log_record_names_the_student(
    personas: Personas, caplog: pytest.LogCaptureFixture, version: str
) -> None:
    plan = (
        personas.plan
        if version == "active"
        else amend_plan(actor=personas.case_manager, plan=personas.plan, reason="privacy test")
    )
    caplog.set_level(logging.DEBUG)
    page_rows, _statuses = exercise_pages(personas, plan)
    api_rows = exercise_api(personas, plan)
    rows = page_rows + api_rows + list(AuditEntry.objects.values())
    assert len(page_rows) > 20, "the walk should have left audit entries to look at"
    named = [row for row in rows if names_in(entry_text(row))]
    assert not named, f"audit entries naming the student: {named[:5]}"
    logged = [text for _record, text in formatted(caplog.records) if names_in(text)]
    assert not logged, f"log records naming the student: {logged[:5]}"
    assert caplog.records, "the walk logs 403s and 404s; none captured means caplog saw nothing"


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.stream = io.StringIO()
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.stream.write(self.format(record) + "\n")


def test_a_crashing_request_logs_no_name(personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server error logs its traceback, and the traceback carries ids, never the name."""

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(AuditEntryQuerySet, "create", broken)
    handler = Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        client = walk.client_for(personas.case_manager)
        for url in (
            f"/students/{personas.student.id}/",
            f"/plans/{personas.plan.id}/",
            f"/api/v1/students/{personas.student.id}",
        ):
            response = client.get(url)
            assert response.status_code == 500, url
            assert not names_in(response.content.decode(errors="replace")), url
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    output = handler.stream.getvalue()
    assert "RuntimeError: audit store unavailable" in output
    assert str(personas.student.id) in output or "/students/" in output
    assert not names_in(output), output


@pytest.mark.parametrize(
    ("first", "last", "preferred"), [("Zebulon", "Quillfeather", ""), ("Ana", "Núñez", "Annie")]
)
def test_student_str_never_has_the_name(first: str, last: str, preferred: str) -> None:
    student = cast(Student, StudentFactory(first_name=first, last_name=last, preferred_name=preferred))
    for text in (str(student), repr(student), f"{student}", "%s" % student):  # noqa: UP031
        for name in filter(None, (first, last, preferred)):
            assert name not in text
    assert str(student.id) in str(student)


def test_audit_entry_has_no_column_for_a_name() -> None:
    columns = {field.name for field in AuditEntry._meta.get_fields()}
    assert not columns & {"name", "student_name", "first_name", "last_name", "display_name"}
    assert Student._meta.get_field("first_name")  # the name lives on the student only
