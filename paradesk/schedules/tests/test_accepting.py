"""Accepting a built week: it takes effect from the chosen week (said before it happens), every
pairing of para and student goes through an assignment, blocks keep a directing teacher and a room,
and coverage decided on the old blocks is proposed again."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from paradesk.access.policy import visible_students
from paradesk.people.models import Assignment, Role, TeamRole
from paradesk.plans.models import Service
from paradesk.schedules import accepting, builder
from paradesk.schedules.calendar_feed import feed_runs
from paradesk.schedules.coverage.models import CoverageAssignment, CoverageStatus, ScheduleDraft
from paradesk.schedules.minutes import minutes_report
from paradesk.schedules.models import ParaBlock, SupportType
from paradesk.schedules.tests.coverage_fixtures import MONDAY, absent, block
from paradesk.schedules.today import day_blocks
from paradesk.testing import Personas, bell_schedule_for

pytestmark = pytest.mark.django_db

NEXT_MONDAY = MONDAY + datetime.timedelta(days=7)
WEDNESDAY = MONDAY + datetime.timedelta(days=2)


def group_support(personas: Personas, minutes: int = 50, frequency: int = 2) -> Service:
    plan = personas.plan
    return Service.objects.create(
        district=personas.district,
        plan=plan,
        kind="adult_support",
        name="Adult support",
        provider_role="Para",
        minutes=minutes,
        frequency=frequency,
        setting="Room 7 (resource room)",
        start_date=plan.start_date,
        end_date=plan.end_date,
    )


def draft_for(personas: Personas, monday: datetime.date = NEXT_MONDAY) -> ScheduleDraft:
    bell_schedule_for(personas.school)
    return builder.build_draft(
        actor=personas.school_admin, school=personas.school, monday=monday, time_limit=3
    )


def old_week(personas: Personas) -> ParaBlock:
    """The unassigned para's standing Period 6 group with the student (no assignment: a stale row);
    the assigned para has left the school, so the draft can only give the student to the other."""
    Role.objects.filter(staff=personas.assigned_para).update(active=False)
    return block(
        personas.school, personas.unassigned_para, "Period 6", SupportType.SMALL_GROUP, [personas.student]
    )


def test_accepting_on_a_wednesday_changes_nothing_before_the_chosen_monday(personas: Personas) -> None:
    group_support(personas)
    old = old_week(personas)
    draft = draft_for(personas)
    made = accepting.accept_draft(actor=personas.school_admin, draft=draft, on=WEDNESDAY)
    para = personas.unassigned_para
    friday = NEXT_MONDAY - datetime.timedelta(days=3)
    assert {b.block_id for b in day_blocks(para, MONDAY + datetime.timedelta(days=7 * 0))} == {old.pk}
    assert all(b.starts_on == NEXT_MONDAY for b in made)
    assert old.pk not in {b.block_id for b in day_blocks(para, NEXT_MONDAY)}
    assert {b.pk for b in ParaBlock.objects.in_force_on(friday).filter(school=personas.school)} == {old.pk}


def test_a_week_already_begun_takes_effect_tomorrow(personas: Personas) -> None:
    group_support(personas)
    draft = draft_for(personas, MONDAY)
    plan = accepting.plan_accept(draft, on=WEDNESDAY)
    assert plan.starts == WEDNESDAY + datetime.timedelta(days=1)


def test_every_reader_follows_the_blocks_in_force_on_its_date(personas: Personas) -> None:
    group_support(personas)
    old = old_week(personas)
    made = accepting.accept_draft(actor=personas.school_admin, draft=draft_for(personas), on=WEDNESDAY)
    feed = [r for para in {b.para for b in [old, *made]} for r in feed_runs(para, MONDAY, weeks=2)]
    assert {r.block_id for r in feed if r.start.date() < NEXT_MONDAY} == {old.pk}
    assert {r.block_id for r in feed if r.start.date() >= NEXT_MONDAY} == {b.pk for b in made}
    before = minutes_report([personas.student], MONDAY, MONDAY, week_of=MONDAY).rows[0]
    after = minutes_report([personas.student], NEXT_MONDAY, NEXT_MONDAY, week_of=NEXT_MONDAY).rows[0]
    assert sum(before.scheduled_by_type.values()) == 50
    assert sum(after.scheduled_by_type.values()) == 100


def test_accepting_gives_the_para_assignments_the_blocks_need(personas: Personas) -> None:
    group_support(personas)
    old_week(personas)
    draft = draft_for(personas)
    plan = accepting.plan_accept(draft, on=WEDNESDAY)
    assert [(a.para_id, a.student_id) for a in plan.assignments] == [
        (personas.unassigned_para.pk, personas.student.pk)
    ]
    accepting.accept_draft(actor=personas.school_admin, draft=draft, on=WEDNESDAY)
    given = Assignment.objects.get(staff=personas.unassigned_para, student=personas.student)
    assert given.start_date == NEXT_MONDAY and given.end_date is None
    assert given.team_role in {TeamRole.PARA_ONE_TO_ONE, TeamRole.PARA_SMALL_GROUP}
    assert Assignment.objects.current(NEXT_MONDAY).filter(pk=given.pk).exists()


def test_accepting_is_refused_when_a_para_left_the_school(personas: Personas) -> None:
    group_support(personas)
    old_week(personas)
    draft = draft_for(personas)
    Role.objects.filter(staff=personas.unassigned_para).update(active=False)
    with pytest.raises(ValidationError, match="no longer a para of this school"):
        accepting.accept_draft(actor=personas.school_admin, draft=draft, on=WEDNESDAY)
    assert not ParaBlock.objects.filter(starts_on=NEXT_MONDAY).exists()


def test_built_blocks_keep_the_case_manager_and_the_service_setting(personas: Personas) -> None:
    group_support(personas)
    made = accepting.accept_draft(actor=personas.school_admin, draft=draft_for(personas), on=WEDNESDAY)
    assert made
    assert {(b.teacher_id, b.room) for b in made} == {(personas.case_manager.pk, "Room 7 (resource room)")}


def test_coverage_decided_on_replaced_blocks_is_proposed_again(personas: Personas) -> None:
    group_support(personas)
    block(personas.school, personas.assigned_para, "Period 2", SupportType.SMALL_GROUP, [personas.student])
    absence = absent(personas, date=NEXT_MONDAY)
    row = absence.coverage.get()
    row.status = CoverageStatus.ACCEPTED
    row.save()
    accepting.accept_draft(actor=personas.school_admin, draft=draft_for(personas), on=WEDNESDAY)
    assert not CoverageAssignment.objects.filter(pk=row.pk).exists()
    assert not absence.coverage.filter(status=CoverageStatus.ACCEPTED).exists()
    new_blocks = set(ParaBlock.objects.filter(starts_on=NEXT_MONDAY).values_list("pk", flat=True))
    assert set(absence.coverage.values_list("block_id", flat=True)) <= new_blocks


def test_the_builder_page_says_when_the_week_takes_effect_before_accepting(
    personas: Personas, client_for: object
) -> None:
    group_support(personas)
    old_week(personas)
    monday = builder_monday()
    draft_for(personas, monday)
    client: Client = client_for(personas.school_admin)  # type: ignore[operator]
    page = client.get(reverse("schedule_builder"), {"school": str(personas.school.pk)}).content.decode()
    assert "The new week takes effect from" in page
    assert "New para assignments it gives" in page
    assert personas.unassigned_para.full_name in page


def builder_monday() -> datetime.date:
    from paradesk.people.models import today

    day = today()
    return day + datetime.timedelta(days=7 - day.weekday())


def test_the_para_sees_the_student_once_the_new_week_starts(personas: Personas) -> None:
    group_support(personas)
    old_week(personas)
    monday = builder_monday()
    accepting.accept_draft(actor=personas.school_admin, draft=draft_for(personas, monday))
    assert not visible_students(personas.unassigned_para).filter(pk=personas.student.pk).exists()
    assert Assignment.objects.current(monday).filter(staff=personas.unassigned_para).exists()
