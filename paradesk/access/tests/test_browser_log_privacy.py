"""No log line names a student, through a representative day in real headless Chromium
(docs/architecture.md#audit: logs name ids, never a student).

A para signs in, opens Today, records a trials session on a sheet and it syncs, opens My students; a
case manager mistypes the password once (axes logs the failure), opens the caseload, the student's
page, the measure's progress, a progress report and its PDF, the JSON API's student list, and asks
for the caseload's report batch, which the task worker makes; an administrator opens the student's
access history, a staff member's page and a student that does not exist (django.request logs the
404). Every log record of the server is kept, at DEBUG and above: the root logger, django.request,
django.server (the live server here logs each request as runserver does), axes and the task worker,
and none may hold the first, last, preferred or full name of any student in the district.
"""

from __future__ import annotations

import logging
import re
import signal
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management import call_command
from django.core.servers.basehttp import WSGIRequestHandler
from django.db import connections
from django.test.testcases import LiveServerThread
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from pytest_django.fixtures import Settings

from paradesk.access.tests.walk import plan_period_kwargs
from paradesk.people.models import Staff, Student, TeamRole
from paradesk.progress.models import BatchStatus, ReportBatch
from paradesk.recording.tests.browser_kit import PHONE, sign_in, wait_ready
from paradesk.recording.tests.test_browser_recording import record_trials
from paradesk.testing import AssignmentFactory, Personas, StudentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Loggers (by name or parent) the walk must have heard from, so a handler that caught nothing
# cannot pass: each request, the 404, the failed sign-in, the task worker.
MUST_HEAR = {"django.server", "django.request", "axes", "django_tasks_db"}
# The task worker's loggers: its command sets their level by its verbosity (put back afterwards).
WORKER_LOGGERS = ("django_tasks_db", "django.tasks", "django_tasks")


class LoggingLiveServerThread(LiveServerThread):
    """Django's live server, logging each request to django.server as runserver and gunicorn's
    access log do (the stock one is quiet)."""

    def _create_server(self, connections_override: Any = None) -> Any:
        return self.server_class(
            (self.host, self.port),
            WSGIRequestHandler,
            allow_reuse_address=False,
            connections_override=connections_override,
        )


@pytest.fixture
def server_url(transactional_db: None, settings: Settings) -> Iterator[str]:
    # An in-memory SQLite test database is shared with the server's thread (as pytest-django does).
    shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}  # type: ignore[attr-defined]
    thread = LoggingLiveServerThread("localhost", StaticFilesHandler, connections_override=shared, port=0)
    thread.daemon = True
    for connection in shared.values():
        connection.inc_thread_sharing()
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    yield f"http://localhost:{thread.port}"
    thread.terminate()
    for connection in shared.values():
        connection.dec_thread_sharing()


class Keep(logging.Handler):
    """Every record, with its message formatted, its arguments and its extra attributes."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def texts(self) -> Iterator[str]:
        for record in self.records:
            extra = " ".join(f"{k}={v!r}" for k, v in vars(record).items() if k not in {"msg", "args"})
            yield f"{self.format(record)} {record.args!r} {extra}"


@pytest.fixture
def kept_logs() -> Iterator[Keep]:
    """Root at DEBUG, and every logger that does not pass its records up (django.server) too."""
    keep = Keep()
    root = logging.getLogger()
    loggers = [root, *map(logging.getLogger, WORKER_LOGGERS)] + [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.propagate
    ]
    kept = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(keep)
        logger.setLevel(logging.DEBUG)
    yield keep
    for logger, level in kept:
        logger.removeHandler(keep)
        logger.setLevel(level)


@pytest.fixture
def worker_signals() -> Iterator[None]:
    """The task worker installs its own signal handlers; put pytest's back afterwards."""
    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in kept.items():
        signal.signal(sig, handler)


def names_of_every_student(personas: Personas) -> list[str]:
    names: set[str] = set()
    for student in Student.objects.filter(district=personas.district):
        names |= {student.first_name, student.last_name, student.preferred_name, student.display_name}
        names.add(f"{student.first_name} {student.last_name}")
    return sorted(name for name in names if name)


def parents(name: str) -> set[str]:
    """A logger's name and its parents': "axes.handlers.database", "axes.handlers", "axes"."""
    parts = name.split(".")
    return {".".join(parts[:end]) for end in range(1, len(parts) + 1)}


def open_page(page: Page, url: str, *, shows: str = "") -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    if shows:
        expect(page.locator("main")).to_contain_text(shows)


