"""The JSON API's doors: who gets in (session, token), who sees which student, and the error answers."""

from __future__ import annotations

import datetime
import json
import uuid
from typing import Any, cast

import pytest
from django.test import Client
from django.utils import timezone

from paradesk.access.models import ApiToken, AuditAction, AuditEntry
from paradesk.access.routes import Gate
from paradesk.api import API_ROUTES, api
from paradesk.people.models import Staff
from paradesk.testing import Personas, StaffFactory, StudentFactory, signed_in

API = "/api/v1"
ERROR_CODES = {"401", "403", "404", "422"}


def with_token(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


# Who gets in -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_no_session_and_no_token_is_401_json(personas: Personas) -> None:
    for url in [
        f"{API}/students",
        f"{API}/students/{personas.student.id}",
        f"{API}/plans/{personas.plan.id}",
    ]:
        response = Client().get(url)
        assert response.status_code == 401
        assert response.headers["Content-Type"].startswith("application/json")
        assert "detail" in response.json()


@pytest.mark.django_db
def test_anonymous_write_is_401_not_a_csrf_failure(personas: Personas) -> None:
    response = Client(enforce_csrf_checks=True).post(
        f"{API}/plans/{personas.plan.id}/goals",
        {"area": "Math", "text": "x"},
        content_type="application/json",
    )
    assert response.status_code == 401


@pytest.mark.django_db
def test_token_lets_its_owner_in(personas: Personas) -> None:
    _token, raw = ApiToken.issue(personas.case_manager, "laptop")
    response = with_token(raw).get(f"{API}/students/{personas.student.id}")
    assert response.status_code == 200
    assert response.json()["id"] == str(personas.student.id)


@pytest.mark.django_db
def test_token_use_is_noted_at_most_once_a_minute(personas: Personas) -> None:
    token, raw = ApiToken.issue(personas.case_manager, "laptop")
    with_token(raw).get(f"{API}/students")
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    with_token(raw).get(f"{API}/students")
    token.refresh_from_db()
    assert token.last_used_at == first_use
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - datetime.timedelta(minutes=2))
    with_token(raw).get(f"{API}/students")
    token.refresh_from_db()
    assert token.last_used_at > first_use - datetime.timedelta(minutes=2)


@pytest.mark.django_db
def test_revoked_token_is_401(personas: Personas) -> None:
    token, raw = ApiToken.issue(personas.case_manager, "lost phone")
    token.revoked_at = timezone.now()
    token.save()
    assert with_token(raw).get(f"{API}/students").status_code == 401


@pytest.mark.django_db
def test_token_of_deactivated_staff_is_401(personas: Personas) -> None:
    _token, raw = ApiToken.issue(personas.case_manager, "laptop")
    personas.case_manager.is_active = False
    personas.case_manager.save()
    assert with_token(raw).get(f"{API}/students").status_code == 401


@pytest.mark.django_db
def test_unknown_or_malformed_token_is_401(personas: Personas) -> None:
    for raw in ["pdk_not-a-real-token", "something-else", ""]:
        assert with_token(raw).get(f"{API}/students").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Basic abc").get(f"{API}/students").status_code == 401


