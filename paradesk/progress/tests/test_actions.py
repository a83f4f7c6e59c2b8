"""The teacher's progress decisions as actions: confirming mastery, phase changes, aimlines and
agreement pairs; each audited, each refused with a message on bad input or an ended plan version.
Agreement percents are worked by hand from docs/field.md#agreement."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from paradesk.access.models import AuditAction, AuditEntry
from paradesk.plans.actions import activate_plan, amend_plan
from paradesk.plans.models import Measure, MeasureStatus, Method, PlanStatus
from paradesk.progress import actions, agreement, analysis, series, summaries
from paradesk.progress.models import (
    AgreementCheck,
    AimlineAdjustment,
    FidelityCheck,
    MeasureSummary,
    PhaseChange,
    PhaseKind,
)
from paradesk.recording.models import Observation
from paradesk.testing import MeasureFactory, Personas, observe

pytestmark = pytest.mark.django_db

# "Today" at the school, in the persona plan's year (the plan runs 2026-09-01 to 2027-08-31); the
# persona school is in America/Chicago, so 15:00 UTC is 10:00 there, the same date.
TODAY = datetime.date(2026, 10, 20)
NAMES = ("Zebulon", "Quillfeather")


@pytest.fixture(autouse=True)
def school_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(actions, "school_today", lambda student: TODAY)


def at(day: int, hour: int = 15) -> datetime.datetime:
    return datetime.datetime(2026, 10, day, hour, 0, tzinfo=datetime.UTC)


def trials(correct: int, total: int = 10) -> dict[str, Any]:
    rows = [{"response": "correct", "prompt": "independent"}] * correct
    rows += [{"response": "incorrect", "prompt": "independent"}] * (total - correct)
    return {"trials": rows}


def sessions(personas: Personas, values: list[int], first_day: int = 5) -> list[Observation]:
    """One trials session a day from first_day, each value out of 10 trials correct (x10 = percent)."""
    return [
        observe(personas.measure, personas.assigned_para, at(first_day + n), trials(v), v * 10.0)
        for n, v in enumerate(values)
    ]


def entries(action: AuditAction, model: str) -> Any:
    return AuditEntry.objects.filter(action=action, object_type=model)


def fresh(measure: Measure) -> Measure:
    return Measure.objects.select_related("plan__student__school").get(pk=measure.pk)


def ended_version(personas: Personas) -> Measure:
    """The persona plan amended and the amendment put in force: its measure is on an ended version."""
    draft = amend_plan(actor=personas.case_manager, plan=personas.plan, reason="new goal")
    activate_plan(actor=personas.case_manager, plan=draft)
    measure = fresh(personas.measure)
    assert measure.plan.status == PlanStatus.ENDED
    return measure


# --- mastery ---------------------------------------------------------------------------------------


def test_confirming_mastery_when_the_rule_is_met_moves_the_measure_to_maintenance(personas: Personas) -> None:
    sessions(personas, [4, 9, 10, 9])  # the persona rule: 90% in 3 sessions in a row
    change = actions.confirm_mastery(
        actor=personas.case_manager, measure=fresh(personas.measure), on=datetime.date(2026, 10, 20)
    )
    assert fresh(personas.measure).status == MeasureStatus.MAINTENANCE
    assert (change.kind, change.starts_on, change.label) == (
        PhaseKind.MAINTENANCE,
        datetime.date(2026, 10, 20),
        "Maintenance",
    )
    assert change.created_by == personas.case_manager
    assert change.note.startswith("Mastery rule met.")
    update = entries(AuditAction.UPDATE, "plans.measure").get()
    assert (update.object_id, update.student_id, update.changed_fields) == (
        str(personas.measure.pk),
        personas.student.pk,
        ["status"],
    )
    created = entries(AuditAction.CREATE, "progress.phasechange").get()
    assert created.object_id == str(change.pk)
    assert created.actor == personas.case_manager


def test_maintenance_probes_leave_the_mastery_rule_once_confirmed(personas: Personas) -> None:
    sessions(personas, [9, 10, 9])
    actions.confirm_mastery(
        actor=personas.provider, measure=fresh(personas.measure), on=datetime.date(2026, 10, 8)
    )
    observe(personas.measure, personas.assigned_para, at(9), trials(10), 100.0)
    result = actions.progress_of(fresh(personas.measure)).result
    assert result.phases[-1].kind is analysis.PhaseKind.MAINTENANCE
    assert len(result.phases[-1].points) == 1


def test_mastery_not_met_is_refused_without_the_teachers_judgement(personas: Personas) -> None:
    sessions(personas, [9, 5, 9])  # the run at 90% is 1 session long
    with pytest.raises(ValidationError) as refused:
        actions.confirm_mastery(
            actor=personas.case_manager, measure=fresh(personas.measure), on=datetime.date(2026, 10, 20)
        )
    assert "without_rule" in refused.value.message_dict
    assert fresh(personas.measure).status == personas.measure.status
    assert not PhaseChange.objects.exists()
    assert not AuditEntry.objects.filter(action__in=[AuditAction.CREATE, AuditAction.UPDATE]).exists()


def test_judgement_without_the_rule_needs_a_reason(personas: Personas) -> None:
    sessions(personas, [9, 5, 9])
    with pytest.raises(ValidationError) as refused:
        actions.confirm_mastery(
            actor=personas.case_manager,
            measure=fresh(personas.measure),
            on=datetime.date(2026, 10, 20),
            without_rule=True,
            reason="   ",
        )
    assert "reason" in refused.value.message_dict
    assert not PhaseChange.objects.exists()


def test_judgement_without_the_rule_with_a_reason_is_confirmed(personas: Personas) -> None:
    sessions(personas, [9, 5, 9])
    change = actions.confirm_mastery(
        actor=personas.case_manager,
        measure=fresh(personas.measure),
        on=datetime.date(2026, 10, 20),
        without_rule=True,
        reason="Probed across three settings at home and school.",
    )
    assert change.note == (
        "Confirmed without the mastery rule being met. Probed across three settings at home and school."
    )
    assert fresh(personas.measure).status == MeasureStatus.MAINTENANCE


def test_mastery_is_confirmed_once(personas: Personas) -> None:
    sessions(personas, [9, 10, 9])
    actions.confirm_mastery(
        actor=personas.case_manager, measure=fresh(personas.measure), on=datetime.date(2026, 10, 20)
    )
    with pytest.raises(ValidationError, match="already confirmed"):
        actions.confirm_mastery(
            actor=personas.case_manager, measure=fresh(personas.measure), on=datetime.date(2026, 10, 20)
        )
    assert PhaseChange.objects.count() == 1


def test_a_discontinued_measure_has_no_mastery_to_confirm(personas: Personas) -> None:
    sessions(personas, [9, 10, 9])
    Measure.objects.filter(pk=personas.measure.pk).update(status=MeasureStatus.DISCONTINUED)
    with pytest.raises(ValidationError, match="discontinued"):
        actions.confirm_mastery(actor=personas.case_manager, measure=fresh(personas.measure), on=TODAY)
    assert fresh(personas.measure).status == MeasureStatus.DISCONTINUED
    assert not PhaseChange.objects.exists()


@pytest.mark.parametrize(
    ("day", "why"),
    [(datetime.date(2026, 10, 21), "future"), (datetime.date(2026, 8, 31), "before")],
)
def test_a_decision_date_in_the_future_or_before_the_data_is_refused(
    personas: Personas, day: datetime.date, why: str
) -> None:
    sessions(personas, [9, 10, 9])
    with pytest.raises(ValidationError, match=why):
        actions.confirm_mastery(actor=personas.case_manager, measure=fresh(personas.measure), on=day)
    assert not PhaseChange.objects.exists()


def test_decisions_on_an_ended_plan_version_are_refused(personas: Personas) -> None:
    sessions(personas, [9, 10, 9])
    measure = ended_version(personas)
    day = datetime.date(2026, 10, 20)
    staff = personas.case_manager
    attempts = [
        lambda: actions.confirm_mastery(actor=staff, measure=measure, on=day),
        lambda: actions.add_phase_change(
            actor=staff, measure=measure, starts_on=day, kind="intervention", label="x"
        ),
        lambda: actions.adjust_aimline(
            actor=staff,
            measure=measure,
            start_date=day,
            start_value=10,
            target_date=day + datetime.timedelta(days=30),
            target_value=90,
        ),
    ]
    for attempt in attempts:
        with pytest.raises(actions.NotInForce, match="has ended"):
            attempt()
    assert not PhaseChange.objects.exists()
    assert not AimlineAdjustment.objects.exists()
    assert fresh(measure).status == personas.measure.status


# --- phase changes ---------------------------------------------------------------------------------


def test_a_phase_change_restarts_the_rules_and_is_audited(personas: Personas) -> None:
    sessions(personas, [2, 3, 2, 3, 4, 3, 2])
    change = actions.add_phase_change(
        actor=personas.provider,
        measure=fresh(personas.measure),
        starts_on=datetime.date(2026, 10, 10),
        kind=PhaseKind.INTERVENTION,
        label="  Token board added ",
        note="Reinforcer every 2 correct.",
    )
    assert (change.label, change.kind, change.created_by) == (
        "Token board added",
        "intervention",
        personas.provider,
    )
    result = actions.progress_of(fresh(personas.measure)).result
    assert result.phases[-1].start_day == analysis.day_number(datetime.date(2026, 10, 10))
    assert [p.value for p in result.current] == [30.0, 20.0]  # sessions of Oct 10 and 11
    entry = entries(AuditAction.CREATE, "progress.phasechange").get()
    assert (entry.object_id, entry.student_id, entry.actor) == (
        str(change.pk),
        personas.student.pk,
        personas.provider,
    )


def test_a_later_phase_change_on_the_same_day_replaces_a_wrong_one_on_the_graph(personas: Personas) -> None:
    sessions(personas, [2, 3, 2, 3, 4, 3, 2])
    day = datetime.date(2026, 10, 9)
    for kind, label in ((PhaseKind.BASELINE, "Wrong kind"), (PhaseKind.INTERVENTION, "Prompt delay")):
        actions.add_phase_change(
            actor=personas.case_manager,
            measure=fresh(personas.measure),
            starts_on=day,
            kind=kind,
            label=label,
        )
    assert PhaseChange.objects.count() == 2  # nothing is removed
    last = actions.progress_of(fresh(personas.measure)).result.phases[-1]
    assert (last.kind, last.label) == (analysis.PhaseKind.INTERVENTION, "Prompt delay")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "maintenance"}, "kind"),
        ({"kind": "anything"}, "kind"),
        ({"label": "   "}, "label"),
        ({"label": "x" * 61}, "label"),
        ({"starts_on": datetime.date(2026, 10, 21)}, "starts_on"),
        ({"starts_on": datetime.date(2026, 8, 1)}, "starts_on"),
    ],
)
def test_a_bad_phase_change_is_refused_beside_its_field(
    personas: Personas, fields: dict[str, Any], field: str
) -> None:
    sessions(personas, [2, 3, 2])
    given: dict[str, Any] = {
        "starts_on": datetime.date(2026, 10, 9),
        "kind": "intervention",
        "label": "New reinforcer",
    } | fields
    with pytest.raises(ValidationError) as refused:
        actions.add_phase_change(actor=personas.case_manager, measure=fresh(personas.measure), **given)
    assert field in refused.value.message_dict
    assert not PhaseChange.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.CREATE).exists()


def test_a_phase_change_may_start_on_the_plan_start_before_any_data(personas: Personas) -> None:
    change = actions.add_phase_change(
        actor=personas.case_manager,
        measure=fresh(personas.measure),
        starts_on=personas.plan.start_date,
        kind="baseline",
        label="Baseline",
    )
    assert change.starts_on == datetime.date(2026, 9, 1)


# --- aimline -----------------------------------------------------------------------------------------


def test_an_adjusted_aimline_replaces_the_one_from_the_baseline(personas: Personas) -> None:
    sessions(personas, [2, 3, 4])
    adjustment = actions.adjust_aimline(
        actor=personas.case_manager,
        measure=fresh(personas.measure),
        start_date=datetime.date(2026, 10, 1),
        start_value=30,
        target_date=datetime.date(2026, 12, 10),  # 70 days: 10 points a week
        target_value=100,
        note="Faster growth seen in September.",
    )
    line = actions.progress_of(fresh(personas.measure)).result.aimline
    assert line is not None
    assert line.anchor_value == 30
    assert line.per_week == pytest.approx(7.0)
    entry = entries(AuditAction.CREATE, "progress.aimlineadjustment").get()
    assert (entry.object_id, entry.student_id) == (str(adjustment.pk), personas.student.pk)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"target_date": datetime.date(2026, 10, 1)}, "target_date"),
        ({"target_date": datetime.date(2026, 9, 30)}, "target_date"),
        ({"start_value": -1}, "start_value"),
        ({"target_value": 101}, "target_value"),
        ({"start_date": datetime.date(2026, 8, 1)}, "start_date"),
    ],
)
def test_a_bad_aimline_is_refused_beside_its_field(
    personas: Personas, fields: dict[str, Any], field: str
) -> None:
    given: dict[str, Any] = {
        "start_date": datetime.date(2026, 10, 1),
        "start_value": 30.0,
        "target_date": datetime.date(2027, 5, 1),
        "target_value": 90.0,
    } | fields
    with pytest.raises(ValidationError) as refused:
        actions.adjust_aimline(actor=personas.case_manager, measure=fresh(personas.measure), **given)
    assert field in refused.value.message_dict
    assert not AimlineAdjustment.objects.exists()


def test_a_count_aimline_may_go_past_100(personas: Personas) -> None:
    count = MeasureFactory.create(goal=personas.goal, method=Method.COUNT, name="Words read")
    adjustment = actions.adjust_aimline(
        actor=personas.case_manager,
        measure=fresh(count),
        start_date=datetime.date(2026, 10, 1),
        start_value=25,
        target_date=datetime.date(2027, 4, 29),  # 30 weeks
        target_value=125,
    )
    line = series.goal_of(fresh(count), adjustment).aimline
    assert line is not None
    assert line.per_week == pytest.approx(3.33, abs=0.005)  # docs/field.md#baseline-and-aimline


# --- agreement ---------------------------------------------------------------------------------------


def duration_measure(personas: Personas) -> Measure:
    return fresh(MeasureFactory.create(goal=personas.goal, method=Method.DURATION, name="Time on task"))


def test_mean_duration_per_occurrence_worked_by_hand(personas: Personas) -> None:
    """docs/field.md#agreement: per occurrence 30/40, 40/40 and 40/50 = (0.75 + 1.0 + 0.8) / 3 = 85%;
    totals 120 s and 130 s = 92.3%."""
    measure = duration_measure(personas)
    first = observe(
        measure, personas.assigned_para, at(6), {"episodes": [[0, 30], [60, 100], [200, 250]]}, 120.0
    )
    second = observe(
        measure, personas.case_manager, at(6), {"episodes": [[0, 40], [60, 100], [200, 240]]}, 120.0
    )
    check = actions.pair_agreement(actor=personas.provider, measure=measure, primary=first, secondary=second)
    assert check.kind == "mean_duration_per_occurrence"
    assert check.percent == pytest.approx(85.0)
    values = actions.agreement_values(measure, first, second)
    assert values[agreement.AgreementKind.TOTAL_DURATION] == pytest.approx(100.0)  # 120 s each
    entry = entries(AuditAction.CREATE, "progress.agreementcheck").get()
    assert (entry.object_id, entry.student_id, entry.actor) == (
        str(check.pk),
        personas.student.pk,
        personas.provider,
    )


def test_trial_by_trial_agreement_worked_by_hand(personas: Personas) -> None:
    """Ten trials, the observers differ on two: 8 / 10 = 80%."""
    first = observe(personas.measure, personas.assigned_para, at(6), trials(7), 70.0)
    rows = trials(7)["trials"]
    rows[0] = {"response": "incorrect", "prompt": "independent"}  # first observer: correct
    rows[9] = {"response": "correct", "prompt": "independent"}  # first observer: incorrect
    second = observe(personas.measure, personas.case_manager, at(6), {"trials": rows}, 70.0)
    check = actions.pair_agreement(
        actor=personas.case_manager, measure=fresh(personas.measure), primary=first, secondary=second
    )
    assert (check.kind, check.percent) == ("trial_by_trial", pytest.approx(80.0))


def test_the_second_observers_record_leaves_the_graph(personas: Personas) -> None:
    first = observe(personas.measure, personas.assigned_para, at(6), trials(7), 70.0)
    second = observe(personas.measure, personas.case_manager, at(6), trials(6), 60.0)
    assert len(actions.progress_of(fresh(personas.measure)).sessions) == 2
    actions.pair_agreement(
        actor=personas.case_manager, measure=fresh(personas.measure), primary=first, secondary=second
    )
    graphed = actions.progress_of(fresh(personas.measure))
    assert [s.observation_id for s in graphed.sessions] == [first.pk]
    assert graphed.agreement.checks == 1


def refusal(
    personas: Personas, primary: Observation, secondary: Observation, measure: Measure | None = None
) -> str:
    with pytest.raises(ValidationError) as refused:
        actions.pair_agreement(
            actor=personas.case_manager,
            measure=measure or fresh(personas.measure),
            primary=primary,
            secondary=secondary,
        )
    assert not AgreementCheck.objects.exists()
    return " ".join(refused.value.messages)


def test_pairing_refuses_one_record_with_itself(personas: Personas) -> None:
    first = observe(personas.measure, personas.assigned_para, at(6), trials(7), 70.0)
    assert "two different records" in refusal(personas, first, first)


def test_pairing_refuses_the_same_recorder(personas: Personas) -> None:
    first = observe(personas.measure, personas.assigned_para, at(6), trials(7), 70.0)
    second = observe(personas.measure, personas.assigned_para, at(6, 16), trials(7), 70.0)
    assert "independent observer" in refusal(personas, first, second)


def test_pairing_refuses_another_measures_record(personas: Personas) -> None:
    other = MeasureFactory.create(goal=personas.goal, name="Letter sounds")
    first = observe(personas.measure, personas.assigned_para, at(6), trials(7), 70.0)
    second = observe(other, personas.case_manager, at(6), trials(7), 70.0)
    assert "of this measure" in refusal(personas, first, second)


def test_pairing_follows_the_measure_across_plan_versions(personas: Personas) -> None:
    first = observe(personas.measure, personas.assigned_para, at(6), trials(7), 70.0)
    second = observe(personas.measure, personas.case_manager, at(6), trials(7), 70.0)
    ended_version(personas)
    current = fresh(Measure.objects.get(carried_from=personas.measure))
    check = actions.pair_agreement(
        actor=personas.case_manager, measure=current, primary=first, secondary=second
    )
    assert check.percent == 100.0


def test_pairing_refuses_a_voided_record(personas: Personas) -> None:
    first = observe(personas.measure, personas.assigned_para, at(6), trials(7), 70.0)
    second = observe(personas.measure, personas.case_manager, at(6), trials(7), 70.0)
    Observation.objects.filter(pk=second.pk).update(
        voided_at=at(7), voided_by=personas.case_manager, void_reason="x"
    )
    second.refresh_from_db()
    assert "corrected or voided" in refusal(personas, first, second)


def test_pairing_refuses_a_record_already_paired(personas: Personas) -> None:
    first = observe(personas.measure, personas.assigned_para, at(6), trials(7), 70.0)
    second = observe(personas.measure, personas.case_manager, at(6), trials(7), 70.0)
    third = observe(personas.measure, personas.provider, at(6), trials(7), 70.0)
    actions.pair_agreement(
        actor=personas.case_manager, measure=fresh(personas.measure), primary=first, secondary=second
    )
    with pytest.raises(ValidationError, match="already part"):
        actions.pair_agreement(
            actor=personas.case_manager, measure=fresh(personas.measure), primary=first, secondary=third
        )
    assert AgreementCheck.objects.count() == 1


def test_pairing_refuses_records_of_different_days(personas: Personas) -> None:
    first = observe(personas.measure, personas.assigned_para, at(6), trials(7), 70.0)
    second = observe(personas.measure, personas.case_manager, at(7), trials(7), 70.0)
    assert "different days" in refusal(personas, first, second)


def test_pairing_refuses_a_method_without_an_agreement_formula(personas: Personas) -> None:
    rating = fresh(
        MeasureFactory.create(
            goal=personas.goal, method=Method.RATING, name="Calm", rating_min=1, rating_max=5
        )
    )
    first = observe(rating, personas.assigned_para, at(6), {"rating": 3}, 3.0)
    second = observe(rating, personas.case_manager, at(6), {"rating": 4}, 4.0)
    assert "not computed" in refusal(personas, first, second, rating)


def test_candidates_overlap_in_time_by_different_people_and_are_not_paired(personas: Personas) -> None:
    para = observe(personas.measure, personas.assigned_para, at(6, 15), trials(7), 70.0)
    teacher = observe(
        personas.measure, personas.case_manager, at(6, 15) + datetime.timedelta(minutes=3), trials(7), 70.0
    )
    observe(
        personas.measure, personas.assigned_para, at(6, 15) + datetime.timedelta(minutes=5), trials(7), 70.0
    )
    observe(personas.measure, personas.case_manager, at(6, 17), trials(7), 70.0)  # no overlap
    measure = fresh(personas.measure)
    lineage = series.lineages([measure])[measure.pk]
    found = actions.agreement_candidates(actions.unpaired_observations(measure, lineage))
    assert (found[0].first.pk, found[0].second.pk) == (para.pk, teacher.pk)
    assert len(found) == 2  # the teacher's record also overlaps the para's second one
    actions.pair_agreement(actor=personas.case_manager, measure=measure, primary=para, secondary=teacher)
    assert actions.agreement_candidates(actions.unpaired_observations(measure, lineage)) == []


def test_a_second_observers_session_suggests_which_record_is_graphed(personas: Personas) -> None:
    teacher = observe(personas.measure, personas.case_manager, at(6, 15), trials(7), 70.0)
    para = observe(personas.measure, personas.assigned_para, at(6, 15), trials(7), 70.0)
    # The device says the teacher's session is a second look at the para's.
    teacher.session.agreement_of = para.session
    teacher.session.save(update_fields=["agreement_of"])
    measure = fresh(personas.measure)
    lineage = series.lineages([measure])[measure.pk]
    (candidate,) = actions.agreement_candidates(actions.unpaired_observations(measure, lineage))
    assert candidate.suggested_primary.pk == para.pk
    assert candidate.suggested_secondary.pk == teacher.pk


def test_audit_entries_never_name_the_student(personas: Personas) -> None:
    sessions(personas, [9, 10, 9])
    actions.confirm_mastery(
        actor=personas.case_manager, measure=fresh(personas.measure), on=datetime.date(2026, 10, 20)
    )
    for entry in AuditEntry.objects.all():
        text = " ".join(str(value) for value in entry.__dict__.values())
        assert not any(name in text for name in NAMES)


# --- the demo ----------------------------------------------------------------------------------------


def test_the_demo_district_has_decisions_a_teacher_would_make(db: None) -> None:
    from paradesk.demo import build_demo

    district = build_demo().district
    changes = PhaseChange.objects.filter(district=district)
    assert sorted(changes.values_list("label", flat=True)) == [
        "Prompt delay 3 s",
        "Teaching begins",
        "Teaching begins",
        "Token board added",
    ]
    assert AimlineAdjustment.objects.filter(district=district).count() == 1
    checks = list(AgreementCheck.objects.filter(district=district).select_related("primary", "secondary"))
    percents = [check.percent for check in checks if check.percent is not None]
    assert len(checks) >= 8
    assert len(percents) == len(checks)
    assert len([percent for percent in percents if percent < agreement.AGREEMENT_STANDARD]) == 1
    for check in checks:
        assert check.primary.recorded_by_id != check.secondary.recorded_by_id
        assert check.secondary.session.agreement_of_id == check.primary.session_id
        measure = Measure.objects.select_related("plan__student__school").get(pk=check.measure_id)
        recomputed = actions.agreement_values(measure, check.primary, check.secondary)[
            agreement.AgreementKind(check.kind)
        ]
        assert recomputed == pytest.approx(check.percent)
    for measure_id in {check.measure_id for check in checks}:
        measure = Measure.objects.select_related("plan__student__school").get(pk=measure_id)
        progress = actions.progress_of(measure)
        checked = len(progress.agreement_checks) / len(progress.sessions)
        assert 0.15 <= checked <= 0.25  # about a fifth of the sessions
    fidelity = FidelityCheck.objects.filter(district=district)
    assert fidelity.count() >= 4
    for found in fidelity:
        assert found.percent == pytest.approx(agreement.fidelity([s["result"] for s in found.steps]).percent)
        found.full_clean()
    # The dashboard's summaries are stored and current: the first visit computes none.
    active = Measure.objects.filter(district=district, plan__status=PlanStatus.ACTIVE)
    measures = list(active.exclude(method=Method.ABC).select_related("plan__student__school"))
    current = summaries.stamps(measures, series.lineages(measures))
    stored = dict(MeasureSummary.objects.filter(district=district).values_list("measure_id", "stamp"))
    assert measures and stored == current
