"""Progress report pages: a plan's report for one reporting period (the teacher decides, readers
read), its PDF, and report batches for a caseload or a school.

Every read goes through paradesk.access and is audited; PDFs are audited as exports, a batch once
per student in it.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from paradesk.access import audit
from paradesk.access.helpers import access_plan, as_uuid
from paradesk.access.models import AuditAction
from paradesk.access.policy import Action, allowed, visible_students
from paradesk.access.requests import StaffRequest
from paradesk.people.district import in_district
from paradesk.people.models import Staff
from paradesk.plans.models import Plan, ReportingPeriod
from paradesk.progress import pdf, reports, tasks
from paradesk.progress.forms_reports import BatchForm, EntryForm
from paradesk.progress.models import BatchStatus, ReportBatch

INVALID = 422
RECENT_BATCHES = 10


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", text) or "student"


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store, private"
    return response


# ---- one plan, one reporting period ---------------------------------------------------------------


def period_of(plan: Plan, period_id: uuid.UUID) -> ReportingPeriod:
    """The reporting period, if it is this plan's (another plan's period is simply not found)."""
    periods = ReportingPeriod.objects.filter(pk=as_uuid(period_id), plan=plan)
    period = in_district(periods, plan.district_id).first()
    if period is None:
        raise Http404
    return period


def entry_forms(report: reports.Report, data: QueryDict | None = None) -> dict[uuid.UUID, EntryForm]:
    """A form per line, the teacher's decision or else the data's proposal chosen."""
    return {
        line.entry.pk: EntryForm(
            data,
            prefix=f"entry-{line.entry.pk}",
            initial={
                "descriptor": line.entry.descriptor or line.entry.proposed,
                "narrative": line.entry.narrative,
            },
        )
        for line in report.lines
    }


@require_http_methods(["GET", "POST"])
def progress_report(request: StaffRequest, plan_id: uuid.UUID, period_id: uuid.UUID) -> HttpResponse:
    """The plan's progress report for the period: each measure's data, the proposal and why, and
    the teacher's decision and narrative (read-only for those who may not decide)."""
    staff = request.user
    deciding = request.method == "POST"
    plan, standings = access_plan(staff, plan_id, Action.DECIDE_PROGRESS if deciding else Action.VIEW_RECORD)
    period = period_of(plan, period_id)
    report = reports.report_for(plan, period)
    can_decide = allowed(standings, Action.DECIDE_PROGRESS)
    forms = entry_forms(report, request.POST if deciding else None) if can_decide else {}
    if deciding:
        if all(form.is_valid() for form in forms.values()):
            reports.decide(actor=staff, student_id=plan.student_id, decisions=decisions_of(report, forms))
            messages.success(request, _("Progress report saved."))
            return redirect(request.path)
    else:
        audit.record_view(staff, period, plan.student_id)
    context = {
        "plan": plan,
        "student": plan.student,
        "period": period,
        "report": report,
        "sections": page_sections(report, forms),
        "has_errors": any(form.errors for form in forms.values()),
        "can_decide": can_decide,
    }
    status = INVALID if deciding else 200
    return render(request, "progress/report.html", context, status=status)


@dataclass
class PageLine:
    printed: pdf.PrintedLine
    form: EntryForm | None


@dataclass
class PageSection:
    section: reports.ReportSection
    lines: list[PageLine]


def page_sections(report: reports.Report, forms: dict[uuid.UUID, EntryForm]) -> list[PageSection]:
    """The report as printed (graphs, words), each line with its form for those who decide."""
    return [
        PageSection(
            printed.section, [PageLine(line, forms.get(line.line.entry.pk)) for line in printed.lines]
        )
        for printed in pdf.printed(report)
    ]


def decisions_of(report: reports.Report, forms: dict[uuid.UUID, EntryForm]) -> list[reports.Decision]:
    return [
        reports.Decision(
            entry=line.entry,
            descriptor=forms[line.entry.pk].cleaned_data["descriptor"],
            narrative=forms[line.entry.pk].cleaned_data["narrative"].strip(),
        )
        for line in report.lines
    ]


