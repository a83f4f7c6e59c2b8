"""Student and plan pages: who reaches them, what they show, and what their forms write."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from paradesk.access.models import AuditAction, AuditEntry
from paradesk.people.models import ClassSection, Enrollment, Staff, TeamRole
from paradesk.plans import actions
from paradesk.plans.models import (
    AbcOption,
    Accommodation,
    BehaviorStrategy,
    Goal,
    Measure,
    ParaDirection,
    Plan,
    PlanStatus,
    ReportingPeriod,
    Service,
    Snapshot,
    TargetBehavior,
)
from paradesk.testing import AssignmentFactory, GoalFactory, Personas, PlanFactory, StudentFactory, signed_in

HTMX = {"HX-Request": "true"}

# URL name -> which persona object fills its id.
STUDENT_PAGES = ["student_detail", "snapshot_edit", "plan_create"]
PLAN_PAGES = ["plan_detail", "plan_edit"] + [
    f"{part}_create"
    for part in [
        "goal",
        "measure",
        "accommodation",
        "service",
        "behavior",
        "strategy",
        "abc_option",
        "period",
        "direction",
    ]
]
# Typed as models: their common base would be DistrictOwned, which has no `plan` to filter on.
ITEM_PAGES: dict[str, type[models.Model]] = {
    "goal_edit": Goal,
    "measure_edit": Measure,
    "accommodation_edit": Accommodation,
    "service_edit": Service,
    "behavior_edit": TargetBehavior,
    "strategy_edit": BehaviorStrategy,
    "abc_option_edit": AbcOption,
    "period_edit": ReportingPeriod,
    "direction_edit": ParaDirection,
}
POST_ONLY = ["plan_amend", "plan_activate"]
EDIT_PAGES = [
    name
    for name in STUDENT_PAGES + PLAN_PAGES + list(ITEM_PAGES)
    if name not in {"student_detail", "plan_detail"}
]


def url_for(name: str, p: Personas, plan: Plan | None = None) -> str:
    plan = plan or p.plan
    if name in STUDENT_PAGES:
        return reverse(name, args=[p.student.id])
    if name in PLAN_PAGES or name in POST_ONLY:
        return reverse(name, args=[plan.id])
    item = ITEM_PAGES[name]._default_manager.filter(plan=plan).first()
    assert item is not None
    return reverse(name, args=[item.pk])


@pytest.fixture
def draft(personas: Personas) -> Plan:
    """Version 2 of the personas' plan, a draft carrying everything forward."""
    return actions.amend_plan(actor=personas.case_manager, plan=personas.plan, reason="Team meeting")


# Access ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    STUDENT_PAGES + PLAN_PAGES + list(ITEM_PAGES) + ["caseload", "my_students", "class_accommodations"],
)
def test_every_page_requires_sign_in(client: Client, personas: Personas, name: str) -> None:
    url = (
        reverse(name)
        if name in {"caseload", "my_students", "class_accommodations"}
        else url_for(name, personas)
    )
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("outsider", ["unassigned_para", "other_district_admin"])
@pytest.mark.parametrize("name", STUDENT_PAGES + PLAN_PAGES + list(ITEM_PAGES) + POST_ONLY)
def test_outsiders_get_not_found(client: Client, personas: Personas, outsider: str, name: str) -> None:
    signed_in(getattr(personas, outsider), client)
    url = url_for(name, personas)
    response = client.post(url, {"reason": "x"}) if name in POST_ONLY else client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("name", EDIT_PAGES + POST_ONLY)
def test_assigned_para_cannot_open_edit_pages(
    client: Client, personas: Personas, draft: Plan, name: str
) -> None:
    signed_in(personas.assigned_para, client)
    url = url_for(name, personas, plan=draft)
    response = client.post(url, {"reason": "x"}) if name in POST_ONLY else client.get(url)
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["direction_create", "direction_edit", "snapshot_edit"])
def test_provider_may_write_directions_and_snapshot(
    client: Client, personas: Personas, draft: Plan, name: str
) -> None:
    signed_in(personas.provider, client)
    assert client.get(url_for(name, personas, plan=draft)).status_code == 200


