"""The team dashboard: a case manager's (or provider's) caseload, each student's measures on active
plans, and what needs a licensed teacher's attention first.

The page lists only students the person case-manages or serves today, so every student on it is one
the person may read the record of (docs/access.md); anyone else gets a page that says so. Its query
count does not grow with the caseload: one query each for the students and their measures, the
fixed queries of ``summaries.summaries_of`` (stored summaries whose data has not changed are reused;
the others are computed by ``series.progress_of``) and of one calendar load, and one audit write.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from paradesk.access import audit, scopes
from paradesk.access.policy import provider_disciplines
from paradesk.access.requests import StaffRequest
from paradesk.people.models import Staff, Student
from paradesk.plans import figures
from paradesk.plans.disciplines import measure_disciplines
from paradesk.plans.models import Measure, Method, PlanStatus
from paradesk.progress import alerts, series
from paradesk.progress.alerts import Alert
from paradesk.progress.summaries import summaries_of

SHOW_ALL = "all"
SHOW_ATTENTION = "attention"


@dataclass
class MeasureRow:
    measure: Measure
    url: str
    alerts: list[Alert]
    decision: str
    last_day: datetime.date | None
    this_week: int
    latest: str = ""  # the latest session's value with its unit, as the report writes it

    @property
    def urgency(self) -> int:
        return self.alerts[0].urgency if self.alerts else len(alerts.Reason)


@dataclass
class StudentGroup:
    """A student's measures; for a provider, `rows` are their discipline's and `others` the rest of
    the plans' (listed after, without alerts: they are the case manager's to act on)."""

    student: Student
    rows: list[MeasureRow] = field(default_factory=list)
    others: list[MeasureRow] = field(default_factory=list)

    @property
    def alert_count(self) -> int:
        return sum(len(row.alerts) for row in self.rows)

    @property
    def urgency(self) -> int:
        return min((row.urgency for row in self.rows), default=len(alerts.Reason))

    def needing_attention(self) -> list[MeasureRow]:
        return [row for row in self.rows if row.alerts]


def caseload_students(staff: Staff) -> models.QuerySet[Student]:
    """Active students of the person's district they case-manage or serve as a provider today."""
    return scopes.caseload(staff).order_by("last_name", "first_name")


def caseload_measures(students: Sequence[Student]) -> list[Measure]:
    """The measures of the students' active plans, ABC incident recording left out (it has no
    session values to judge)."""
    measures = Measure.objects.filter(
        plan__student_id__in=[s.pk for s in students], plan__status=PlanStatus.ACTIVE
    ).exclude(method=Method.ABC)
    districts = {student.district_id for student in students}
    return series.loaded_measures(measures, districts, "plan__kind", "district_goal__order", "name")


def local_today() -> datetime.date:
    return timezone.localdate()


def quiet_days() -> int:
    return int(getattr(settings, "PROGRESS_NO_DATA_SCHOOL_DAYS", alerts.NO_DATA_SCHOOL_DAYS))


def build_groups(
    students: Sequence[Student],
    measures: Sequence[Measure],
    today: datetime.date,
    disciplines: Mapping[uuid.UUID, frozenset[str]] | None = None,
) -> list[StudentGroup]:
    """Each student with their measures, the measures needing attention first (most urgent first),
    and the students in the same order (then by name). For a student the person serves only as a
    provider (`disciplines`), the measures of other disciplines go to the group's `others`."""
    summaries = summaries_of(measures)
    calendars = alerts.load_calendars(list(summaries.values()), today)
    found = alerts.alerts_for(summaries.values(), today=today, calendars=calendars, quiet_days=quiet_days())
    by_measure: dict[uuid.UUID, list[Alert]] = defaultdict(list)
    for alert in found:
        by_measure[alert.measure_id].append(alert)
    groups = {student.pk: StudentGroup(student) for student in students}
    providers = disciplines or {}
    for measure in measures:
        own = summaries[measure.pk]
        group = groups[measure.plan.student_id]
        theirs = providers.get(measure.plan.student_id)
        mine = theirs is None or bool(theirs & measure_disciplines(measure))
        (group.rows if mine else group.others).append(
            MeasureRow(
                measure=measure,
                url=reverse("measure_progress", kwargs={"measure_id": measure.pk}),
                alerts=by_measure.get(measure.pk, []) if mine else [],
                decision=alerts.decision_summary(own),
                last_day=own.last_day,
                this_week=alerts.sessions_this_week(own, today),
                latest="" if own.latest is None else figures.measure_value_text(measure, own.latest),
            )
        )
    for group in groups.values():
        group.rows.sort(key=lambda row: row.urgency)  # stable: plan and goal order within a reason
    return sorted(groups.values(), key=lambda group: group.urgency)  # stable: name order


def dashboard(request: StaffRequest) -> HttpResponse:
    """The measures of the person's caseload that need attention (or all of them), and why."""
    staff = request.user
    show = SHOW_ALL if request.GET.get("show") == SHOW_ALL else SHOW_ATTENTION
    today = local_today()
    students = list(caseload_students(staff))
    measures = caseload_measures(students)
    groups = build_groups(students, measures, today, provider_disciplines(staff, students))
    shown = groups if show == SHOW_ALL else [group for group in groups if group.alert_count]
    audit.record_list_views(staff, [group.student for group in shown])
    context = {
        "groups": shown,
        "show": show,
        "caseload_size": len(students),
        "calm_students": len(groups) - len(shown),
        "alert_count": sum(group.alert_count for group in groups),
        "today": today,
        "quiet_days": quiet_days(),
    }
    template = "progress/dashboard.html"
    return render(
        request, f"{template}#dashboard-body" if getattr(request, "htmx", False) else template, context
    )
