"""The measure's progress page: who may read it, the audit entry, and what it shows (the known
series of test_graphs: baseline 25, "Token board" on 12 October, four points above the aimline)."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from paradesk.access.models import AuditAction, AuditEntry
from paradesk.progress.tests.test_graphs import KNOWN, known_series, record, set_goal
from paradesk.recording.models import Observation
from paradesk.recording.tests.raw_records import observation
from paradesk.testing import Personas, paired_check

pytestmark = pytest.mark.django_db


def url_of(measure_id: uuid.UUID) -> str:
    return reverse("measure_progress", args=[measure_id])


def text(response: Any) -> str:
    return str(response.content.decode())


def graph_json(page: str) -> dict[str, Any]:
    found = re.search(r'<script id="graph-data" type="application/json">(.*?)</script>', page, re.S)
    assert found, "the page carries the graph's data"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_the_page_requires_sign_in(client: Client, personas: Personas) -> None:
    response = client.get(url_of(personas.measure.id))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["case_manager", "assigned_para", "provider"])
def test_the_team_reads_the_graph(client_for: Any, personas: Personas, persona: str) -> None:
    known_series(personas)
    response = client_for(personas.all()[persona]).get(url_of(personas.measure.id))
    assert response.status_code == 200
    page = text(response)
    assert graph_json(page)["phases"][1]["label"] == "Token board"
    assert "The last 4 points are above the aimline since October 12: consider raising the goal." in page


def test_general_education_teacher_may_not_read_it(client_for: Any, personas: Personas) -> None:
    known_series(personas)
    response = client_for(personas.gen_ed_teacher).get(url_of(personas.measure.id))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(actor=personas.gen_ed_teacher, action=AuditAction.VIEW).exists()


@pytest.mark.parametrize("persona", ["unassigned_para", "other_school_admin", "other_district_admin"])
def test_outsiders_do_not_find_it(client_for: Any, personas: Personas, persona: str) -> None:
    known_series(personas)
    staff = personas.all()[persona]
    response = client_for(staff).get(url_of(personas.measure.id))
    assert response.status_code == 404
    assert personas.student.last_name not in text(response)
    assert not AuditEntry.objects.filter(actor=staff).exclude(action="sign_in").exists()


def test_a_measure_that_does_not_exist_is_not_found(client_for: Any, personas: Personas) -> None:
    assert client_for(personas.case_manager).get(url_of(uuid.uuid4())).status_code == 404


def test_reading_the_graph_is_audited_without_names(client_for: Any, personas: Personas) -> None:
    known_series(personas)
    client_for(personas.assigned_para).get(url_of(personas.measure.id))
    entry = AuditEntry.objects.get(actor=personas.assigned_para, action=AuditAction.VIEW)
    assert entry.object_type == "plans.measure"
    assert entry.object_id == str(personas.measure.id)
    assert entry.student_id == personas.student.id
    student = personas.student
    assert not any(name in str(vars(entry)) for name in (student.first_name, student.last_name))


def test_the_page_shows_the_figures_and_every_session(client_for: Any, personas: Personas) -> None:
    known_series(personas)
    page = text(client_for(personas.case_manager).get(url_of(personas.measure.id)))
    assert "25%: the median of the first 3 sessions, to Oct. 7, 2026. The aimline starts here." in page
    assert "From 25% on Oct. 7, 2026 to 95% by Dec. 16, 2026: 7 a week needed." in page
    # Trends by all three estimators, per week: 5 a day on 4 points.
    trends = re.search(r'<table class="trends">(.*?)</table>', page, re.S)
    assert trends and trends.group(1).count("<td>35</td>") == 3
    assert "Fewer than 8 points: read the trend with care." in trends.group(1)
    assert "Not yet: 0 of 3 sessions in a row at 90% or better." in page
    assert "No agreement checks in this phase yet." in page
    table = re.search(r'<table class="progress-sessions">(.*?)</table>', page, re.S)
    assert table
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table.group(1))
    assert [(date, value) for date, value, _phase, _prompting in rows] == [
        ("Oct. 5, 2026", "20"),
        ("Oct. 6, 2026", "30"),
        ("Oct. 7, 2026", "25"),
        ("Oct. 12, 2026", "55"),
        ("Oct. 13, 2026", "60"),
        ("Oct. 14, 2026", "65"),
        ("Oct. 15, 2026", "70"),
    ]
    assert [phase for _d, _v, phase, _p in rows] == ["Baseline"] * 3 + ["Token board"] * 4
    assert rows[0][3] == "50% independent; most help: Model"


def test_agreement_standing_is_shown_with_its_warnings(client_for: Any, personas: Personas) -> None:
    """One check (75%) on one of the 4 sessions since "Token board": 25% checked, enough; 75% is
    under the 80% standard."""
    known_series(personas)
    primary = Observation.objects.get(measure=personas.measure, value=60.0)
    second = observation(personas, at=primary.started_at, value=45.0, recorded_by=personas.provider)
    paired_check(personas, primary, second, 75.0)
    page = text(client_for(personas.case_manager).get(url_of(personas.measure.id)))
    assert "1 check in this phase, 25% of its 4 sessions; lowest 75%." in page
    assert "A check is below 80%: review the definition with both observers." in page
    assert "Check at least 20% of the sessions in each phase." not in page
    # The second observer's session is not graphed.
    assert len(graph_json(page)["sessions"]) == len(KNOWN)


def test_the_graph_scripts_load_on_this_page_only_and_nothing_inline(
    client_for: Any, personas: Personas
) -> None:
    known_series(personas)
    client = client_for(personas.case_manager)
    page = text(client.get(url_of(personas.measure.id)))
    assert "vendor/uplot-1.6.32.iife.min.js" in page and "vendor/uplot-1.6.32.min.css" in page
    assert "progress/graph.js" in page
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    inline = [attrs for attrs, body in scripts if body.strip() and 'type="application/json"' not in attrs]
    assert not inline
    assert " style=" not in page and " onclick=" not in page
    other = text(client.get(reverse("measure_data", args=[personas.measure.id])))
    assert "uplot" not in other
    assert url_of(personas.measure.id) in other


def test_the_plan_links_each_measure_to_its_progress(client_for: Any, personas: Personas) -> None:
    page = text(client_for(personas.case_manager).get(reverse("plan_detail", args=[personas.plan.id])))
    assert url_of(personas.measure.id) in page


def test_a_measure_with_no_sessions_says_so(client_for: Any, personas: Personas) -> None:
    page = text(client_for(personas.case_manager).get(url_of(personas.measure.id)))
    assert "No sessions recorded yet." in page
    assert "Nothing recorded for this measure yet." in page
    assert "data-graph" not in page


def test_queries_do_not_grow_with_sessions(client_for: Any, personas: Personas) -> None:
    measure = set_goal(personas.measure, 95, KNOWN[-1][0].replace(month=12))
    client = client_for(personas.case_manager)
    record(personas, measure, KNOWN[:3])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url_of(measure.id)).status_code == 200
    record(personas, measure, KNOWN[3:])
    with CaptureQueriesContext(connection) as more:
        assert client.get(url_of(measure.id)).status_code == 200
    assert len(more.captured_queries) == len(few.captured_queries)
