"""Voiding: teachers only, with a reason, once; the record stays (docs/architecture.md#scope-of-practice:
nothing is silently overwritten or deleted), and every void is audited without the student's name."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.urls import reverse

from paradesk.access.helpers import access_record
from paradesk.access.models import AuditAction, AuditEntry
from paradesk.access.policy import Action
from paradesk.recording import actions
from paradesk.recording.models import CaseManagerNote, Observation, record_kind
from paradesk.recording.tests.raw_records import observation, recorded
from paradesk.testing import Personas

pytestmark = pytest.mark.django_db

NAMES = ("Zebulon", "Quillfeather")
HTMX = {"HX-Request": "true"}


def void_url(record: Any) -> str:
    return reverse("record_void", args=[record.id])


def fresh(record: Observation) -> Observation:
    return Observation.objects.get(pk=record.pk)


def unchanged(record: Observation) -> bool:
    stored = fresh(record)
    return stored.voided_at is None and stored.voided_by_id is None and stored.void_reason == ""


def void_entries() -> Any:
    return AuditEntry.objects.filter(action=AuditAction.VOID)


# --- who may void ---------------------------------------------------------------------------------


def test_voiding_requires_sign_in(client: Client, personas: Personas) -> None:
    record = observation(personas)
    response = client.post(void_url(record), {"reason": "duplicate"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert unchanged(record)


@pytest.mark.parametrize("persona", ["unassigned_para", "other_school_admin", "other_district_admin"])
def test_outsiders_do_not_find_the_record(client_for: Any, personas: Personas, persona: str) -> None:
    record = observation(personas)
    response = client_for(personas.all()[persona]).post(void_url(record), {"reason": "duplicate"})
    assert response.status_code == 404
    assert unchanged(record)


@pytest.mark.parametrize("persona", ["assigned_para", "gen_ed_teacher", "school_admin", "district_admin"])
def test_only_licensed_teachers_void(client_for: Any, personas: Personas, persona: str) -> None:
    """Scope of practice: a para corrects their own record; voiding is the teacher's."""
    record = observation(personas)
    response = client_for(personas.all()[persona]).post(void_url(record), {"reason": "duplicate"})
    assert response.status_code == 403
    assert unchanged(record)
    assert not void_entries().exists()


def test_a_made_up_record_id_is_not_found(client_for: Any, personas: Personas) -> None:
    response = client_for(personas.case_manager).post(
        reverse("record_void", args=[uuid.uuid4()]), {"reason": "duplicate"}
    )
    assert response.status_code == 404


def test_voiding_is_a_post(client_for: Any, personas: Personas) -> None:
    record = observation(personas)
    assert client_for(personas.case_manager).get(void_url(record)).status_code == 405
    assert unchanged(record)


def test_access_record_finds_every_kind_and_fails_closed(personas: Personas) -> None:
    note = CaseManagerNote.objects.create(id=uuid.uuid4(), text="Tired today", **recorded(personas))
    found, standings = access_record(personas.provider, note.id, Action.VOID_DATA)
    assert found == note and isinstance(found, CaseManagerNote)
    assert standings
    with pytest.raises(PermissionDenied):
        access_record(personas.assigned_para, note.id, Action.VOID_DATA)
    with pytest.raises(Http404):
        access_record(personas.unassigned_para, note.id, Action.VIEW_RECORD)
    with pytest.raises(Http404):
        access_record(personas.case_manager, uuid.uuid4(), Action.VIEW_RECORD)
    with pytest.raises(Http404):
        access_record(personas.case_manager, "not-a-uuid", Action.VIEW_RECORD)


# --- the page ---------------------------------------------------------------------------------------