@pytest.mark.parametrize("name", ["goal_create", "plan_edit", "plan_create"])
def test_provider_cannot_write_the_plan(client: Client, personas: Personas, draft: Plan, name: str) -> None:
    signed_in(personas.provider, client)
    assert client.get(url_for(name, personas, plan=draft)).status_code == 403


@pytest.mark.parametrize("name", POST_ONLY)
def test_amend_and_activate_refuse_get(client: Client, personas: Personas, name: str) -> None:
    signed_in(personas.case_manager, client)
    assert client.get(url_for(name, personas)).status_code == 405


# Lists -------------------------------------------------------------------------------------------


def add_students(p: Personas, count: int, team_role: TeamRole, staff: Staff) -> None:
    """More students on the person's list, each with an active plan, a goal and an accommodation."""
    for _ in range(count):
        student = StudentFactory.create(school=p.school)
        AssignmentFactory(student=student, staff=staff, team_role=team_role)
        plan = PlanFactory.create(student=student, created_by=p.case_manager)
        GoalFactory(plan=plan)
        Accommodation.objects.create(
            district=p.district, plan=plan, wording="Preferential seating", category="setting"
        )
        Snapshot.objects.create(district=p.district, student=student, strengths="Kind to peers")
        section = ClassSection.objects.get(teacher=p.gen_ed_teacher)
        Enrollment.objects.create(district=p.district, section=section, student=student)


def queries_on(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("page", "persona", "team_role"),
    [
        ("caseload", "case_manager", TeamRole.CASE_MANAGER),
        ("my_students", "assigned_para", TeamRole.PARA_ONE_TO_ONE),
        ("class_accommodations", "gen_ed_teacher", TeamRole.PROVIDER),
    ],
)
def test_list_pages_make_the_same_queries_for_3_and_12_students(
    client: Client,
    personas: Personas,
    django_assert_max_num_queries: Any,
    page: str,
    persona: str,
    team_role: TeamRole,
) -> None:
    staff = getattr(personas, persona)
    signed_in(staff, client)
    url = reverse(page)
    add_students(personas, 2, team_role, staff if page != "class_accommodations" else personas.provider)
    with_three = queries_on(client, url)
    add_students(personas, 9, team_role, staff if page != "class_accommodations" else personas.provider)
    with django_assert_max_num_queries(with_three):
        response = client.get(url)
    assert response.content.count(b'href="/students/') >= 12


def test_caseload_lists_the_case_managers_students(client: Client, personas: Personas) -> None:
    signed_in(personas.case_manager, client)
    response = client.get(reverse("caseload"))
    page = response.content.decode()
    assert response.status_code == 200
    assert personas.student.display_name in page
    assert reverse("student_detail", args=[personas.student.id]) in page
    assert "IEP" in page
    assert "Case manager" in page


def test_caseload_is_in_last_name_order(client: Client, personas: Personas) -> None:
    for last_name in ["Zorrowind", "Abernook"]:
        student = StudentFactory.create(school=personas.school, last_name=last_name)
        AssignmentFactory.create(
            student=student, staff=personas.case_manager, team_role=TeamRole.CASE_MANAGER
        )
    page = signed_in(personas.case_manager, client).get(reverse("caseload")).content.decode()
    assert page.index("Abernook") < page.index(personas.student.last_name) < page.index("Zorrowind")


def test_caseload_is_empty_for_a_para(client: Client, personas: Personas) -> None:
    signed_in(personas.assigned_para, client)
    assert personas.student.display_name not in client.get(reverse("caseload")).content.decode()


def test_para_sees_snapshot_cards_with_medical_alerts(client: Client, personas: Personas) -> None:
    Snapshot.objects.filter(student=personas.student).update(medical_alerts="Peanut allergy: EpiPen in bag")
    signed_in(personas.assigned_para, client)
    page = client.get(reverse("my_students")).content.decode()
    assert "Peanut allergy: EpiPen in bag" in page
    assert 'class="alert medical-alert"' in page
    assert "Loud bells" in page and "Core-word AAC board" in page
    assert reverse("student_detail", args=[personas.student.id]) in page


def test_unassigned_para_sees_no_students(client: Client, personas: Personas) -> None:
    signed_in(personas.unassigned_para, client)
    assert personas.student.display_name not in client.get(reverse("my_students")).content.decode()


