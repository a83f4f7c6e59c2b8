"""Writing plans through the JSON API: drafts, items, activation, amendment, and the error answers."""

from __future__ import annotations

from typing import Any, cast

import pytest

from paradesk.access.models import AuditAction, AuditEntry
from paradesk.plans.models import Goal, Plan, PlanStatus
from paradesk.testing import GoalFactory, Personas, PlanFactory, signed_in

API = "/api/v1"
JSON = "application/json"


@pytest.fixture
def draft(personas: Personas) -> Plan:
    return cast(
        Plan, PlanFactory(student=personas.student, created_by=personas.case_manager, status=PlanStatus.DRAFT)
    )


def goal_in(plan: Plan) -> Goal:
    return cast(Goal, GoalFactory(plan=plan))


def trials_measure(goal_id: object, **changes: object) -> dict[str, Any]:
    return {
        "goal_id": str(goal_id),
        "name": "Sight words read correctly",
        "method": "trials",
        "trials_per_session": 10,
        "prompt_hierarchy": ["independent", "gestural", "verbal", "model"],
        "goal_support_level": "independent",
        "mastery_threshold": "90",
        **changes,
    }


@pytest.mark.django_db
def test_case_manager_writes_activates_and_amends_a_plan(personas: Personas) -> None:
    client = signed_in(personas.case_manager)
    created = client.post(
        f"{API}/students/{personas.student.id}/plans",
        {"kind": "iep", "start_date": "2026-09-01", "end_date": "2027-08-31"},
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    plan = created.json()
    assert (plan["version"], plan["status"], plan["goals"]) == (1, "draft", [])

    goal = client.post(
        f"{API}/plans/{plan['id']}/goals",
        {"area": "Reading", "text": "Reads 40 sight words.", "present_level": "Reads 12."},
        content_type=JSON,
    )
    assert goal.status_code == 201, goal.content
    goal_id = goal.json()["id"]

    measure = client.post(f"{API}/plans/{plan['id']}/measures", trials_measure(goal_id), content_type=JSON)
    assert measure.status_code == 201, measure.content
    assert measure.json()["trials_per_session"] == 10
    assert measure.json()["goal_id"] == goal_id

    without_trials = client.post(
        f"{API}/plans/{plan['id']}/measures",
        trials_measure(goal_id, trials_per_session=None),
        content_type=JSON,
    )
    assert without_trials.status_code == 422
    assert list(without_trials.json()["errors"]) == ["trials_per_session"]

    foreign_goal = client.post(
        f"{API}/plans/{plan['id']}/measures", trials_measure(personas.goal.id), content_type=JSON
    )
    assert foreign_goal.status_code == 422
    assert "goal_id" in foreign_goal.json()["errors"]

    activated = client.post(f"{API}/plans/{plan['id']}/activate")
    assert activated.status_code == 200
    assert activated.json()["status"] == "active"

    assert (
        client.patch(f"{API}/plans/{plan['id']}", {"crisis_steps": "x"}, content_type=JSON).status_code == 409
    )
    assert client.patch(f"{API}/goals/{goal_id}", {"text": "x"}, content_type=JSON).status_code == 409
    assert client.delete(f"{API}/goals/{goal_id}").status_code == 409

    amended = client.post(f"{API}/plans/{plan['id']}/amend", {"reason": "Annual review"}, content_type=JSON)
    assert amended.status_code == 201, amended.content
    version_2 = amended.json()
    assert (version_2["version"], version_2["status"], version_2["previous_id"]) == (2, "draft", plan["id"])
    (copied_goal,) = version_2["goals"]
    assert copied_goal["text"] == "Reads 40 sight words."
    assert copied_goal["carried_from_id"] == goal_id
    assert version_2["measures"][0]["goal_id"] == copied_goal["id"]

    version_1 = client.get(f"{API}/plans/{plan['id']}").json()
    assert version_1["status"] == "active"
    assert [g["id"] for g in version_1["goals"]] == [goal_id]

    versions = client.get(f"{API}/students/{personas.student.id}/plans").json()
    assert {(p["id"], p["version"]) for p in versions} >= {(plan["id"], 1), (version_2["id"], 2)}

    logged = set(
        AuditEntry.objects.filter(actor=personas.case_manager, student_id=personas.student.id).values_list(
            "action", "object_type"
        )
    )
    assert {
        (AuditAction.CREATE, "plans.plan"),
        (AuditAction.CREATE, "plans.goal"),
        (AuditAction.CREATE, "plans.measure"),
        (AuditAction.ACTIVATE, "plans.plan"),
        (AuditAction.AMEND, "plans.plan"),
        (AuditAction.VIEW, "plans.plan"),
    } <= logged


@pytest.mark.django_db
def test_an_update_records_only_the_fields_sent(personas: Personas, draft: Plan) -> None:
    goal = goal_in(draft)
    response = signed_in(personas.case_manager).patch(
        f"{API}/goals/{goal.id}", {"text": "Reads 60 words correct per minute."}, content_type=JSON
    )
    assert response.status_code == 200
    assert response.json()["area"] == "Reading"
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(goal.id))
    assert entry.changed_fields == ["text"]


