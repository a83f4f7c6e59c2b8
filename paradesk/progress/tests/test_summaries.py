"""The dashboard's stored summaries: the same answer as the analysis of the measure's page, reused
while nothing they were computed from has changed, and computed again after every kind of change
(a new observation, a correction, a void, a phase change, an aimline, an agreement check, an edit of
the measure, data on an earlier plan version, new analysis code). Data arriving through sync asks
the worker to refresh them."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError
from django_tasks_db.models import DBTaskResult

from paradesk.plans.actions import activate_plan, amend_plan
from paradesk.plans.models import Measure
from paradesk.progress import analysis, series, summaries
from paradesk.progress.agreement import AgreementStanding
from paradesk.progress.models import AimlineAdjustment, MeasureSummary, PhaseChange
from paradesk.progress.summaries import Summary, summaries_of, summary_of
from paradesk.recording.actions import void_record
from paradesk.recording.models import Observation
from paradesk.recording.tests.raw_records import correction, observation
from paradesk.recording.tests.sync_records import TRIALS_FACTS, send
from paradesk.recording.tests.sync_records import observation as sync_observation
from paradesk.recording.tests.sync_records import session as sync_session
from paradesk.testing import Personas, paired_check

pytestmark = pytest.mark.django_db

# Monday 2 November 2026 on: the first three points are the baseline, the next four the intervention.
DAYS = [datetime.date(2026, 11, d) for d in (2, 3, 4, 5, 6, 9, 10)]
VALUES = [50.0, 50.0, 50.0, 40.0, 45.0, 30.0, 49.0]


def loaded(measure: Measure) -> Measure:
    return Measure.objects.select_related("plan__student__school").get(pk=measure.pk)


def fresh(measure: Measure) -> Summary:
    """The summary straight from the analysis, nothing stored."""
    found = loaded(measure)
    return summary_of(series.progress_of([found])[found.pk])


def record(personas: Personas, on: datetime.date, value: float, **extra: Any) -> Observation:
    at = datetime.datetime(on.year, on.month, on.day, 16, tzinfo=datetime.UTC)  # 10:00 in Chicago
    return observation(personas, at=at, value=value, **extra)


def flat_aimline(personas: Personas, value: float = 50.0) -> AimlineAdjustment:
    return AimlineAdjustment.objects.create(
        district=personas.district,
        measure=personas.measure,
        start_date=datetime.date(2026, 10, 1),
        start_value=value,
        target_date=datetime.date(2027, 5, 1),
        target_value=value,
        note="Flat",
        created_by=personas.case_manager,
    )


@pytest.fixture
def recorded(personas: Personas) -> list[Observation]:
    flat_aimline(personas)
    return [record(personas, on, value) for on, value in zip(DAYS, VALUES, strict=True)]


class Spy:
    """Counts the analyses run, and runs them."""

    def __init__(self) -> None:
        self.measures = 0
        self.real = series.progress_of

    def __call__(self, measures: Any, **options: Any) -> Any:
        self.measures += len(measures)
        return self.real(measures, **options)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    watcher = Spy()
    monkeypatch.setattr(series, "progress_of", watcher)
    return watcher


def summary(measure: Measure) -> Summary:
    return summaries_of([loaded(measure)])[measure.pk]


def test_a_summary_says_what_the_analysis_says(personas: Personas, recorded: list[Observation]) -> None:
    found = summary(personas.measure)
    # Flat aimline at 50; the intervention's points 40, 45, 30, 49 (5, 6, 9, 10 November) all below it.
    assert found.four_point.verdict is analysis.Verdict.CHANGE_INSTRUCTION
    assert found.four_point.since_day == datetime.date(2026, 11, 5).toordinal()
    assert found.days == tuple(DAYS)
    assert found.last_day == datetime.date(2026, 11, 10)
    assert found == fresh(personas.measure)


def test_the_stored_form_reads_back_the_same(personas: Personas, recorded: list[Observation]) -> None:
    computed = fresh(personas.measure)
    mastery = analysis.Mastery(analysis.MasteryStatus.NOT_MET, 2, 738000.0, ("staff", "settings"), 1, 1)
    agreement = AgreementStanding(2, 9, 70.0, 22.2)
    for one in (computed, Summary(**{**computed.__dict__, "mastery": mastery, "agreement": agreement})):
        assert summaries.from_json(one.measure, summaries.to_json(one)) == one


def test_a_stored_summary_is_reused_until_its_data_changes(
    personas: Personas, recorded: list[Observation], spy: Spy
) -> None:
    first = summary(personas.measure)
    assert spy.measures == 1
    stored = MeasureSummary.objects.get(measure=personas.measure)
    assert stored.district_id == personas.district.pk
    assert summary(personas.measure) == first
    assert spy.measures == 1  # nothing changed: read, not computed


def add_observation(personas: Personas, observations: list[Observation]) -> None:
    record(personas, datetime.date(2026, 11, 11), 60.0)


def correct_one(personas: Personas, observations: list[Observation]) -> None:
    correction(observations[-1], "wrong count", value=80.0)


def void_one(personas: Personas, observations: list[Observation]) -> None:
    void_record(actor=personas.case_manager, record=observations[-1], reason="wrong student")


def change_phase(personas: Personas, observations: list[Observation]) -> None:
    PhaseChange.objects.create(
        district=personas.district,
        measure=personas.measure,
        starts_on=datetime.date(2026, 11, 9),
        label="New prompts",
        created_by=personas.case_manager,
    )


def adjust_aimline(personas: Personas, observations: list[Observation]) -> None:
    flat_aimline(personas, 20.0)


def pair_for_agreement(personas: Personas, observations: list[Observation]) -> None:
    primary = observations[-1]
    second = record(personas, DAYS[-1], 50.0, recorded_by=personas.provider)
    paired_check(personas, primary, second, 70.0)


def edit_measure(personas: Personas, observations: list[Observation]) -> None:
    Measure.objects.filter(pk=personas.measure.pk).update(direction="decrease")


CHANGES: list[Callable[[Personas, list[Observation]], None]] = [
    add_observation,
    correct_one,
    void_one,
    change_phase,
    adjust_aimline,
    pair_for_agreement,
    edit_measure,
]


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__ for change in CHANGES])
def test_every_change_to_what_it_was_computed_from_computes_it_again(
    personas: Personas,
    recorded: list[Observation],
    spy: Spy,
    change: Callable[[Personas, list[Observation]], None],
) -> None:
    before = summary(personas.measure)
    change(personas, recorded)
    after = summary(personas.measure)
    assert spy.measures == 2
    assert after == fresh(personas.measure)
    assert after != before


def test_data_on_an_earlier_plan_version_reaches_the_current_summary(
    personas: Personas, recorded: list[Observation], spy: Spy
) -> None:
    activate_plan(
        actor=personas.case_manager,
        plan=amend_plan(actor=personas.case_manager, plan=personas.plan, reason="new year"),
    )
    current = Measure.objects.get(carried_from=personas.measure)
    before = summary(current)
    assert before.days == tuple(DAYS)  # the lineage's data
    void_record(actor=personas.case_manager, record=recorded[0], reason="wrong day")
    after = summary(current)
    assert after.days == tuple(DAYS[1:])
    assert spy.measures == 2


def test_new_analysis_code_computes_it_again(
    personas: Personas, recorded: list[Observation], spy: Spy, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary(personas.measure)
    monkeypatch.setattr(summaries, "code_stamp", lambda: "a later release")
    summary(personas.measure)
    assert spy.measures == 2


def test_an_unreadable_stored_summary_is_computed_again(
    personas: Personas, recorded: list[Observation]
) -> None:
    summary(personas.measure)
    MeasureSummary.objects.update(summary={"days": "not a list of days"})
    assert summary(personas.measure) == fresh(personas.measure)
    readable = MeasureSummary.objects.get(measure=personas.measure).summary
    assert summaries.from_json(loaded(personas.measure), readable) == fresh(personas.measure)


def test_a_summary_that_cannot_be_stored_is_still_answered(
    personas: Personas,
    recorded: list[Observation],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr(MeasureSummary.objects, "bulk_create", refuse)
    with caplog.at_level(logging.WARNING, logger="paradesk.progress.summaries"):
        assert summary(personas.measure) == fresh(personas.measure)
    assert not MeasureSummary.objects.exists()
    assert "DatabaseError" in caplog.text
    assert personas.student.last_name not in caplog.text


def test_data_received_through_sync_asks_the_worker_to_refresh(
    personas: Personas, spy: Spy, django_capture_on_commit_callbacks: Any
) -> None:
    from django.test import Client

    client = Client()
    client.force_login(personas.assigned_para)
    first = sync_session(personas.student)
    with django_capture_on_commit_callbacks(execute=True):
        send(client, [first, sync_observation(first, personas.measure, TRIALS_FACTS)])
    queued = DBTaskResult.objects.get(task_path="paradesk.progress.summaries.refresh_summaries")
    assert queued.args_kwargs["args"] == [[str(personas.measure.pk)]]
    # What the worker runs: afterwards the page reads the summary without computing it.
    assert summaries.refresh_summaries.call([str(personas.measure.pk)]) == 1
    assert spy.measures == 1
    assert len(summary(personas.measure).days) == 1  # the session just received
    assert spy.measures == 1


def test_a_refresh_follows_a_measure_to_the_version_carried_from_it(
    personas: Personas, recorded: list[Observation]
) -> None:
    activate_plan(
        actor=personas.case_manager,
        plan=amend_plan(actor=personas.case_manager, plan=personas.plan, reason="new year"),
    )
    current = Measure.objects.get(carried_from=personas.measure)
    assert summaries.refresh([personas.measure.pk]) == 1  # the ended version is not the dashboard's
    assert list(MeasureSummary.objects.values_list("measure_id", flat=True)) == [current.pk]