def test_teacher_sees_accommodations_and_team_of_class_students(client: Client, personas: Personas) -> None:
    signed_in(personas.gen_ed_teacher, client)
    page = client.get(reverse("class_accommodations")).content.decode()
    assert "Grade 3 Room 12" in page
    assert "Extended time (1.5x) on tests and quizzes" in page
    assert "Maria Assigned" in page and "Casey Manager" in page


def test_inactive_class_is_not_shown(client: Client, personas: Personas) -> None:
    ClassSection.objects.update(active=False)
    signed_in(personas.gen_ed_teacher, client)
    assert "Extended time" not in client.get(reverse("class_accommodations")).content.decode()


# The student page --------------------------------------------------------------------------------


def test_student_page_records_one_view(client: Client, personas: Personas) -> None:
    signed_in(personas.assigned_para, client)
    client.get(reverse("student_detail", args=[personas.student.id]))
    entries = AuditEntry.objects.filter(action=AuditAction.VIEW, object_type="people.student")
    assert [(e.actor_id, e.object_id, e.student_id) for e in entries] == [
        (personas.assigned_para.id, str(personas.student.id), personas.student.id)
    ]


def test_only_administrators_get_access_history_links_on_the_student_page(
    client: Client, personas: Personas
) -> None:
    history = reverse("student_access_log", args=[personas.student.id])
    for staff, shown in [
        (personas.school_admin, True),
        (personas.case_manager, False),
        (personas.assigned_para, False),
    ]:
        signed_in(staff, client)
        page = client.get(reverse("student_detail", args=[personas.student.id])).content.decode()
        assert (history in page) is shown


def test_para_sees_plan_and_directions_read_only(client: Client, personas: Personas) -> None:
    signed_in(personas.assigned_para, client)
    page = client.get(reverse("student_detail", args=[personas.student.id])).content.decode()
    assert "Builds automatic recognition." in page  # directions
    assert "Elopement" in page and "Preview transitions with a visual schedule." in page
    assert "Specialized reading instruction" in page
    assert "/edit/" not in page and "/new/" not in page and "/snapshot/" not in page


def test_gen_ed_teacher_sees_summary_but_not_the_record(client: Client, personas: Personas) -> None:
    signed_in(personas.gen_ed_teacher, client)
    page = client.get(reverse("student_detail", args=[personas.student.id])).content.decode()
    assert "Extended time (1.5x) on tests and quizzes" in page
    assert "Loves puzzles" in page
    assert personas.goal.text not in page
    assert "Builds automatic recognition." not in page
    assert client.get(reverse("plan_detail", args=[personas.plan.id])).status_code == 403


def test_case_manager_sees_edit_links_on_student_page(client: Client, personas: Personas) -> None:
    signed_in(personas.case_manager, client)
    page = client.get(reverse("student_detail", args=[personas.student.id])).content.decode()
    assert reverse("snapshot_edit", args=[personas.student.id]) in page
    assert reverse("plan_create", args=[personas.student.id]) in page
    assert reverse("plan_detail", args=[personas.plan.id]) in page


# The plan page -----------------------------------------------------------------------------------


def test_plan_page_shows_measure_parameters_and_records_a_view(client: Client, personas: Personas) -> None:
    signed_in(personas.provider, client)
    page = client.get(reverse("plan_detail", args=[personas.plan.id])).content.decode()
    assert "Sight words read correctly" in page
    assert "Discrete trials" in page and "partial_physical" in page
    assert "90% in 3 consecutive sessions" in page
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, object_id=str(personas.plan.id)).count() == 1


def test_para_sees_plan_without_edit_links_or_amend(client: Client, personas: Personas, draft: Plan) -> None:
    signed_in(personas.assigned_para, client)
    for plan in (personas.plan, draft):
        page = client.get(reverse("plan_detail", args=[plan.id])).content.decode()
        assert "Wait 3 seconds, then model." in page
        assert "/edit/" not in page and "/new/" not in page
        assert "/amend/" not in page and "/activate/" not in page


def test_case_manager_may_amend_active_plan_but_not_edit_it(client: Client, personas: Personas) -> None:
    signed_in(personas.case_manager, client)
    page = client.get(reverse("plan_detail", args=[personas.plan.id])).content.decode()
    assert reverse("plan_amend", args=[personas.plan.id]) in page
    assert "/edit/" not in page


