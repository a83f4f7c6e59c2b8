"""Each measure's progress as the team dashboard reads it, kept between pages (MeasureSummary).

A summary holds what the alerts and the dashboard's rows need of a measure's progress: the days with
a session (for "no data", "behind schedule" and "this week", which depend on today and are worked
out when the page is made), the four-point and trend decisions, the mastery run, the independence
trend and the agreement standing of the current phase. It is computed by ``series.progress_of``, the
same analysis the measure's own page shows, and stored with a stamp: a fingerprint of everything it
was computed from. A page first works out every measure's current stamp in a few aggregate queries
(observations received, corrected or voided; phase changes; aimline adjustments; agreement checks,
across the measure's lineage; the measure's own fields; the analysis code), reuses the summaries
whose stamp still matches, and computes only the others. So a summary is never older than its data,
and the worker refreshes the summaries of measures that received data as soon as it arrives, which
keeps the morning page from computing the whole caseload.

Reading only (the summaries are a cache): who may see which measures is decided by paradesk.access
before anything here is called.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db import DatabaseError, models, transaction
from django.db.models import Count, Max
from django.tasks import task
from django.utils import timezone

from paradesk.people.district import in_district
from paradesk.plans.models import Measure, Method, PlanStatus
from paradesk.progress import analysis, series
from paradesk.progress.agreement import AgreementStanding
from paradesk.progress.models import AgreementCheck, AimlineAdjustment, MeasureSummary, PhaseChange
from paradesk.recording.models import Observation

logger = logging.getLogger(__name__)

# The modules whose code decides a summary's content: a new release computes every summary again.
CODE_FILES = ("analysis.py", "agreement.py", "series.py", "summaries.py")


@dataclass(frozen=True)
class Summary:
    measure: Measure
    days: tuple[datetime.date, ...]  # the days of the graphed sessions, in time order
    four_point: analysis.Decision
    trend_decision: analysis.Decision
    mastery: analysis.Mastery | None
    independence: analysis.Independence
    agreement: AgreementStanding
    latest: float | None = None  # the latest session's value, in the measure's unit

    @property
    def last_day(self) -> datetime.date | None:
        return self.days[-1] if self.days else None


def summary_of(progress: series.MeasureProgress) -> Summary:
    result = progress.result
    return Summary(
        measure=progress.measure,
        days=tuple(session.day for session in progress.sessions),
        four_point=result.four_point,
        trend_decision=result.trend_decision,
        mastery=result.mastery,
        independence=result.independence,
        agreement=progress.agreement,
        latest=progress.sessions[-1].value if progress.sessions else None,
    )


# ---- stored form ---------------------------------------------------------------------------------------


def decision_json(decision: analysis.Decision) -> dict[str, Any]:
    return {
        "verdict": str(decision.verdict),
        "points": decision.points,
        "since_day": decision.since_day,
        "reliable": decision.reliable,
    }


def decision_from(data: dict[str, Any]) -> analysis.Decision:
    return analysis.Decision(
        analysis.Verdict(data["verdict"]),
        int(data["points"]),
        optional_float(data["since_day"]),
        bool(data["reliable"]),
    )


def optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def to_json(summary: Summary) -> dict[str, Any]:
    mastery = summary.mastery
    independence = summary.independence
    agreement = summary.agreement
    return {
        "days": [day.toordinal() for day in summary.days],
        "latest": summary.latest,
        "four_point": decision_json(summary.four_point),
        "trend_decision": decision_json(summary.trend_decision),
        "mastery": None
        if mastery is None
        else {
            "status": str(mastery.status),
            "run": mastery.run,
            "since_day": mastery.since_day,
            "missing": list(mastery.missing),
            "staff": mastery.staff,
            "settings": mastery.settings,
        },
        "independence": {
            "status": str(independence.status),
            "independent_per_week": independence.independent_per_week,
            "prompt_rank_per_week": independence.prompt_rank_per_week,
            "points": independence.points,
        },
        "agreement": {
            "checks": agreement.checks,
            "sessions": agreement.sessions,
            "lowest": agreement.lowest,
            "share_checked": agreement.share_checked,
        },
    }


def from_json(measure: Measure, data: Any) -> Summary | None:
    """The stored summary, or None when it cannot be read (an older shape): then it is computed."""
    try:
        mastery = data["mastery"]
        independence = data["independence"]
        agreement = data["agreement"]
        return Summary(
            measure=measure,
            days=tuple(datetime.date.fromordinal(int(day)) for day in data["days"]),
            four_point=decision_from(data["four_point"]),
            trend_decision=decision_from(data["trend_decision"]),
            mastery=None
            if mastery is None
            else analysis.Mastery(
                analysis.MasteryStatus(mastery["status"]),
                int(mastery["run"]),
                optional_float(mastery["since_day"]),
                tuple(str(item) for item in mastery["missing"]),
                int(mastery["staff"]),
                int(mastery["settings"]),
            ),
            independence=analysis.Independence(
                analysis.Fading(independence["status"]),
                optional_float(independence["independent_per_week"]),
                optional_float(independence["prompt_rank_per_week"]),
                int(independence["points"]),
            ),
            agreement=AgreementStanding(
                int(agreement["checks"]),
                int(agreement["sessions"]),
                optional_float(agreement["lowest"]),
                optional_float(agreement["share_checked"]),
            ),
            latest=optional_float(data["latest"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


# ---- stamps --------------------------------------------------------------------------------------------


@cache
def code_stamp() -> str:
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in CODE_FILES:
        path = here / name
        if path.exists():
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def per_measure(
    queryset: models.QuerySet[Any],
    key: str,
    ids: Iterable[uuid.UUID],
    districts: set[uuid.UUID],
    **aggregates: Any,
) -> dict[uuid.UUID, tuple[Any, ...]]:
    """One aggregate row per measure id: what changes when a row is added, changed or voided."""
    wanted = in_district(queryset.filter(**{f"{key}__in": list(ids)}), districts)
    rows = wanted.values(key).annotate(**aggregates).order_by()
    names = list(aggregates)
    return {row[key]: tuple(row[name] for name in names) for row in rows}


def stamps(measures: Sequence[Measure], chains: dict[uuid.UUID, list[uuid.UUID]]) -> dict[uuid.UUID, str]:
    """Each measure's current stamp, in four aggregate queries whatever the number of measures."""
    ids = {old for chain in chains.values() for old in chain}
    districts = series.districts_of(measures)
    observations = per_measure(
        Observation.objects.all(),
        "measure_id",
        ids,
        districts,
        n=Count("id"),
        received=Max("received_at"),
        superseded=Count("superseded_at"),
        voided=Count("voided_at"),
        last_void=Max("voided_at"),
    )
    changes = per_measure(
        PhaseChange.objects.all(), "measure_id", ids, districts, n=Count("id"), last=Max("created_at")
    )
    adjustments = per_measure(
        AimlineAdjustment.objects.all(), "measure_id", ids, districts, n=Count("id"), last=Max("created_at")
    )
    checks = per_measure(
        AgreementCheck.objects.all(), "measure_id", ids, districts, n=Count("id"), last=Max("paired_at")
    )
    found: dict[uuid.UUID, str] = {}
    for measure in measures:
        parts: list[Any] = [
            code_stamp(),
            [(field.attname, getattr(measure, field.attname)) for field in Measure._meta.concrete_fields],
            measure.plan.start_date,
            str(series.time_zone_of(measure)),
        ]
        for pk in chains[measure.pk]:
            parts.append((pk, observations.get(pk), changes.get(pk), adjustments.get(pk), checks.get(pk)))
        found[measure.pk] = hashlib.sha256(repr(parts).encode()).hexdigest()
    return found


