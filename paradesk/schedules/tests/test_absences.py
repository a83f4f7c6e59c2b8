"""Absences and coverage: validation, ranking, the proposal, an administrator's own choice, accepting
(one-day team assignments, the covering para's day, notifications, audit) and taking it back."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from paradesk.access.models import AuditAction, AuditEntry
from paradesk.access.policy import Standing, standings_toward
from paradesk.people.models import Assignment, TeamRole
from paradesk.schedules.coverage import absences
from paradesk.schedules.coverage import actions as coverage_actions
from paradesk.schedules.coverage.forms import AbsenceForm
from paradesk.schedules.coverage.models import Absence, AbsenceReason, CoverageStatus
from paradesk.schedules.models import DutyKind, SupportType
from paradesk.schedules.tests.coverage_fixtures import (
    MONDAY,
    absent,
    block,
    one_to_one_in_period_2,
    para_at,
    student_at,
)
from paradesk.schedules.today import day_blocks
from paradesk.team.models import Notification
from paradesk.testing import Personas, QualificationFactory, holds, needs

pytestmark = pytest.mark.django_db
T = datetime.time


# Validation ----------------------------------------------------------------------------------------------


def absence_form(personas: Personas, **data: object) -> AbsenceForm:
    fields = {
        "school": personas.school.pk,
        "para": personas.assigned_para.pk,
        "date": "2026-11-16",
        "all_day": "on",
        "reason": AbsenceReason.SICK,
    }
    fields.update({k: v for k, v in data.items() if v is not None})
    for key in [k for k, v in data.items() if v is None]:
        fields.pop(key)
    from paradesk.access.helpers import admin_scope

    return AbsenceForm(fields, schools=admin_scope(personas.school_admin).schools())


def test_all_day_absence_is_valid_and_drops_times(personas: Personas) -> None:
    form = absence_form(personas, start_time="09:00", end_time="10:00")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["start_time"] is None


def test_part_day_absence_needs_both_times(personas: Personas) -> None:
    form = absence_form(personas, all_day=None, start_time="09:00")
    assert not form.is_valid()
    assert "start_time" in form.errors


def test_part_day_absence_ends_after_it_starts(personas: Personas) -> None:
    absence = Absence(
        district=personas.district,
        school=personas.school,
        para=personas.assigned_para,
        date=MONDAY,
        all_day=False,
        start_time=T(10),
        end_time=T(9),
        reason=AbsenceReason.SICK,
        entered_by=personas.school_admin,
    )
    with pytest.raises(ValidationError) as raised:
        absence.full_clean()
    assert "end_time" in raised.value.message_dict


def test_absent_para_must_be_a_para_of_the_school(personas: Personas) -> None:
    form = absence_form(personas, school=personas.other_school.pk)
    from paradesk.access.helpers import admin_scope

    form = AbsenceForm(form.data, schools=admin_scope(personas.district_admin).schools())
    assert not form.is_valid()
    assert "para" in form.errors


def test_the_school_admin_cannot_choose_another_school(personas: Personas) -> None:
    assert not absence_form(personas, school=personas.other_school.pk).is_valid()


# Ranking -------------------------------------------------------------------------------------------------


def test_blocks_ranked_one_to_one_and_safety_then_services_then_groups_then_duties(
    personas: Personas,
) -> None:
    school, para = personas.school, personas.assigned_para
    group_kid, safety_kid, push_kid, pull_kid = (
        student_at(school, n) for n in ("Group", "Safe", "Push", "Pull")
    )
    needs(safety_kid, QualificationFactory.create(district=personas.district, name="De-escalation"))
    duty = block(school, para, None, SupportType.DUTY, times=(T(7, 30), T(8)), duty=DutyKind.ARRIVAL)
    group = block(school, para, "Period 1", SupportType.SMALL_GROUP, [group_kid])
    one = one_to_one_in_period_2(personas)
    push = block(school, para, "Period 3", SupportType.PUSH_IN, [push_kid])
    pull = block(school, para, "Period 4", SupportType.PULL_OUT, [pull_kid])
    lunch = block(school, para, None, SupportType.LUNCH, times=(T(11, 50), T(12, 0)))
    safety = block(school, para, "Period 6", SupportType.SMALL_GROUP, [safety_kid])
    absence = absent(personas)
    ranked = [o.run.block_id for o in absences.open_blocks(absence)]
    assert ranked == [one.pk, safety.pk, push.pk, pull.pk, group.pk, duty.pk]
    assert lunch.pk not in ranked
    assert [r.block_id for r in absence.coverage.all()] == ranked


def test_part_day_absence_covers_only_blocks_it_touches(personas: Personas) -> None:
    school, para = personas.school, personas.assigned_para
    one_to_one_in_period_2(personas)  # 9:00-9:50
    late = block(school, para, "Period 5", SupportType.SMALL_GROUP, [student_at(school, "Late")])
    absence = absent(personas, all_day=False, start_time=T(11, 30), end_time=T(14))
    assert [o.run.block_id for o in absences.open_blocks(absence)] == [late.pk]


# The proposal --------------------------------------------------------------------------------------------


def test_proposal_gives_the_block_to_the_free_qualified_para(personas: Personas) -> None:
    school = personas.school
    lifting = QualificationFactory.create(district=personas.district, name="Lifting")
    needs(personas.student, lifting)
    one_to_one_in_period_2(personas)
    busy = para_at(school, "Busy Bea")
    holds(busy, lifting)
    block(school, busy, "Period 2", SupportType.SMALL_GROUP, [student_at(school, "Other")])
    on_break = para_at(school, "Break Bo")
    holds(on_break, lifting)
    block(school, on_break, None, SupportType.BREAK, times=(T(9, 30), T(9, 45)))
    unqualified = personas.unassigned_para  # free, but not qualified
    free = para_at(school, "Free Fay")
    holds(free, lifting)
    row = absent(personas).coverage.get()
    assert row.covering_para_id == free.pk
    assert row.covering_para_id not in {busy.pk, on_break.pk, unqualified.pk}


def test_block_nobody_can_take_is_left_uncovered_with_the_reason(personas: Personas) -> None:
    needs(personas.student, QualificationFactory.create(district=personas.district, name="AAC device"))
    one_to_one_in_period_2(personas)
    row = absent(personas).coverage.get()
    assert row.covering_para_id is None
    assert row.uncovered_reason == "no_qualified_para"


def test_a_para_who_knows_the_student_is_preferred(personas: Personas) -> None:
    one_to_one_in_period_2(personas)
    for name in ("Amy Stranger", "Ben Stranger"):
        para_at(personas.school, name)
    knows = para_at(personas.school, "Zed Knows")
    Assignment.objects.create(
        district=personas.district,
        staff=knows,
        student=personas.student,
        team_role=TeamRole.PARA_SMALL_GROUP,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 10, 1),
    )
    assert absent(personas).coverage.get().covering_para_id == knows.pk


def test_a_para_absent_too_is_never_proposed(personas: Personas) -> None:
    one_to_one_in_period_2(personas)
    absent(personas, para=personas.unassigned_para)
    row = absent(personas).coverage.get()
    assert row.covering_para_id is None
    assert row.uncovered_reason == "no_available_para"


# An administrator's own choice ---------------------------------------------------------------------------


def test_choosing_a_double_booked_para_is_refused_with_a_clear_message(personas: Personas) -> None:
    school = personas.school
    one_to_one_in_period_2(personas)
    busy = para_at(school, "Busy Bea")
    block(school, busy, "Period 2", SupportType.SMALL_GROUP, [student_at(school, "Other")])
    row = absent(personas).coverage.get()
    with pytest.raises(ValidationError) as raised:
        coverage_actions.set_cover(actor=personas.school_admin, row=row, para_id=busy.pk, note="")
    assert "double-book" in " ".join(raised.value.messages)


def test_choosing_a_para_on_break_or_unqualified_is_refused(personas: Personas) -> None:
    school = personas.school
    aac = QualificationFactory.create(district=personas.district, name="AAC device")
    needs(personas.student, aac)
    one_to_one_in_period_2(personas)
    resting = para_at(school, "Rest Ray")
    holds(resting, aac)
    block(school, resting, None, SupportType.LUNCH, times=(T(9, 0), T(9, 30)))
    row = absent(personas).coverage.get()
    with pytest.raises(ValidationError) as raised:
        coverage_actions.set_cover(actor=personas.school_admin, row=row, para_id=resting.pk, note="")
    assert "break" in " ".join(raised.value.messages)
    with pytest.raises(ValidationError) as raised:
        coverage_actions.set_cover(
            actor=personas.school_admin, row=row, para_id=personas.unassigned_para.pk, note=""
        )
    assert "AAC device" in " ".join(raised.value.messages)


def test_choosing_a_para_on_duty_warns_that_the_duty_is_left(personas: Personas) -> None:
    school = personas.school
    one_to_one_in_period_2(personas)
    on_duty = para_at(school, "Duty Dee")
    block(school, on_duty, None, SupportType.DUTY, times=(T(9), T(9, 20)), duty=DutyKind.RECESS)
    row = absent(personas).coverage.get()
    warnings = coverage_actions.set_cover(actor=personas.school_admin, row=row, para_id=on_duty.pk, note="")
    assert any("Recess" in w for w in warnings)
    row.refresh_from_db()
    assert row.covering_para_id == on_duty.pk


def test_leaving_a_block_uncovered_keeps_the_note(personas: Personas) -> None:
    one_to_one_in_period_2(personas)
    row = absent(personas).coverage.get()
    coverage_actions.set_cover(actor=personas.school_admin, row=row, para_id=None, note="Teacher covers")
    row.refresh_from_db()
    assert (row.covering_para_id, row.note) == (None, "Teacher covers")


# Accepting -----------------------------------------------------------------------------------------------


def accepted(personas: Personas) -> Absence:
    one_to_one_in_period_2(personas)
    absence = absent(personas)
    assert absence.coverage.get().covering_para_id == personas.unassigned_para.pk
    coverage_actions.accept_coverage(actor=personas.school_admin, absence=absence)
    return absence


def test_accepting_gives_the_covering_para_a_one_day_assignment(personas: Personas) -> None:
    absence = accepted(personas)
    row = absence.coverage.get()
    assert row.status == CoverageStatus.ACCEPTED and row.accepted_by == personas.school_admin
    assignment = row.temporary_assignments.get()
    assert (assignment.staff, assignment.student, assignment.team_role) == (
        personas.unassigned_para,
        personas.student,
        TeamRole.PARA_ONE_TO_ONE,
    )
    assert assignment.start_date == assignment.end_date == MONDAY
    covering = personas.unassigned_para
    assert standings_toward(covering, personas.student, on=MONDAY) == {Standing.PARA}
    assert standings_toward(covering, personas.student, on=MONDAY + datetime.timedelta(days=1)) == frozenset()
    assert standings_toward(covering, personas.student, on=MONDAY - datetime.timedelta(days=1)) == frozenset()


def test_the_covering_para_day_shows_the_block_and_the_absent_para_day_does_not(personas: Personas) -> None:
    accepted(personas)
    covered = day_blocks(personas.unassigned_para, MONDAY)
    assert [(b.student_ids, b.covering_for, b.start.time()) for b in covered] == [
        ((personas.student.pk,), personas.assigned_para.pk, T(9))
    ]
    assert day_blocks(personas.assigned_para, MONDAY) == []
    assert len(day_blocks(personas.assigned_para, MONDAY + datetime.timedelta(days=7))) == 1


def test_covered_blocks_keep_time_order_with_the_para_own(personas: Personas) -> None:
    own = block(
        personas.school,
        personas.unassigned_para,
        "Period 1",
        SupportType.SMALL_GROUP,
        [student_at(personas.school, "Own")],
    )
    accepted(personas)
    assert next(b.block_id for b in day_blocks(personas.unassigned_para, MONDAY)) == own.pk


def test_the_covering_para_is_notified(personas: Personas) -> None:
    accepted(personas)
    notice = Notification.objects.get(recipient=personas.unassigned_para)
    assert notice.key == "coverage_assigned"
    assert notice.params == {"date": "2026-11-16", "para": "Maria Assigned", "blocks": 1}
    assert notice.read_at is None


def test_coverage_writes_are_audited_without_names(personas: Personas) -> None:
    absence = accepted(personas)
    entries = AuditEntry.objects.filter(actor=personas.school_admin)
    row = absence.coverage.get()
    assert entries.filter(action=AuditAction.CREATE, object_id=str(absence.pk)).exists()
    assert entries.filter(
        action=AuditAction.UPDATE, object_id=str(row.pk), student_id=personas.student.pk
    ).exists()
    temp = row.temporary_assignments.get()
    assert entries.filter(
        action=AuditAction.CREATE, object_id=str(temp.pk), student_id=personas.student.pk
    ).exists()
    text = " ".join(f"{e.object_type} {e.object_id} {e.changed_fields}" for e in entries)
    assert "Quillfeather" not in text and "Zebulon" not in text


def test_accept_refuses_when_the_day_changed_since_the_proposal(personas: Personas) -> None:
    one_to_one_in_period_2(personas)
    absence = absent(personas)
    # Since the proposal, the proposed para got a group of their own in that period.
    block(
        personas.school,
        personas.unassigned_para,
        "Period 2",
        SupportType.SMALL_GROUP,
        [student_at(personas.school, "New")],
    )
    with pytest.raises(ValidationError):
        coverage_actions.accept_coverage(actor=personas.school_admin, absence=absence)
    assert not Assignment.objects.filter(staff=personas.unassigned_para, start_date=MONDAY).exists()


def test_removing_the_absence_takes_the_coverage_back(personas: Personas) -> None:
    absence = accepted(personas)
    coverage_actions.remove_absence(actor=personas.school_admin, absence=absence)
    assert not Assignment.objects.filter(staff=personas.unassigned_para, start_date=MONDAY).exists()
    assert day_blocks(personas.unassigned_para, MONDAY) == []
    keys = set(Notification.objects.filter(recipient=personas.unassigned_para).values_list("key", flat=True))
    assert keys == {"coverage_assigned", "coverage_cancelled"}


def test_changing_an_accepted_block_moves_the_assignment(personas: Personas) -> None:
    absence = accepted(personas)
    other = para_at(personas.school, "New Nia")
    row = absence.coverage.get()
    coverage_actions.set_cover(actor=personas.school_admin, row=row, para_id=other.pk, note="")
    assert not Assignment.objects.filter(staff=personas.unassigned_para, start_date=MONDAY).exists()
    assert Assignment.objects.filter(staff=other, student=personas.student, start_date=MONDAY).exists()
    assert [b.covering_for for b in day_blocks(other, MONDAY)] == [personas.assigned_para.pk]


def test_a_covering_para_marked_absent_reopens_the_block(personas: Personas) -> None:
    absence = accepted(personas)
    absent(personas, para=personas.unassigned_para)
    row = absence.coverage.get()
    assert (row.covering_para_id, row.uncovered_reason) == (None, "covering_para_absent")
    assert not Assignment.objects.filter(staff=personas.unassigned_para, start_date=MONDAY).exists()
