"""Service minutes per student: required, scheduled and delivered (docs/field.md#service-minutes).

The rules, stated once:

- Required minutes come from the services of the student's active plans (`Service.minutes x
  frequency` per week or per month), within each service's start and end dates. Adult
  (paraprofessional) support, such as "1:1 adult support", is a service of kind `adult_support`.
- Over a stretch of dates a weekly service requires its weekly minutes for each school week, a
  school week being five school days: minutes x frequency x school days / 5. A week with a holiday
  (four school days) requires 4/5 of the week; a closed week requires nothing.
- A monthly service is spread over the school days of its month: over a stretch of dates it requires
  minutes x frequency x (the month's school days in the stretch / all the month's school days). Per
  week (to compare with a weekly schedule), it is minutes x frequency / the month's school weeks
  (its school days / 5), in the month of the week shown.
- Scheduled minutes per week are the para blocks in force on the week's date that name the
  student, by support type, at their usual times (the period's times on its own day type). Adult
  support not on a para's schedule is a gap; two blocks naming the student at the same time are an overlap.
- Delivered minutes are the service logs of the stretch that count (current: not corrected, not
  voided) with status delivered; missed ones are summed by their reason. Compliance = delivered /
  required; what is neither delivered nor logged as missed is "not logged".

Every figure of a list is read in a fixed number of queries, whatever the number of students.
"""

from __future__ import annotations

import datetime
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, Sum

from paradesk.people.models import Student
from paradesk.plans.disciplines import service_discipline
from paradesk.plans.models import Plan, Service, ServiceKind, ServicePeriod
from paradesk.progress.analysis import service_compliance
from paradesk.recording.models import MissedReason, ServiceLog, ServiceStatus
from paradesk.schedules.models import STUDENT_SUPPORT, ParaBlock, SupportType, overlaps, time_range
from paradesk.schedules.school_calendar import SchoolCalendars

DAYS_PER_SCHOOL_WEEK = 5

Month = tuple[int, int]


def month_of(day: datetime.date) -> Month:
    return day.year, day.month


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


@dataclass(frozen=True)
class ServiceTerms:
    """What a service asks for, as plain numbers (so the rules can be tested without a database)."""

    minutes: int
    frequency: int
    period: str  # ServicePeriod value
    start: datetime.date
    end: datetime.date
    kind: str = ServiceKind.SPECIAL_EDUCATION

    @classmethod
    def of(cls, service: Service) -> ServiceTerms:
        return cls(
            service.minutes,
            service.frequency,
            service.period,
            service.start_date,
            service.end_date,
            service.kind,
        )

    @property
    def per_period(self) -> int:
        return self.minutes * self.frequency


def required_over(
    terms: ServiceTerms, school_days: Sequence[datetime.date], month_school_days: Counter[Month]
) -> float:
    """Minutes the service requires over the given school days (see the module's rules)."""
    days = [day for day in school_days if terms.start <= day <= terms.end]
    if terms.period == ServicePeriod.WEEK:
        return terms.per_period * len(days) / DAYS_PER_SCHOOL_WEEK
    in_range = Counter(month_of(day) for day in days)
    return sum(
        terms.per_period * count / month_school_days[month]
        for month, count in in_range.items()
        if month_school_days[month]
    )


def required_per_week(
    terms: ServiceTerms, week_of: datetime.date, month_school_days: Counter[Month]
) -> float:
    """The service's weekly minutes in the week of that date (0 outside the service's dates)."""
    if not terms.start <= week_of <= terms.end:
        return 0.0
    if terms.period == ServicePeriod.WEEK:
        return float(terms.per_period)
    school_days = month_school_days[month_of(week_of)]
    return terms.per_period * DAYS_PER_SCHOOL_WEEK / school_days if school_days else 0.0


@dataclass(frozen=True)
class BlockOverlap:
    weekday: int
    first: tuple[datetime.time, datetime.time]
    second: tuple[datetime.time, datetime.time]

    @property
    def times(self) -> str:
        return f"{time_range(*self.first)} / {time_range(*self.second)}"