def test_draft_shows_edit_links_activate_and_previous_version(
    client: Client, personas: Personas, draft: Plan
) -> None:
    signed_in(personas.case_manager, client)
    page = client.get(reverse("plan_detail", args=[draft.id])).content.decode()
    goal = draft.goals.get()
    assert reverse("goal_edit", args=[goal.id]) in page
    assert reverse("plan_activate", args=[draft.id]) in page
    assert reverse("plan_detail", args=[personas.plan.id]) in page  # previous version
    older = client.get(reverse("plan_detail", args=[personas.plan.id])).content.decode()
    assert reverse("plan_detail", args=[draft.id]) in older  # next version
    assert reverse("plan_amend", args=[personas.plan.id]) not in older  # already has a newer version


# Writing plans -----------------------------------------------------------------------------------


def test_amend_makes_version_two_and_leaves_version_one(client: Client, personas: Personas) -> None:
    signed_in(personas.case_manager, client)
    goals_before = list(personas.plan.goals.values_list("id", "text"))
    response = client.post(reverse("plan_amend", args=[personas.plan.id]), {"reason": "Added a goal"})
    new = Plan.objects.get(lineage=personas.plan.lineage, version=2)
    assert response.status_code == 302 and response["Location"] == reverse("plan_detail", args=[new.id])
    assert new.status == PlanStatus.DRAFT and new.amendment_reason == "Added a goal"
    personas.plan.refresh_from_db()
    assert personas.plan.status == PlanStatus.ACTIVE
    assert list(personas.plan.goals.values_list("id", "text")) == goals_before


def test_amend_needs_a_reason(client: Client, personas: Personas) -> None:
    signed_in(personas.case_manager, client)
    response = client.post(reverse("plan_amend", args=[personas.plan.id]), {"reason": ""})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert Plan.objects.filter(lineage=personas.plan.lineage).count() == 1


def test_amending_a_draft_is_a_conflict(client: Client, personas: Personas, draft: Plan) -> None:
    signed_in(personas.case_manager, client)
    response = client.post(reverse("plan_amend", args=[draft.id]), {"reason": "Again"})
    assert response.status_code == 409


def test_activate_puts_the_draft_in_force_and_ends_the_old_version(
    client: Client, personas: Personas, draft: Plan
) -> None:
    signed_in(personas.case_manager, client)
    response = client.post(reverse("plan_activate", args=[draft.id]))
    assert response.status_code == 302
    draft.refresh_from_db()
    personas.plan.refresh_from_db()
    assert (draft.status, personas.plan.status) == (PlanStatus.ACTIVE, PlanStatus.ENDED)
    assert client.post(reverse("plan_activate", args=[draft.id])).status_code == 409


def test_plan_create_makes_a_draft(client: Client, personas: Personas) -> None:
    signed_in(personas.case_manager, client)
    response = client.post(
        reverse("plan_create", args=[personas.student.id]),
        {
            "kind": "bip",
            "start_date": "2026-10-01",
            "end_date": "2027-09-30",
            "crisis_steps": "1. Clear the room.",
        },
    )
    plan = Plan.objects.get(kind="bip")
    assert response["Location"] == reverse("plan_detail", args=[plan.id])
    assert (plan.status, plan.student_id, plan.created_by_id) == (
        PlanStatus.DRAFT,
        personas.student.id,
        personas.case_manager.id,
    )


def test_plan_create_with_end_before_start_shows_error_and_saves_nothing(
    client: Client, personas: Personas
) -> None:
    signed_in(personas.case_manager, client)
    response = client.post(
        reverse("plan_create", args=[personas.student.id]),
        {"kind": "504", "start_date": "2026-10-01", "end_date": "2026-09-30"},
    )
    assert response.status_code == 200
    assert "The end date must be on or after the start date." in response.content.decode()
    assert response.context["form"].errors.keys() == {"end_date"}
    assert not Plan.objects.filter(kind="504").exists()