def test_case_manager_voids_with_a_reason_and_returns_to_the_data(
    client_for: Any, personas: Personas
) -> None:
    record = observation(personas)
    client = client_for(personas.case_manager)
    response = client.post(void_url(record), {"reason": "  Entered for the wrong student  "})
    assert response.status_code == 302
    assert response["Location"] == reverse("measure_data", args=[personas.measure.id])
    stored = fresh(record)
    assert stored.voided_at is not None
    assert stored.voided_by == personas.case_manager
    assert stored.void_reason == "Entered for the wrong student"
    assert not Observation.objects.current().exists()
    page = client.get(response["Location"]).content.decode()
    assert f'<tr id="record-{record.id}" class="record voided">' in page
    assert "Entered for the wrong student" in page
    assert void_url(record) not in page  # no second void offered


def test_provider_voids_a_note_and_returns_to_that_kind(client_for: Any, personas: Personas) -> None:
    note = CaseManagerNote.objects.create(id=uuid.uuid4(), text="Tired today", **recorded(personas))
    response = client_for(personas.provider).post(void_url(note), {"reason": "Meant for another team"})
    assert response.status_code == 302
    assert response["Location"] == reverse("student_data", args=[personas.student.id]) + "?kind=note"
    assert CaseManagerNote.objects.get(pk=note.pk).void_reason == "Meant for another team"


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_void_without_a_reason_comes_back_with_a_message(
    client_for: Any, personas: Personas, reason: str
) -> None:
    record = observation(personas)
    response = client_for(personas.case_manager).post(void_url(record), {"reason": reason})
    assert response.status_code == 200
    page = response.content.decode()
    assert '<div class="field has-error">' in page
    assert "Say why this record is voided." in page
    assert unchanged(record)
    assert not void_entries().exists()


def test_htmx_void_swaps_the_row_in_place(client_for: Any, personas: Personas) -> None:
    record = observation(personas)
    response = client_for(personas.case_manager).post(void_url(record), {"reason": "duplicate"}, headers=HTMX)
    assert response.status_code == 200
    page = response.content.decode().strip()
    assert page.startswith(f'<tr id="record-{record.id}" class="record voided">')
    assert page.endswith("</tr>")
    assert "by Casey Manager" in page and "duplicate" in page
    assert "<form" not in page
    assert fresh(record).voided_at is not None


def test_htmx_void_without_a_reason_keeps_the_form_open_with_the_message(
    client_for: Any, personas: Personas
) -> None:
    record = observation(personas)
    response = client_for(personas.case_manager).post(void_url(record), {"reason": ""}, headers=HTMX)
    assert response.status_code == 200  # htmx swaps only a 2xx answer
    page = response.content.decode().strip()
    assert page.startswith(f'<tr id="record-{record.id}" class="record current">')
    assert '<details class="void" open>' in page
    assert "Say why this record is voided." in page
    assert unchanged(record)


def test_voiding_twice_is_refused_and_the_first_void_stands(client_for: Any, personas: Personas) -> None:
    record = observation(personas)
    client_for(personas.case_manager).post(void_url(record), {"reason": "duplicate"})
    first = fresh(record)
    response = client_for(personas.provider).post(void_url(record), {"reason": "another reason"})
    assert response.status_code == 409
    assert "already voided" in response.content.decode()
    again = fresh(record)
    assert (again.voided_at, again.voided_by_id, again.void_reason) == (
        first.voided_at,
        personas.case_manager.id,
        "duplicate",
    )
    assert void_entries().count() == 1