def missed_labels(missed: dict[str, int]) -> list[tuple[str, int]]:
    """Missed minutes by reason, each reason in the reader's words."""
    return [(str(MissedReason(reason).label), minutes) for reason, minutes in sorted(missed.items())]


@dataclass
class StudentMinutes:
    student: Student
    required_per_week: float = 0.0
    adult_support_per_week: float = 0.0
    scheduled_by_type: dict[str, int] = field(default_factory=dict)
    overlaps: list[BlockOverlap] = field(default_factory=list)
    required: float = 0.0  # over the stretch of dates
    delivered: int = 0
    missed_by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def scheduled_labelled(self) -> list[tuple[str, int]]:
        return [(str(SupportType(kind).label), minutes) for kind, minutes in self.scheduled_by_type.items()]

    @property
    def missed_labelled(self) -> list[tuple[str, int]]:
        return missed_labels(self.missed_by_reason)

    @property
    def scheduled_per_week(self) -> int:
        return sum(self.scheduled_by_type.values())

    @property
    def adult_support_gap(self) -> float:
        """Adult support required each week that no para block schedules."""
        return max(0.0, self.adult_support_per_week - self.scheduled_per_week)

    @property
    def missed(self) -> int:
        return sum(self.missed_by_reason.values())

    @property
    def not_logged(self) -> float:
        return max(0.0, self.required - self.delivered - self.missed)

    @property
    def compliance(self) -> float | None:
        """Delivered / required, in percent; None when nothing is required."""
        return service_compliance(self.required, self.delivered).percent

    @property
    def below(self) -> bool:
        return self.compliance is not None and self.compliance < 100.0