@require_GET
def progress_report_pdf(request: StaffRequest, plan_id: uuid.UUID, period_id: uuid.UUID) -> HttpResponse:
    """The report as PDF, for the family and the file (an export of the student's record)."""
    staff = request.user
    plan, _standings = access_plan(staff, plan_id, Action.VIEW_RECORD)
    period = period_of(plan, period_id)
    data = pdf.report_pdf(reports.report_for(plan, period))
    audit.record(actor=staff, action=AuditAction.EXPORT, obj=period, student_id=plan.student_id)
    filename = f"progress-report-{safe_name(plan.student.local_id)}-{period.end_date.isoformat()}.pdf"
    return pdf_response(data, filename)


# ---- batches --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownBatch:
    batch: ReportBatch
    reports: int
    percent: int


def shown(batch: ReportBatch) -> ShownBatch:
    return ShownBatch(batch, tasks.reports_in(batch), tasks.percent_done(batch))


def own_batch(staff: Staff, batch_id: uuid.UUID, *, with_pdf: bool = False) -> ReportBatch:
    """A batch is seen only by the person who asked for it; anyone else's is not found. The PDF
    (megabytes) is loaded only to be downloaded, not each second the bar is polled."""
    found = ReportBatch.objects.filter(pk=as_uuid(batch_id), requested_by=staff).select_related("school")
    batch = (found if with_pdf else found.defer("pdf")).first()
    if batch is None:
        raise Http404
    return batch


@require_http_methods(["GET", "POST"])
def report_batches(request: StaffRequest) -> HttpResponse:
    """Ask for the reports of a caseload or a school as one PDF; the person's recent batches."""
    staff = request.user
    scopes = tasks.scopes_of(staff)
    form = BatchForm(request.POST if request.method == "POST" else None, scopes=scopes)
    if request.method == "POST" and form.is_valid():
        try:
            scope = tasks.scope_of(staff, form.cleaned_data["scope"])
            batch = tasks.start_batch(
                actor=staff,
                scope=scope,
                start=form.cleaned_data["period_ending_from"],
                end=form.cleaned_data["period_ending_to"],
            )
        except LookupError:
            form.add_error("scope", _("Choose one of the listed options."))
        except tasks.BatchRefused as refused:
            form.add_error(None, refused.message)
        else:
            return redirect("report_batch", batch_id=batch.pk)
    context = {
        "form": form,
        "scopes": scopes,
        "batches": [
            shown(batch)
            for batch in ReportBatch.objects.filter(requested_by=staff)
            .select_related("school")
            .defer("pdf")[:RECENT_BATCHES]
        ],
    }
    status = INVALID if request.method == "POST" else 200
    return render(request, "progress/report_batches.html", context, status=status)


@require_GET
def report_batch(request: StaffRequest, batch_id: uuid.UUID) -> HttpResponse:
    """The batch's progress bar (htmx polls it every second while it runs), then its download."""
    batch = own_batch(request.user, batch_id)
    context = {"shown": shown(batch), "batch": batch, "running": batch.status in tasks.UNFINISHED}
    template = "progress/report_batch.html"
    return render(request, f"{template}#status" if request.htmx else template, context)


@require_GET
def report_batch_pdf(request: StaffRequest, batch_id: uuid.UUID) -> HttpResponse:
    """The batch's one PDF, audited as an export of each student's record in it."""
    staff = request.user
    batch = own_batch(staff, batch_id, with_pdf=True)
    if batch.status != BatchStatus.DONE or not batch.pdf:
        return redirect("report_batch", batch_id=batch.pk)
    students = tasks.student_ids(batch)
    if visible_students(staff).filter(pk__in=students).count() != len(students):
        context = {"shown": shown(batch), "batch": batch, "running": False, "no_longer_yours": True}
        return render(request, "progress/report_batch.html", context, status=403)
    with transaction.atomic():
        for student_id in students:
            audit.record(actor=staff, action=AuditAction.EXPORT, obj=batch, student_id=student_id)
    filename = (
        f"progress-reports-{batch.period_ending_from.isoformat()}-{batch.period_ending_to.isoformat()}.pdf"
    )
    return pdf_response(bytes(batch.pdf), filename)
