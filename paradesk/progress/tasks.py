"""Report batches: every progress report of a caseload or a school for the reporting periods ending
in a date range, made by a background task (django.tasks, database backend: `paradesk db_worker`)
into one PDF.

Which plans a batch holds is fixed when it is asked for, from what the person may see then; the
task reports its progress in ``done`` / ``total`` as it goes, so the batch page's bar moves. Each
report is written to PDF on its own and appended to the batch's PDF (pdf.CombinedPDF), so memory
holds one report's layout at a time however big the school. A failure is logged by batch id and
exception type (never a student's name) and shown to the person as a plain message.
"""

from __future__ import annotations

import datetime
import logging
import traceback
import uuid
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.tasks import task
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from paradesk.access import scopes
from paradesk.access.policy import admin_school_ids, is_district_admin
from paradesk.people.models import School, Staff
from paradesk.plans.models import Plan, ReportingPeriod
from paradesk.progress import pdf, reports
from paradesk.progress.models import BatchStatus, ReportBatch

logger = logging.getLogger(__name__)

CASELOAD = "caseload"
SCHOOL_PREFIX = "school:"
UNFINISHED = (BatchStatus.WAITING, BatchStatus.RUNNING)
# A batch unfinished this long is taken as lost (a worker stopped mid-way); it blocks no new one.
LOST_AFTER = datetime.timedelta(hours=2)


# ---- asking for a batch -------------------------------------------------------------------------------


def schools_of(staff: Staff) -> QuerySet[School]:
    """Schools the person administers: every school of the district for a district administrator."""
    if staff.district_id is None:
        return School.objects.none()
    schools = School.objects.filter(district_id=staff.district_id)
    if is_district_admin(staff):
        return schools.order_by("name")
    administered = [school_id for school_id in admin_school_ids(staff) if isinstance(school_id, uuid.UUID)]
    return schools.filter(id__in=administered).order_by("name")


def scopes_of(staff: Staff) -> list[tuple[str, str]]:
    """What the person may ask reports for: their caseload (case managers and providers) and the
    schools they administer."""
    found = []
    if scopes.caseload_assignments(staff).exists():
        found.append((CASELOAD, str(_("My caseload"))))
    found += [(f"{SCHOOL_PREFIX}{school.pk}", str(school.name)) for school in schools_of(staff)]
    return found


@dataclass(frozen=True)
class Scope:
    school: School | None  # None: the person's caseload


def scope_of(staff: Staff, value: str) -> Scope:
    """The scope a form value names, checked again against what the person may choose."""
    if value == CASELOAD:
        return Scope(None)
    school_id = value.removeprefix(SCHOOL_PREFIX)
    try:
        wanted = uuid.UUID(school_id)
    except ValueError as exc:
        raise LookupError(value) from exc
    school = schools_of(staff).filter(pk=wanted).first()
    if school is None:
        raise LookupError(value)
    return Scope(school)


def plans_in_scope(staff: Staff, scope: Scope, start: datetime.date, end: datetime.date) -> list[str]:
    """Active plans of active students in the scope with a reporting period ending in the range, in
    the order the reports are printed (by student)."""
    if staff.district_id is None:
        return []
    plans = Plan.objects.active().filter(
        district_id=staff.district_id,
        student__active=True,
        reporting_periods__end_date__gte=start,
        reporting_periods__end_date__lte=end,
    )
    if scope.school is None:
        plans = plans.filter(student__in=scopes.caseload(staff))
    else:
        plans = plans.filter(student__school=scope.school)
    ordered = plans.order_by("student__last_name", "student__first_name", "student_id", "kind", "id")
    return [str(pk) for pk in dict.fromkeys(ordered.values_list("id", flat=True))]


class BatchRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def unfinished_batches(staff: Staff) -> QuerySet[ReportBatch]:
    since = timezone.now() - LOST_AFTER
    return ReportBatch.objects.filter(requested_by=staff, status__in=UNFINISHED, created_at__gte=since)


def start_batch(*, actor: Staff, scope: Scope, start: datetime.date, end: datetime.date) -> ReportBatch:
    """Make the batch and hand it to the task worker once it is saved. One unfinished batch per
    person at a time: reports are heavy to make, and a second click should not double the work."""
    if actor.district_id is None:
        raise BatchRefused(_("Only staff of a district can ask for reports."))
    with transaction.atomic():
        # Two requests of the same person wait for each other here.
        Staff.objects.select_for_update().filter(pk=actor.pk).first()
        if unfinished_batches(actor).exists():
            raise BatchRefused(
                _("Your last batch is still being made. Wait for it to finish, then ask for the next one.")
            )
        plan_ids = plans_in_scope(actor, scope, start, end)
        if not plan_ids:
            raise BatchRefused(_("No reporting period of these students' plans ends between those dates."))
        batch = ReportBatch.objects.create(
            district_id=actor.district_id,
            requested_by=actor,
            school=scope.school,
            period_ending_from=start,
            period_ending_to=end,
            plan_ids=plan_ids,
        )
        transaction.on_commit(partial(enqueue, batch.pk))
    return batch