@pytest.mark.django_db
def test_draft_fields_change_and_activation_ends_the_amended_version(personas: Personas) -> None:
    client = signed_in(personas.case_manager)
    amended = client.post(f"{API}/plans/{personas.plan.id}/amend", {"reason": "New goal"}, content_type=JSON)
    new_id = amended.json()["id"]
    patched = client.patch(f"{API}/plans/{new_id}", {"review_date": "2027-06-01"}, content_type=JSON)
    assert patched.status_code == 200
    assert patched.json()["review_date"] == "2027-06-01"
    assert client.post(f"{API}/plans/{new_id}/activate").json()["status"] == "active"
    personas.plan.refresh_from_db()
    assert personas.plan.status == PlanStatus.ENDED
    assert (
        client.post(f"{API}/plans/{personas.plan.id}/amend", {"reason": "x"}, content_type=JSON).status_code
        == 409
    )


@pytest.mark.django_db
def test_amending_a_draft_is_409(personas: Personas, draft: Plan) -> None:
    response = signed_in(personas.case_manager).post(
        f"{API}/plans/{draft.id}/amend", {"reason": "x"}, content_type=JSON
    )
    assert response.status_code == 409
    assert response.json()["detail"]


@pytest.mark.django_db
def test_scope_of_practice_on_plan_writes(personas: Personas, draft: Plan) -> None:
    goal = {"area": "Math", "text": "Adds within 20."}
    for staff in [personas.assigned_para, personas.provider, personas.school_admin, personas.district_admin]:
        client = signed_in(staff)
        assert client.post(f"{API}/plans/{draft.id}/goals", goal, content_type=JSON).status_code == 403
        assert client.post(f"{API}/plans/{draft.id}/activate").status_code == 403
    # Providers write directions for paras (docs/access.md#actions-by-standing), though not goals.
    direction = {"goal_id": str(goal_in(draft).id), "why": "Builds fluency."}
    response = signed_in(personas.provider).post(
        f"{API}/plans/{draft.id}/directions", direction, content_type=JSON
    )
    assert response.status_code == 201, response.content
    assert response.json()["written_by_id"] == str(personas.provider.id)
    outsider = signed_in(personas.unassigned_para)
    assert outsider.post(f"{API}/plans/{draft.id}/goals", goal, content_type=JSON).status_code == 404


@pytest.mark.django_db
def test_ids_in_a_payload_must_belong_to_the_same_plan(personas: Personas, draft: Plan) -> None:
    client = signed_in(personas.case_manager)
    own_goal = goal_in(draft)
    measure = client.post(f"{API}/plans/{draft.id}/measures", trials_measure(own_goal.id), content_type=JSON)
    measure_id = measure.json()["id"]
    for other in [personas.goal.id, "00000000-0000-0000-0000-000000000000"]:
        moved = client.patch(f"{API}/measures/{measure_id}", {"goal_id": str(other)}, content_type=JSON)
        assert moved.status_code == 422
        assert moved.json()["errors"] == {"goal_id": ["Choose one from this plan version."]}
    direction = {"measure_id": str(personas.measure.id), "why": "x"}
    assert client.post(f"{API}/plans/{draft.id}/directions", direction, content_type=JSON).status_code == 422
    assert (
        client.post(
            f"{API}/plans/{draft.id}/measures", trials_measure("not-a-uuid"), content_type=JSON
        ).status_code
        == 422
    )