# ---- reading and refreshing ----------------------------------------------------------------------------


def summaries_of(measures: Sequence[Measure]) -> dict[uuid.UUID, Summary]:
    """Each measure's summary (load them with plan__student__school): the stored ones whose stamp
    still matches, the others computed now and stored. The stamps are taken before the data is
    read, so data that arrives meanwhile makes the stored summary stale, never wrong."""
    if not measures:
        return {}
    chains = series.lineages(measures)
    current = stamps(measures, chains)
    rows = MeasureSummary.objects.filter(measure_id__in=[m.pk for m in measures])
    stored = {row.measure_id: row for row in in_district(rows, series.districts_of(measures))}
    found: dict[uuid.UUID, Summary] = {}
    missing: list[Measure] = []
    for measure in measures:
        row = stored.get(measure.pk)
        summary = (
            from_json(measure, row.summary) if row is not None and row.stamp == current[measure.pk] else None
        )
        if summary is None:
            missing.append(measure)
        else:
            found[measure.pk] = summary
    if missing:
        progress = series.progress_of(missing, chains=chains)
        fresh = {pk: summary_of(one) for pk, one in progress.items()}
        keep(fresh, current)
        found.update(fresh)
    return found


def keep(fresh: dict[uuid.UUID, Summary], current: dict[uuid.UUID, str]) -> None:
    """Store the summaries just computed. A failure to store costs only speed: the page goes on."""
    now = timezone.now()
    rows = [
        MeasureSummary(
            measure_id=pk,
            district_id=summary.measure.district_id,
            stamp=current[pk],
            summary=to_json(summary),
            computed_at=now,
        )
        for pk, summary in fresh.items()
    ]
    try:
        with transaction.atomic():
            MeasureSummary.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["measure"],
                update_fields=["district", "stamp", "summary", "computed_at"],
            )
    except DatabaseError as exc:
        logger.warning("Measure summaries not stored (%s); they will be computed again", type(exc).__name__)


def refresh(measure_ids: Iterable[uuid.UUID]) -> int:
    """Bring the stored summaries of these measures (and of the versions carried from them) up to
    date; how many measures were looked at."""
    measures = series.active_versions(measure_ids)
    summaries_of(measures)
    return len(measures)


def refresh_district(district_id: uuid.UUID) -> int:
    """Compute and store the summaries of every measure of the district's active plans (the demo's
    history is written in bulk, not through sync); how many there are."""
    active = Measure.objects.filter(district_id=district_id, plan__status=PlanStatus.ACTIVE)
    measures = list(active.exclude(method=Method.ABC).select_related("plan__student__school"))
    return len(summaries_of(measures))


@task()
def refresh_summaries(measure_ids: list[str]) -> int:
    """The worker's task after data arrives (measure ids as text: task arguments are JSON)."""
    return refresh(uuid.UUID(pk) for pk in measure_ids)


def refresh_soon(measure_ids: Iterable[uuid.UUID]) -> None:
    """Ask the worker to refresh these measures' summaries. Data is already saved when this runs; if
    the task cannot be queued, the next page computes the summaries instead."""
    ids = sorted({str(pk) for pk in measure_ids})
    if not ids:
        return
    try:
        refresh_summaries.enqueue(ids)
    except Exception as exc:  # the data is saved: only the warm-up is lost
        logger.warning("Summary refresh not queued (%s)", type(exc).__name__)