def test_voiding_twice_through_htmx_shows_the_row_as_it_stands(client_for: Any, personas: Personas) -> None:
    record = observation(personas)
    client = client_for(personas.case_manager)
    client.post(void_url(record), {"reason": "duplicate"}, headers=HTMX)
    response = client.post(void_url(record), {"reason": "again"}, headers=HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "already voided" in page
    assert 'class="record voided"' in page
    assert fresh(record).void_reason == "duplicate"


# --- the action ------------------------------------------------------------------------------------


def test_void_record_refuses_a_record_already_voided(personas: Personas) -> None:
    record = observation(personas)
    actions.void_record(actor=personas.case_manager, record=record, reason="duplicate")
    with pytest.raises(actions.AlreadyVoided):
        actions.void_record(actor=personas.provider, record=record, reason="again")
    assert fresh(record).void_reason == "duplicate"


def test_void_record_refuses_an_empty_reason(personas: Personas) -> None:
    record = observation(personas)
    with pytest.raises(ValidationError) as raised:
        actions.void_record(actor=personas.case_manager, record=record, reason=" \n ")
    assert "reason" in raised.value.message_dict
    assert unchanged(record)


def test_a_void_is_audited_with_the_fields_it_set_and_no_name(personas: Personas) -> None:
    record = observation(personas)
    actions.void_record(actor=personas.case_manager, record=record, reason="Zebulon's sheet was mixed up")
    entry = void_entries().get()
    assert entry.actor == personas.case_manager
    assert entry.object_type == "recording.observation"
    assert entry.object_id == str(record.id)
    assert entry.student_id == personas.student.id
    assert entry.district_id == personas.district.id
    assert entry.changed_fields == ["void_reason", "voided_at", "voided_by"]
    # Field names only, never values: even a reason naming the student stays out of the log.
    assert not any(name in str(vars(entry)) for name in NAMES)


# --- the API ----------------------------------------------------------------------------------------


def api_void(client: Client, record: Any, body: Any) -> Any:
    """The void as a client sends it: the record's kind beside the reason (unless the body is a test
    of a body without one)."""
    if isinstance(body, dict) and "reason" in body and "kind" not in body:
        body = {"kind": record_kind(record), **body}
    return client.post(f"/api/v1/records/{record.id}/void", body, content_type="application/json")


def test_api_voids_once_then_answers_409(client_for: Any, personas: Personas) -> None:
    record = observation(personas)
    client = client_for(personas.case_manager)
    response = api_void(client, record, {"reason": "duplicate"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == str(record.id)
    assert body["kind"] == "observation"
    assert body["status"] == "voided"
    assert body["voided_by_id"] == str(personas.case_manager.id)
    assert body["void_reason"] == "duplicate"
    again = api_void(client, record, {"reason": "again"})
    assert again.status_code == 409
    assert "already voided" in again.json()["detail"]
    assert void_entries().get().via == "api"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("assigned_para", 403),
        ("gen_ed_teacher", 403),
        ("unassigned_para", 404),
        ("other_district_admin", 404),
    ],
)
def test_api_void_fails_closed(client_for: Any, personas: Personas, persona: str, status: int) -> None:
    record = observation(personas)
    response = api_void(client_for(personas.all()[persona]), record, {"reason": "duplicate"})
    assert response.status_code == status
    assert unchanged(record)


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x", "extra": 1}])
def test_api_void_needs_a_reason(client_for: Any, personas: Personas, body: Any) -> None:
    record = observation(personas)
    response = api_void(client_for(personas.case_manager), record, body)
    assert response.status_code == 422
    assert unchanged(record)


def test_api_void_of_a_made_up_id_is_not_found(client_for: Any, personas: Personas) -> None:
    response = client_for(personas.case_manager).post(
        f"/api/v1/records/{uuid.uuid4()}/void",
        {"kind": "note", "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_a_void_names_the_kind_it_voids(client_for: Any, personas: Personas) -> None:
    """The kind is part of the address: a session's id under "note" is not found, and a void without
    a kind is refused."""
    record = observation(personas)
    client = client_for(personas.case_manager)
    wrong = api_void(client, record, {"kind": "note", "reason": "duplicate"})
    assert wrong.status_code == 404
    missing = client.post(
        f"/api/v1/records/{record.id}/void", {"reason": "x"}, content_type="application/json"
    )
    assert missing.status_code == 422
    page = client.post(void_url(record), {"kind": "note", "reason": "duplicate"})
    assert page.status_code == 404
    assert unchanged(record)
