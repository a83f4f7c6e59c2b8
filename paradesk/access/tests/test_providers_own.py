"""A provider's pages lead with what is theirs: their discipline's measures on Today and the
progress dashboard, and their discipline's services with their minutes (docs/access.md).

Found by a tester: a speech-language pathologist's Today and dashboard listed every measure of every
student on her caseload (tantrum minutes, math fluency), and her Minutes page was empty although the
plan has her service."""

from __future__ import annotations

import datetime
import importlib
import uuid

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from paradesk.access.policy import provider_disciplines
from paradesk.people.models import Discipline, TeamRole, today
from paradesk.plans.disciplines import goal_disciplines, measure_disciplines, service_discipline
from paradesk.plans.models import Goal, Measure, Method, Service
from paradesk.recording.models import ServiceLog
from paradesk.recording.today import today_for
from paradesk.testing import AssignmentFactory, GoalFactory, MeasureFactory, Personas

pytestmark = pytest.mark.django_db

SPEECH_MEASURE = "Requests made with the AAC device"


def speech_goal_and_service(personas: Personas) -> Service:
    goal = GoalFactory.create(
        plan=personas.plan, area="Communication", text="Requests help with AAC", discipline=Discipline.SLP
    )
    MeasureFactory.create(goal=goal, name=SPEECH_MEASURE, method=Method.COUNT, prompt_hierarchy=[])
    return Service.objects.create(
        district=personas.district,
        plan=personas.plan,
        kind="related",
        name="Speech-language therapy",
        provider_role="Speech-language pathologist",
        discipline=Discipline.SLP,
        minutes=30,
        frequency=2,
        setting="Therapy room",
        start_date=personas.plan.start_date,
        end_date=personas.plan.end_date,
    )


def log_minutes(personas: Personas, service: Service, minutes: int) -> None:
    now = timezone.now()
    ServiceLog.objects.create(
        id=uuid.uuid4(),
        district=personas.district,
        student=personas.student,
        recorded_by=personas.provider,
        recorded_at=now,
        received_at=now,
        plan=personas.plan,
        service=service,
        date=today(),
        minutes=minutes,
        status="delivered",
    )


# --- what belongs to a discipline ------------------------------------------------------------------


def test_a_service_and_a_goal_belong_to_the_discipline_chosen_for_them() -> None:
    """The case manager chooses the discipline (the plan forms); a teacher's or a para's has none."""
    assert (
        service_discipline(Service(provider_role="Speech therapy", discipline=Discipline.SLP))
        == Discipline.SLP
    )
    assert service_discipline(Service(provider_role="Paraprofessional")) is None
    assert goal_disciplines(Goal(area="Fine motor", discipline=Discipline.OT)) == {Discipline.OT}
    assert goal_disciplines(Goal(area="Math")) == frozenset()


def test_the_discipline_is_read_once_from_the_words_of_existing_plans(personas: Personas) -> None:
    """Plans written before the field had only words: the migration reads them as Paradesk did."""
    migration = importlib.import_module("paradesk.plans.migrations.0004_goal_and_service_discipline")
    speech = GoalFactory.create(plan=personas.plan, area=" Communication ", text="Asks for help")
    service = speech_goal_and_service(personas)
    Service.objects.filter(pk=service.pk).update(discipline="", provider_role="Speech therapist")
    migration.from_words(django_apps, None)
    speech.refresh_from_db()
    service.refresh_from_db()
    personas.goal.refresh_from_db()
    assert (speech.discipline, service.discipline, personas.goal.discipline) == ("slp", "slp", "")


def test_a_target_behavior_measure_belongs_to_the_behavior_analyst(personas: Personas) -> None:
    elopement = Measure.objects.get(plan=personas.plan, name="Elopement count")
    assert measure_disciplines(elopement) == {Discipline.BCBA}
    assert measure_disciplines(personas.measure) == frozenset()  # a reading goal: the teacher's


