"""Bell schedules, the calendar rule, and the rules a para block keeps."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from paradesk.people.models import RoleKind, today
from paradesk.schedules.checks import check_block
from paradesk.schedules.models import BellPeriod, CalendarDay, DayType, ParaBlock, SupportType
from paradesk.schedules.school_calendar import SchoolCalendars
from paradesk.testing import (
    ParaBlockFactory,
    Personas,
    QualificationFactory,
    SchoolFactory,
    StudentFactory,
    bell_schedule_for,
    calendar_day,
    holds,
    needs,
    period_of,
    staff_with_role,
)

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 10, 5)


def test_overlapping_period_is_refused_with_a_message_naming_both(personas: Personas) -> None:
    schedule = bell_schedule_for(personas.school)
    regular = DayType.objects.get(bell_schedule=schedule, name="Regular day")
    period = BellPeriod(
        district=personas.district,
        day_type=regular,
        name="Advisory",
        start=datetime.time(8, 30),
        end=datetime.time(9, 10),
    )

    with pytest.raises(ValidationError) as caught:
        period.full_clean()

    message = " ".join(caught.value.message_dict["start"])
    assert "Advisory (08:30\N{EN DASH}09:10) overlaps Period 1 (08:00\N{EN DASH}08:50)" in message


def test_period_touching_the_next_is_not_an_overlap(personas: Personas) -> None:
    regular = DayType.objects.get(bell_schedule=bell_schedule_for(personas.school), name="Regular day")
    period = BellPeriod(
        district=personas.district,
        day_type=regular,
        name="Passing",
        start=datetime.time(8, 50),
        end=datetime.time(9, 0),
    )
    period.full_clean()


def test_period_ending_before_it_starts_is_refused_by_the_database(personas: Personas) -> None:
    regular = DayType.objects.get(bell_schedule=bell_schedule_for(personas.school), name="Regular day")
    with pytest.raises(IntegrityError), transaction.atomic():
        BellPeriod.objects.create(
            district=personas.district,
            day_type=regular,
            name="Bad",
            start=datetime.time(10),
            end=datetime.time(9),
        )


def test_calendar_entry_is_closed_with_a_reason_or_a_day_type(personas: Personas) -> None:
    schedule = bell_schedule_for(personas.school)
    entry = CalendarDay(district=personas.district, bell_schedule=schedule, date=MONDAY, closed=True)
    with pytest.raises(ValidationError) as caught:
        entry.full_clean()
    assert "closure_reason" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarDay.objects.create(
            district=personas.district, bell_schedule=schedule, date=MONDAY, closed=False
        )


def test_school_day_rule_default_day_type_closures_weekends_and_the_school_year(personas: Personas) -> None:
    school = personas.school
    calendar_day(school, MONDAY, closed="snow_day")
    calendar_day(school, MONDAY + datetime.timedelta(days=1), day_type="Early release")
    saturday_make_up = MONDAY + datetime.timedelta(days=5)
    calendar_day(school, saturday_make_up, day_type="Regular day")
    calendars = SchoolCalendars.load({school.id}, datetime.date(2026, 6, 1), datetime.date(2027, 7, 1))

    def kind(day: datetime.date) -> str | None:
        day_type = calendars.day_type(school.id, day)
        return day_type.name if day_type else None

    assert kind(MONDAY) is None
    assert kind(MONDAY + datetime.timedelta(days=1)) == "Early release"
    assert kind(MONDAY + datetime.timedelta(days=2)) == "Regular day"
    assert kind(saturday_make_up) == "Regular day"
    assert kind(MONDAY + datetime.timedelta(days=6)) is None  # Sunday
    assert kind(datetime.date(2026, 8, 14)) is None  # a Friday before the first day
    assert kind(datetime.date(2026, 8, 17)) == "Regular day"
    assert kind(datetime.date(2027, 6, 7)) is None  # after the last day
    assert calendars.school_days(school.id, MONDAY, MONDAY + datetime.timedelta(days=6)) == [
        MONDAY + datetime.timedelta(days=n) for n in (1, 2, 3, 4, 5)
    ]


def block_for(personas: Personas, **fields: object) -> ParaBlock:
    bell_schedule_for(personas.school)
    values: dict[str, object] = {
        "district": personas.district,
        "school": personas.school,
        "para": personas.assigned_para,
        "weekday": 0,
        "support_type": SupportType.SMALL_GROUP,
        "start_time": datetime.time(9, 0),
        "end_time": datetime.time(9, 45),
    }
    values.update(fields)
    return ParaBlock(**values)


def test_para_is_never_in_two_blocks_at_once(personas: Personas) -> None:
    ParaBlockFactory.create(school=personas.school, para=personas.assigned_para, students=[personas.student])
    overlapping = block_for(personas, start_time=datetime.time(9, 30), end_time=datetime.time(10, 0))

    check = check_block(overlapping, [personas.student], today())

    assert not check.ok
    assert "already in another block" in " ".join(check.errors["start_time"])
    later = block_for(personas, start_time=datetime.time(9, 45), end_time=datetime.time(10, 15))
    assert check_block(later, [personas.student], today()).ok
    other_day = block_for(personas, weekday=1, start_time=datetime.time(9, 30), end_time=datetime.time(10, 0))
    assert check_block(other_day, [personas.student], today()).ok


def test_overlap_is_found_on_an_early_release_day_only(personas: Personas) -> None:
    """Period 3 runs 10:00-10:50 on a regular day but 9:20-9:50 on an early release day, where it
    meets a fixed 9:30 block that a regular day keeps apart."""
    bell_schedule_for(personas.school)
    ParaBlockFactory.create(
        school=personas.school,
        para=personas.assigned_para,
        start_time=datetime.time(9, 30),
        end_time=datetime.time(9, 55),
        students=[personas.student],
    )
    by_period = block_for(
        personas, period=period_of(personas.school, "Period 3"), start_time=None, end_time=None
    )

    check = check_block(by_period, [personas.student], today())

    assert "Early release" in " ".join(check.errors["period"])


def test_students_must_be_the_schools_and_a_one_to_one_block_has_one(personas: Personas) -> None:
    elsewhere = StudentFactory.create(school=personas.other_school)
    classmate = StudentFactory.create(school=personas.school)

    assert "students" in check_block(block_for(personas), [elsewhere], today()).errors
    one_to_one = block_for(personas, support_type=SupportType.ONE_TO_ONE)
    assert "exactly one" in " ".join(
        check_block(one_to_one, [personas.student, classmate], today()).errors["students"]
    )
    assert "students" in check_block(block_for(personas), [], today()).errors
    lunch = block_for(personas, support_type=SupportType.LUNCH)
    assert "students" in check_block(lunch, [personas.student], today()).errors
    assert check_block(lunch, [], today()).ok


def test_para_needs_a_role_at_the_blocks_school(personas: Personas) -> None:
    block = block_for(personas, school=personas.other_school)
    assert "school" in check_block(block, [], today()).errors


def test_duty_names_its_kind() -> None:
    block = ParaBlock(
        weekday=0,
        support_type=SupportType.DUTY,
        start_time=datetime.time(7, 30),
        end_time=datetime.time(7, 50),
    )
    with pytest.raises(ValidationError) as caught:
        block.clean()
    assert "duty_kind" in caught.value.message_dict


def test_one_to_one_with_an_unqualified_para_is_refused_a_group_block_warns(personas: Personas) -> None:
    lifting = QualificationFactory.create(district=personas.district, name="Lifting and toileting")
    needs(personas.student, lifting)
    one_to_one = block_for(personas, support_type=SupportType.ONE_TO_ONE)
    group = block_for(personas, weekday=2)

    refused = check_block(one_to_one, [personas.student], today())
    warned = check_block(group, [personas.student], today())

    assert "Lifting and toileting" in " ".join(refused.errors["students"])
    assert warned.ok and "Lifting and toileting" in warned.warnings[0]
    assert personas.student.first_name not in " ".join(warned.warnings)


def test_expired_qualification_does_not_count_a_current_one_does(personas: Personas) -> None:
    aac = QualificationFactory.create(district=personas.district, name="Core-word AAC device")
    needs(personas.student, aac, applies_to=SupportType.ONE_TO_ONE)
    held = holds(personas.assigned_para, aac, expires_on=today() - datetime.timedelta(days=1))
    block = block_for(personas, support_type=SupportType.ONE_TO_ONE)

    assert not check_block(block, [personas.student], today()).ok
    held.expires_on = today() + datetime.timedelta(days=30)
    held.save()
    assert check_block(block, [personas.student], today()).ok


def test_need_for_one_support_type_does_not_apply_to_others(personas: Personas) -> None:
    spanish = QualificationFactory.create(district=personas.district, name="Spanish")
    needs(personas.student, spanish, applies_to=SupportType.ONE_TO_ONE)
    assert check_block(block_for(personas), [personas.student], today()).warnings == []


def test_teacher_must_work_at_the_school(personas: Personas) -> None:
    school = SchoolFactory.create(district=personas.district)
    stranger = staff_with_role(personas.district, school, RoleKind.GEN_ED_TEACHER, "Far Teacher")
    assert "teacher" in check_block(block_for(personas, teacher=stranger), [personas.student], today()).errors


def test_a_second_one_to_one_para_for_the_student_at_the_same_time_is_refused_at_save(
    personas: Personas,
) -> None:
    ParaBlockFactory.create(
        school=personas.school,
        para=personas.unassigned_para,
        support_type=SupportType.ONE_TO_ONE,
        students=[personas.student],
    )
    second = block_for(
        personas,
        support_type=SupportType.ONE_TO_ONE,
        start_time=datetime.time(9, 30),
        end_time=datetime.time(10, 0),
    )
    check = check_block(second, [personas.student], today())
    assert "already has another 1:1 para then" in " ".join(check.errors["students"])
    after = block_for(
        personas,
        support_type=SupportType.ONE_TO_ONE,
        start_time=datetime.time(9, 45),
        end_time=datetime.time(10, 30),
    )
    assert check_block(after, [personas.student], today()).ok


def test_blocks_of_weeks_that_never_meet_do_not_clash(personas: Personas) -> None:
    ParaBlockFactory.create(
        school=personas.school,
        para=personas.assigned_para,
        students=[personas.student],
        ends_on=MONDAY - datetime.timedelta(days=1),
    )
    later = block_for(personas, starts_on=MONDAY)
    assert check_block(later, [personas.student], today()).ok
    assert not check_block(block_for(personas), [personas.student], today()).ok


def test_a_block_ends_on_or_after_it_starts(personas: Personas) -> None:
    wrong = block_for(personas, starts_on=MONDAY, ends_on=MONDAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as raised:
        wrong.full_clean()
    assert "ends_on" in raised.value.message_dict
