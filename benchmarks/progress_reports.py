"""Progress reports as PDF: one student's report, and a batch of 200 reports made by the task
(paradesk/progress/tasks.py run_batch, the function the background worker calls) into one PDF.

Builds a 200-student scale district (paradesk/demo/districts.py, each student an active IEP of 3-6 goals with
a measure each) in a throwaway SQLite database and records 8 weeks of invented sessions
(paradesk/demo/recording.py); the reports are for the reporting period that contains today.

Floors, in the same process:
- "WeasyPrint only": the same report's HTML, already rendered with its graphs already drawn,
  turned into a PDF: no database, no analysis, no matplotlib. What is left above it is ours. For
  the batch, the same on a sample of 20 of the batch's own reports (they have 3-6 measures each).
- "bare page": a one-line HTML page to PDF, WeasyPrint's fixed cost per document.
Wall time on a shared machine varies with its load; the batch also prints its CPU time.

Memory: the process's peak resident size just before the batch and after it; the growth is what the
batch needed at most. Each report's layout is dropped once it is written to PDF; what still grows
with the batch is pypdf's writer, which holds every appended report until the one PDF is written.

Run: .venv/bin/python benchmarks/progress_reports.py
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from _common import with_django

STUDENTS = 200
REPEATS = 7
SAMPLE = 20

if TYPE_CHECKING:
    from paradesk.plans.models import Plan, ReportingPeriod


def missing() -> str | None:
    import importlib.util

    for module in ("paradesk.progress.reports", "paradesk.progress.pdf", "paradesk.progress.tasks"):
        if importlib.util.find_spec(module) is None:
            return f"{module} does not exist yet, so there is nothing to measure."
    return None


@dataclass(frozen=True)
class Timing:
    wall: float  # seconds, median
    cpu: float  # this process's CPU seconds, median: steadier than wall time on a shared machine

    def over(self, floor: Timing) -> str:
        return f"{self.wall / floor.wall:.2f}x floor by wall time, {self.cpu / floor.cpu:.2f}x by CPU"


def timed(action: Callable[[], object], times: int = REPEATS) -> Timing:
    action()  # warm: fonts, templates, stylesheet
    walls, cpus = [], []
    for _ in range(times):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return Timing(statistics.median(walls), statistics.median(cpus))


def peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def page_count(pdfinfo: bytes) -> str:
    found = re.search(rb"^Pages:\s+(\d+)", pdfinfo, re.MULTILINE)
    return found.group(1).decode() if found else "?"


def current_pairs() -> list[tuple[Plan, ReportingPeriod]]:
    """Each active plan of the scale district with its reporting period that contains today."""
    from django.utils import timezone

    from paradesk.demo import scale_district_id
    from paradesk.plans.models import Plan, ReportingPeriod

    today = timezone.localdate()
    plans = (
        Plan.objects.active()
        .filter(district_id=scale_district_id(STUDENTS))
        .select_related("student__school")
    )
    periods = {
        period.plan_id: period
        for period in ReportingPeriod.objects.filter(
            plan__in=plans, start_date__lte=today, end_date__gte=today
        )
    }
    return [
        (plan, periods[plan.pk]) for plan in plans.order_by("student__last_name", "id") if plan.pk in periods
    ]


def run() -> int:
    absent = missing()
    if absent:
        print(f"progress_reports: FAILED. {absent}", file=sys.stderr)
        return 2
    return measure_reports()


def measure_reports() -> int:
    """One report and the batch, each against its floor (see the module docstring)."""
    from paradesk.demo import build_scale
    from paradesk.demo.recording import record_demo_history
    from paradesk.people.models import Staff
    from paradesk.progress import pdf, reports, tasks
    from paradesk.progress.models import BatchStatus, ReportBatch

    started = time.perf_counter()
    result = build_scale(STUDENTS)
    district = result.district
    observations = record_demo_history(district)
    print(
        f"built {STUDENTS} students and {observations} observations in {time.perf_counter() - started:.1f} s"
    )

    pairs = current_pairs()
    if len(pairs) < STUDENTS:
        print(f"progress_reports: FAILED. Only {len(pairs)} plans have a period containing today.")
        return 1
    plan, period = pairs[0]
    measures = len(reports.measures_of([plan]))

    one = timed(lambda: pdf.report_pdf(reports.report_for(plan, period)))
    report = reports.report_for(plan, period)
    data_only = timed(lambda: reports.report_for(plan, period))
    graphs = timed(lambda: pdf.printed(report))
    html = pdf.report_html(report)
    floor = timed(lambda: pdf.write(pdf.printer().document(html)))
    bare = timed(lambda: pdf.write(pdf.printer().document("<p>Progress report</p>")))
    pages = len(pdf.printer().document(html).pages)
    print(
        f"one report ({measures} measures, {pages} pages): {one.wall:.3f} s ({one.cpu:.3f} s CPU) = "
        f"{one.over(floor)} (WeasyPrint only, same HTML: {floor.wall:.3f} s, {floor.cpu:.3f} s CPU); "
        f"bare one-page PDF {bare.wall:.3f} s; of which data and analysis {data_only.cpu:.3f} s CPU, "
        f"graphs and words {graphs.cpu:.3f} s CPU"
    )

    # The batch's floor: WeasyPrint alone on a sample of the batch's own reports (HTML made first).
    sample = [pdf.report_html(found) for found in reports.reports_for(pairs[:SAMPLE])]
    wall, cpu = time.perf_counter(), time.process_time()
    for page in sample:
        pdf.write(pdf.printer().document(page))
    batch_floor = Timing(
        (time.perf_counter() - wall) / len(sample), (time.process_time() - cpu) / len(sample)
    )

    requester = Staff.objects.filter(district=district, is_active=True).first()
    assert requester is not None
    batch = ReportBatch.objects.create(
        district=district,
        requested_by=requester,
        period_ending_from=period.end_date,
        period_ending_to=period.end_date,
        plan_ids=[str(p.pk) for p, _period in pairs[:STUDENTS]],
    )
    sampled = len(sample)
    del sample  # its HTML is not the batch's to hold
    before = peak_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    status = tasks.run_batch(batch.pk)
    per_report = Timing((time.perf_counter() - wall) / STUDENTS, (time.process_time() - cpu) / STUDENTS)
    batch.refresh_from_db()
    if status != BatchStatus.DONE or tasks.reports_in(batch) != STUDENTS:
        print(f"progress_reports: FAILED. The batch ended {status}: {batch.error}")
        return 1
    data = bytes(batch.pdf or b"")
    size = len(data)
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout
    print(
        f"batch of {STUDENTS} reports: {per_report.wall * STUDENTS:.1f} s "
        f"({per_report.cpu * STUDENTS:.1f} s CPU), "
        f"{per_report.wall:.3f} s per report ({per_report.cpu:.3f} s CPU) = {per_report.over(batch_floor)} "
        f"(WeasyPrint only on {sampled} of its reports: {batch_floor.wall:.3f} s, "
        f"{batch_floor.cpu:.3f} s CPU each); one PDF of {size / 1e6:.1f} MB, {page_count(info)} pages; "
        f"peak memory {before:.0f} MB before the batch, {peak_mb():.0f} MB after"
    )
    return 0


if __name__ == "__main__":
    sys.exit(with_django(run))
