"""The measure's graph, as data and as SVG, for a series worked by hand (docs/field.md#baseline-and-aimline).

The known series (personas.measure: discrete trials, to increase, target 95% by 16 December 2026):
baseline 20, 30, 25 on 5-7 October (median 25, so the aimline starts at 25 on 7 October and rises
70 points in 70 days: 1 a day, 7 a week); the teacher's phase change "Token board" on 12 October,
then 55, 60, 65, 70 on 12-15 October: a least-squares trend of 5 a day (35 a week), 55 on 12
October to 70 on 15 October, all four above the aimline (30 to 33).
"""

from __future__ import annotations

import datetime
import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from decimal import Decimal

import pytest

from paradesk.plans.models import Measure
from paradesk.progress import graphs, series
from paradesk.progress.models import PhaseChange
from paradesk.recording.models import Observation
from paradesk.recording.tests.raw_records import observation
from paradesk.testing import Personas

pytestmark = pytest.mark.django_db

D = datetime.date
KNOWN = [
    (D(2026, 10, 5), 20.0),
    (D(2026, 10, 6), 30.0),
    (D(2026, 10, 7), 25.0),
    (D(2026, 10, 12), 55.0),
    (D(2026, 10, 13), 60.0),
    (D(2026, 10, 14), 65.0),
    (D(2026, 10, 15), 70.0),
]
SVG = "{http://www.w3.org/2000/svg}"


def at_ten(day: datetime.date, minute: int = 0) -> datetime.datetime:
    """10:00 in Chicago (the test school's time zone) on that day."""
    return datetime.datetime(day.year, day.month, day.day, 15, minute, tzinfo=datetime.UTC)


def record(
    personas: Personas, measure: Measure, days_values: Sequence[tuple[datetime.date, float]]
) -> list[Observation]:
    seen: dict[datetime.date, int] = {}
    found = []
    for day, value in days_values:
        seen[day] = seen.get(day, 0) + 1
        found.append(observation(personas, measure=measure, at=at_ten(day, 10 * seen[day]), value=value))
    return found


def set_goal(measure: Measure, target: float, by: datetime.date) -> Measure:
    measure.target_value = Decimal(str(target))
    measure.target_date = by
    measure.save(update_fields=["target_value", "target_date"])
    return measure


def phase_change(
    personas: Personas, measure: Measure, day: datetime.date, label: str, kind: str = "intervention"
) -> PhaseChange:
    return PhaseChange.objects.create(
        district=personas.district,
        measure=measure,
        starts_on=day,
        kind=kind,
        label=label,
        created_by=personas.case_manager,
    )


def progress(measure_id: uuid.UUID) -> series.MeasureProgress:
    measure = Measure.objects.select_related("plan__student__school").get(pk=measure_id)
    return series.progress_of([measure])[measure.pk]


def known_series(personas: Personas) -> series.MeasureProgress:
    measure = set_goal(personas.measure, 95, D(2026, 12, 16))
    record(personas, measure, KNOWN)
    phase_change(personas, measure, D(2026, 10, 12), "Token board")
    return progress(measure.pk)


def day(value: datetime.date) -> float:
    return float(value.toordinal())


def test_sessions_are_points_by_date_with_their_phase(personas: Personas) -> None:
    data = graphs.graph_data(known_series(personas))
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    rows = data["sessions"]
    assert [row["date"] for row in rows] == [d.isoformat() for d, _v in KNOWN]
    assert [row["value"] for row in rows] == [v for _d, v in KNOWN]
    assert [row["x"] for row in rows] == [day(d) for d, _v in KNOWN]
    assert [row["phase"] for row in rows] == [0, 0, 0, 1, 1, 1, 1]
    assert not any(row["probe"] for row in rows)
    assert data["unit"] == "percent" and data["axis_label"] == "% correct independently"
    assert data["y_range"] == [0.0, 100.0]