def test_only_a_provider_who_is_not_the_case_manager_is_narrowed(personas: Personas) -> None:
    assert provider_disciplines(personas.provider, [personas.student]) == {
        personas.student.pk: {Discipline.SLP}
    }
    assert provider_disciplines(personas.case_manager, [personas.student]) == {}
    assert provider_disciplines(personas.assigned_para, [personas.student]) == {}


# --- Today -----------------------------------------------------------------------------------------


def test_providers_today_lists_their_disciplines_measures(client_for, personas: Personas) -> None:
    speech_goal_and_service(personas)
    names = [m.name for s in today_for(personas.provider, with_blocks=False).students for m in s.measures]
    assert names == [SPEECH_MEASURE]
    page = client_for(personas.provider).get(reverse("today")).content.decode()
    assert SPEECH_MEASURE in page
    assert "Elopement count" not in page


def test_case_manager_and_paras_today_keep_every_measure(personas: Personas) -> None:
    speech_goal_and_service(personas)
    for staff in [personas.case_manager, personas.assigned_para]:
        names = {m.name for s in today_for(staff, with_blocks=False).students for m in s.measures}
        assert {SPEECH_MEASURE, personas.measure.name, "Elopement count"} <= names


# --- the progress dashboard ------------------------------------------------------------------------


def test_providers_dashboard_leads_with_their_measures(client_for, personas: Personas) -> None:
    speech_goal_and_service(personas)
    response = client_for(personas.provider).get(reverse("progress_dashboard"), {"show": "all"})
    (group,) = response.context["groups"]
    assert [row.measure.name for row in group.rows] == [SPEECH_MEASURE]
    assert {row.measure.name for row in group.others} == {personas.measure.name, "Elopement count"}
    assert all(not row.alerts for row in group.others)
    page = response.content.decode()
    assert page.index(SPEECH_MEASURE) < page.index("other measures on the plans")


def test_case_managers_dashboard_is_not_narrowed(client_for, personas: Personas) -> None:
    speech_goal_and_service(personas)
    response = client_for(personas.case_manager).get(reverse("progress_dashboard"), {"show": "all"})
    (group,) = response.context["groups"]
    assert not group.others
    assert {SPEECH_MEASURE, personas.measure.name} <= {row.measure.name for row in group.rows}


def test_a_provider_who_is_also_case_manager_of_one_student_is_narrowed_only_for_the_other(
    personas: Personas,
) -> None:
    own = AssignmentFactory.create(staff=personas.provider, team_role=TeamRole.CASE_MANAGER)
    assert set(provider_disciplines(personas.provider, [personas.student, own.student])) == {
        personas.student.pk
    }


# --- service minutes -------------------------------------------------------------------------------


def test_providers_minutes_page_shows_their_services_minutes(client_for, personas: Personas) -> None:
    speech = speech_goal_and_service(personas)
    log_minutes(personas, speech, 30)
    log_minutes(personas, Service.objects.get(plan=personas.plan, name="Specialized reading instruction"), 45)
    start = (today() - datetime.timedelta(days=6)).isoformat()
    response = client_for(personas.provider).get(reverse("service_minutes"), {"start": start})
    (row,) = response.context["report"].rows
    assert row.student == personas.student
    assert row.delivered == 30
    assert row.required_per_week == 60  # 30 minutes, twice a week: the reading service is not hers
    assert personas.student.display_name in response.content.decode()


def test_case_managers_minutes_count_every_service(client_for, personas: Personas) -> None:
    speech = speech_goal_and_service(personas)
    log_minutes(personas, speech, 30)
    log_minutes(personas, Service.objects.get(plan=personas.plan, name="Specialized reading instruction"), 45)
    start = (today() - datetime.timedelta(days=6)).isoformat()
    response = client_for(personas.case_manager).get(reverse("service_minutes"), {"start": start})
    (row,) = response.context["report"].rows
    assert row.delivered == 75