def test_plan_edit_changes_a_draft(client: Client, personas: Personas, draft: Plan) -> None:
    signed_in(personas.case_manager, client)
    response = client.post(
        reverse("plan_edit", args=[draft.id]),
        {
            "start_date": "2026-09-01",
            "end_date": "2027-08-31",
            "review_date": "2027-06-01",
            "crisis_steps": "Call office",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.crisis_steps == "Call office" and draft.review_date == datetime.date(2027, 6, 1)
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(draft.id)).get()
    assert set(entry.changed_fields) == {"crisis_steps", "review_date"}


def valid_data(part: str, plan: Plan) -> dict[str, str]:
    goal = plan.goals.first()
    assert goal is not None
    return {
        "goal": {"area": "Math", "text": "Adds two-digit numbers with 80% accuracy.", "order": "2"},
        "measure": {
            "goal": str(goal.id),
            "name": "Problems correct",
            "method": "count",
            "direction": "increase",
            "status": "baseline",
            "mastery_threshold": "90",
            "mastery_consecutive_sessions": "3",
            "mastery_min_trials": "0",
            "mastery_min_staff": "1",
            "mastery_min_settings": "1",
            "schedule_kind": "daily",
        },
        "accommodation": {"wording": "Use of a calculator", "category": "assistive", "applies_to": "Math"},
        "service": {
            "kind": "related",
            "name": "Speech therapy",
            "provider_role": "SLP",
            "minutes": "30",
            "frequency": "2",
            "period": "week",
            "setting": "Speech room",
            "start_date": "2026-09-01",
            "end_date": "2027-06-01",
        },
        "behavior": {
            "name": "Task refusal",
            "operational_definition": "Says no or pushes work away.",
            "hypothesized_function": "escape",
        },
        "strategy": {"kind": "replacement", "text": "Teach asking for a break card.", "order": "1"},
        "abc_option": {"category": "behavior", "label": "Pushed materials"},
        "period": {"name": "Quarter 2", "start_date": "2026-11-10", "end_date": "2027-01-20"},
        "direction": {
            "goal": str(goal.id),
            "why": "Keeps practice short and errorless.",
            "setup": "Sit beside, not across.",
        },
    }[part]


PART_MODELS: dict[str, type[models.Model]] = {
    name.removesuffix("_edit"): model for name, model in ITEM_PAGES.items()
}


@pytest.mark.parametrize("part", list(PART_MODELS))
def test_creating_each_plan_part_on_a_draft(
    client: Client, personas: Personas, draft: Plan, part: str
) -> None:
    model = PART_MODELS[part]
    signed_in(personas.case_manager, client)
    before = model._default_manager.filter(plan=draft).count()
    response = client.post(reverse(f"{part}_create", args=[draft.id]), valid_data(part, draft))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert response["Location"] == reverse("plan_detail", args=[draft.id])
    assert model._default_manager.filter(plan=draft).count() == before + 1
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type=model._meta.label_lower).exists()


@pytest.mark.parametrize("part", list(PART_MODELS))
def test_each_create_form_shows_errors_beside_fields_and_saves_nothing(
    client: Client, personas: Personas, draft: Plan, part: str
) -> None:
    model = PART_MODELS[part]
    signed_in(personas.case_manager, client)
    before = model._default_manager.count()
    response = client.post(reverse(f"{part}_create", args=[draft.id]), {})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="errorlist"' in response.content.decode()
    assert model._default_manager.count() == before


def test_editing_an_item_on_a_draft_records_changed_fields(
    client: Client, personas: Personas, draft: Plan
) -> None:
    signed_in(personas.case_manager, client)
    goal = draft.goals.get()
    data = {"area": goal.area, "text": "A sharper goal.", "present_level": goal.present_level, "order": "0"}
    assert client.post(reverse("goal_edit", args=[goal.id]), data).status_code == 302
    goal.refresh_from_db()
    assert goal.text == "A sharper goal."
    assert personas.goal.text != "A sharper goal."  # version 1 untouched
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(goal.id))
    assert entry.changed_fields == ["text"]


@pytest.mark.parametrize("name", ["goal_edit", "measure_edit", "direction_edit", "goal_create", "plan_edit"])
def test_editing_an_active_plan_is_refused_with_409(client: Client, personas: Personas, name: str) -> None:
    staff = personas.provider if name.startswith("direction") else personas.case_manager
    signed_in(staff, client)
    url = url_for(name, personas)
    response = client.get(url)
    assert response.status_code == 409
    page = response.content.decode()
    assert "no longer a draft" in page and "<form" not in page.split("</header>")[1]
    assert client.post(url, {"area": "Changed", "text": "Changed", "why": "x"}).status_code == 409
    assert not Goal.objects.filter(area="Changed").exists()