def test_phase_lines_fall_between_sessions_with_their_labels(personas: Personas) -> None:
    phases = graphs.graph_data(known_series(personas))["phases"]
    assert [(p["kind"], p["label"], p["implicit"]) for p in phases] == [
        ("baseline", "Baseline", False),
        ("intervention", "Token board", False),
    ]
    assert phases[0]["line_x"] is None
    # Halfway between the last baseline session (7 October) and the first after (12 October).
    assert phases[1]["line_x"] == day(D(2026, 10, 7)) + 2.5
    assert phases[1]["date"] == "2026-10-12"


def test_the_implicit_baseline_line_follows_three_points(personas: Personas) -> None:
    measure = set_goal(personas.measure, 95, D(2026, 12, 16))
    record(personas, measure, KNOWN[:5])  # no phase change: 3 baseline points, 2 after the line
    phases = graphs.graph_data(progress(measure.pk))["phases"]
    assert [(p["kind"], p["label"], p["implicit"]) for p in phases] == [
        ("baseline", "Baseline", False),
        ("intervention", "Intervention", True),
    ]
    assert phases[1]["line_x"] == day(D(2026, 10, 7)) + 2.5


def test_baseline_aimline_and_trend_endpoints(personas: Personas) -> None:
    data = graphs.graph_data(known_series(personas))
    assert data["baseline"]["value"] == 25.0
    assert data["baseline"]["from"] == {"x": day(D(2026, 10, 5)), "date": "2026-10-05", "value": 25.0}
    assert data["baseline"]["to"]["date"] == "2026-10-07"
    aim = data["aimline"]
    assert (aim["from"]["date"], aim["from"]["value"]) == ("2026-10-07", 25.0)
    assert (aim["to"]["date"], aim["to"]["value"]) == ("2026-12-16", 95.0)
    assert aim["per_week"] == pytest.approx(7.0)
    trend = data["trend"]
    assert (trend["from"]["date"], trend["from"]["value"]) == ("2026-10-12", pytest.approx(55.0))
    assert (trend["to"]["date"], trend["to"]["value"]) == ("2026-10-15", pytest.approx(70.0))
    assert trend["per_week"] == pytest.approx(35.0)
    assert set(data["trends"]) == {"ols", "theil_sen", "tri_split"}
    assert data["trends"]["theil_sen"]["per_week"] == pytest.approx(35.0)
    assert data["trend_note"] == ""
    # The graph shows the sessions readably: from a day before the first to two weeks after the
    # last (Oct 15 + 1 + 14); the aimline runs on to its target date, reached with the full range
    # (a day either side) and named in words.
    assert data["x_range"] == [day(D(2026, 10, 4)), day(D(2026, 10, 30))]
    assert data["full_x_range"] == [day(D(2026, 10, 4)), day(D(2026, 12, 17))]
    assert data["aim"] == "Aim: 95% by Dec. 16, 2026."


def test_too_few_points_for_a_trend_is_said(personas: Personas) -> None:
    measure = set_goal(personas.measure, 95, D(2026, 12, 16))
    record(personas, measure, KNOWN[:5])  # 3 baseline points, 2 after the implicit line
    data = graphs.graph_data(progress(measure.pk))
    assert data["trend"] is None
    assert data["trend_note"] == "Too few points for a trend line (2 of 3)."


def test_same_day_sessions_stay_separate_points_in_order(personas: Personas) -> None:
    measure = personas.measure
    record(personas, measure, [(D(2026, 10, 5), 10.0), (D(2026, 10, 5), 30.0), (D(2026, 10, 6), 20.0)])
    rows = graphs.graph_data(progress(measure.pk))["sessions"]
    assert [row["value"] for row in rows] == [10.0, 30.0, 20.0]
    assert rows[0]["x"] < day(D(2026, 10, 5)) < rows[1]["x"] < rows[2]["x"] == day(D(2026, 10, 6))
    assert rows[0]["date"] == rows[1]["date"] == "2026-10-05"


