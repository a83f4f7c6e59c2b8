"""Every method's session value, end to end: raw facts posted to ``POST /api/v1/sync`` as the data
sheet sends them, then read back from the graph's data, the dashboard, the JSON API and the progress
report's PDF text (pdftotext). Each must equal the value worked by hand from docs/measurement.md, in
the unit the measure declares, under the figure's one name.

The worked answers:

- count: 3 events in a timed 2 minutes: 3.
- rate: 38 correct words in the one minute timed (0:30-1:30) of a sheet open 10 minutes: 38 per
  minute. 6 events in 2 timed minutes, declared per hour: 3 x 60 = 180 per hour.
- duration: episodes of 60 s and 120 s: 180 seconds; declared in minutes, 3 minutes.
- latency: responses 30 s and 90 s after their cues: mean 60 seconds; in minutes, 1 minute.
- inter-response time: events at 0, 90 and 270 s: gaps 90 and 180 s, mean 135 seconds; in minutes
  2.25, printed to one decimal as 2.3 minutes.
- partial interval yes, no, yes, yes: 75%. Whole interval yes, no, no, no: 25%. Momentary samples
  yes, yes, no: 66.7%.
- trials at the goal's support level (independent): correct independent, correct verbal,
  incorrect, correct independent: 2 of 4 = 50% (75% with any prompt, which is not the figure). With
  the support level verbal: correct independent, correct verbal, correct model, incorrect: 50%.
- task analysis: independent, verbal, independent, not done: 2 of 4 steps independent = 50%. With
  the support level gestural: independent, gestural, verbal, not done: 2 of 4 = 50%.
- rating 4 on a 1-5 scale: 4. Permanent product 17 of 20 correct: 85%.
"""

from __future__ import annotations

import datetime
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from paradesk.plans.models import Measure, ReportingPeriod
from paradesk.progress import graphs, pdf, reports, series, summaries
from paradesk.testing import Personas

pytestmark = pytest.mark.django_db

SHEET_OPEN = datetime.timedelta(minutes=10)


@dataclass(frozen=True)
class Case:
    name: str
    measure: dict[str, Any]
    facts: dict[str, Any]
    value: float
    text: str  # as the report and the dashboard write it
    figure: str  # the graph's axis and the API say what the value is
    unit: str
    extra: dict[str, Any] = field(default_factory=dict)


CASES = [
    Case(
        "count", {"method": "count"}, {"events": [5, 50, 100], "timed": [[0, 120]]}, 3, "3", "Count", "count"
    ),
    Case(
        "rate per minute",
        {"method": "rate", "unit": "per_minute"},
        {"events": [31 + index for index in range(38)], "incorrect_events": [80], "timed": [[30, 90]]},
        38,
        "38 per minute",
        "Correct per minute",
        "per_minute",
    ),
    Case(
        "rate per hour",
        {"method": "rate", "unit": "per_hour"},
        {"events": [10, 20, 30, 40, 50, 60], "timed": [[0, 120]]},
        180,
        "180 per hour",
        "Correct per hour",
        "per_hour",
    ),
    Case(
        "duration in seconds",
        {"method": "duration", "unit": "seconds"},
        {"episodes": [[0, 60], [100, 220]], "timed": [[0, 300]]},
        180,
        "180 seconds",
        "Total duration (seconds)",
        "seconds",
    ),
    Case(
        "duration in minutes",
        {"method": "duration", "unit": "minutes"},
        {"episodes": [[0, 60], [100, 220]], "timed": [[0, 300]]},
        3,
        "3 minutes",
        "Total duration (minutes)",
        "minutes",
    ),
    Case(
        "latency in seconds",
        {"method": "latency", "unit": "seconds"},
        {"trials": [[0, 30], [100, 190]]},
        60,
        "60 seconds",
        "Mean latency (seconds)",
        "seconds",
    ),
    Case(
        "latency in minutes",
        {"method": "latency", "unit": "minutes"},
        {"trials": [[0, 30], [100, 190]]},
        1,
        "1 minute",
        "Mean latency (minutes)",
        "minutes",
    ),
    Case(
        "irt in seconds",
        {"method": "irt", "unit": "seconds"},
        {"events": [0, 90, 270], "timed": [[0, 300]]},
        135,
        "135 seconds",
        "Mean time between responses (seconds)",
        "seconds",
    ),
    Case(
        "irt in minutes",
        {"method": "irt", "unit": "minutes"},
        {"events": [0, 90, 270], "timed": [[0, 300]]},
        2.25,
        "2.3 minutes",
        "Mean time between responses (minutes)",
        "minutes",
    ),
    Case(
        "partial interval",
        {"method": "partial_interval", "interval_seconds": 10, "interval_count": 4},
        {"intervals": [True, False, True, True]},
        75,
        "75%",
        "% of intervals scored",
        "percent",
    ),
    Case(
        "whole interval",
        {"method": "whole_interval", "interval_seconds": 10, "interval_count": 4},
        {"intervals": [True, False, False, False]},
        25,
        "25%",
        "% of intervals scored",
        "percent",
    ),
    Case(
        "momentary",
        {"method": "momentary", "interval_seconds": 10, "interval_count": 3},
        {"intervals": [True, True, False]},
        200 / 3,
        "66.7%",
        "% of samples scored",
        "percent",
    ),
    Case(
        "trials, independent",
        {"method": "trials", "trials_per_session": 4, "goal_support_level": "independent"},
        {
            "trials": [
                {"response": "correct", "prompt": "independent"},
                {"response": "correct", "prompt": "verbal"},
                {"response": "incorrect", "prompt": "independent"},
                {"response": "correct", "prompt": "independent"},
            ]
        },
        50,
        "50%",
        "% correct independently",
        "percent",
    ),
    Case(
        "trials, verbal or less",
        {"method": "trials", "trials_per_session": 4, "goal_support_level": "verbal"},
        {
            "trials": [
                {"response": "correct", "prompt": "independent"},
                {"response": "correct", "prompt": "verbal"},
                {"response": "correct", "prompt": "model"},
                {"response": "incorrect", "prompt": "independent"},
            ]
        },
        50,
        "50%",
        "% correct with verbal prompts or less",
        "percent",
    ),
    Case(
        "task analysis",
        {"method": "task_analysis", "task_steps": ["Coat", "Hook", "Bag", "Seat"], "chaining": "forward"},
        {"steps": ["independent", "verbal", "independent", "not_done"]},
        50,
        "50%",
        "% of steps independent",
        "percent",
    ),
    Case(
        "rating",
        {"method": "rating", "rating_min": 1, "rating_max": 5},
        {"rating": 4},
        4,
        "4",
        "Rating",
        "rating",
    ),
    Case(
        "permanent product",
        {"method": "permanent_product"},
        {"attempted": 20, "correct": 17, "minutes": None},
        85,
        "85%",
        "% of items correct",
        "percent",
    ),
]