def enqueue(batch_id: uuid.UUID) -> None:
    try:
        result = build_report_batch.enqueue(str(batch_id))
    except Exception as exc:
        log_failure(batch_id, exc)
        fail(batch_id)
        return
    ReportBatch.objects.filter(pk=batch_id).update(task_id=str(result.id))


# ---- making it ------------------------------------------------------------------------------------------


def batch_pairs(batch: ReportBatch) -> list[tuple[Plan, ReportingPeriod]]:
    """Each plan of the batch with each of its periods ending in the range, by student then date."""
    plans = {
        str(plan.pk): plan
        for plan in Plan.objects.filter(pk__in=batch.plan_ids).select_related("student__school")
    }
    periods = ReportingPeriod.objects.filter(
        plan_id__in=list(plans),
        end_date__gte=batch.period_ending_from,
        end_date__lte=batch.period_ending_to,
    ).order_by("start_date", "end_date", "name")
    by_plan: dict[str, list[ReportingPeriod]] = {}
    for period in periods:
        by_plan.setdefault(str(period.plan_id), []).append(period)
    return [(plans[pk], period) for pk in batch.plan_ids if pk in plans for period in by_plan.get(pk, [])]


# Each report is two steps of the progress bar: laid out (data, graphs, layout), then drawn into its
# PDF; drawing the graphs is about as long as the rest, and happens only while writing.
STEPS_PER_REPORT = 2


def make_batch(batch: ReportBatch) -> None:
    pairs = batch_pairs(batch)
    total = len(pairs) * STEPS_PER_REPORT
    ReportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, total=total, done=0)
    if not pairs:
        fail(batch.pk, _("No reporting period of these students' plans ends between those dates any more."))
        return
    combined = pdf.CombinedPDF(batch_title(batch), translation.get_language() or settings.LANGUAGE_CODE)
    for number, report in enumerate(reports.reports_for(pairs)):
        steps = number * STEPS_PER_REPORT
        combined.append(pdf.report_pdf(report, partial(advance, batch.pk, steps + 1)))
        advance(batch.pk, steps + 2)
    ReportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.DONE, pdf=combined.write(), error="", finished_at=timezone.now()
    )


def advance(batch_id: uuid.UUID, done: int) -> None:
    ReportBatch.objects.filter(pk=batch_id).update(done=done)


def batch_title(batch: ReportBatch) -> str:
    """The PDF's title: which reports it holds, never a student's name."""
    words = {
        "start": formats.date_format(batch.period_ending_from),
        "end": formats.date_format(batch.period_ending_to),
    }
    if batch.school is None:
        return _("Progress reports, caseload, periods ending %(start)s to %(end)s") % words
    return _("Progress reports, %(school)s, periods ending %(start)s to %(end)s") % {
        **words,
        "school": batch.school.name,
    }


def reports_in(batch: ReportBatch) -> int:
    """How many reports the batch holds (its progress counts two steps for each)."""
    return batch.total // STEPS_PER_REPORT


def percent_done(batch: ReportBatch) -> int:
    return round(100 * batch.done / batch.total) if batch.total else 0


def run_batch(batch_id: uuid.UUID) -> BatchStatus | None:
    """The task's work, callable directly (tests, benchmarks). A finished batch is left alone."""
    batch = ReportBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        logger.warning("Report batch %s no longer exists", batch_id)
        return None
    if batch.status not in UNFINISHED:
        return BatchStatus(batch.status)
    try:
        make_batch(batch)
    except Exception as exc:
        log_failure(batch_id, exc)
        fail(batch_id)
    return BatchStatus(ReportBatch.objects.values_list("status", flat=True).get(pk=batch_id))


def log_failure(batch_id: uuid.UUID, exc: BaseException) -> None:
    """The exception's type and where it happened; not its message, which may quote student data."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("Report batch %s failed: %s\n%s", batch_id, type(exc).__name__, frames)


def fail(batch_id: uuid.UUID, message: str = "") -> None:
    ReportBatch.objects.filter(pk=batch_id).update(
        status=BatchStatus.FAILED,
        error=message
        or _("The reports could not be made. Try again; if it fails again, tell Paradesk support."),
        finished_at=timezone.now(),
    )


@task()
def build_report_batch(batch_id: str) -> str:
    """Make one report batch (its id as text: task arguments are JSON)."""
    status = run_batch(uuid.UUID(batch_id))
    return str(status or "")


def student_ids(batch: ReportBatch) -> list[uuid.UUID]:
    return list(
        Plan.objects.filter(pk__in=batch.plan_ids).values_list("student_id", flat=True).distinct().order_by()
    )