def test_prompt_levels_per_session_for_trials(personas: Personas) -> None:
    """raw_records.TRIALS: independent, verbal, independent, model: 50% independent, mean rank
    (0 + 2 + 0 + 3) / 4 = 1.25, most help a model."""
    data = graphs.graph_data(known_series(personas))
    row = data["sessions"][0]
    assert (row["percent_independent"], row["mean_prompt_rank"], row["most_prompt"]) == (50.0, 1.25, "Model")
    assert data["support"]["shown"] is True
    assert data["support"]["levels"][0] == "Independent"


def test_mastery_run_is_marked_and_probes_are_apart(personas: Personas) -> None:
    """Threshold 90 in 3 consecutive sessions: 92, 95, 100 on 8, 9, 12 October qualify (run of 3
    since 8 October); the maintenance probe on 19 October is drawn apart and not in the run."""
    measure = personas.measure
    record(
        personas,
        measure,
        [
            (D(2026, 10, 5), 40.0),
            (D(2026, 10, 6), 50.0),
            (D(2026, 10, 7), 45.0),
            (D(2026, 10, 8), 92.0),
            (D(2026, 10, 9), 95.0),
            (D(2026, 10, 12), 100.0),
            (D(2026, 10, 19), 90.0),
        ],
    )
    phase_change(personas, measure, D(2026, 10, 8), "Errorless teaching")
    phase_change(personas, measure, D(2026, 10, 19), "", kind="maintenance")
    data = graphs.graph_data(progress(measure.pk))
    rows = data["sessions"]
    assert [row["mastery"] for row in rows] == [False, False, False, True, True, True, False]
    assert [row["probe"] for row in rows] == [False] * 6 + [True]
    assert data["mastery"] == {"status": "met", "run": 3, "since": "2026-10-08"}
    assert data["trend"] is None and data["trend_note"] == "No trend line during maintenance probes."
    assert data["phases"][-1]["label"] == "Maintenance probes"


def test_decreasing_count_has_its_unit_and_direction(personas: Personas) -> None:
    measure = Measure.objects.get(plan=personas.plan, name="Elopement count")
    record(personas, measure, [(D(2026, 10, 5), 4.0), (D(2026, 10, 6), 6.0)])
    data = graphs.graph_data(progress(measure.pk))
    assert (data["unit"], data["axis_label"], data["direction"]) == ("count", "Count", "decrease")
    assert data["y_range"] == [0.0, pytest.approx(6.6)]
    assert data["support"]["shown"] is False
    assert data["aimline"] is None and data["baseline"] is None


def test_no_sessions_gives_an_empty_graph(personas: Personas) -> None:
    data = graphs.graph_data(progress(personas.measure.pk))
    assert data["sessions"] == [] and data["x_range"] is None
    ET.fromstring(graphs.svg(progress(personas.measure.pk)))


def test_svg_is_valid_with_phase_labels_and_no_student_name(personas: Personas) -> None:
    found = known_series(personas)
    drawn = graphs.svg(found)
    root = ET.fromstring(drawn)
    assert root.tag == f"{SVG}svg"
    assert root.get("width") == "504pt" and root.get("height") == "216pt"  # 7 x 3 inches
    texts = ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]
    for label in ("Baseline", "Token board", "Aimline", "Trend", "Sessions", "% correct independently"):
        assert label in texts, label
    student = personas.student
    for name in (student.first_name, student.last_name):
        assert name not in drawn


def test_svg_shows_a_teachers_label_as_written(personas: Personas) -> None:
    measure = personas.measure
    record(personas, measure, KNOWN[:4])
    phase_change(personas, measure, D(2026, 10, 8), "$5 token & <timer>")
    root = ET.fromstring(graphs.svg(progress(measure.pk)))
    assert "$5 token & <timer>" in ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]
