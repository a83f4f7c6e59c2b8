"""Implementation fidelity checks (docs/field.md#fidelity): steps from the plan, each yes / no / not
applicable; fidelity = steps done / steps observed, with all-or-nothing and per-step percents worked
by hand; licensed staff add checks, the team reads them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from paradesk.access.models import AuditAction, AuditEntry
from paradesk.plans.actions import activate_plan, amend_plan
from paradesk.plans.models import Plan
from paradesk.progress import actions
from paradesk.progress.models import FidelityCheck
from paradesk.testing import MeasureFactory, Personas

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 10, 20)
PERSONA_STEPS = [
    "Setup: Flash cards face down.",
    "What to say: Read this word.",
    "Prompting: Wait 3 seconds, then model.",
    "Antecedent (prevention): Preview transitions with a visual schedule.",
]


@pytest.fixture(autouse=True)
def school_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(actions, "school_today", lambda student: TODAY)


def check(personas: Personas, results: list[str], **given: Any) -> FidelityCheck:
    fields: dict[str, Any] = {
        "actor": personas.case_manager,
        "plan": personas.plan,
        "observed_staff": personas.assigned_para,
        "observed_on": datetime.date(2026, 10, 14),
        "steps": list(zip(PERSONA_STEPS, results, strict=False)),
    } | given
    return actions.record_fidelity(**fields)


def step_post(results: list[str], steps: list[str] = PERSONA_STEPS, **fields: str) -> dict[str, str]:
    data = {
        "observed_staff": "",
        "observed_on": "2026-10-14",
        "steps-TOTAL_FORMS": str(len(steps)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "100",
    }
    for index, (step, result) in enumerate(zip(steps, results, strict=True)):
        data[f"steps-{index}-step"] = step
        if result:
            data[f"steps-{index}-result"] = result
    return data | fields


# --- the action --------------------------------------------------------------------------------------


def test_steps_come_from_the_plans_directions_and_strategies(personas: Personas) -> None:
    assert actions.plan_steps(personas.plan) == PERSONA_STEPS


def test_steps_for_one_measure_leave_out_the_others(personas: Personas) -> None:
    assert actions.plan_steps(personas.plan, personas.measure) == PERSONA_STEPS[:3]
    other = MeasureFactory.create(goal=personas.goal, name="Letter sounds")
    assert actions.plan_steps(personas.plan, other) == []


def test_fidelity_is_steps_done_over_steps_observed(personas: Personas) -> None:
    found = check(personas, ["yes", "yes", "no", "na"])
    assert found.percent == pytest.approx(200 / 3)  # 2 done of 3 observed; not applicable left out
    assert found.steps[3] == {"step": PERSONA_STEPS[3], "result": "na"}
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="progress.fidelitycheck")
    assert (entry.object_id, entry.student_id, entry.actor) == (
        str(found.pk),
        personas.student.pk,
        personas.case_manager,
    )


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"observed_staff": "unassigned_para"}, "observed_staff"),
        ({"observed_on": datetime.date(2026, 10, 21)}, "observed_on"),
        ({"observed_on": datetime.date(2026, 8, 31)}, "observed_on"),
    ],
)
def test_a_bad_check_is_refused_beside_its_field(
    personas: Personas, given: dict[str, Any], field: str
) -> None:
    if given.get("observed_staff") == "unassigned_para":
        given = {"observed_staff": personas.unassigned_para}
    with pytest.raises(ValidationError) as refused:
        check(personas, ["yes", "yes"], **given)
    assert field in refused.value.message_dict
    assert not FidelityCheck.objects.exists()


@pytest.mark.parametrize(
    ("results", "message"),
    [
        ([], "at least one step"),
        (["na", "na"], "not applicable"),
        (["yes", "maybe"], "yes, no or not applicable"),
    ],
)
def test_steps_must_be_observed_and_answered(personas: Personas, results: list[str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        check(personas, results)
    assert not FidelityCheck.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.CREATE).exists()


def test_a_measure_of_another_plan_is_refused(personas: Personas) -> None:
    elsewhere = MeasureFactory.create()
    with pytest.raises(ValidationError) as refused:
        check(personas, ["yes"], measure=elsewhere)
    assert "measure" in refused.value.message_dict


def ended_plan(personas: Personas) -> Plan:
    draft = amend_plan(actor=personas.case_manager, plan=personas.plan, reason="amended")
    activate_plan(actor=personas.case_manager, plan=draft)
    return Plan.objects.get(pk=personas.plan.pk)


def test_an_ended_plan_version_takes_no_new_check(personas: Personas) -> None:
    with pytest.raises(actions.NotInForce):
        check(personas, ["yes"], plan=ended_plan(personas))
    assert not FidelityCheck.objects.exists()


# --- the pages ---------------------------------------------------------------------------------------


def list_url(personas: Personas) -> str:
    return reverse("student_fidelity", args=[personas.student.pk])


def add_url(plan: Plan) -> str:
    return reverse("fidelity_add", args=[plan.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("assigned_para", 200),
        ("case_manager", 200),
        ("school_admin", 200),
        ("gen_ed_teacher", 403),
        ("unassigned_para", 404),
        ("other_district_admin", 404),
    ],
)
def test_the_team_reads_the_checks(client_for: Any, personas: Personas, persona: str, status: int) -> None:
    check(personas, ["yes", "no"])
    response = client_for(personas.all()[persona]).get(list_url(personas))
    assert response.status_code == status
    if status == 200:
        assert "50%" in response.content.decode()
        assert AuditEntry.objects.filter(action=AuditAction.VIEW, student_id=personas.student.pk).exists()


def test_only_licensed_staff_are_offered_a_new_check(client_for: Any, personas: Personas) -> None:
    para_page = client_for(personas.assigned_para).get(list_url(personas)).content.decode()
    assert add_url(personas.plan) not in para_page
    teacher_page = client_for(personas.case_manager).get(list_url(personas)).content.decode()
    assert add_url(personas.plan) in teacher_page


def test_per_step_and_all_or_nothing_worked_by_hand(client_for: Any, personas: Personas) -> None:
    """Two checks: step 1 yes/yes = 100%, step 2 yes/no = 50%, step 3 na/no = 0%, step 4 never
    observed. The first check (yes, yes, na, na) is 100% and all-or-nothing; the second (yes, no, no,
    na) is 1/3 = 33%."""
    check(personas, ["yes", "yes", "na", "na"], observed_on=datetime.date(2026, 10, 13))
    check(personas, ["yes", "no", "no", "na"], observed_on=datetime.date(2026, 10, 14))
    page = client_for(personas.provider).get(list_url(personas)).content.decode()
    rows = page.split("Each step across these checks")[1]
    cells = [rows.split(step)[1].split("</tr>")[0] for step in PERSONA_STEPS]
    assert "100%" in cells[0]
    assert "50%" in cells[1]
    assert "0%" in cells[2]
    assert "never observed" in cells[3]
    checks = page.split("Each step across these checks")[0]
    assert checks.index("33%") < checks.index("100%")  # newest first
    assert ">Yes</td>" in checks
    assert ">No</td>" in checks


def test_the_list_page_query_count_does_not_grow_with_checks(client: Client, personas: Personas) -> None:
    client.force_login(personas.case_manager)
    check(personas, ["yes", "no"])
    with CaptureQueriesContext(connection) as one:
        client.get(list_url(personas))
    for day in range(1, 6):
        check(personas, ["yes", "no"], observed_on=datetime.date(2026, 10, day))
    with CaptureQueriesContext(connection) as six:
        client.get(list_url(personas))
    assert len(six) == len(one)


@pytest.mark.parametrize(("persona", "status"), [("assigned_para", 403), ("unassigned_para", 404)])
def test_only_licensed_staff_add_checks(
    client_for: Any, personas: Personas, persona: str, status: int
) -> None:
    client = client_for(personas.all()[persona])
    assert client.get(add_url(personas.plan)).status_code == status
    data = step_post(["yes", "yes", "no", "na"], observed_staff=str(personas.assigned_para.pk))
    assert client.post(add_url(personas.plan), data).status_code == status
    assert not FidelityCheck.objects.exists()


def test_the_form_offers_the_plans_steps_and_the_team(client_for: Any, personas: Personas) -> None:
    page = client_for(personas.case_manager).get(add_url(personas.plan)).content.decode()
    for step in PERSONA_STEPS:
        assert step in page
    assert personas.assigned_para.full_name in page
    assert personas.unassigned_para.full_name not in page
    assert 'name="steps-TOTAL_FORMS" value="7"' in page  # 4 steps and 3 blank rows


def test_a_good_check_is_saved_and_listed(client_for: Any, personas: Personas) -> None:
    client = client_for(personas.case_manager)
    data = step_post(
        ["yes", "yes", "no", "na", ""],
        [*PERSONA_STEPS, ""],
        observed_staff=str(personas.assigned_para.pk),
        note="Prompt came early twice.",
    )
    response = client.post(add_url(personas.plan), data)
    assert response.status_code == 302
    assert response["Location"] == list_url(personas)
    found = FidelityCheck.objects.get()
    assert (found.observed_staff, found.created_by, round(found.percent or 0, 2)) == (
        personas.assigned_para,
        personas.case_manager,
        66.67,
    )
    assert len(found.steps) == 4
    assert "67%" in client.get(list_url(personas)).content.decode()


@pytest.mark.parametrize(
    ("results", "staff", "message"),
    [
        (["yes", "", "no", "na"], "assigned_para", "Mark this step yes, no or not applicable."),
        (["yes", "yes", "no", "na"], "unassigned_para", "Choose someone on the student"),
        (["na", "na", "na", "na"], "assigned_para", "every step is marked not applicable"),
        (["", "", "", ""], "assigned_para", "List at least one step"),
    ],
)
def test_a_bad_check_is_answered_422_with_nothing_saved(
    client_for: Any, personas: Personas, results: list[str], staff: str, message: str
) -> None:
    steps = PERSONA_STEPS if any(results) else ["", "", "", ""]
    data = step_post(results, steps, observed_staff=str(personas.all()[staff].pk))
    response = client_for(personas.case_manager).post(add_url(personas.plan), data)
    assert response.status_code == 422
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not FidelityCheck.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.CREATE).exists()


def test_an_ended_plan_version_is_read_only(client_for: Any, personas: Personas) -> None:
    plan = ended_plan(personas)
    client = client_for(personas.case_manager)
    page = client.get(add_url(plan))
    assert page.status_code == 200
    assert "has ended" in page.content.decode()
    data = step_post(["yes", "yes", "no", "na"], observed_staff=str(personas.assigned_para.pk))
    response = client.post(add_url(plan), data)
    assert response.status_code == 409
    assert not FidelityCheck.objects.exists()
