"""Recording pages. Every read goes through paradesk.access, every write through actions."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from paradesk.access import audit
from paradesk.access.helpers import access_plan_item, access_record, access_student
from paradesk.access.models import AuditAction
from paradesk.access.policy import Action, Standing, allowed
from paradesk.access.record import school_time_zone
from paradesk.access.requests import StaffRequest
from paradesk.people.models import today
from paradesk.plans.models import Measure
from paradesk.recording import actions, raw_data
from paradesk.recording.forms import VoidForm
from paradesk.recording.models import Record, record_kind
from paradesk.recording.today import today_data, today_for

# Raw data, corrections and voids: the teacher's view of what was recorded -----------------------------


def void_form(record: Record, data: Any = None) -> VoidForm:
    """Each row's form gets its own field ids, so labels and errors point at the right field."""
    return VoidForm(data, auto_id=f"void-{record.pk}-%s")


def offer_void(rows: list[raw_data.RecordRow], standings: frozenset[Standing]) -> None:
    """A void form on every record that still counts, for those who may void."""
    if not allowed(standings, Action.VOID_DATA):
        return
    for row in rows:
        if row.record.is_current:
            row.void_form = void_form(row.record)


def measure_data(request: StaffRequest, measure_id: uuid.UUID) -> HttpResponse:
    """Every observation of a measure (and of the measures it was carried from in earlier plan
    versions), newest first, with corrections and voids in plain sight."""
    staff = request.user
    measure, standings = access_plan_item(staff, Measure, measure_id, Action.VIEW_RECORD)
    student = measure.plan.student
    audit.record_view(staff, measure, student.id)
    lineage = raw_data.measure_lineage(measure)
    found = raw_data.listing(
        "observation", _("Observations"), raw_data.observations_of(lineage), request.GET.get("page")
    )
    offer_void(found.rows, standings)
    context = {
        "measure": measure,
        "student": student,
        "listing": found,
        "earlier_versions": len(lineage) > 1,
        "time_zone": school_time_zone(student).key,
        "can_void": allowed(standings, Action.VOID_DATA),
    }
    template = "recording/measure_data.html"
    return render(request, f"{template}#observations" if request.htmx else template, context)


class Echo:
    """A file that hands back what is written to it, so csv.writer can feed a streamed response."""

    def write(self, value: str) -> str:
        return value


def csv_filename(local_id: str, measure: Measure) -> str:
    """The student's local id (never the name), the measure's short id, today's date."""
    safe_id = re.sub(r"[^A-Za-z0-9_-]", "_", local_id) or "student"
    return f"measure-data-{safe_id}-{measure.pk.hex[:8]}-{today().isoformat()}.csv"


def measure_data_csv(request: StaffRequest, measure_id: uuid.UUID) -> StreamingHttpResponse:
    """The same observations, every version of every record, as CSV for a spreadsheet."""
    staff = request.user
    measure, _standings = access_plan_item(staff, Measure, measure_id, Action.VIEW_RECORD)
    student = measure.plan.student
    audit.record(actor=staff, action=AuditAction.EXPORT, obj=measure, student_id=student.id)
    observations = raw_data.observations_of(raw_data.measure_lineage(measure))
    writer = csv.writer(Echo())
    rows = raw_data.csv_rows(observations, school_time_zone(student))
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in rows), content_type="text/csv; charset=utf-8"
    )
    filename = csv_filename(student.local_id, measure)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store, private"
    return response


def student_data(request: StaffRequest, student_id: uuid.UUID) -> HttpResponse:
    """The student's other records (incidents, logs, notes), newest first: one page of each kind, or
    every page of one kind with ?kind=."""
    staff = request.user
    student, standings = access_student(staff, student_id, Action.VIEW_RECORD)
    audit.record(
        actor=staff,
        action=AuditAction.VIEW,
        obj=student,
        object_type="recording.raw_data",
        student_id=student.id,
    )
    chosen = request.GET.get("kind", "")
    one_kind = chosen in raw_data.STUDENT_KINDS
    kinds = [raw_data.STUDENT_KINDS[chosen]] if one_kind else list(raw_data.STUDENT_KINDS.values())
    page_number = request.GET.get("page") if one_kind else 1
    listings = [
        raw_data.listing(kind.key, kind.title, kind.records(student.id), page_number) for kind in kinds
    ]
    for found in listings:
        offer_void(found.rows, standings)
    context = {
        "student": student,
        "listings": listings,
        "kinds": raw_data.STUDENT_KINDS.values(),
        "chosen": chosen if one_kind else "",
        "time_zone": school_time_zone(student).key,
        "can_void": allowed(standings, Action.VOID_DATA),
    }
    return render(request, "recording/student_data.html", context)


