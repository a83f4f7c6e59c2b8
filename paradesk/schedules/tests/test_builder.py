"""The schedule builder's Django side: requirements gathered from the school, solved, explained in
words, and accepted in place of the school's student blocks."""

from __future__ import annotations

import datetime

import pytest

from paradesk.access.models import AuditAction, AuditEntry
from paradesk.plans.models import Service
from paradesk.schedules import accepting, builder
from paradesk.schedules.models import DutyKind, ParaBlock, SupportType
from paradesk.schedules.planning.solver import RequirementKind
from paradesk.schedules.tests.coverage_fixtures import MONDAY, block
from paradesk.testing import Personas, QualificationFactory, bell_schedule_for, needs

pytestmark = pytest.mark.django_db
SUNDAY_BEFORE = MONDAY - datetime.timedelta(days=1)


def adult_support(personas: Personas, name: str, minutes: int, frequency: int = 1) -> Service:
    plan = personas.plan
    return Service.objects.create(
        district=personas.district,
        plan=plan,
        kind="adult_support",
        name=name,
        provider_role="Para",
        minutes=minutes,
        frequency=frequency,
        setting="Class",
        start_date=plan.start_date,
        end_date=plan.end_date,
    )


def test_requirements_from_services_push_ins_and_one_to_one(personas: Personas) -> None:
    """1:1 support of 150 minutes a week, of which the Monday Period 3 push-in (50 minutes) is already
    a teacher's: 100 minutes left to schedule, as 1:1 support; the push-in is fixed at its period."""
    bell_schedule_for(personas.school)
    adult_support(personas, "1:1 adult support", 150)
    push = block(personas.school, personas.assigned_para, "Period 3", SupportType.PUSH_IN, [personas.student])
    built = builder.school_week(personas.school, MONDAY)
    assert len(built.week.slots) == 30  # 6 periods x 5 regular days
    kinds = {(r.kind, r.minutes_per_week, tuple(sorted(r.fixed_slot_ids))) for r in built.week.requirements}
    assert kinds == {(RequirementKind.PUSH_IN, 0, ("0|Period 3",)), (RequirementKind.ONE_TO_ONE, 100, ())}
    assert {p.id for p in built.week.paras} == {
        str(personas.assigned_para.pk),
        str(personas.unassigned_para.pk),
    }
    assert (str(personas.assigned_para.pk), str(personas.student.pk)) in built.week.familiar
    assert push.pk


def test_breaks_and_duties_shape_the_para_week(personas: Personas) -> None:
    bell_schedule_for(personas.school)
    para = personas.assigned_para
    block(personas.school, para, "Period 4", SupportType.LUNCH)
    block(personas.school, para, "Period 1", SupportType.DUTY, duty=DutyKind.ARRIVAL)
    built = builder.school_week(personas.school, MONDAY)
    mine = next(p for p in built.week.paras if p.id == str(para.pk))
    assert "0|Period 4" not in mine.slot_ids and mine.break_window is None
    other = next(p for p in built.week.paras if p.id != str(para.pk))
    assert other.break_window == builder.DEFAULT_BREAK_WINDOW
    assert [(d.para_id, d.slot_id) for d in built.week.duties] == [(str(para.pk), "0|Period 1")]


def test_a_requirement_nobody_can_meet_is_explained_in_words(personas: Personas) -> None:
    bell_schedule_for(personas.school)
    adult_support(personas, "Adult support", 50, 2)
    needs(personas.student, QualificationFactory.create(district=personas.district, name="Lifting"))
    draft = builder.build_draft(
        actor=personas.school_admin, school=personas.school, monday=MONDAY, time_limit=3
    )
    assert draft.blocks == []
    [shortfall] = draft.shortfalls
    assert shortfall["minutes_short"] == 100
    [reason] = shortfall["reasons"]
    assert reason["code"] == "no_qualified_para"
    lifting = {str(q): "Lifting" for q in reason["params"]["qualifications"]}
    assert builder.reason_text(reason, lifting, {}) == "No para holds everything this support needs: Lifting."


def test_accepting_ends_student_blocks_the_day_before_and_keeps_duties(personas: Personas) -> None:
    bell_schedule_for(personas.school)
    adult_support(personas, "Adult support", 50, 2)
    old = block(
        personas.school, personas.unassigned_para, "Period 6", SupportType.SMALL_GROUP, [personas.student]
    )
    duty = block(personas.school, personas.assigned_para, "Period 1", SupportType.DUTY, duty=DutyKind.ARRIVAL)
    draft = builder.build_draft(
        actor=personas.school_admin, school=personas.school, monday=MONDAY, time_limit=3
    )
    assert sum(len(b["student_ids"]) for b in draft.blocks) == 2  # two 50-minute periods
    made = accepting.accept_draft(actor=personas.school_admin, draft=draft, on=SUNDAY_BEFORE)
    in_force = set(
        ParaBlock.objects.in_force_on(MONDAY).filter(school=personas.school).values_list("id", flat=True)
    )
    assert in_force == {duty.pk, *(b.pk for b in made)}
    old.refresh_from_db()
    assert old.ends_on == SUNDAY_BEFORE  # kept for the history, in force until the week changes
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_id=str(old.pk), student_id=personas.student.pk
    ).exists()
    # Continuity: the para who already had the student keeps them.
    assert {b.para_id for b in made} == {personas.unassigned_para.pk}


def test_no_bell_schedule_is_said_plainly(personas: Personas) -> None:
    with pytest.raises(builder.NoBellSchedule):
        builder.school_week(personas.school, MONDAY)
