"""A measure's progress through the JSON API: each session's value in the measure's declared unit,
with the figure's name, as the graph, the dashboard and the report read them (docs/measurement.md).

Mounted on the API by paradesk/api.py. The
measure is reached through paradesk.access, as its page is: 404 for an outsider, the full record's
readers only (`student.record`), one audited view.
"""

from __future__ import annotations

import datetime
import uuid

from django.http import HttpRequest
from pydantic import BaseModel, Field

from paradesk.access import audit
from paradesk.access.helpers import access_plan_item
from paradesk.access.policy import Action
from paradesk.access.routes import Target, student
from paradesk.api_router import AreaRouter, caller
from paradesk.plans import figures
from paradesk.plans.models import Measure
from paradesk.progress import series

router = AreaRouter()


class SessionValueOut(BaseModel):
    observation_id: uuid.UUID
    date: datetime.date = Field(description="The school-local date the observation started.")
    started_at: datetime.datetime
    value: float = Field(description="The session value, in the measure's unit.")


class MeasureProgressOut(BaseModel):
    measure_id: uuid.UUID
    method: str
    unit: str = Field(description="The unit every value is in: count, per_minute, seconds, percent, ...")
    figure: str = Field(description="What the value is, in words (the graph's axis and the report say it).")
    baseline: float | None = Field(
        description="The baseline from the data, in the unit; null before 3 sessions."
    )
    plan_baseline: float | None = Field(description="The baseline written in the plan, in the unit.")
    target: float | None
    target_date: datetime.date | None
    sessions: list[SessionValueOut] = Field(description="Every session that counts, across plan versions.")


@router.operation(
    "GET",
    "/measures/{measure_id}/progress",
    "get_measure_progress",
    student(Action.VIEW_RECORD, Target.MEASURE),
    MeasureProgressOut,
    tag="progress",
    summary="A measure's session values",
)
def get_measure_progress(request: HttpRequest, measure_id: str) -> MeasureProgressOut:
    """Each session's value of the measure (and of the measures it was carried from), in its unit."""
    staff = caller(request)
    measure, _standings = access_plan_item(staff, Measure, measure_id, Action.VIEW_RECORD)
    audit.record_view(staff, measure, measure.plan.student_id)
    progress = series.progress_of([measure])[measure.pk]
    found = progress.result.baseline
    return MeasureProgressOut(
        measure_id=measure.pk,
        method=measure.method,
        unit=str(figures.declared_unit(measure) or ""),
        figure=figures.figure_of(measure),
        baseline=None if found is None else found.value,
        plan_baseline=None if measure.baseline_value is None else float(measure.baseline_value),
        target=None if measure.target_value is None else float(measure.target_value),
        target_date=measure.target_date,
        sessions=[
            SessionValueOut(
                observation_id=session.observation_id,
                date=session.day,
                started_at=session.started_at,
                value=session.value,
            )
            for session in progress.sessions
        ],
    )


__all__ = ["MeasureProgressOut", "router"]