def back_to(record: Record) -> str:
    """The page the record is listed on."""
    kind = record_kind(record)
    if kind == "observation":
        return reverse("measure_data", args=[record.measure_id])  # type: ignore[attr-defined]
    url = reverse("student_data", args=[record.student_id])
    return f"{url}?kind={kind}" if kind in raw_data.STUDENT_KINDS else url


ROW_TEMPLATES = {"observation": "recording/measure_data.html#observation-row"}
RECORD_ROW = "recording/student_data.html#record-row"


def record_row(
    request: StaffRequest, record: Record, form: VoidForm | None, error: str = "", status: int = 200
) -> HttpResponse:
    """One record's row, as its page shows it, for htmx to swap in place."""
    kind = record_kind(record)
    row = raw_data.row_of(kind, actions.record_history(record))
    row.void_form = form if row.record.is_current else None
    context = {"row": row, "row_error": error, "time_zone": school_time_zone(record.student).key}
    return render(request, ROW_TEMPLATES.get(kind, RECORD_ROW), context, status=status)


@require_POST
def record_void(request: StaffRequest, record_id: uuid.UUID) -> HttpResponse:
    """Void one record with a reason; it stays on every page, greyed, with who voided it and why."""
    staff = request.user
    record, _standings = access_record(staff, record_id, Action.VOID_DATA, request.POST.get("kind") or None)
    form = void_form(record, request.POST)
    if form.is_valid():
        try:
            voided = actions.void_record(actor=staff, record=record, reason=form.cleaned_data["reason"])
        except actions.AlreadyVoided as exc:
            return refused(request, record, form, " ".join(exc.messages))
        except ValidationError as exc:
            form.add_error("reason", exc.messages)
        else:
            if request.htmx:
                return record_row(request, voided, None)
            messages.success(request, _("Record voided. It stays listed, greyed, with your reason."))
            return redirect(back_to(voided))
    if request.htmx:
        return record_row(request, record, form)
    return void_page(request, record, form)


def refused(request: StaffRequest, record: Record, form: VoidForm, message: str) -> HttpResponse:
    """Voiding twice changes nothing: htmx gets the row as it stands (htmx swaps only a 2xx), a
    browser a 409 page saying why."""
    record.refresh_from_db()
    if request.htmx:
        return record_row(request, record, None, error=message)
    form.add_error(None, message)
    return void_page(request, record, form, status=409)


def void_page(request: StaffRequest, record: Record, form: VoidForm, status: int = 200) -> HttpResponse:
    """The void form alone, its messages beside the field (a browser without htmx)."""
    context = {
        "record": record,
        "form": form,
        "back": back_to(record),
        "time_zone": school_time_zone(record.student).key,
    }
    return render(request, "recording/void_form.html", context, status=status)


# The para's Today page and the service worker (offline recording) ------------------------------------

# Sheets Today can hold, by kind (docs/architecture.md#the-offline-client); a kind is offered once its
# template exists, so the page works while sheets are still being added.
SHEET_KINDS = (
    "trials",
    "task_analysis",
    "count",
    "rate",
    "duration",
    "latency",
    "irt",
    "partial_interval",
    "whole_interval",
    "momentary",
    "rating",
    "permanent_product",
    "abc_incident",
    "accommodation_delivery",
    "service_log",
    "care_log",
    "note",
)
# Sheets opened from a student rather than a measure, with their button's words.
QUICK_SHEETS = {
    "abc_incident": gettext_lazy("ABC incident"),
    "accommodation_delivery": gettext_lazy("Accommodation given"),
    "service_log": gettext_lazy("Service minutes"),
    "care_log": gettext_lazy("Personal care"),
    "note": gettext_lazy("Note to the teacher"),
}
SERVICE_WORKER = Path(__file__).resolve().parent / "static" / "recording" / "sw.js"
SHELL_FILES = (
    "web/paradesk.css",
    "vendor/htmx-2.0.11.min.js",
    "vendor/alpinejs-csp-3.17.4.min.js",
    "vendor/dexie-4.4.7.min.js",
    "recording/store.js",
    "recording/today.js",
    "recording/sheets.js",
    "recording/interval-timer.js",
    "recording/sheets-more.js",
)


def sheet_template(kind: str) -> str:
    return f"recording/sheets/_{kind}.html"


def available_sheets() -> list[tuple[str, str]]:
    """(kind, template) of every sheet whose template exists."""
    found = []
    for kind in SHEET_KINDS:
        try:
            get_template(sheet_template(kind))
        except TemplateDoesNotExist:
            continue
        found.append((kind, sheet_template(kind)))
    return found


# The sheets' markup depends only on the language: rendered once per language (about half the page's
# server time when rendered on every request, measured by benchmarks/today_page.py).
_SHEETS_HTML: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}


def sheets_html(sheets: list[tuple[str, str]]) -> str:
    key = (get_language() or "", tuple(sheets))
    html = _SHEETS_HTML.get(key)
    if html is None:
        html = render_to_string("recording/_sheets.html", {"sheets": sheets})
        if not settings.DEBUG:
            _SHEETS_HTML[key] = html
    return mark_safe(html)  # noqa: S308 - our own templates, rendered with autoescaping


