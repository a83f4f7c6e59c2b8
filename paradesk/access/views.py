"""A student's access history and record export (administrators), and a person's own API tokens."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from paradesk.access import actions, audit
from paradesk.access.forms import ApiTokenForm
from paradesk.access.helpers import access_own_link, access_student
from paradesk.access.models import DEFAULT_TOKEN_DAYS, ApiToken, AuditAction, AuditEntry
from paradesk.access.policy import Action
from paradesk.access.record import gather_record, school_time_zone
from paradesk.access.record_history import access_line, roles_of
from paradesk.access.record_pdf import record_pdf
from paradesk.access.requests import StaffRequest
from paradesk.people.models import Student, today

ENTRIES_PER_PAGE = 50


def student_access_log(request: StaffRequest, student_id: object) -> HttpResponse:
    """Who saw and changed the student's records, newest first. Reading it is itself recorded."""
    actor = request.user
    student, _standings = access_student(actor, student_id, Action.VIEW_ACCESS_LOG)
    audit.record(
        actor=actor,
        action=AuditAction.VIEW,
        obj=student,
        object_type="student.access_log",
        student_id=student.id,
    )
    entries = (
        AuditEntry.objects.for_student(student.id)
        .filter(district_id=student.district_id)
        .select_related("actor")
        .order_by("-at", "-id")
    )
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    tz = school_time_zone(student)
    roles = roles_of(student, {entry.actor_id for entry in page.object_list if entry.actor_id is not None})
    lines = [(entry, access_line(entry, tz, roles)) for entry in page.object_list]
    context = {"student": student, "page": page, "lines": lines, "time_zone": tz.key}
    template = "access/access_log.html#log-table" if request.htmx else "access/access_log.html"
    return render(request, template, context)


def export_filename(local_id: str, extension: str = "html") -> str:
    """The local id with anything a file system might object to replaced, and today's date."""
    safe_id = re.sub(r"[^A-Za-z0-9_-]", "_", local_id) or "student"
    return f"student-record-{safe_id}-{today().isoformat()}.{extension}"


def exported_record(request: StaffRequest, student_id: object) -> tuple[Student, str]:
    """The complete record as HTML, after checking the export is allowed and auditing it."""
    actor = request.user
    student, _standings = access_student(actor, student_id, Action.EXPORT_RECORD)
    audit.record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=student,
        object_type="student.record",
        student_id=student.id,
    )
    return student, render_to_string("access/record_export.html", {"record": gather_record(student)})


def download(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store, private"
    return response


def student_record_export(request: StaffRequest, student_id: object) -> HttpResponse:
    """The student's complete record with its access history, as one self-contained HTML file a
    parent can read (FERPA 99.10, IDEA 300.613)."""
    student, html = exported_record(request, student_id)
    return download(html, "text/html; charset=utf-8", export_filename(student.local_id))


def student_record_export_pdf(request: StaffRequest, student_id: object) -> HttpResponse:
    """The same complete record as a PDF, printed from the same page."""
    student, html = exported_record(request, student_id)
    return download(record_pdf(html), "application/pdf", export_filename(student.local_id, "pdf"))


def api_tokens(request: StaffRequest) -> HttpResponse:
    """The person's own API tokens; a new token's raw value is shown in this response only."""
    actor = request.user
    form = ApiTokenForm(request.POST or None)
    new_token, raw_token = None, None
    if request.method == "POST" and form.is_valid():
        new_token, raw_token = actions.issue_api_token(
            actor=actor, name=form.cleaned_data["name"], days=form.cleaned_data["days"] or DEFAULT_TOKEN_DAYS
        )
        form = ApiTokenForm()
    tokens = ApiToken.objects.filter(staff=actor).order_by("-created_at")
    context = {"form": form, "tokens": tokens, "new_token": new_token, "raw_token": raw_token}
    response = render(request, "access/api_tokens.html", context)
    if raw_token is not None:
        response["Cache-Control"] = "no-store, private"
    return response


@require_POST
def api_token_revoke(request: StaffRequest, token_id: object) -> HttpResponse:
    """Revoke one of the person's own tokens; anyone else's is not found."""
    actor = request.user
    token = access_own_link(actor, ApiToken, token_id)
    actions.revoke_api_token(actor=actor, token=token)
    messages.success(request, _("Token revoked. Programs using it can no longer sign in with it."))
    return redirect("api_tokens")
