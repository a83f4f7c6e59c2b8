"""Audit completeness: every page, API operation and Django admin page that shows a student leaves an
audit entry for that student, so a parent's records request ("who looked at my child's records")
finds every look, lists included (docs/access.md, "Audit").

The pages and operations come from the URL resolver (walk.named_pages, kept equal to routes.py by
the matrix test), the OpenAPI schema and the admin registry, never from a hand-kept list: a new page
that shows a student without auditing fails here. A page "shows" the student when its answer holds
the student's first name, last name or id; a student-record page (Gate.STUDENT) that answers 200
must audit whatever it holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from paradesk.access import admin_audit
from paradesk.access.audit import LIST_TYPE
from paradesk.access.models import AuditAction, AuditEntry
from paradesk.access.policy import allowed, standings_toward
from paradesk.access.routes import ROUTES, Gate, Route
from paradesk.access.tests import walk
from paradesk.api import API_ROUTES, api
from paradesk.people.models import Staff, Student
from paradesk.plans.models import Plan
from paradesk.testing import Personas, StudentFactory, persona_block

pytestmark = pytest.mark.django_db

# A floor, not the list: pages each persona's walk must find showing the student, so a walk that
# stopped finding anything (a fixture lost its block, the detector broke) cannot pass by finding
# nothing. The walk itself covers every page and operation there is.
MUST_BE_FOUND: dict[str, set[str]] = {
    "assigned_para": {"my_students", "today", "my_schedule", "student_detail", "api:list_students"},
    "case_manager": {
        "caseload",
        "progress_dashboard",
        "student_detail",
        "api:list_students",
        "api:get_student",
    },
    "gen_ed_teacher": {"class_accommodations", "room_schedule", "student_detail"},
    "provider": {"caseload", "student_detail", "api:list_students"},
    "school_admin": {
        "staff_detail",
        "assignment_create",
        "para_block_create",
        "para_schedule",
        "api:list_students",
    },
    "district_admin": {"staff_detail", "assignment_create", "student_access_log", "api:list_students"},
}


@dataclass(frozen=True)
class Seen:
    where: str  # the URL name, "api:operation_id" for the API
    persona: str
    status: int
    shows: bool  # the answer holds the student's name or id
    must_audit: bool  # a student-record page that let the persona in
    audited: bool  # an entry for the student by the persona was written


def body_of(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def shows_student(response: Any, student: Student) -> bool:
    text = body_of(response).decode(errors="replace").lower()
    needles = (student.first_name.lower(), student.last_name.lower(), str(student.id))
    return any(needle in text for needle in needles)


def audited_call(client: Client, staff: Staff, student: Student, send: Any) -> tuple[Any, bool]:
    """One request, undone afterwards; its answer and whether it wrote an entry for the student."""

    def call() -> tuple[Any, bool]:
        last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = send(client)
        entries = AuditEntry.objects.filter(id__gt=last, actor=staff, student_id=student.id)
        return response, entries.exists()

    return walk.rolled_back(call)


def must_audit(route: Route, staff: Staff, personas: Personas, status: int) -> bool:
    if route.gate != Gate.STUDENT or status != 200:
        return False
    assert route.action is not None
    return allowed(standings_toward(staff, personas.student), route.action)


def walk_pages(personas: Personas, persona: str, staff: Staff) -> Iterator[Seen]:
    """Every GET page, as the persona."""
    client = walk.client_for(staff)
    for name, page in sorted(walk.named_pages().items()):
        route = ROUTES[name]
        if route.method != "GET":
            continue
        url = walk.page_url(page, route, personas, personas.plan, staff)
        response, audited = audited_call(client, staff, personas.student, lambda c, url=url: c.get(url))
        yield Seen(
            name,
            persona,
            response.status_code,
            shows_student(response, personas.student),
            must_audit(route, staff, personas, response.status_code),
            audited,
        )


def walk_api(personas: Personas, persona: str, staff: Staff) -> Iterator[Seen]:
    """Every GET operation of the OpenAPI schema, as the persona."""
    client = walk.client_for(staff)
    for operation in walk.api_operations(api.get_openapi_schema()):
        if operation.method != "GET":
            continue
        route = API_ROUTES[operation.operation_id]
        url = walk.api_url(operation, route, personas, personas.plan, staff)
        response, audited = audited_call(client, staff, personas.student, lambda c, url=url: c.get(url))
        yield Seen(
            f"api:{operation.operation_id}",
            persona,
            response.status_code,
            shows_student(response, personas.student),
            must_audit(route, staff, personas, response.status_code),
            audited,
        )


@pytest.fixture
def scene(personas: Personas) -> Personas:
    """The persona student in every list there is: the para's block (Today, schedules, rooms) and an
    absence with coverage (the administrators' absence pages)."""
    persona_block(personas)
    walk.persona_absence(personas)
    walk.persona_observation(personas)
    return personas


def unaudited(seen: list[Seen]) -> list[str]:
    return [
        f"{s.persona} GET {s.where} ({s.status}) {'shows the student' if s.shows else 'is a record page'}"
        " but wrote no audit entry for the student"
        for s in seen
        if (s.shows or s.must_audit) and not s.audited
    ]


PERSONAS_WITH_STANDING = sorted(MUST_BE_FOUND)


@pytest.mark.parametrize("persona", PERSONAS_WITH_STANDING)
def test_every_page_and_api_read_that_shows_the_student_is_audited(scene: Personas, persona: str) -> None:
    staff = scene.all()[persona]
    assert standings_toward(staff, scene.student), f"{persona} should have a standing toward the student"
    seen = [*walk_pages(scene, persona, staff), *walk_api(scene, persona, staff)]
    failures = unaudited(seen)
    assert not failures, "\n".join(failures)
    found = {s.where for s in seen if s.shows}
    missing = MUST_BE_FOUND[persona] - found
    assert not missing, f"{persona}: the walk never saw the student on {sorted(missing)}"


# --- lists: findable in the access history, one insert -------------------------------------------------


def test_a_list_entry_names_its_page_and_reads_as_seen_in_a_list(scene: Personas) -> None:
    walk.client_for(scene.case_manager).get(reverse("caseload"))
    entry = AuditEntry.objects.get(actor=scene.case_manager, student_id=scene.student.id)
    assert (entry.action, entry.object_type, entry.object_id) == (AuditAction.VIEW, LIST_TYPE, "caseload")
    assert (entry.district_id, entry.via) == (scene.district.id, "web")
    history = walk.client_for(scene.school_admin).get(reverse("student_access_log", args=[scene.student.id]))
    page = history.content.decode()
    assert "Seen in a list (the caseload)" in page
    assert "Casey Manager" in page


def inserts_into_audit(queries: CaptureQueriesContext) -> list[str]:
    table = AuditEntry._meta.db_table
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].upper().startswith(f'INSERT INTO "{table}"'.upper())
    ]