def today_labels() -> dict[str, Any]:
    """The words today.js and the sheets show, translated here so the scripts need no catalog."""
    return {
        "text": {
            "recorded_today": _("Recorded today: %(n)s"),
            "status_saved": _("All saved"),
            "status_waiting": _("%(n)s waiting to be saved to the server"),
            "status_offline": _("Offline: %(n)s waiting, kept on this device"),
            "status_syncing": _("Saving %(n)s to the server…"),
            "status_signed_out": _("%(n)s waiting: sign in again to send them"),
            "status_rejected": _("%(n)s refused by the server: see below"),
            "last_synced": _("last saved to the server at %(time)s"),
            "state_waiting": _("Waiting"),
            "state_synced": _("Saved"),
            "state_rejected": _("Refused"),
            "summary_trials": _("%(n)s trials, %(figure)s: %(percent)s"),
            "summary_steps": _("%(n)s of %(total)s steps, %(figure)s: %(percent)s"),
            "summary_events": _("%(n)s times"),
            "summary_event": _("%(n)s time"),
            "time_one": _("time"),
            "time_other": _("times"),
            "correct_per_minute": _("correct per minute"),
            "incorrect_per_minute": _("incorrect per minute"),
            "correct_per_hour": _("correct per hour"),
            "incorrect_per_hour": _("incorrect per hour"),
            "unit_min": _("min"),
            "unit_s": _("s"),
            "percent_correct": _("% correct"),
            "percent_steps": _("% of steps independent"),
            "summary_rate": _("%(n)s correct, %(incorrect)s incorrect in %(time)s"),
            "summary_duration": _("%(n)s episodes, %(time)s in all"),
            "summary_latency": _("%(n)s trials"),
            "kind_observation": _("Observation"),
            "discard_confirm": _("Throw away this unfinished sheet? Its taps are lost."),
            "correct": _("Correct"),
            "incorrect": _("Incorrect"),
            "no_response": _("No response"),
        },
        "kinds": {
            "session": _("Session"),
            "observation": _("Observation"),
            "abc_incident": _("ABC incident"),
            "accommodation_delivery": _("Accommodation"),
            "service_log": _("Service minutes"),
            "care_log": _("Personal care"),
            "note": _("Note to the teacher"),
        },
        "levels": {
            "independent": _("Independent"),
            "gestural": _("Gestural"),
            "verbal": _("Verbal"),
            "model": _("Model"),
            "partial_physical": _("Partial physical"),
            "full_physical": _("Full physical"),
        },
    }


# Named today_page: `today` is the date helper this module already imports.
def today_page(request: StaffRequest) -> HttpResponse:
    """The person's day: today's blocks in time order with the students in each (or, without a
    schedule, the students she supports), the measures due, and one tap to a data sheet."""
    staff = request.user
    day = today_for(staff)
    audit.record_list_views(staff, [item.student for item in day.students])
    sheets = available_sheets()
    kinds = {kind for kind, _template in sheets}
    context = {
        "today": day,
        "today_data": today_data(
            day, sync_url=reverse("api:sync_records"), service_worker_url=reverse("service_worker")
        ),
        "labels": today_labels(),
        "sheets_html": sheets_html(sheets),
        "sheet_kinds": kinds,
        "quick_sheets": [(kind, QUICK_SHEETS[kind]) for kind, _template in sheets if kind in QUICK_SHEETS],
    }
    return render(request, "recording/today.html", context)


def service_worker_script() -> str:
    """sw.js with the app shell's static URLs and a version that changes with their content, so a
    new release replaces the cached shell. Made on each request (about a millisecond): the browser
    asks for it only when a page registers it or checks for an update."""
    paths = [name for name in SHELL_FILES if finders.find(name)]
    urls = [static(name) for name in paths]
    digest = hashlib.sha256(json.dumps(urls).encode())
    for name in paths:
        digest.update(Path(str(finders.find(name))).read_bytes())
    script = SERVICE_WORKER.read_text(encoding="utf-8")
    script = script.replace('const VERSION = "dev";', f'const VERSION = "{digest.hexdigest()[:12]}";', 1)
    signed_out = _(
        "Signed out on this device. Records waiting stay here and are sent the next time you sign in."
    )
    script = re.sub(
        r"const SIGNED_OUT_TEXT = .*;",
        lambda _m: f"const SIGNED_OUT_TEXT = {json.dumps(signed_out)};",
        script,
        count=1,
    )
    return script.replace("const SHELL = [];", f"const SHELL = {json.dumps(urls)};", 1)


@login_not_required
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from the site root so it may control every page (no student data)."""
    response = HttpResponse(service_worker_script(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
