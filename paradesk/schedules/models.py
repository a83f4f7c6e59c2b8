"""Bell schedules and the school calendar, para schedules (blocks), qualifications, calendar feeds.

A school has one bell schedule: its day types (regular, early release, ...), each with periods, a
default day type, the first and last day of the school year, and calendar entries for dates that
differ from the default (a closure, or another day type). The rule for a date (`BellSchedule.
day_type_on`): an entry decides; otherwise a weekday between the first and last day is a regular
school day of the default day type; anything else has no school.

A para's week is a set of blocks, one weekday each, each in force from a date (and to a date; an
open end runs on): a rebuilt week takes effect from its Monday, and the blocks it replaces end the
day before, so every reader asks for the blocks in force on the date in question
(`ParaBlock.objects.in_force_on(day)`, `ParaBlock.in_force_on(day)`). A block takes its times
from a period of the bell schedule (on each date from the period of the same name in that date's
day type, so an early release day shortens it, and a day type without that period skips it) or
from fixed clock times.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from paradesk.access.models import SecretLink
from paradesk.people.models import ClassSection, DistrictOwned, School, Staff, Student

# Absences, coverage and schedule drafts live in coverage/models.py; Django finds an app's models
# through this module, so they are named here (the `as` marks them as re-exported).
from paradesk.schedules.coverage.models import Absence as Absence
from paradesk.schedules.coverage.models import AbsenceReason as AbsenceReason
from paradesk.schedules.coverage.models import CoverageAssignment as CoverageAssignment
from paradesk.schedules.coverage.models import CoverageStatus as CoverageStatus
from paradesk.schedules.coverage.models import CoverageTemporaryAssignment as CoverageTemporaryAssignment
from paradesk.schedules.coverage.models import ScheduleDraft as ScheduleDraft


class DayTypeKind(models.TextChoices):
    REGULAR = "regular", _("Regular day")
    EARLY_RELEASE = "early_release", _("Early release")
    LATE_START = "late_start", _("Late start")
    HALF_DAY = "half_day", _("Half day")
    TESTING = "testing", _("Testing day")
    OTHER = "other", _("Other")


class ClosureReason(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    BREAK = "break", _("School break")
    SNOW_DAY = "snow_day", _("Snow day / weather")
    STAFF_DAY = "staff_day", _("No students (staff day)")
    OTHER = "other", _("Other closure")


class BellSchedule(DistrictOwned):
    """A school's day types, periods and calendar."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="bell_schedule")
    name = models.CharField(_("name"), max_length=100, default="Bell schedule")
    # The day type of a weekday that has no calendar entry.
    default_day_type = models.ForeignKey(
        "DayType",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default day type"),
        help_text=_("Used on every weekday of the school year without a calendar entry."),
    )
    first_day = models.DateField(_("first day of school"), null=True, blank=True)
    last_day = models.DateField(_("last day of school"), null=True, blank=True)

    class Meta:
        ordering = ["school__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_day__isnull=True)
                | Q(last_day__isnull=True)
                | Q(last_day__gte=models.F("first_day")),
                name="bell_schedule_year_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"bell schedule {self.id}"

    def clean(self) -> None:
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": _("The last day must be on or after the first day.")})
        default = self.default_day_type
        if default is not None and default.bell_schedule_id != self.pk:
            raise ValidationError({"default_day_type": _("Choose one of this schedule's day types.")})

    def in_school_year(self, day: datetime.date) -> bool:
        """Whether a date lies between the first and last day (an open end counts as inside)."""
        if self.first_day is not None and day < self.first_day:
            return False
        return self.last_day is None or day <= self.last_day

    def day_type_id_on(self, day: datetime.date, entry: CalendarDay | None) -> uuid.UUID | None:
        """The rule of the module docstring: the date's day type, or None when there is no school."""
        if entry is not None:
            return None if entry.closed else entry.day_type_id
        if day.weekday() >= 5 or not self.in_school_year(day):
            return None
        return self.default_day_type_id


class DayType(DistrictOwned):
    """A kind of school day with its own bell times (regular, early release, late start, ...)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    bell_schedule = models.ForeignKey(BellSchedule, on_delete=models.CASCADE, related_name="day_types")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=16, choices=DayTypeKind.choices, default=DayTypeKind.REGULAR
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["bell_schedule", "name"], name="day_type_name_once")]

    def __str__(self) -> str:
        return self.name


def overlaps(
    a_start: datetime.time, a_end: datetime.time, b_start: datetime.time, b_end: datetime.time
) -> bool:
    """Two half-open stretches [start, end) share time; one ending as the next begins is fine."""
    return a_start < b_end and b_start < a_end


def time_range(start: datetime.time, end: datetime.time) -> str:
    return f"{start:%H:%M}\N{EN DASH}{end:%H:%M}"


class BellPeriod(DistrictOwned):
    """A period of a day type: a name and times. Periods of one day type never overlap."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    day_type = models.ForeignKey(DayType, on_delete=models.CASCADE, related_name="periods")
    name = models.CharField(_("period"), max_length=60)
    start = models.TimeField(_("starts"))
    end = models.TimeField(_("ends"))
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "start"]
        constraints = [
            models.UniqueConstraint(fields=["day_type", "name"], name="bell_period_name_once"),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="bell_period_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({time_range(self.start, self.end)})"

    @property
    def minutes(self) -> int:
        return minutes_between(self.start, self.end)

    def clean(self) -> None:
        if self.start is None or self.end is None:
            return
        if self.end <= self.start:
            raise ValidationError({"end": _("A period ends after it starts.")})
        others = BellPeriod.objects.filter(day_type_id=self.day_type_id).exclude(pk=self.pk)
        message = period_overlap_message(self, others)
        if message:
            raise ValidationError({"start": message})


def period_overlap_message(period: BellPeriod, others: Iterable[BellPeriod]) -> str:
    """A clear message naming the first period this one overlaps, or "" when it overlaps none."""
    for other in others:
        if overlaps(period.start, period.end, other.start, other.end):
            return str(
                _(
                    "%(name)s (%(times)s) overlaps %(other)s (%(other_times)s): "
                    "periods of a day never overlap."
                )
                % {
                    "name": period.name,
                    "times": time_range(period.start, period.end),
                    "other": other.name,
                    "other_times": time_range(other.start, other.end),
                }
            )
    return ""


def minutes_between(start: datetime.time, end: datetime.time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


class CalendarDay(DistrictOwned):
    """A date that differs from the default: a closure, or a school day of another day type (an
    early release, or a make-up day on a Saturday)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    bell_schedule = models.ForeignKey(BellSchedule, on_delete=models.CASCADE, related_name="calendar_days")
    date = models.DateField(_("date"))
    day_type = models.ForeignKey(
        DayType, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("day type")
    )
    closed = models.BooleanField(_("school closed"), default=False)
    closure_reason = models.CharField(
        _("why closed"), max_length=12, choices=ClosureReason.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["bell_schedule", "date"], name="calendar_day_once"),
            models.CheckConstraint(
                condition=Q(closed=True, day_type__isnull=True) & ~Q(closure_reason="")
                | Q(closed=False, day_type__isnull=False, closure_reason=""),
                name="calendar_day_closed_or_day_type",
            ),
        ]

    def __str__(self) -> str:
        return f"calendar day {self.date}"

    def clean(self) -> None:
        if self.closed and not self.closure_reason:
            raise ValidationError({"closure_reason": _("Say why the school is closed.")})
        if not self.closed and self.day_type_id is None:
            raise ValidationError({"day_type": _("Choose the day type, or mark the school closed.")})


# Para schedules ---------------------------------------------------------------------------------


class SupportType(models.TextChoices):
    ONE_TO_ONE = "one_to_one", _("1:1 support")
    SMALL_GROUP = "small_group", _("Small group")
    PUSH_IN = "push_in", _("Push-in")
    PULL_OUT = "pull_out", _("Pull-out")
    DUTY = "duty", _("Duty")
    BREAK = "break", _("Break")
    LUNCH = "lunch", _("Lunch")


# Blocks that serve named students; duties, breaks and lunch name none.
STUDENT_SUPPORT = frozenset(
    {SupportType.ONE_TO_ONE, SupportType.SMALL_GROUP, SupportType.PUSH_IN, SupportType.PULL_OUT}
)


class DutyKind(models.TextChoices):
    ARRIVAL = "arrival", _("Arrival")
    BUS = "bus", _("Bus")
    LUNCH = "lunch", _("Lunch duty")
    RECESS = "recess", _("Recess")
    DISMISSAL = "dismissal", _("Dismissal")
    OTHER = "other", _("Other duty")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")


class ParaBlockQuerySet(models.QuerySet["ParaBlock"]):
    def in_force_on(self, day: datetime.date) -> ParaBlockQuerySet:
        """Blocks that apply on that date (an open start or end counts as in force)."""
        return self.in_force_between(day, day)

    def in_force_between(self, first: datetime.date, last: datetime.date) -> ParaBlockQuerySet:
        """Blocks in force on at least one date from `first` to `last` (both included)."""
        return self.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=last)).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=first)
        )


class ParaBlock(DistrictOwned):
    """One stretch of a para's week: where they are, doing what, with whom, under which teacher."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="para_blocks")
    para = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="para_blocks")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    period = models.ForeignKey(
        BellPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="blocks",
        verbose_name=_("period"),
        help_text=_("Follow a period of the bell schedule, or leave empty and give the times."),
    )
    start_time = models.TimeField(_("starts"), null=True, blank=True)
    end_time = models.TimeField(_("ends"), null=True, blank=True)
    support_type = models.CharField(_("support"), max_length=12, choices=SupportType.choices)
    duty_kind = models.CharField(_("duty"), max_length=10, choices=DutyKind.choices, blank=True)
    students = models.ManyToManyField(
        Student,
        through="ParaBlockStudent",
        related_name="para_blocks",
        blank=True,
        verbose_name=_("students"),
    )
    # The teacher who plans the activities and directs the para in the block (docs/field.md#para-supervision).
    teacher = models.ForeignKey(
        Staff,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directed_blocks",
        verbose_name=_("directing teacher"),
    )
    section = models.ForeignKey(
        ClassSection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="para_blocks",
        verbose_name=_("class"),
    )
    room = models.CharField(_("room"), max_length=100, blank=True)
    starts_on = models.DateField(
        _("in force from"), null=True, blank=True, help_text=_("Leave empty for a block already in force.")
    )
    ends_on = models.DateField(
        _("in force until"), null=True, blank=True, help_text=_("Leave empty for a block that runs on.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParaBlockQuerySet.as_manager()

    class Meta:
        ordering = ["weekday", "start_time"]
        indexes = [
            models.Index(fields=["para", "weekday"]),
            models.Index(fields=["teacher", "weekday"]),
            models.Index(fields=["school", "weekday"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period__isnull=False)
                | Q(start_time__isnull=False, end_time__isnull=False, end_time__gt=models.F("start_time")),
                name="para_block_period_or_times",
            ),
            models.CheckConstraint(condition=Q(weekday__lte=4), name="para_block_weekday"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="para_block_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"para block {self.id}"

    def clean(self) -> None:
        """Rules about the block alone; rules across blocks and students: `block_problems`."""
        errors: dict[str, str] = {}
        if self.period_id is None:
            if self.start_time is None or self.end_time is None:
                errors["start_time"] = str(_("Choose a period, or give a start and an end time."))
            elif self.end_time <= self.start_time:
                errors["end_time"] = str(_("The block ends after it starts."))
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = str(_("The block ends on or after the date it starts."))
        if self.support_type == SupportType.DUTY and not self.duty_kind:
            errors["duty_kind"] = str(_("Say which duty."))
        if self.support_type != SupportType.DUTY and self.duty_kind:
            errors["duty_kind"] = str(_("Only a duty names a duty."))
        if errors:
            raise ValidationError(errors)

    def in_force_on(self, day: datetime.date) -> bool:
        """Whether the block applies on that date (the rule of `ParaBlockQuerySet.in_force_on`)."""
        if self.starts_on is not None and day < self.starts_on:
            return False
        return self.ends_on is None or day <= self.ends_on

    def in_force_between(self, first: datetime.date, last: datetime.date) -> bool:
        if self.starts_on is not None and last < self.starts_on:
            return False
        return self.ends_on is None or first <= self.ends_on

    def times_on(
        self, day_type: DayType | None, periods: dict[tuple[uuid.UUID, str], BellPeriod]
    ) -> tuple[datetime.time, datetime.time] | None:
        """The block's times on a day of that type: the same-named period of the day type, or the
        fixed times. None: the block does not happen on such a day (no school, or no such period)."""
        if day_type is None:
            return None
        if self.period is None:
            assert self.start_time is not None and self.end_time is not None
            return self.start_time, self.end_time
        period = periods.get((day_type.pk, self.period.name))
        return (period.start, period.end) if period else None

    @property
    def usual_times(self) -> tuple[datetime.time, datetime.time] | None:
        """The times of the week as planned (the period's own day type, usually the regular day)."""
        if self.period is not None:
            return self.period.start, self.period.end
        if self.start_time is None or self.end_time is None:
            return None
        return self.start_time, self.end_time

    @property
    def usual_minutes(self) -> int:
        times = self.usual_times
        return minutes_between(*times) if times else 0


class ParaBlockStudent(DistrictOwned):
    """A student named in a para block. Explicit (it was Django's automatic table, whose name and
    columns it keeps) so that the row carries its district like every table of student data
    (docs/architecture.md#the-district-as-distribution-key); write it with
    `block.students.set(students, through_defaults={"district_id": block.district_id})`."""

    parablock = models.ForeignKey(ParaBlock, on_delete=models.CASCADE, related_name="+")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="+")

    class Meta:
        db_table = "schedules_parablock_students"
        # The automatic table's own unique pair, under the name it already has in the database.
        unique_together = [("parablock", "student")]

    def __str__(self) -> str:
        return f"para block {self.parablock_id} student {self.student_id}"


# Qualifications ---------------------------------------------------------------------------------


class Qualification(DistrictOwned):
    """Something a para is trained or able to do, from the district's catalogue."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="qualification_name_once")]

    def __str__(self) -> str:
        return self.name


class StaffQualificationQuerySet(models.QuerySet["StaffQualification"]):
    def valid_on(self, day: datetime.date) -> StaffQualificationQuerySet:
        """Held on that day: an expired qualification does not count."""
        return self.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day))


class StaffQualification(DistrictOwned):
    """A qualification a staff member holds, until its expiry date (if it has one)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="qualifications")
    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="holders")
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    objects = StaffQualificationQuerySet.as_manager()

    class Meta:
        ordering = ["qualification__name"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "qualification"], name="staff_qualification_once")
        ]

    def __str__(self) -> str:
        return f"staff qualification {self.id}"

    def valid_on(self, day: datetime.date) -> bool:
        return self.expires_on is None or self.expires_on >= day


