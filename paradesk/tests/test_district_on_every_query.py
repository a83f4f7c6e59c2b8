"""Every statement of the hot paths names the district of each student-data table it touches
(docs/architecture.md#the-district-as-distribution-key): the test fails on any that does not, with
the path, the table and where in the statement it sits.

Each path runs once, on whichever database the suite runs on, with every statement captured:
a sync batch through the API with a token, Today as the para, the dashboard and the student page
as the case manager, a progress report (page and PDF), the lists (caseload, my students, the API's
student list, absences), and the access history (an audited page)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from paradesk.access.models import ApiToken
from paradesk.district_sql import offences
from paradesk.district_tables import student_data_tables
from paradesk.people.models import Staff
from paradesk.plans.models import ReportingPeriod
from paradesk.recording.tests.sync_records import TRIALS_FACTS, note, observation, send, session
from paradesk.testing import ParaBlockFactory, Personas, signed_in

pytestmark = pytest.mark.django_db


def batch(personas: Personas) -> list[dict[str, object]]:
    first = session(personas.student)
    return [first, observation(first, personas.measure, TRIALS_FACTS), note(personas.student)]


def report_url(personas: Personas, pdf: bool) -> str:
    period = ReportingPeriod.objects.get(plan=personas.plan, name="Quarter 1", district=personas.district)
    name = "progress_report_pdf" if pdf else "progress_report"
    return reverse(name, kwargs={"plan_id": personas.plan.pk, "period_id": period.pk})


def get(staff: Staff, url: str) -> None:
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
    "caseload": lambda p: lambda: get(p.case_manager, reverse("caseload")),
    "my_students": lambda p: lambda: get(p.assigned_para, reverse("my_students")),
    "student_list_api": lambda p: lambda: get(p.case_manager, "/api/v1/students"),
    "absences": lambda p: lambda: get(p.school_admin, reverse("absence_list")),
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


@pytest.mark.parametrize("path", sorted(PATHS))
def test_the_hot_paths_name_the_district_of_every_student_data_table(personas: Personas, path: str) -> None:
    a_school_day_with_data(personas)
    run = PATHS[path](personas)
    with CaptureQueriesContext(connection) as captured:
        run()
    found = sorted(offenders_of(path, [query["sql"] for query in captured.captured_queries]))
    assert not found, "statements without the district (path | table | where):\n" + "\n".join(found)