@pytest.mark.django_db
def test_token_writes_need_no_csrf_token(personas: Personas) -> None:
    _token, raw = ApiToken.issue(personas.case_manager, "laptop")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.put(
        f"{API}/students/{personas.student.id}/snapshot",
        {"strengths": "Kind"},
        content_type="application/json",
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_session_writes_need_the_csrf_token(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.case_manager)
    url = f"{API}/students/{personas.student.id}/snapshot"
    refused = client.put(url, {"strengths": "Kind"}, content_type="application/json")
    assert refused.status_code == 403
    client.cookies["csrftoken"] = "a" * 32
    accepted = client.put(
        url, {"strengths": "Kind"}, content_type="application/json", headers={"X-CSRFToken": "a" * 32}
    )
    assert accepted.status_code == 200


@pytest.mark.django_db
def test_api_writes_are_audited_as_api(personas: Personas) -> None:
    _token, raw = ApiToken.issue(personas.provider, "tablet")
    with_token(raw).put(
        f"{API}/students/{personas.student.id}/snapshot",
        {"strengths": "Great at puzzles", "triggers": "Loud bells"},
        content_type="application/json",
    )
    entry = AuditEntry.objects.filter(student_id=personas.student.id, action=AuditAction.UPDATE).first()
    assert entry is not None
    assert entry.via == "api"
    assert entry.actor == personas.provider
    # Only what changed: the triggers were already "Loud bells"; the rest were emptied.
    assert "strengths" in entry.changed_fields
    assert "triggers" not in entry.changed_fields


# Who sees which student --------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_students_shows_only_visible_students(personas: Personas) -> None:
    persona_id = str(personas.student.id)
    for name, staff in personas.all().items():
        ids = [row["id"] for row in signed_in(staff).get(f"{API}/students").json()["items"]]
        expected = name not in {"unassigned_para", "other_school_admin", "other_district_admin"}
        assert (persona_id in ids) is expected, name


@pytest.mark.django_db
def test_list_students_pages_with_limit_and_offset(personas: Personas) -> None:
    client = signed_in(personas.district_admin)
    first = client.get(f"{API}/students?limit=1&offset=0").json()
    assert first["count"] >= 1
    assert len(first["items"]) == 1
    assert set(first["items"][0]) == {
        "id", "local_id", "first_name", "last_name", "preferred_name", "grade", "school_id",
    }  # fmt: skip
    assert client.get(f"{API}/students?limit=0").status_code == 422
    assert client.get(f"{API}/students?limit=500").status_code == 422
    assert client.get(f"{API}/students?offset=-1").status_code == 422
    assert client.get(f"{API}/students?offset=99999999999999999999").status_code == 422


@pytest.mark.django_db
def test_list_students_takes_the_same_queries_for_many_students(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    StudentFactory.create_batch(30, school=personas.school)
    client = signed_in(personas.school_admin)
    # 8 reads and the one INSERT of the list's audit entries (one row per student shown).
    with django_assert_max_num_queries(9):
        body = client.get(f"{API}/students").json()
    assert body["count"] == 31


@pytest.mark.django_db
def test_outsiders_get_404_for_the_student_and_the_plan(personas: Personas) -> None:
    for staff in [personas.unassigned_para, personas.other_school_admin, personas.other_district_admin]:
        client = signed_in(staff)
        assert client.get(f"{API}/students/{personas.student.id}").status_code == 404
        assert client.get(f"{API}/plans/{personas.plan.id}").status_code == 404
        assert client.get(f"{API}/students/{personas.student.id}/plans").status_code == 404


@pytest.mark.django_db
def test_malformed_or_unknown_ids_are_404_never_500(personas: Personas) -> None:
    client = signed_in(personas.case_manager)
    for bad in ["not-a-uuid", "1", "%20", str(uuid.uuid4())]:
        for url in [f"/students/{bad}", f"/plans/{bad}", f"/students/{bad}/plans"]:
            response = client.get(API + url)
            assert response.status_code == 404, url
            assert response.json() == {"detail": "Not found."}
        assert client.patch(f"{API}/goals/{bad}", {}, content_type="application/json").status_code == 404
        assert client.delete(f"{API}/measures/{bad}").status_code == 404


@pytest.mark.django_db
def test_general_education_teacher_sees_accommodations_but_no_goals(personas: Personas) -> None:
    body = signed_in(personas.gen_ed_teacher).get(f"{API}/students/{personas.student.id}").json()
    assert [row["wording"] for row in body["accommodations"]] == ["Extended time (1.5x) on tests and quizzes"]
    assert body["snapshot"]["strengths"] == "Loves puzzles"
    assert body["plans"] is None
    assert "goals" not in json.dumps(body)
    assert signed_in(personas.gen_ed_teacher).get(f"{API}/plans/{personas.plan.id}").status_code == 403


@pytest.mark.django_db
def test_assigned_para_sees_the_whole_active_plan(personas: Personas) -> None:
    body = signed_in(personas.assigned_para).get(f"{API}/students/{personas.student.id}").json()
    (plan,) = body["plans"]
    assert plan["id"] == str(personas.plan.id)
    assert [goal["id"] for goal in plan["goals"]] == [str(personas.goal.id)]
    trials = next(m for m in plan["measures"] if m["id"] == str(personas.measure.id))
    assert trials["trials_per_session"] == 10
    assert trials["prompt_hierarchy"][0] == "independent"
    for part in ["accommodations", "services", "target_behaviors", "strategies", "abc_options",
                 "reporting_periods", "directions"]:  # fmt: skip
        assert len(plan[part]) == 1, part


@pytest.mark.django_db
def test_viewing_a_student_is_audited_without_a_name(personas: Personas) -> None:
    signed_in(personas.assigned_para).get(f"{API}/students/{personas.student.id}")
    entry = AuditEntry.objects.get(actor=personas.assigned_para, action=AuditAction.VIEW)
    assert entry.student_id == personas.student.id
    assert entry.via == "api"
    assert personas.student.first_name not in str(entry.__dict__)


@pytest.mark.django_db
def test_para_cannot_write_the_plan_or_the_snapshot(personas: Personas) -> None:
    client = signed_in(personas.assigned_para)
    goal = client.post(
        f"{API}/plans/{personas.plan.id}/goals", {"area": "Math", "text": "Adds to 20."},
        content_type="application/json",
    )  # fmt: skip
    assert goal.status_code == 403
    snapshot = client.put(
        f"{API}/students/{personas.student.id}/snapshot", {}, content_type="application/json"
    )
    assert snapshot.status_code == 403


@pytest.mark.django_db
def test_staff_without_a_district_sees_no_one(db: None) -> None:
    loner = cast(Staff, StaffFactory(district=None))
    body = signed_in(loner).get(f"{API}/students").json()
    assert body == {"count": 0, "items": []}


# The contract ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_openapi_document_is_public_json_3_1(db: None) -> None:
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] == "Paradesk API"
    assert document["info"]["version"] == "1"


def test_every_operation_declares_its_error_answers() -> None:
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    operations = [op for item in document["paths"].values() for op in item.values()]
    assert len(operations) == len(API_ROUTES) - 1  # every operation, plus the public document
    for op in operations:
        assert {str(code) for code in op["responses"]} >= ERROR_CODES, op["operationId"]
        assert op["security"], op["operationId"]


def test_every_operation_has_an_access_rule_for_its_method_and_path() -> None:
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    for path, item in document["paths"].items():
        for method, op in item.items():
            route = API_ROUTES[op["operationId"]]
            assert route.method == method.upper(), op["operationId"]
            if route.gate == Gate.STUDENT:
                assert "{" in path, op["operationId"]
    assert API_ROUTES["list_students"].gate == Gate.SIGNED_IN
    assert API_ROUTES["openapi-json"].gate == Gate.PUBLIC
