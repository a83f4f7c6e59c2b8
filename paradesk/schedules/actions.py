"""Writes to bell schedules, para schedules, qualifications and calendar feeds; each audited and
atomic. Views check access first; these check the rules again inside the transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from paradesk.access import audit
from paradesk.access.models import AuditAction
from paradesk.people.models import School, Staff, Student, today
from paradesk.schedules.checks import check_block
from paradesk.schedules.models import (
    BellPeriod,
    BellSchedule,
    CalendarDay,
    CalendarFeed,
    DayType,
    ParaBlock,
    Qualification,
    StaffQualification,
    SupportNeed,
)
from paradesk.schedules.school_calendar import dates_between


def record_block(
    actor: Staff,
    action: AuditAction,
    block: ParaBlock,
    student_ids: Iterable[object],
    changed: Iterable[str] = (),
) -> None:
    """One entry per student the block names (so it shows in each student's access history), or
    one without a student for a block that names none."""
    ids = list(student_ids) or [None]
    for student_id in ids:
        audit.record(actor=actor, action=action, obj=block, student_id=student_id, changed_fields=changed)  # type: ignore[arg-type]


@transaction.atomic
def save_block(
    *, actor: Staff, block: ParaBlock, students: Sequence[Student], changed_fields: Iterable[str] = ()
) -> list[str]:
    """Create or change a block of a para's week; returns the warnings to show (a qualification a
    student needs in a group block, say). Raises ValidationError for a refusal."""
    # Two administrators saving the same para's week at once must not both pass the overlap check.
    Staff.objects.select_for_update().filter(pk=block.para_id).first()
    creating = block._state.adding
    earlier = set() if creating else set(block.students.values_list("id", flat=True))
    block.district_id = block.school.district_id
    block.full_clean()
    check = check_block(block, students, today())
    if not check.ok:
        raise ValidationError(dict(check.errors))
    block.save()
    block.students.set(students, through_defaults={"district_id": block.district_id})
    action = AuditAction.CREATE if creating else AuditAction.UPDATE
    record_block(actor, action, block, earlier | {s.pk for s in students}, () if creating else changed_fields)
    return check.warnings


@transaction.atomic
def delete_block(*, actor: Staff, block: ParaBlock) -> None:
    record_block(actor, AuditAction.DELETE, block, block.students.values_list("id", flat=True))
    block.delete()


@transaction.atomic
def create_bell_schedule(*, actor: Staff, school: School, name: str) -> BellSchedule:
    schedule = BellSchedule.objects.create(district_id=school.district_id, school=school, name=name)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=schedule)
    return schedule


@transaction.atomic
def save_bell_schedule(
    *, actor: Staff, schedule: BellSchedule, changed_fields: Iterable[str]
) -> BellSchedule:
    schedule.full_clean()
    schedule.save()
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=schedule, changed_fields=changed_fields)
    return schedule


@transaction.atomic
def save_day_type(
    *,
    actor: Staff,
    day_type: DayType,
    periods: Sequence[BellPeriod],
    removed: Sequence[BellPeriod],
    changed_fields: Iterable[str] = (),
) -> DayType:
    """A day type and its periods, saved together (the form set checked they do not overlap)."""
    creating = day_type._state.adding
    day_type.district_id = day_type.bell_schedule.district_id
    day_type.full_clean()
    day_type.save()
    for period in removed:
        audit.record(actor=actor, action=AuditAction.DELETE, obj=period)
        period.delete()
    for period in periods:
        period.day_type = day_type
        period.district_id = day_type.district_id
        adding = period._state.adding
        period.save()
        audit.record(actor=actor, action=AuditAction.CREATE if adding else AuditAction.UPDATE, obj=period)
    schedule = day_type.bell_schedule
    if schedule.default_day_type_id is None:
        # The first day type of a schedule is its default until the administrator says otherwise.
        schedule.default_day_type = day_type
        schedule.save(update_fields=["default_day_type"])
    action = AuditAction.CREATE if creating else AuditAction.UPDATE
    audit.record(actor=actor, action=action, obj=day_type, changed_fields=() if creating else changed_fields)
    return day_type


@transaction.atomic
def set_calendar_days(
    *,
    actor: Staff,
    schedule: BellSchedule,
    start: datetime.date,
    end: datetime.date,
    day_type: DayType | None,
    closure_reason: str,
    note: str,
    weekdays_only: bool = True,
) -> list[CalendarDay]:
    """Mark each date from start to end as closed (with the reason) or as a day of `day_type`,
    replacing what those dates said before. Weekends are left alone unless asked."""
    days = [d for d in dates_between(start, end) if not weekdays_only or d.weekday() < 5]
    CalendarDay.objects.filter(bell_schedule=schedule, date__in=days).delete()
    entries = CalendarDay.objects.bulk_create(
        CalendarDay(
            district_id=schedule.district_id,
            bell_schedule=schedule,
            date=day,
            day_type=day_type,
            closed=day_type is None,
            closure_reason=closure_reason if day_type is None else "",
            note=note,
        )
        for day in days
    )
    for entry in entries:
        audit.record(
            actor=actor, action=AuditAction.UPDATE, obj=entry, changed_fields=["date", "day_type", "closed"]
        )
    return entries


@transaction.atomic
def delete_calendar_day(*, actor: Staff, entry: CalendarDay) -> None:
    audit.record(actor=actor, action=AuditAction.DELETE, obj=entry)
    entry.delete()


# Qualifications -----------------------------------------------------------------------------------


@transaction.atomic
def save_qualification(
    *, actor: Staff, qualification: Qualification, changed_fields: Iterable[str] = ()
) -> Qualification:
    creating = qualification._state.adding
    qualification.full_clean()
    qualification.save()
    action = AuditAction.CREATE if creating else AuditAction.UPDATE
    audit.record(actor=actor, action=action, obj=qualification, changed_fields=changed_fields)
    return qualification


@transaction.atomic
def grant_qualification(
    *, actor: Staff, staff: Staff, qualification: Qualification, expires_on: datetime.date | None
) -> StaffQualification:
    """Record that the staff member holds a qualification (or change its expiry date)."""
    held, created = StaffQualification.objects.update_or_create(
        staff=staff,
        qualification=qualification,
        defaults={"expires_on": expires_on, "district_id": qualification.district_id},
    )
    action = AuditAction.CREATE if created else AuditAction.UPDATE
    audit.record(actor=actor, action=action, obj=held, changed_fields=["expires_on"])
    return held


@transaction.atomic
def remove_qualification(*, actor: Staff, held: StaffQualification) -> None:
    audit.record(actor=actor, action=AuditAction.DELETE, obj=held)
    held.delete()


@transaction.atomic
def set_support_needs(*, actor: Staff, student: Student, needs: dict[Qualification, str | None]) -> None:
    """The student's needs: qualification -> the support type it applies to ("" every block),
    or None for not needed. Only what changes is written and audited."""
    current = {need.qualification_id: need for need in SupportNeed.objects.filter(student=student)}
    for qualification, applies_to in needs.items():
        need = current.get(qualification.pk)
        if applies_to is None and need is not None:
            audit.record(actor=actor, action=AuditAction.DELETE, obj=need, student_id=student.pk)
            need.delete()
        elif applies_to is not None and need is None:
            need = SupportNeed.objects.create(
                district_id=student.district_id,
                student=student,
                qualification=qualification,
                applies_to=applies_to,
            )
            audit.record(actor=actor, action=AuditAction.CREATE, obj=need, student_id=student.pk)
        elif applies_to is not None and need is not None and need.applies_to != applies_to:
            need.applies_to = applies_to
            need.save(update_fields=["applies_to"])
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=need,
                student_id=student.pk,
                changed_fields=["applies_to"],
            )


# Calendar feeds -----------------------------------------------------------------------------------


@transaction.atomic
def create_calendar_feed(*, actor: Staff) -> tuple[CalendarFeed, str]:
    """A new private feed link; the raw token is shown once and never kept."""
    feed, raw = CalendarFeed.issue(actor)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=feed)
    return feed, raw


@transaction.atomic
def revoke_calendar_feed(*, actor: Staff, feed: CalendarFeed) -> CalendarFeed:
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if feed.revoke():
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=feed, changed_fields=["revoked_at"])
    return feed
