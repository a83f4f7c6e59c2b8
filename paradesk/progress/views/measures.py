"""The measure's progress page: its graph, what the graph says, and the figures behind it.

Reading only; every read goes through paradesk.access and is audited. The teacher's actions
(mastery, phase changes, aimline, agreement) come in through progress/_measure_actions.html.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _

from paradesk.access import audit
from paradesk.access.helpers import access_plan_item
from paradesk.access.policy import Action, allowed
from paradesk.access.requests import StaffRequest
from paradesk.plans import figures
from paradesk.plans.models import Measure
from paradesk.progress import agreement, analysis, graphs, series, words


@dataclass(frozen=True)
class TrendRow:
    name: str
    per_week: float | None


@dataclass(frozen=True)
class TableRow:
    """One session in the accessible table under the graph."""

    date: str
    value: float
    phase: str
    probe: bool
    mastery: bool
    prompting: str


def prompting(row: dict[str, Any]) -> str:
    if row["percent_independent"] is None:
        return ""
    independent = _("%(percent)s%% independent") % {
        "percent": formats.number_format(row["percent_independent"], 0)
    }
    if row["most_prompt"] is None:
        return independent
    return _("%(independent)s; most help: %(level)s") % {
        "independent": independent,
        "level": row["most_prompt"],
    }


def table_rows(data: dict[str, Any]) -> list[TableRow]:
    phases = data["phases"]
    return [
        TableRow(
            date=row["date_label"],
            value=row["value"],
            phase=phases[row["phase"]]["label"] if row["phase"] < len(phases) else "",
            probe=row["probe"],
            mastery=row["mastery"],
            prompting=prompting(row),
        )
        for row in data["sessions"]
    ]


def trend_rows(progress: series.MeasureProgress) -> list[TrendRow]:
    return [
        TrendRow(str(graphs.ESTIMATOR_NAMES[estimator]), None if line is None else line.per_week)
        for estimator, line in progress.result.trends.items()
    ]


def date_of(day: float | None) -> str:
    return "" if day is None else graphs.date_text(day)


def aimline_value(measure: Measure, data: dict[str, Any], end: str) -> str:
    line = data["aimline"]
    return "" if line is None else figures.written_value_text(measure, line[end]["value"])


def measure_progress(request: StaffRequest, measure_id: uuid.UUID) -> HttpResponse:
    """A measure's graph across its plan versions, what the decision rules say in plain words, the
    baseline, aimline, trends, mastery and agreement, and the teacher's actions."""
    staff = request.user
    measure, standings = access_plan_item(staff, Measure, measure_id, Action.VIEW_RECORD)
    student = measure.plan.student
    audit.record_view(staff, measure, student.id)
    progress = series.progress_of([measure])[measure.pk]
    data = graphs.graph_data(progress)
    result = progress.result
    context = {
        "measure": measure,
        "student": student,
        "progress": progress,
        "standings": standings,
        "can_decide": allowed(standings, Action.DECIDE_PROGRESS),
        "graph": data,
        "rows": table_rows(data),
        "decisions": words.decision_words(progress),
        "four_point": words.verdict_label(result.four_point.verdict),
        "trend_verdict": words.verdict_label(result.trend_decision.verdict),
        "baseline": result.baseline,
        "baseline_text": figures.measure_value_text(
            measure, result.baseline.value if result.baseline else None
        ),
        "plan_baseline_text": ""
        if measure.baseline_value is None
        else figures.written_value_text(measure, float(measure.baseline_value)),
        "baseline_until": date_of(result.baseline.day if result.baseline else None),
        "against_goal": words.against_goal_words(progress) if result.against_goal else "",
        "figure": figures.figure_of(measure),
        "aimline": data["aimline"],
        "aimline_from": date_of(data["aimline"]["from"]["x"]) if data["aimline"] else "",
        "aimline_start": aimline_value(measure, data, "from"),
        "aimline_target": aimline_value(measure, data, "to"),
        "aimline_to": date_of(data["aimline"]["to"]["x"]) if data["aimline"] else "",
        "trends": trend_rows(progress),
        "current_points": len(result.current),
        "trend_reliable_points": analysis.TREND_RELIABLE_POINTS,
        "mastery": result.mastery,
        "mastery_since": date_of(result.mastery.since_day if result.mastery else None),
        "agreement": progress.agreement,
        "agreement_standard": agreement.AGREEMENT_STANDARD,
        "agreement_share_standard": agreement.AGREEMENT_SHARE_STANDARD,
        "earlier_versions": len(progress.lineage) > 1,
    }
    return render(request, "progress/measure_progress.html", context)
