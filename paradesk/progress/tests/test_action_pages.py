"""The pages of the teacher's progress decisions: who may open and post them (403 for team members
who may not decide, 404 for outsiders), bad input answered 422 with nothing saved, an ended plan
version read-only (409 on a post), and the happy paths with their audit entries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from paradesk.access.models import AuditAction, AuditEntry
from paradesk.plans.actions import activate_plan, amend_plan
from paradesk.plans.models import Measure, MeasureStatus, Method
from paradesk.progress import actions
from paradesk.progress.models import AgreementCheck, AimlineAdjustment, PhaseChange
from paradesk.recording.models import Observation
from paradesk.testing import MeasureFactory, Personas, observe

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 10, 20)
MEASURE_PAGES = ("measure_mastery", "measure_phase_changes", "measure_aimline", "measure_agreement")
GOOD_POSTS: dict[str, dict[str, str]] = {
    "measure_mastery": {"confirmed_on": "2026-10-20", "without_rule": "on", "reason": "Seen at home too."},
    "measure_phase_changes": {"starts_on": "2026-10-07", "kind": "intervention", "label": "Token board"},
    "measure_aimline": {
        "start_date": "2026-10-01",
        "start_value": "30",
        "target_date": "2027-03-01",
        "target_value": "90",
    },
}


@pytest.fixture(autouse=True)
def school_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(actions, "school_today", lambda student: TODAY)


def at(day: int, hour: int = 15, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 10, day, hour, minute, tzinfo=datetime.UTC)


def trials(correct: int, total: int = 10) -> dict[str, Any]:
    rows = [{"response": "correct", "prompt": "independent"}] * correct
    rows += [{"response": "incorrect", "prompt": "independent"}] * (total - correct)
    return {"trials": rows}


def url(name: str, measure: Measure) -> str:
    return reverse(name, args=[measure.pk])


def nothing_decided() -> bool:
    return not (
        PhaseChange.objects.exists() or AimlineAdjustment.objects.exists() or AgreementCheck.objects.exists()
    )


def changes_audited() -> int:
    return AuditEntry.objects.filter(action__in=[AuditAction.CREATE, AuditAction.UPDATE]).count()


# --- who may open and post -------------------------------------------------------------------------


def test_sign_in_is_required(client: Client, personas: Personas) -> None:
    response = client.get(url("measure_mastery", personas.measure))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


REFUSED = {"assigned_para": 403, "gen_ed_teacher": 403, "school_admin": 403, "unassigned_para": 404}


@pytest.mark.parametrize("name", MEASURE_PAGES)
def test_only_licensed_team_members_decide(client: Client, personas: Personas, name: str) -> None:
    for persona, status in REFUSED.items():
        client.force_login(personas.all()[persona])
        assert client.get(url(name, personas.measure)).status_code == status, persona
        response = client.post(url(name, personas.measure), GOOD_POSTS.get(name, {}))
        assert response.status_code == status, persona
    assert nothing_decided()
    assert Measure.objects.get(pk=personas.measure.pk).status == personas.measure.status


@pytest.mark.parametrize("persona", ["case_manager", "provider"])
@pytest.mark.parametrize("name", MEASURE_PAGES)
def test_the_case_manager_and_provider_open_each_page(
    client_for: Any, personas: Personas, persona: str, name: str
) -> None:
    response = client_for(personas.all()[persona]).get(url(name, personas.measure))
    assert response.status_code == 200
    assert personas.measure.name in response.content.decode()
    viewed = AuditEntry.objects.get(action=AuditAction.VIEW, object_id=str(personas.measure.pk))
    assert viewed.student_id == personas.student.pk


def test_a_measure_of_another_district_is_not_found(client_for: Any, personas: Personas) -> None:
    response = client_for(personas.other_district_admin).post(
        url("measure_phase_changes", personas.measure), GOOD_POSTS["measure_phase_changes"]
    )
    assert response.status_code == 404
    assert nothing_decided()


# --- happy paths -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOOD_POSTS))
def test_a_good_post_saves_and_returns_to_the_page(client_for: Any, personas: Personas, name: str) -> None:
    observe(personas.measure, personas.assigned_para, at(5), trials(4), 40.0)
    client = client_for(personas.case_manager)
    response = client.post(url(name, personas.measure), GOOD_POSTS[name])
    assert response.status_code == 302
    assert response["Location"] == url(name, personas.measure)
    assert changes_audited() >= 1
    page = client.get(response["Location"])
    assert page.status_code == 200


def test_confirmed_mastery_shows_and_offers_no_second_confirmation(
    client_for: Any, personas: Personas
) -> None:
    for day in (5, 6, 7):
        observe(personas.measure, personas.assigned_para, at(day), trials(10), 100.0)
    client = client_for(personas.case_manager)
    page = client.get(url("measure_mastery", personas.measure)).content.decode()
    assert 'data-mastery="met"' in page
    response = client.post(url("measure_mastery", personas.measure), {"confirmed_on": "2026-10-20"})
    assert response.status_code == 302
    assert Measure.objects.get(pk=personas.measure.pk).status == MeasureStatus.MAINTENANCE
    page = client.get(url("measure_mastery", personas.measure)).content.decode()
    assert "already confirmed" in page
    assert 'name="confirmed_on"' not in page


def test_phase_changes_are_listed_with_who_entered_them(client_for: Any, personas: Personas) -> None:
    client = client_for(personas.provider)
    client.post(url("measure_phase_changes", personas.measure), GOOD_POSTS["measure_phase_changes"])
    page = client.get(url("measure_phase_changes", personas.measure)).content.decode()
    assert "Token board" in page
    assert personas.provider.full_name in page
    assert "none can be removed" in page


def test_the_aimline_form_is_prefilled_from_the_baseline_and_target(
    client_for: Any, personas: Personas
) -> None:
    Measure.objects.filter(pk=personas.measure.pk).update(
        target_value=90, target_date=datetime.date(2027, 5, 1)
    )
    for day, correct in ((5, 2), (6, 4), (7, 3)):
        observe(personas.measure, personas.assigned_para, at(day), trials(correct), correct * 10.0)
    page = client_for(personas.case_manager).get(url("measure_aimline", personas.measure)).content.decode()
    assert 'name="start_date" value="2026-10-07"' in page  # the baseline: median 30 of Oct 5-7
    assert 'name="start_value" value="30.0"' in page
    assert 'name="target_date" value="2027-05-01"' in page
    assert 'name="target_value" value="90.0"' in page


# --- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("measure_mastery", {"confirmed_on": "2026-10-20"}, "do not meet the mastery rule"),
        ("measure_mastery", {"confirmed_on": "2026-10-20", "without_rule": "on"}, "Say why"),
        ("measure_mastery", {"confirmed_on": "not a date"}, "Give a date"),
        (
            "measure_phase_changes",
            {"starts_on": "2026-10-21", "kind": "intervention", "label": "x"},
            "future",
        ),
        ("measure_phase_changes", {"starts_on": "2026-10-07", "kind": "maintenance", "label": "x"}, "Choose"),
        (
            "measure_phase_changes",
            {"starts_on": "2026-10-07", "kind": "intervention", "label": "x" * 61},
            "60",
        ),
        (
            "measure_aimline",
            {
                "start_date": "2026-10-01",
                "start_value": "30",
                "target_date": "2026-10-01",
                "target_value": "90",
            },
            "after the start date",
        ),
        (
            "measure_aimline",
            {
                "start_date": "2026-10-01",
                "start_value": "nan",
                "target_date": "2027-01-01",
                "target_value": "90",
            },
            "number",
        ),
        (
            "measure_aimline",
            {
                "start_date": "2026-10-01",
                "start_value": "30",
                "target_date": "2027-01-01",
                "target_value": "150",
            },
            "between 0 and 100",
        ),
        ("measure_agreement", {"primary": "x", "secondary": ""}, "Choose a record"),
    ],
)
def test_bad_input_is_answered_422_with_nothing_saved(
    client_for: Any, personas: Personas, name: str, data: dict[str, str], message: str
) -> None:
    observe(personas.measure, personas.assigned_para, at(5), trials(4), 40.0)
    before = changes_audited()
    response = client_for(personas.case_manager).post(url(name, personas.measure), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert nothing_decided()
    assert changes_audited() == before
    assert Measure.objects.get(pk=personas.measure.pk).status == personas.measure.status


# --- an ended plan version ---------------------------------------------------------------------------


def ended(personas: Personas) -> Measure:
    draft = amend_plan(actor=personas.case_manager, plan=personas.plan, reason="amended")
    activate_plan(actor=personas.case_manager, plan=draft)
    return Measure.objects.get(carried_from=personas.measure)


@pytest.mark.parametrize("name", MEASURE_PAGES)
def test_an_ended_version_is_read_only(client_for: Any, personas: Personas, name: str) -> None:
    current = ended(personas)
    client = client_for(personas.case_manager)
    page = client.get(url(name, personas.measure))
    assert page.status_code == 200
    text = page.content.decode()
    assert "has ended" in text
    assert url(name, current) in text  # the way to the version in force
    assert 'method="post"' not in text.split("</header>")[1]
    response = client.post(
        url(name, personas.measure), GOOD_POSTS.get(name, {"primary": "", "secondary": ""})
    )
    assert response.status_code in {409, 422}
    assert nothing_decided()


@pytest.mark.parametrize("name", sorted(GOOD_POSTS))
def test_a_decision_posted_to_an_ended_version_is_refused_409(
    client_for: Any, personas: Personas, name: str
) -> None:
    ended(personas)
    response = client_for(personas.case_manager).post(url(name, personas.measure), GOOD_POSTS[name])
    assert response.status_code == 409
    assert "has ended" in response.content.decode()
    assert nothing_decided()
    assert Measure.objects.get(pk=personas.measure.pk).status == personas.measure.status


# --- agreement ---------------------------------------------------------------------------------------


def test_overlapping_records_are_offered_and_paired(client_for: Any, personas: Personas) -> None:
    para = observe(personas.measure, personas.assigned_para, at(6), trials(7), 70.0)
    rows = trials(7)["trials"]
    rows[0] = {"response": "incorrect", "prompt": "independent"}
    rows[9] = {"response": "correct", "prompt": "independent"}
    teacher = observe(personas.measure, personas.case_manager, at(6, 15, 2), {"trials": rows}, 70.0)
    client = client_for(personas.case_manager)
    page = client.get(url("measure_agreement", personas.measure)).content.decode()
    assert f'name="primary" value="{para.pk}"' in page
    assert f'name="secondary" value="{teacher.pk}"' in page
    response = client.post(
        url("measure_agreement", personas.measure), {"primary": str(para.pk), "secondary": str(teacher.pk)}
    )
    assert response.status_code == 302
    check = AgreementCheck.objects.get()
    assert (check.primary_id, check.secondary_id, check.percent) == (para.pk, teacher.pk, 80.0)
    page = client.get(url("measure_agreement", personas.measure)).content.decode()
    assert "Trial-by-trial: 80.0%" in page
    assert f'name="primary" value="{para.pk}"' not in page  # no longer a candidate


def test_manual_pairing_of_the_same_recorder_is_refused_422(client_for: Any, personas: Personas) -> None:
    first = observe(personas.measure, personas.assigned_para, at(6), trials(7), 70.0)
    second = observe(personas.measure, personas.assigned_para, at(6, 17), trials(7), 70.0)
    response = client_for(personas.case_manager).post(
        url("measure_agreement", personas.measure), {"primary": str(first.pk), "secondary": str(second.pk)}
    )
    assert response.status_code == 422
    assert "independent observer" in response.content.decode()
    assert nothing_decided()


def test_a_record_of_another_student_is_not_found(client_for: Any, personas: Personas) -> None:
    elsewhere = MeasureFactory.create()
    stranger = observe(elsewhere, personas.assigned_para, at(6), trials(7), 70.0)
    mine = observe(personas.measure, personas.case_manager, at(6), trials(7), 70.0)
    response = client_for(personas.case_manager).post(
        url("measure_agreement", personas.measure), {"primary": str(mine.pk), "secondary": str(stranger.pk)}
    )
    assert response.status_code == 422
    assert "not found for this student" in response.content.decode()
    assert nothing_decided()


def test_every_formula_is_shown_for_a_duration_check(client_for: Any, personas: Personas) -> None:
    measure = MeasureFactory.create(goal=personas.goal, method=Method.DURATION, name="Time on task")
    first = observe(
        measure, personas.assigned_para, at(6), {"episodes": [[0, 30], [60, 100], [200, 250]]}, 120.0
    )
    second = observe(
        measure, personas.case_manager, at(6), {"episodes": [[0, 40], [60, 100], [200, 240]]}, 120.0
    )
    client = client_for(personas.case_manager)
    client.post(url("measure_agreement", measure), {"primary": str(first.pk), "secondary": str(second.pk)})
    page = client.get(url("measure_agreement", measure)).content.decode()
    assert "Mean duration-per-occurrence: 85.0%" in page
    assert "Total duration: 100.0%" in page
    assert Observation.objects.count() == 2


def test_a_measure_without_a_mastery_rule_leaves_mastery_to_judgement(
    client_for: Any, personas: Personas
) -> None:
    count = MeasureFactory.create(goal=personas.goal, method=Method.COUNT, name="Words read aloud")
    client = client_for(personas.case_manager)
    page = client.get(url("measure_mastery", count)).content.decode()
    assert 'data-mastery="none"' in page
    response = client.post(url("measure_mastery", count), {"confirmed_on": "2026-10-20"})
    assert response.status_code == 422
    response = client.post(
        url("measure_mastery", count),
        {"confirmed_on": "2026-10-20", "without_rule": "on", "reason": "Probe data."},
    )
    assert response.status_code == 302
    assert Measure.objects.get(pk=count.pk).status == MeasureStatus.MAINTENANCE