def sheet_records(measure: Measure, facts: dict[str, Any]) -> list[dict[str, Any]]:
    """A session and its observation, as sheets.js queues them on Done."""
    ended = timezone.now() - datetime.timedelta(minutes=1)
    started = ended - SHEET_OPEN
    session_id = str(uuid.uuid4())
    when = {
        "started_at": started.isoformat(),
        "ended_at": ended.isoformat(),
        "recorded_at": ended.isoformat(),
    }
    student_id = str(measure.plan.student_id)
    return [
        {"kind": "session", "id": session_id, "student_id": student_id, "setting": "", **when},
        {
            "kind": "observation",
            "id": str(uuid.uuid4()),
            "student_id": student_id,
            "session_id": session_id,
            "measure_id": str(measure.id),
            "facts": facts,
            **when,
        },
    ]


def synced(client: Client, records: list[dict[str, Any]]) -> None:
    body = {"device": "tablet-1", "sent_at": timezone.now().isoformat(), "records": records}
    answer = client.post("/api/v1/sync", body, content_type="application/json").json()
    assert [result["status"] for result in answer["results"]] == ["accepted", "accepted"], answer


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(text.split())


def measure_for(personas: Personas, case: Case) -> Measure:
    return Measure.objects.create(
        district=personas.district,
        plan=personas.plan,
        goal=personas.goal,
        name=f"Known answer: {case.name}",
        **case.measure,
    )


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_value_is_the_same_from_the_tap_to_the_familys_pdf(
    case: Case, personas: Personas, client_for: Any, tmp_path: Path
) -> None:
    measure = measure_for(personas, case)
    para = Client()
    para.force_login(personas.assigned_para)
    synced(para, sheet_records(measure, case.facts))

    progress = series.progress_of(
        [Measure.objects.select_related("plan__student__school").get(pk=measure.pk)]
    )
    graph = graphs.graph_data(progress[measure.pk])
    assert [row["value"] for row in graph["sessions"]] == [pytest.approx(case.value, abs=1e-4)]
    assert (graph["unit"], graph["axis_label"]) == (case.unit, case.figure)

    [stored] = summaries.summaries_of([measure]).values()
    assert stored.latest == pytest.approx(case.value)
    teacher = client_for(personas.case_manager)
    dashboard = teacher.get("/progress/?show=all").content.decode()
    assert f'<span class="latest-value">{case.text}</span>' in dashboard

    api = teacher.get(f"/api/v1/measures/{measure.pk}/progress").json()
    assert [session["value"] for session in api["sessions"]] == [pytest.approx(case.value)]
    assert (api["unit"], api["figure"]) == (case.unit, case.figure)

    period = ReportingPeriod.objects.create(
        district=personas.district,
        plan=personas.plan,
        name="This quarter",
        start_date=personas.plan.start_date,
        end_date=timezone.localdate() + datetime.timedelta(days=1),
    )
    report = reports.report_for(personas.plan, period)
    [line] = [line for line in report.lines if line.measure.pk == measure.pk]
    assert line.current.value_text == case.text
    text = pdf_text(pdf.report_pdf(report), tmp_path)
    assert f"Current level {case.text} (the last session" in text