@dataclass
class MinutesReport:
    start: datetime.date
    end: datetime.date
    week_of: datetime.date
    rows: list[StudentMinutes]

    @property
    def required(self) -> float:
        return sum(row.required for row in self.rows)

    @property
    def delivered(self) -> int:
        return sum(row.delivered for row in self.rows)

    @property
    def compliance(self) -> float | None:
        return service_compliance(self.required, self.delivered).percent

    @property
    def missed_by_reason(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for row in self.rows:
            total.update(row.missed_by_reason)
        return dict(total)

    @property
    def missed_labelled(self) -> list[tuple[str, int]]:
        return missed_labels(self.missed_by_reason)

    @property
    def not_logged(self) -> float:
        return sum(row.not_logged for row in self.rows)

    @property
    def gaps(self) -> int:
        return sum(1 for row in self.rows if row.adult_support_gap > 0)


def providers_own_services(
    disciplines: Mapping[uuid.UUID, frozenset[str]],
) -> Callable[[Service], bool] | None:
    """For the students a provider serves (paradesk.access.policy.provider_disciplines), only the
    services of the provider's discipline count (paradesk.plans.disciplines); others all count."""
    if not disciplines:
        return None

    def keep(service: Service) -> bool:
        theirs = disciplines.get(service.plan.student_id)
        return theirs is None or service_discipline(service) in theirs

    return keep


def minutes_report(
    students: Sequence[Student],
    start: datetime.date,
    end: datetime.date,
    week_of: datetime.date,
    keep_service: Callable[[Service], bool] | None = None,
) -> MinutesReport:
    """Required, scheduled and delivered minutes of each student (in the order given); with
    `keep_service`, only the services it keeps are required and delivered (a provider's own)."""
    rows = {student.pk: StudentMinutes(student) for student in students}
    if rows:
        calendars = load_calendars(students, start, end, week_of)
        kept = add_required(rows, calendars, start, end, week_of, keep_service)
        add_scheduled(rows, week_of)
        add_delivered(rows, start, end, kept if keep_service is not None else None)
    return MinutesReport(start, end, week_of, list(rows.values()))


def load_calendars(
    students: Iterable[Student], start: datetime.date, end: datetime.date, week_of: datetime.date
) -> SchoolCalendars:
    """Whole months around the stretch and the week shown, as monthly services need them."""
    first = min(month_bounds(start)[0], month_bounds(week_of)[0])
    last = max(month_bounds(end)[1], month_bounds(week_of)[1])
    return SchoolCalendars.load({student.school_id for student in students}, first, last)


def add_required(
    rows: dict[uuid.UUID, StudentMinutes],
    calendars: SchoolCalendars,
    start: datetime.date,
    end: datetime.date,
    week_of: datetime.date,
    keep_service: Callable[[Service], bool] | None = None,
) -> set[uuid.UUID]:
    services = Service.objects.filter(
        plan__in=Plan.objects.active().filter(student_id__in=rows)
    ).select_related("plan")
    month_days: dict[uuid.UUID, Counter[Month]] = {}
    stretch: dict[uuid.UUID, list[datetime.date]] = {}
    for row in rows.values():
        school_id = row.student.school_id
        if school_id not in month_days:
            days = calendars.school_days(school_id, calendars.start, calendars.end)
            month_days[school_id] = Counter(month_of(day) for day in days)
            stretch[school_id] = [day for day in days if start <= day <= end]
    kept: set[uuid.UUID] = set()
    for service in services:
        if keep_service is not None and not keep_service(service):
            continue
        kept.add(service.pk)
        row = rows[service.plan.student_id]
        terms = ServiceTerms.of(service)
        school_id = row.student.school_id
        weekly = required_per_week(terms, week_of, month_days[school_id])
        row.required_per_week += weekly
        if terms.kind == ServiceKind.ADULT_SUPPORT:
            row.adult_support_per_week += weekly
        row.required += required_over(terms, stretch[school_id], month_days[school_id])
    return kept


def add_scheduled(rows: dict[uuid.UUID, StudentMinutes], week_of: datetime.date) -> None:
    """The week in force on `week_of`: a week rebuilt from a later Monday does not count yet."""
    blocks = (
        ParaBlock.objects.in_force_on(week_of)
        .filter(students__in=list(rows), support_type__in=STUDENT_SUPPORT)
        .distinct()
        .select_related("period")
        .prefetch_related(Prefetch("students", queryset=Student.objects.only("id")))
    )
    by_student: dict[uuid.UUID, list[ParaBlock]] = defaultdict(list)
    for block in blocks:
        for student in block.students.all():
            if student.pk in rows:
                by_student[student.pk].append(block)
    for student_id, student_blocks in by_student.items():
        row = rows[student_id]
        scheduled: Counter[str] = Counter()
        for block in student_blocks:
            scheduled[block.support_type] += block.usual_minutes
        row.scheduled_by_type = {kind: scheduled[kind] for kind in SupportType.values if scheduled[kind]}
        row.overlaps = student_overlaps(student_blocks)


def student_overlaps(blocks: Sequence[ParaBlock]) -> list[BlockOverlap]:
    """Pairs of a student's blocks on the same weekday whose usual times overlap."""
    found = []
    ordered = sorted(blocks, key=lambda b: (b.weekday, b.usual_times or ()))
    for index, first in enumerate(ordered):
        for second in ordered[index + 1 :]:
            a, b = first.usual_times, second.usual_times
            if first.weekday == second.weekday and a and b and overlaps(*a, *b):
                found.append(BlockOverlap(first.weekday, a, b))
    return found


def add_delivered(
    rows: dict[uuid.UUID, StudentMinutes],
    start: datetime.date,
    end: datetime.date,
    service_ids: set[uuid.UUID] | None = None,
) -> None:
    logs = ServiceLog.objects.current().filter(student_id__in=list(rows), date__range=(start, end))
    if service_ids is not None:
        logs = logs.filter(service_id__in=service_ids)
    totals = logs.values("student_id", "status", "missed_reason").annotate(total=Sum("minutes")).order_by()
    for log in totals:
        row = rows[log["student_id"]]
        if log["status"] == ServiceStatus.DELIVERED:
            row.delivered += log["total"]
        else:
            reason = log["missed_reason"]
            row.missed_by_reason[reason] = row.missed_by_reason.get(reason, 0) + log["total"]
