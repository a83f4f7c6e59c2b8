"""Report batches: whose reports a person may ask for, the task that makes them into one PDF (run
directly, and once through the database task backend and its worker), the progress bar, the
download, and who may see a batch."""

from __future__ import annotations

import datetime
import io
import logging
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from paradesk.access.models import AuditAction, AuditEntry
from paradesk.people.models import Assignment, TeamRole
from paradesk.plans.models import Plan, ReportingPeriod
from paradesk.progress import pdf, reports, tasks
from paradesk.progress.models import BatchStatus, ProgressEntry, ReportBatch
from paradesk.progress.tests.test_reports import record, set_target, with_four
from paradesk.testing import (
    AssignmentFactory,
    GoalFactory,
    MeasureFactory,
    Personas,
    PlanFactory,
    StudentFactory,
    signed_in,
)

pytestmark = pytest.mark.django_db

D = datetime.date
NOVEMBER = (D(2026, 11, 1), D(2026, 11, 30))  # Quarter 1 ends 10 November 2026


def second_student(personas: Personas) -> Plan:
    """Another student on the case manager's caseload at the same school, with an IEP whose one goal
    has data in Quarter 1."""
    student = StudentFactory.create(school=personas.school, first_name="Ada", last_name="Aardvark")
    AssignmentFactory.create(student=student, staff=personas.case_manager, team_role=TeamRole.CASE_MANAGER)
    plan = PlanFactory.create(student=student, created_by=personas.case_manager)
    measure = set_target(
        MeasureFactory.create(goal=GoalFactory.create(plan=plan, text="Ada will add within 20."))
    )
    ReportingPeriod.objects.create(
        district=personas.district,
        plan=plan,
        name="Quarter 1",
        start_date=plan.start_date,
        end_date=D(2026, 11, 10),
    )
    days = [D(2026, 10, day) for day in (5, 6, 7, 12, 13, 14, 15)]
    record(
        measure,
        list(zip(days, [40.0, 42.0, 41.0, 50.0, 55.0, 60.0, 65.0], strict=True)),
        personas.assigned_para.pk,
    )
    return plan


def caseload_batch(personas: Personas, dates: tuple[datetime.date, datetime.date] = NOVEMBER) -> ReportBatch:
    return tasks.start_batch(
        actor=personas.case_manager, scope=tasks.Scope(None), start=dates[0], end=dates[1]
    )