def para_records_a_session(browser: Browser, base_url: str, personas: Personas) -> None:
    context = browser.new_context(base_url=base_url, **PHONE)
    page = context.new_page()
    sign_in(page, personas.assigned_para)
    expect(page.locator(".today-student")).to_contain_text("Quillfeather")
    record_trials(page, personas.measure.name, ["Correct", "Incorrect", "Correct"])
    expect(page.locator(".sync-status")).to_contain_text("All saved", timeout=10_000)
    open_page(page, reverse("my_students"), shows="Quillfeather")
    context.close()


def sign_in_with(page: Page, staff: Staff, password: str) -> None:
    page.goto(reverse("login"))
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def mistype_then_sign_in(page: Page, staff: Staff) -> None:
    """One wrong password (axes counts and logs it), then the right one: home, wherever it leads."""
    sign_in_with(page, staff, "not-the-password")
    expect(page).to_have_url(re.compile(reverse("login")))
    sign_in_with(page, staff, settings.DEMO_PASSWORD)
    expect(page).not_to_have_url(re.compile(reverse("login")))


def case_manager_reads(browser: Browser, base_url: str, personas: Personas) -> None:
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    mistype_then_sign_in(page, personas.case_manager)
    open_page(page, reverse("caseload"), shows="Quillfeather")
    open_page(page, reverse("student_detail", args=[personas.student.id]), shows="Quillfeather")
    open_page(page, reverse("measure_progress", args=[personas.measure.id]))
    open_page(page, reverse("progress_dashboard"))
    report = reverse("progress_report", kwargs=plan_period_kwargs(personas.plan))
    open_page(page, report, shows="Quillfeather")
    pdf = page.request.get(reverse("progress_report_pdf", kwargs=plan_period_kwargs(personas.plan)))
    assert (pdf.status, pdf.headers["content-type"]) == (200, "application/pdf")
    listed = page.request.get("/api/v1/students")
    assert listed.status == 200 and "Quillfeather" in listed.text()
    ask_for_a_batch(page)
    context.close()


def ask_for_a_batch(page: Page) -> None:
    """The caseload's reports for November, made by the task worker, then downloaded."""
    open_page(page, reverse("report_batches"))
    page.locator("[name=scope]").select_option("caseload")
    page.locator("[name=period_ending_from]").fill("2026-11-01")
    page.locator("[name=period_ending_to]").fill("2026-11-30")
    page.get_by_role("button", name="Make the reports").click()
    expect(page).to_have_url(re.compile(r"/reports/batches/[0-9a-f-]+/$"))
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=2)  # DEBUG
    batch = ReportBatch.objects.get()
    assert batch.status == BatchStatus.DONE, batch.status
    download = page.request.get(reverse("report_batch_pdf", args=[batch.pk]))
    assert download.status == 200


def administrator_reads(browser: Browser, base_url: str, personas: Personas) -> None:
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    sign_in_with(page, personas.school_admin, settings.DEMO_PASSWORD)
    expect(page).not_to_have_url(re.compile(reverse("login")))
    open_page(page, reverse("student_access_log", args=[personas.student.id]), shows="Seen in a list")
    expect(page.locator("main")).to_contain_text("Maria Assigned")
    open_page(page, reverse("staff_detail", args=[personas.assigned_para.id]), shows="Quillfeather")
    missing = page.goto(reverse("student_detail", args=[uuid.uuid4()]))
    assert missing is not None and missing.status == 404
    wait_ready(page)
    context.close()


def test_a_day_in_the_browser_logs_no_student_name(
    browser: Browser, server_url: str, personas: Personas, kept_logs: Keep, worker_signals: None
) -> None:
    second = StudentFactory.create(
        school=personas.school, first_name="Philippa", last_name="Wintergreen", preferred_name="Pippa"
    )
    AssignmentFactory.create(student=second, staff=personas.case_manager, team_role=TeamRole.CASE_MANAGER)
    kept_logs.records.clear()  # setting up logs the factories' arguments; the server's lines count

    para_records_a_session(browser, server_url, personas)
    case_manager_reads(browser, server_url, personas)
    administrator_reads(browser, server_url, personas)

    names = names_of_every_student(personas)
    assert {"Zebulon", "Quillfeather", "Philippa", "Wintergreen", "Pippa"} <= set(names)
    heard = {part for record in kept_logs.records for part in parents(record.name)}
    assert heard >= MUST_HEAR, f"no records from {sorted(MUST_HEAR - heard)}; heard {sorted(heard)}"
    assert any("/api/v1/sync" in text for text in kept_logs.texts()), "the sync request was not logged"
    named = [text for text in kept_logs.texts() if any(name.lower() in text.lower() for name in names)]
    assert not named, "log records naming a student:\n" + "\n".join(named[:10])