def test_plan_activated_between_form_and_save_is_refused(
    client: Client, personas: Personas, draft: Plan
) -> None:
    signed_in(personas.case_manager, client)
    url = reverse("goal_create", args=[draft.id])
    assert client.get(url).status_code == 200
    actions.activate_plan(actor=personas.case_manager, plan=draft)
    response = client.post(url, valid_data("goal", draft))
    assert response.status_code == 409
    assert not Goal.objects.filter(area="Math").exists()


def test_measure_form_rejects_a_goal_from_another_plan(
    client: Client, personas: Personas, draft: Plan
) -> None:
    signed_in(personas.case_manager, client)
    data = valid_data("measure", draft) | {"goal": str(personas.goal.id)}
    response = client.post(reverse("measure_create", args=[draft.id]), data)
    assert "goal" in response.context["form"].errors
    assert not Measure.objects.filter(name="Problems correct").exists()


def test_measure_form_shows_method_errors_beside_the_field(
    client: Client, personas: Personas, draft: Plan
) -> None:
    signed_in(personas.case_manager, client)
    data = valid_data("measure", draft) | {"method": "partial_interval", "interval_count": "20"}
    response = client.post(reverse("measure_create", args=[draft.id]), data)
    errors = response.context["form"].errors
    assert list(errors) == ["interval_seconds"]
    assert 'id="id_interval_seconds_error"' in response.content.decode()