class SupportNeed(DistrictOwned):
    """A qualification whoever supports the student must hold: in every block, or only in blocks of
    one support type (e.g. lifting and toileting for 1:1 support)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="support_needs")
    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="needed_by")
    # Blank: every block that names the student.
    applies_to = models.CharField(
        _("applies to"),
        max_length=12,
        blank=True,
        choices=[(value, label) for value, label in SupportType.choices if value in STUDENT_SUPPORT],
    )

    class Meta:
        ordering = ["qualification__name"]
        constraints = [models.UniqueConstraint(fields=["student", "qualification"], name="support_need_once")]

    def __str__(self) -> str:
        return f"support need {self.id}"

    def applies(self, support_type: str) -> bool:
        return not self.applies_to or self.applies_to == support_type


# Calendar feeds ---------------------------------------------------------------------------------


class CalendarFeed(SecretLink):
    """A private link to a para's schedule as an iCalendar feed. Only the token's hash is stored,
    like an API token: the link is shown once, and a lost link is revoked and replaced. It never
    expires by itself."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="calendar_feeds")

    def __str__(self) -> str:
        return f"calendar feed {self.prefix}…"

    @classmethod
    def issue(cls, staff: Staff) -> tuple[CalendarFeed, str]:
        """A new feed and its raw token (32 random bytes), shown once and never stored."""
        return cls.issue_secret(staff=staff)