@pytest.mark.django_db
def test_bad_payloads_are_422_with_field_messages(personas: Personas, draft: Plan) -> None:
    client = signed_in(personas.case_manager)
    url = f"{API}/plans/{draft.id}/goals"
    cases: list[tuple[Any, str]] = [
        ({"text": "No area"}, "area"),
        ({"area": "Math", "text": "x", "colour": "blue"}, "colour"),
        ({"area": "Math", "text": "x", "order": "first"}, "order"),
        ({"area": "A" * 101, "text": "x"}, "area"),
        ({"area": "Math\x00", "text": "x"}, "area"),
        ({"area": "Math", "text": "\ud800"}, "text"),
    ]
    for payload, field in cases:
        response = client.post(url, payload, content_type=JSON)
        assert response.status_code == 422, payload
        assert field in response.json()["errors"], response.json()
    assert client.post(url, "{not json", content_type=JSON).status_code == 422
    assert client.post(url, "", content_type=JSON).status_code == 422
    bad_choice = client.post(f"{API}/plans/{draft.id}/measures", trials_measure(goal_in(draft).id,
                             method="guess"), content_type=JSON)  # fmt: skip
    assert bad_choice.status_code == 422
    ends_first = client.post(
        f"{API}/students/{personas.student.id}/plans",
        {"kind": "504", "start_date": "2026-09-01", "end_date": "2026-01-01"},
        content_type=JSON,
    )
    assert ends_first.status_code == 422
    assert Goal.objects.filter(plan=draft).count() == 1


ITEM_PAYLOADS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "goals": ({"area": "Math", "text": "Adds within 20."}, {"order": 2}),
    "measures": ({"name": "Facts", "method": "rate", "direction": "increase"}, {"unit": "per_hour"}),
    "accommodations": (
        {"wording": "Read tests aloud", "category": "presentation"},
        {"for_assessments": True},
    ),
    "services": (
        {
            "kind": "related",
            "name": "Speech",
            "provider_role": "SLP",
            "minutes": 30,
            "frequency": 2,
            "setting": "Speech room",
            "start_date": "2026-09-01",
            "end_date": "2027-06-01",
        },
        {"minutes": 45},
    ),
    "target_behaviors": (
        {
            "name": "Yelling",
            "operational_definition": "Voice above classroom level.",
            "hypothesized_function": "attention",
        },
        {"non_examples": "Cheering at recess."},
    ),
    "strategies": ({"kind": "antecedent", "text": "Visual schedule"}, {"order": 1}),
    "abc_options": ({"category": "behavior", "label": "Throws items"}, {"label": "Throws objects"}),
    "reporting_periods": (
        {"name": "Quarter 2", "start_date": "2026-11-01", "end_date": "2027-01-20"},
        {"name": "Q2"},
    ),
    "directions": ({"why": "Builds fluency.", "setup": "Cards face down."}, {"materials": "Flash cards"}),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(ITEM_PAYLOADS))
def test_each_kind_of_plan_item_is_created_changed_and_removed(
    personas: Personas, draft: Plan, kind: str
) -> None:
    client = signed_in(personas.case_manager)
    create, change = ITEM_PAYLOADS[kind]
    if kind in {"measures", "directions"}:
        create = {**create, "goal_id": str(goal_in(draft).id)}
    created = client.post(f"{API}/plans/{draft.id}/{kind}", create, content_type=JSON)
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    assert created.json()["plan_id"] == str(draft.id)
    changed = client.patch(f"{API}/{kind}/{item_id}", change, content_type=JSON)
    assert changed.status_code == 200, changed.content
    assert {name: changed.json()[name] for name in change} == change
    assert client.delete(f"{API}/{kind}/{item_id}").status_code == 204
    assert client.patch(f"{API}/{kind}/{item_id}", change, content_type=JSON).status_code == 404
    assert AuditEntry.objects.filter(object_id=item_id, action=AuditAction.DELETE).exists()


@pytest.mark.django_db
def test_case_manager_replaces_the_snapshot(personas: Personas) -> None:
    client = signed_in(personas.case_manager)
    response = client.put(
        f"{API}/students/{personas.student.id}/snapshot",
        {"strengths": "Loves puzzles", "medical_alerts": "Peanut allergy"},
        content_type=JSON,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["medical_alerts"] == "Peanut allergy"
    assert body["triggers"] == ""
    assert body["updated_by_id"] == str(personas.case_manager.id)