def test_measure_form_saves_task_steps_and_prompt_hierarchy(
    client: Client, personas: Personas, draft: Plan
) -> None:
    signed_in(personas.case_manager, client)
    data = valid_data("measure", draft) | {
        "name": "Hand washing",
        "method": "task_analysis",
        "chaining": "backward",
        "task_steps": "Turn on water\n\nWet hands\r\nSoap\n",
        "goal_support_level": "independent",
    }
    assert client.post(reverse("measure_create", args=[draft.id]), data).status_code == 302
    measure = Measure.objects.get(name="Hand washing")
    assert measure.task_steps == ["Turn on water", "Wet hands", "Soap"]
    assert measure.prompt_hierarchy[0] == "independent" and len(measure.prompt_hierarchy) == 6


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"method": "partial_interval", "interval_seconds": "1", "interval_count": "100000"},
            "interval_count",
        ),
        ({"baseline_value": "99999"}, "baseline_value"),
        ({"method": "irt", "unit": "minutes", "target_value": "5000"}, "target_value"),
        ({"method": "rating", "rating_min": "1", "rating_max": "5", "target_value": "7"}, "target_value"),
        ({"method": "trials", "trials_per_session": "100000"}, "trials_per_session"),
        ({"method": "count", "unit": "minutes"}, "unit"),
        ({"target_date": "0001-01-01"}, "target_date"),
        ({"target_date": "9999-12-31"}, "target_date"),
        (
            {"method": "task_analysis", "chaining": "forward", "task_steps": "step one\nst\x00ep two"},
            "task_steps",
        ),
        ({"method": "trials", "prompt_hierarchy": "independent\nver\x00bal"}, "prompt_hierarchy"),
        ({"method": "task_analysis", "chaining": "forward", "task_steps": "x" * 300}, "task_steps"),
        ({"name": "a" * 90}, "name"),
    ],
)
def test_measure_form_refuses_an_absurd_plan_beside_the_field(
    client: Client, personas: Personas, draft: Plan, change: dict[str, str], field: str
) -> None:
    """A session longer than a school day, a value outside its unit, a date in year 1 or 9999, a NUL
    or an endless line in the steps: a message beside the field, and nothing saved."""
    signed_in(personas.case_manager, client)
    before = Measure.objects.filter(plan=draft).count()
    data = valid_data("measure", draft) | change
    response = client.post(reverse("measure_create", args=[draft.id]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert Measure.objects.filter(plan=draft).count() == before


def test_snapshot_form_refuses_a_field_longer_than_a_page(client: Client, personas: Personas) -> None:
    signed_in(personas.case_manager, client)
    url = reverse("snapshot_edit", args=[personas.student.id])
    response = client.post(url, {"triggers": "Loud bells. " * 1800})
    assert response.status_code == 200
    assert "triggers" in response.context["form"].errors
    personas.student.snapshot.refresh_from_db()
    assert personas.student.snapshot.triggers == "Loud bells"


def test_direction_form_rejects_a_measure_from_another_plan(
    client: Client, personas: Personas, draft: Plan
) -> None:
    signed_in(personas.provider, client)
    data = {"measure": str(personas.measure.id), "why": "Because."}
    response = client.post(reverse("direction_create", args=[draft.id]), data)
    assert "measure" in response.context["form"].errors
    assert draft.directions.count() == 1


def test_abc_option_twice_is_an_error_beside_the_label(
    client: Client, personas: Personas, draft: Plan
) -> None:
    signed_in(personas.case_manager, client)
    response = client.post(
        reverse("abc_option_create", args=[draft.id]),
        {"category": "antecedent", "label": "Transition announced"},
    )
    assert list(response.context["form"].errors) == ["label"]


def test_snapshot_edit_creates_a_missing_snapshot(client: Client, personas: Personas) -> None:
    Snapshot.objects.all().delete()
    signed_in(personas.provider, client)
    url = reverse("snapshot_edit", args=[personas.student.id])
    response = client.post(url, {"strengths": "Great memory", "medical_alerts": "Asthma"})
    assert response["Location"] == reverse("student_detail", args=[personas.student.id])
    snapshot = Snapshot.objects.get(student=personas.student)
    assert (snapshot.strengths, snapshot.medical_alerts, snapshot.updated_by_id) == (
        "Great memory",
        "Asthma",
        personas.provider.id,
    )
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="plans.snapshot")
    assert set(entry.changed_fields) == {"strengths", "medical_alerts"}


# htmx ------------------------------------------------------------------------------------------


def test_htmx_get_returns_only_the_form(client: Client, personas: Personas, draft: Plan) -> None:
    signed_in(personas.case_manager, client)
    page = client.get(reverse("measure_create", args=[draft.id]), headers=HTMX).content.decode()
    assert page.lstrip().startswith("<form") and "<html" not in page
    assert "Task-analysis steps" in page


def test_htmx_invalid_post_returns_the_form_with_errors(
    client: Client, personas: Personas, draft: Plan
) -> None:
    signed_in(personas.case_manager, client)
    response = client.post(reverse("goal_create", args=[draft.id]), {"area": ""}, headers=HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page and 'class="errorlist"' in page


def test_htmx_valid_post_redirects_the_client(client: Client, personas: Personas, draft: Plan) -> None:
    signed_in(personas.case_manager, client)
    url = reverse("goal_create", args=[draft.id])
    response = client.post(url, valid_data("goal", draft), headers=HTMX)
    assert response["HX-Redirect"] == reverse("plan_detail", args=[draft.id])


def test_htmx_on_an_active_plan_sends_the_client_to_the_plan_with_409(
    client: Client, personas: Personas
) -> None:
    signed_in(personas.case_manager, client)
    response = client.get(reverse("goal_edit", args=[personas.goal.id]), headers=HTMX)
    assert response.status_code == 409
    assert response["HX-Redirect"] == reverse("plan_detail", args=[personas.plan.id])


@pytest.mark.parametrize("name", ["snapshot_edit", "plan_create", "plan_edit"])
def test_htmx_plan_and_snapshot_forms_return_fragments(
    client: Client, personas: Personas, draft: Plan, name: str
) -> None:
    signed_in(personas.case_manager, client)
    page = client.get(url_for(name, personas, plan=draft), headers=HTMX).content.decode()
    assert page.lstrip().startswith("<form") and "<html" not in page


@pytest.mark.parametrize(
    ("page", "persona"), [("my_students", "assigned_para"), ("class_accommodations", "gen_ed_teacher")]
)
def test_list_pages_showing_records_audit_one_view_per_student(
    client: Client, personas: Personas, page: str, persona: str
) -> None:
    staff = getattr(personas, persona)
    signed_in(staff, client)
    client.get(reverse(page))
    entries = AuditEntry.objects.filter(action=AuditAction.VIEW)
    assert [(e.actor_id, e.student_id, e.via) for e in entries] == [(staff.id, personas.student.id, "web")]