def test_the_api_student_list_writes_one_insert_for_200_students(scene: Personas) -> None:
    StudentFactory.create_batch(210, school=scene.school)
    client = walk.client_for(scene.school_admin)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/students?limit=200").json()
    assert len(body["items"]) == 200
    assert len(inserts_into_audit(queries)) == 1
    listed = AuditEntry.objects.filter(actor=scene.school_admin, object_type=LIST_TYPE)
    assert listed.count() == 200
    assert set(listed.values_list("object_id", "via").distinct()) == {("api:list_students", "api")}
    assert {str(item["id"]) for item in body["items"]} == {
        str(s) for s in listed.values_list("student_id", flat=True)
    }


# --- Django admin ---------------------------------------------------------------------------------------


def student_data_admins() -> list[tuple[type[Any], admin.ModelAdmin[Any]]]:
    return sorted(
        (
            (model, model_admin)
            for model, model_admin in admin.site._registry.items()
            if admin_audit.holds_student_data(model)
        ),
        key=lambda pair: pair[0]._meta.label,
    )


def test_every_student_data_admin_is_audited() -> None:
    found = student_data_admins()
    labels = {model._meta.label for model, _admin in found}
    assert {"people.Student", "plans.Snapshot", "plans.Plan", "plans.Measure", "people.Assignment"} <= labels
    plain = [
        model._meta.label
        for model, model_admin in found
        if not isinstance(model_admin, admin_audit.AuditedAdmin)
    ]
    assert not plain, f"student-data admins without AuditedAdmin: {plain}"


@pytest.mark.parametrize("label", sorted(m._meta.label for m, _a in student_data_admins()))
def test_superuser_reads_in_django_admin_are_audited(scene: Personas, label: str) -> None:
    model = next(m for m, _a in student_data_admins() if m._meta.label == label)
    path = admin_audit.student_path(model)
    assert path is not None
    row = model._default_manager.filter(**{path: scene.student.id}).order_by("pk").first()
    assert row is not None, f"the persona data holds no {label}"
    root = Staff.objects.create_superuser("root@example.test", "a-long-password-1")
    client = walk.client_for(root)
    info = (model._meta.app_label, model._meta.model_name)
    listed = client.get(reverse("admin:{}_{}_changelist".format(*info)))
    assert listed.status_code == 200
    changed = client.get(reverse("admin:{}_{}_change".format(*info), args=[row.pk]))
    assert changed.status_code == 200
    entries = AuditEntry.objects.filter(actor=root, student_id=scene.student.id)
    assert set(entries.values_list("object_type", "via")) == {
        (LIST_TYPE, "admin"),
        (model._meta.label_lower, "admin"),
    }
    assert entries.get(object_type=model._meta.label_lower).object_id == str(row.pk)
    assert all(e.district_id == scene.district.id for e in entries)


def test_an_admin_changelist_audits_each_row_in_one_insert(scene: Personas) -> None:
    StudentFactory.create_batch(30, school=scene.school)
    root = Staff.objects.create_superuser("root@example.test", "a-long-password-1")
    client = walk.client_for(root)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:people_student_changelist")).status_code == 200
    assert len(inserts_into_audit(queries)) == 1
    assert AuditEntry.objects.filter(actor=root, object_type=LIST_TYPE).count() == 31


def test_an_admin_save_is_audited_with_the_changed_field_names(scene: Personas) -> None:
    root = Staff.objects.create_superuser("root@example.test", "a-long-password-1")
    client = walk.client_for(root)
    plan = Plan.objects.get(pk=scene.plan.pk)
    url = reverse("admin:plans_plan_change", args=[plan.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["crisis_steps"] = "Call the office (changed in admin)"
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    change = AuditEntry.objects.get(actor=root, action=AuditAction.UPDATE)
    assert (change.student_id, change.changed_fields) == (scene.student.id, ["crisis_steps"])
    assert "Call the office" not in str(AuditEntry.objects.values())