def pdf_text(data: bytes, tmp_path: Path, page: int | None = None) -> str:
    """The PDF's words (of one page, counted from 1, when given), read back with poppler."""
    path = tmp_path / "batch.pdf"
    path.write_bytes(data)
    pages = [] if page is None else ["-f", str(page), "-l", str(page)]
    found = subprocess.run(
        ["pdftotext", *pages, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(found.split())


def pdf_info(data: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(data)
    found = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return {key: value.strip() for key, _, value in (line.partition(":") for line in found.splitlines())}


# ---- whose reports ----------------------------------------------------------------------------------------


def test_each_person_may_ask_for_their_caseload_or_their_schools(personas: Personas) -> None:
    school = (f"school:{personas.school.pk}", personas.school.name)
    other = (f"school:{personas.other_school.pk}", personas.other_school.name)
    assert tasks.scopes_of(personas.case_manager) == [("caseload", "My caseload")]
    assert tasks.scopes_of(personas.provider) == [("caseload", "My caseload")]
    assert tasks.scopes_of(personas.assigned_para) == []
    assert tasks.scopes_of(personas.gen_ed_teacher) == []
    assert tasks.scopes_of(personas.school_admin) == [school]
    assert tasks.scopes_of(personas.other_school_admin) == [other]
    assert sorted(tasks.scopes_of(personas.district_admin)) == sorted([school, other])
    assert tasks.scopes_of(personas.other_district_admin) == []


def test_a_school_outside_ones_own_cannot_be_named(personas: Personas) -> None:
    with pytest.raises(LookupError):
        tasks.scope_of(personas.other_school_admin, f"school:{personas.school.pk}")
    with pytest.raises(LookupError):
        tasks.scope_of(personas.school_admin, "school:not-an-id")
    assert tasks.scope_of(personas.district_admin, f"school:{personas.school.pk}").school == personas.school


def test_plans_are_those_with_a_period_ending_in_the_dates(personas: Personas) -> None:
    plan = second_student(personas)
    caseload, school = tasks.Scope(None), tasks.Scope(personas.school)
    wanted = [str(plan.pk), str(personas.plan.pk)]  # by student's last name: Aardvark, Quillfeather
    assert tasks.plans_in_scope(personas.case_manager, caseload, *NOVEMBER) == wanted
    assert tasks.plans_in_scope(personas.school_admin, school, *NOVEMBER) == wanted
    assert tasks.plans_in_scope(personas.provider, caseload, *NOVEMBER) == [str(personas.plan.pk)]
    assert tasks.plans_in_scope(personas.case_manager, caseload, D(2026, 12, 1), D(2026, 12, 31)) == []


# ---- making a batch ----------------------------------------------------------------------------------


def test_the_task_makes_one_pdf_with_every_students_report(
    personas: Personas, tmp_path: Path, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    second_student(personas)
    with_four(personas, [29, 33, 31, 35])
    with django_capture_on_commit_callbacks(execute=False):
        batch = caseload_batch(personas)
    assert tasks.run_batch(batch.pk) == BatchStatus.DONE
    batch.refresh_from_db()
    assert (batch.status, batch.total, batch.done, batch.error) == (BatchStatus.DONE, 4, 4, "")
    assert batch.finished_at is not None
    text = pdf_text(bytes(batch.pdf or b""), tmp_path)
    assert text.index("Ada Aardvark") < text.index("Zebulon Quillfeather")
    assert "Ada will add within 20." in text
    assert personas.goal.text[:40] in text
    assert "Current level 33% (median of the last 3 sessions" in text
    assert ProgressEntry.objects.filter(period__plan__in=[personas.plan]).count() == 2


def test_each_report_starts_a_page_and_counts_its_own_pages(
    personas: Personas, tmp_path: Path, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    """The batch is the students' reports one after the other, page for page as each prints alone:
    each starts on a new page that says "Page 1 of" its own length, with the confidentiality notice."""
    plan = second_student(personas)
    with_four(personas, [29, 33, 31, 35])
    with django_capture_on_commit_callbacks(execute=False):
        batch = caseload_batch(personas)
    tasks.run_batch(batch.pk)
    joined = bytes(ReportBatch.objects.get(pk=batch.pk).pdf or b"")
    alone = [
        pdf.report_pdf(reports.report_for(one, ReportingPeriod.objects.get(plan=one, name="Quarter 1")))
        for one in (plan, personas.plan)
    ]
    lengths = [int(pdf_info(data, tmp_path)["Pages"]) for data in alone]
    assert lengths[1] >= 2  # the persona's plan has goals enough for a second page
    info = pdf_info(joined, tmp_path)
    assert int(info["Pages"]) == sum(lengths)
    assert info["Title"] == "Progress reports, caseload, periods ending Nov. 1, 2026 to Nov. 30, 2026"
    firsts = [1, 1 + lengths[0]]
    for first, length, student in zip(firsts, lengths, [plan.student, personas.student], strict=True):
        page = pdf_text(joined, tmp_path, first)
        assert student.display_name in page
        assert "Confidential student record (FERPA)" in page
        assert f"Page 1 of {length}" in page
    assert f"Page {lengths[0]} of {lengths[0]}" in pdf_text(joined, tmp_path, lengths[0])
    assert f"Page 2 of {lengths[1]}" in pdf_text(joined, tmp_path, firsts[1] + 1)
    outline = [item.title for item in PdfReader(io.BytesIO(joined)).outline if not isinstance(item, list)]
    assert outline == [plan.student.display_name, personas.student.display_name]


def test_the_progress_moves_as_each_report_is_laid_out_then_drawn(
    personas: Personas,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Two reports, two steps each: the first laid out (1 of 4), drawn into its PDF (2 of 4), then
    the second (3, 4 of 4)."""
    second_student(personas)
    with django_capture_on_commit_callbacks(execute=False):
        batch = caseload_batch(personas)
    seen: list[tuple[str, str, int, int]] = []

    def now(step: str) -> None:
        found = ReportBatch.objects.get(pk=batch.pk)
        seen.append((step, found.status, found.done, found.total))

    render, draw = pdf.report_document, pdf.write

    def laid_out(report: Any) -> Any:
        now("lay out")
        return render(report)

    def drawn(document: Any) -> bytes:
        now("draw")
        return draw(document)

    monkeypatch.setattr(pdf, "report_document", laid_out)
    monkeypatch.setattr(pdf, "write", drawn)
    tasks.run_batch(batch.pk)
    assert seen == [
        ("lay out", "running", 0, 4),
        ("draw", "running", 1, 4),
        ("lay out", "running", 2, 4),
        ("draw", "running", 3, 4),
    ]
    assert ReportBatch.objects.get(pk=batch.pk).done == 4


def test_a_failure_is_a_plain_message_and_the_log_names_no_student(
    personas: Personas,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        batch = caseload_batch(personas)

    def broken(report: Any) -> Any:
        raise ValueError(f"cannot draw {report.student.display_name}")

    monkeypatch.setattr(pdf, "report_document", broken)
    with caplog.at_level(logging.ERROR, logger="paradesk.progress.tasks"):
        assert tasks.run_batch(batch.pk) == BatchStatus.FAILED
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert batch.error.startswith("The reports could not be made.")
    assert "Traceback" not in batch.error and "Zebulon" not in batch.error
    assert batch.pdf is None
    assert str(batch.pk) in caplog.text and "ValueError" in caplog.text
    assert "Zebulon" not in caplog.text and "Quillfeather" not in caplog.text


def test_a_finished_batch_is_not_made_again(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        batch = caseload_batch(personas)
    ReportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, error="earlier")
    assert tasks.run_batch(batch.pk) == BatchStatus.FAILED
    assert ReportBatch.objects.get(pk=batch.pk).error == "earlier"


def test_one_unfinished_batch_per_person(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        first = caseload_batch(personas)
        with pytest.raises(tasks.BatchRefused, match="still being made"):
            caseload_batch(personas)
        # Someone else may ask at the same time.
        tasks.start_batch(
            actor=personas.school_admin,
            scope=tasks.Scope(personas.school),
            start=NOVEMBER[0],
            end=NOVEMBER[1],
        )
        ReportBatch.objects.filter(pk=first.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=3)
        )
        caseload_batch(personas)  # a batch lost hours ago blocks nothing
    assert ReportBatch.objects.filter(requested_by=personas.case_manager).count() == 2


def test_no_batch_without_a_period_in_the_dates(personas: Personas) -> None:
    with pytest.raises(tasks.BatchRefused, match="No reporting period"):
        caseload_batch(personas, (D(2026, 12, 1), D(2026, 12, 31)))
    assert not ReportBatch.objects.exists()


# ---- the pages ---------------------------------------------------------------------------------------------


def ask(client: Client, scope: str = "caseload", start: str = "2026-11-01", end: str = "2026-11-30") -> Any:
    return client.post(
        reverse("report_batches"), {"scope": scope, "period_ending_from": start, "period_ending_to": end}
    )


def test_asking_starts_the_task_and_shows_the_bar(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    signed_in(personas.case_manager, client)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client)
    batch = ReportBatch.objects.get(requested_by=personas.case_manager)
    assert response.status_code == 302
    assert response["Location"] == reverse("report_batch", kwargs={"batch_id": batch.pk})
    assert batch.plan_ids == [str(personas.plan.pk)]
    task = DBTaskResult.objects.get()
    assert batch.task_id == str(task.id)
    assert task.args_kwargs["args"] == [str(batch.pk)]
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert "<progress" in page


def test_a_second_batch_waits_for_the_first_and_says_so(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    signed_in(personas.case_manager, client)
    with django_capture_on_commit_callbacks(execute=False):
        ask(client)
        response = ask(client)
    assert response.status_code == 422
    assert "Your last batch is still being made" in response.content.decode()
    assert ReportBatch.objects.count() == 1


def test_bad_dates_and_scopes_are_refused_beside_the_field(client: Client, personas: Personas) -> None:
    signed_in(personas.case_manager, client)
    backwards = ask(client, start="2026-11-30", end="2026-11-01")
    assert backwards.status_code == 422
    assert "The last date comes after the first." in backwards.content.decode()
    elsewhere = ask(client, scope=f"school:{personas.school.pk}")
    assert elsewhere.status_code == 422
    assert not ReportBatch.objects.exists()


def test_a_para_is_told_batches_are_not_theirs(client: Client, personas: Personas) -> None:
    signed_in(personas.assigned_para, client)
    page = client.get(reverse("report_batches"))
    assert page.status_code == 200
    assert "You have none of these roles now." in page.content.decode()
    assert ask(client).status_code == 422
    assert not ReportBatch.objects.exists()


def test_the_bar_moves_then_offers_the_download(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        batch = caseload_batch(personas)
    ReportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, total=4, done=1)  # 2 reports
    url = reverse("report_batch", kwargs={"batch_id": batch.pk})
    polled = (
        signed_in(personas.case_manager, client).get(url, headers={"HX-Request": "true"}).content.decode()
    )
    assert "<html" not in polled
    assert '<progress id="batch-progress" value="1" max="4">25%</progress>' in polled
    assert "Making 2 reports: 25% done" in polled
    assert 'hx-trigger="every 1s"' in polled
    tasks.run_batch(batch.pk)
    finished = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in finished
    assert reverse("report_batch_pdf", kwargs={"batch_id": batch.pk}) in finished


def test_the_download_is_audited_as_an_export_per_student(
    client: Client, personas: Personas, tmp_path: Path, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    plan = second_student(personas)
    with django_capture_on_commit_callbacks(execute=False):
        batch = caseload_batch(personas)
    url = reverse("report_batch_pdf", kwargs={"batch_id": batch.pk})
    signed_in(personas.case_manager, client)
    assert client.get(url).status_code == 302  # not made yet: back to the bar
    tasks.run_batch(batch.pk)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, private"
    assert "Zebulon Quillfeather" in pdf_text(response.content, tmp_path)
    exports = AuditEntry.objects.filter(action=AuditAction.EXPORT, actor=personas.case_manager)
    assert sorted(map(str, exports.values_list("student_id", flat=True))) == sorted(
        [str(personas.student.pk), str(plan.student_id)]
    )
    assert set(exports.values_list("object_id", flat=True)) == {str(batch.pk)}


def test_a_student_no_longer_on_the_caseload_stops_the_download(
    client: Client, personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    plan = second_student(personas)
    with django_capture_on_commit_callbacks(execute=False):
        batch = caseload_batch(personas)
    tasks.run_batch(batch.pk)
    Assignment.objects.filter(student_id=plan.student_id).update(end_date=D(2020, 8, 2))
    response = signed_in(personas.case_manager, client).get(
        reverse("report_batch_pdf", kwargs={"batch_id": batch.pk})
    )
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("name", ["report_batch", "report_batch_pdf"])
def test_another_persons_batch_is_not_found(
    client: Client, personas: Personas, name: str, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        batch = caseload_batch(personas)
    tasks.run_batch(batch.pk)
    url = reverse(name, kwargs={"batch_id": batch.pk})
    for someone in (personas.provider, personas.school_admin, personas.district_admin):
        assert signed_in(someone, client).get(url).status_code == 404


# ---- through the task backend and its worker -----------------------------------------------------------


@pytest.fixture
def worker_signals() -> Iterator[None]:
    """The worker installs its own signal handlers; put pytest's back afterwards."""
    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in kept.items():
        signal.signal(sig, handler)


@pytest.mark.django_db(transaction=True)
def test_the_worker_makes_a_batch_asked_for_on_the_page(
    client: Client, personas: Personas, tmp_path: Path, worker_signals: None
) -> None:
    plan = second_student(personas)
    with_four(personas, [29, 33, 31, 35])
    response = ask(signed_in(personas.case_manager, client))
    assert response.status_code == 302
    batch = ReportBatch.objects.get()
    assert batch.status == BatchStatus.WAITING
    assert DBTaskResult.objects.ready().count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == (BatchStatus.DONE, 4, 4)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    text = pdf_text(bytes(batch.pdf or b""), tmp_path)
    assert plan.student.display_name in text
    assert personas.student.display_name in text
