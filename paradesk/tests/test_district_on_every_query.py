"""Every statement of the hot paths names the district of each student-data table it touches
(docs/architecture.md#the-district-as-distribution-key), as a ratchet: the statements that do not
yet are listed in district_offenders.txt, and the test fails on one that is not listed (new code
must carry the district) and on a listed one that no longer offends (so the list only shrinks).

Each path runs once, on whichever database the suite runs on, with every statement captured:
a sync batch through the API with a token, Today as the para, the dashboard and the student page
as the case manager, a progress report (page and PDF), and the access history (an audited page).
`PARADESK_DISTRICT_OFFENDERS=write` rewrites this database's part of the list instead of failing."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from paradesk.access.models import ApiToken
from paradesk.district_sql import offences
from paradesk.district_tables import student_data_tables
from paradesk.plans.models import ReportingPeriod
from paradesk.recording.tests.sync_records import TRIALS_FACTS, note, observation, send, session
from paradesk.testing import ParaBlockFactory, Personas

LIST = Path(__file__).parent / "district_offenders.txt"
BOTH = "both"

pytestmark = pytest.mark.django_db


def signed_in(staff: object) -> Client:
    client = Client()
    client.force_login(staff)  # type: ignore[arg-type]
    return client


def batch(personas: Personas) -> list[dict[str, object]]:
    first = session(personas.student)
    return [first, observation(first, personas.measure, TRIALS_FACTS), note(personas.student)]


def report_url(personas: Personas, pdf: bool) -> str:
    period = ReportingPeriod.objects.get(plan=personas.plan, name="Quarter 1", district=personas.district)
    name = "progress_report_pdf" if pdf else "progress_report"
    return reverse(name, kwargs={"plan_id": personas.plan.pk, "period_id": period.pk})


def get(staff: object, url: str) -> None:
    response = signed_in(staff).get(url)
    assert response.status_code == 200, (url, response.status_code)


def run_sync(personas: Personas) -> Callable[[], None]:
    _token, raw = ApiToken.issue(personas.assigned_para, "tablet")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    records = batch(personas)
    return lambda: send(client, records)


PATHS: dict[str, Callable[[Personas], Callable[[], None]]] = {
    "sync": run_sync,
    "today": lambda p: lambda: get(p.assigned_para, reverse("today")),
    "dashboard": lambda p: lambda: get(p.case_manager, reverse("progress_dashboard")),
    "student_page": lambda p: lambda: get(p.case_manager, reverse("student_detail", args=[p.student.pk])),
    "report_html": lambda p: lambda: get(p.case_manager, report_url(p, pdf=False)),
    "report_pdf": lambda p: lambda: get(p.case_manager, report_url(p, pdf=True)),
    "audit": lambda p: lambda: get(p.school_admin, reverse("student_access_log", args=[p.student.pk])),
}


def a_school_day_with_data(personas: Personas) -> None:
    """Today has a block with the student in it, and there is recorded data to show and report."""
    weekday = min(timezone.localdate().weekday(), 4)
    ParaBlockFactory.create(
        school=personas.school,
        para=personas.assigned_para,
        weekday=weekday,
        start_time=datetime.time(0, 5),
        end_time=datetime.time(23, 55),
        students=[personas.student],
    )
    _token, raw = ApiToken.issue(personas.assigned_para, "earlier tablet")
    send(Client(HTTP_AUTHORIZATION=f"Bearer {raw}"), batch(personas))


def offenders_of(path: str, statements: list[str]) -> set[str]:
    """`path | table | fingerprint` for each uncovered reference: no values, no aliases."""
    tables = student_data_tables()
    return {f"{path} | {o.table} | {o.fingerprint}" for sql in statements for o in offences(sql, tables)}


def listed() -> dict[str, set[str]]:
    """The list by database: a line ends in `| sqlite` or `| postgresql` when it offends on one only."""
    by_vendor: dict[str, set[str]] = {BOTH: set(), "sqlite": set(), "postgresql": set()}
    for line in LIST.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            *rest, last = line.split(" | ")
            vendor = last if last in by_vendor else BOTH
            by_vendor[vendor].add(" | ".join(rest) if vendor != BOTH else line)
    return by_vendor


def expected_here(path: str) -> set[str]:
    by_vendor = listed()
    here = by_vendor[BOTH] | by_vendor.get(connection.vendor, set())
    return {line for line in here if line.startswith(f"{path} | ")}


@pytest.mark.parametrize("path", sorted(PATHS))
def test_the_hot_paths_name_the_district_or_are_listed(personas: Personas, path: str) -> None:
    a_school_day_with_data(personas)
    run = PATHS[path](personas)
    with CaptureQueriesContext(connection) as captured:
        run()
    found = offenders_of(path, [query["sql"] for query in captured.captured_queries])
    if os.environ.get("PARADESK_DISTRICT_OFFENDERS") == "write":
        write_found(path, found)
        return
    expected = expected_here(path)
    new, gone = sorted(found - expected), sorted(expected - found)
    assert not new, "statements without the district, not in district_offenders.txt:\n" + "\n".join(new)
    assert not gone, "no longer offending: remove from district_offenders.txt:\n" + "\n".join(gone)


def write_found(path: str, found: set[str]) -> None:
    """Record this database's offenders of `path`, taking the other database's lines as they were
    (shared lines are marked for both). For shrinking the list after a fix, not for adding to it."""
    vendor = connection.vendor
    other = "postgresql" if vendor == "sqlite" else "sqlite"
    by_vendor = listed()
    mine = {v: {line for line in lines if line.startswith(f"{path} | ")} for v, lines in by_vendor.items()}
    keep = {v: lines - mine[v] for v, lines in by_vendor.items()}
    theirs = mine[BOTH] | mine[other]
    if not mine[other] and not mine[vendor]:
        theirs = found  # the first run writes what it saw for both; the other database's run sorts it out
    keep[BOTH] |= found & theirs
    keep[vendor] |= found - theirs
    keep[other] |= theirs - found
    lines = [*keep[BOTH], *(f"{line} | {v}" for v in ("sqlite", "postgresql") for line in keep[v])]
    header = [line for line in LIST.read_text().splitlines() if line.startswith("#")]
    LIST.write_text("\n".join([*header, *sorted(lines)]) + "\n")
