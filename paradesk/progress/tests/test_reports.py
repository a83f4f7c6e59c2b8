"""Progress reports: the descriptor the data proposes (known answers worked by hand from
docs/progress.md#progress-reports), the teacher's decision, and who may read, decide and download.

Every series below is on personas.measure (discrete trials, a percentage, to increase) in Quarter 1
(1 September - 10 November 2026), with the target 95% by 16 December 2026 unless a test says
otherwise. Baseline 20, 30, 25 on 5-7 October: median 25, so the aimline starts at 25 on 7 October
and rises 70 points in 70 days, 1 a day: 30, 31, 32, 33 on 12-15 October. The four points after the
baseline (12-15 October, the implicit intervention phase) decide each case; their mean day is 13.5
October, 63.5 days before 16 December.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from paradesk.access.models import AuditAction, AuditEntry
from paradesk.plans.models import Measure, MeasureStatus, Plan, ReportingPeriod
from paradesk.progress import reports, series
from paradesk.progress.models import AimlineAdjustment, Descriptor, PhaseChange, ProgressEntry
from paradesk.recording.models import Observation, Session
from paradesk.testing import Personas, signed_in

pytestmark = pytest.mark.django_db

D = datetime.date
BASELINE = [(D(2026, 10, 5), 20.0), (D(2026, 10, 6), 30.0), (D(2026, 10, 7), 25.0)]
FOUR_DAYS = [D(2026, 10, 12), D(2026, 10, 13), D(2026, 10, 14), D(2026, 10, 15)]
TARGET_DATE = D(2026, 12, 16)


# ---- helpers shared by test_pdf.py and test_batches.py ------------------------------------------------


def at_ten(day: datetime.date, minute: int = 0) -> datetime.datetime:
    """10:00 in Chicago (the test school's time zone) on that day."""
    return datetime.datetime(day.year, day.month, day.day, 15, minute, tzinfo=datetime.UTC)


TRIAL_FACTS = {"trials": [{"response": "correct", "prompt": "independent"}] * 10}


def record(measure: Measure, days_values: Sequence[tuple[datetime.date, float]], by_id: uuid.UUID) -> None:
    """One observation per (day, value), recorded at 10:00 school time, the value given."""
    student = measure.plan.student
    for index, (day, value) in enumerate(days_values):
        at = at_ten(day, index % 50)
        common = {
            "district_id": measure.district_id,
            "student_id": student.pk,
            "recorded_by_id": by_id,
            "device": "report-test",
            "recorded_at": at,
            "received_at": at,
        }
        session = Session.objects.create(
            id=uuid.uuid4(),
            started_at=at,
            ended_at=at + datetime.timedelta(minutes=10),
            setting="Resource room",
            **common,
        )
        Observation.objects.create(
            id=uuid.uuid4(),
            session=session,
            plan=measure.plan,
            measure=measure,
            started_at=at,
            ended_at=at + datetime.timedelta(minutes=10),
            facts=TRIAL_FACTS,
            value=value,
            **common,
        )


def set_target(measure: Measure, value: float | None = 95, by: datetime.date | None = TARGET_DATE) -> Measure:
    measure.target_value = None if value is None else Decimal(str(value))
    measure.target_date = by
    measure.save(update_fields=["target_value", "target_date"])
    return measure


def quarter(plan: Plan) -> ReportingPeriod:
    return ReportingPeriod.objects.get(plan=plan, name="Quarter 1")


def with_four(personas: Personas, values: Sequence[float]) -> Measure:
    measure = set_target(personas.measure)
    record(measure, [*BASELINE, *zip(FOUR_DAYS, values, strict=True)], personas.assigned_para.pk)
    return measure


def progress_until(measure_id: uuid.UUID, until: datetime.date) -> series.MeasureProgress:
    measure = Measure.objects.select_related("plan__student__school").get(pk=measure_id)
    return series.progress_of([measure], until=until)[measure.pk]


def proposal(personas: Personas) -> reports.Proposal:
    period = quarter(personas.plan)
    return reports.propose(progress_until(personas.measure.pk, period.end_date), period)


def line_of(report: reports.Report, measure: Measure) -> reports.ReportLine:
    return next(line for line in report.lines if line.measure.pk == measure.pk)


def report_url(plan: Plan, period: ReportingPeriod, pdf: bool = False) -> str:
    name = "progress_report_pdf" if pdf else "progress_report"
    return reverse(name, kwargs={"plan_id": plan.pk, "period_id": period.pk})


# ---- the proposal, each way ---------------------------------------------------------------------------


def test_sufficient_when_no_rule_says_change_and_the_trend_reaches_the_target(personas: Personas) -> None:
    """29, 33, 31, 35 against the aimline's 30, 31, 32, 33: below, above, below, above, so the
    four-point rule says continue. Least squares: mean 32, slope 8 / 5 = 1.6 a day (steeper than the
    aimline's 1). Projected to 16 December: 32 + 1.6 x 63.5 = 133.6 >= 95."""
    with_four(personas, [29, 33, 31, 35])
    found = proposal(personas)
    assert found.descriptor == Descriptor.SUFFICIENT
    assert "No decision rule says to change instruction." in found.words
    assert "reaches 133.6%" in found.words
    assert "read it with care" in found.words  # a trend from 4 points


def test_insufficient_when_the_four_point_rule_says_change_even_if_the_trend_reaches(
    personas: Personas,
) -> None:
    """26, 28, 30, 32 are all below 30, 31, 32, 33: change instruction. The trend (slope 2, mean 29)
    would reach 29 + 2 x 63.5 = 156, but a rule says change, so the progress is insufficient."""
    with_four(personas, [26, 28, 30, 32])
    found = proposal(personas)
    assert found.descriptor == Descriptor.INSUFFICIENT
    assert "four-point rule says to change instruction" in found.words
    assert "all below the aimline" in found.words
    assert "reaches 156%" in found.words


def test_sufficient_when_the_four_point_rule_says_raise_the_goal_though_the_trend_falls_short(
    personas: Personas,
) -> None:
    """60, 60, 60, 60 are all above the aimline: raise the goal. The flat trend projects only 60."""
    with_four(personas, [60, 60, 60, 60])
    found = proposal(personas)
    assert found.descriptor == Descriptor.SUFFICIENT
    assert "four-point rule says to raise the goal" in found.words
    assert "all above the aimline" in found.words


def test_insufficient_when_the_trend_falls_short_of_the_target(personas: Personas) -> None:
    """31, 30, 34, 31: above, below, above, below: continue. Mean 31.5, slope 2 / 5 = 0.4 a day:
    31.5 + 0.4 x 63.5 = 56.9 < 95."""
    with_four(personas, [31, 30, 34, 31])
    found = proposal(personas)
    assert found.descriptor == Descriptor.INSUFFICIENT
    assert "reaches only 56.9%" in found.words
    assert "the target is 95%" in found.words


def test_a_reliable_trend_rule_saying_change_makes_it_insufficient(personas: Personas) -> None:
    """Eight sessions after the baseline (a trend trusted from 8): 30, 31, 32, 32, 33, 32, 35, 36 on
    8, 9, 12-16, 19 October against the aimline's 26, 27, 30-34, 37. The latest four straddle the
    line (continue); least squares 46.75 / 91.5 = 0.51 a day, flatter than 1: change instruction."""
    measure = set_target(personas.measure)
    days = [D(2026, 10, d) for d in (8, 9, 12, 13, 14, 15, 16, 19)]
    values = [30.0, 31.0, 32.0, 32.0, 33.0, 32.0, 35.0, 36.0]
    record(measure, [*BASELINE, *zip(days, values, strict=True)], personas.assigned_para.pk)
    found = proposal(personas)
    assert found.descriptor == Descriptor.INSUFFICIENT
    assert "trend rule says to change instruction: over 8 sessions" in found.words
    assert "read it with care" not in found.words


def test_an_unreliable_trend_rule_alone_does_not_say_change(personas: Personas) -> None:
    """Four points: the trend rule's "change" (slope 0.4 < 1) is read with care and not counted."""
    with_four(personas, [31, 30, 34, 31])
    assert "trend rule says" not in proposal(personas).words


def test_mastered_when_the_data_meets_the_mastery_rule(personas: Personas) -> None:
    """90, 95, 100 after the baseline: 3 sessions in a row at or above 90% (the measure's rule)."""
    measure = set_target(personas.measure)
    record(
        measure, [*BASELINE, *zip(FOUR_DAYS[:3], [90.0, 95.0, 100.0], strict=True)], personas.assigned_para.pk
    )
    found = proposal(personas)
    assert found.descriptor == Descriptor.MASTERED
    assert "3 sessions in a row at or above 90%" in found.words


@pytest.mark.parametrize("status", [MeasureStatus.MASTERED, MeasureStatus.MAINTENANCE])
def test_mastered_when_a_teacher_confirmed_it(personas: Personas, status: str) -> None:
    personas.measure.status = status
    personas.measure.save(update_fields=["status"])
    found = proposal(personas)
    assert found.descriptor == Descriptor.MASTERED
    assert "A teacher confirmed mastery" in found.words


def test_not_introduced_when_nothing_was_recorded_by_the_period_end(personas: Personas) -> None:
    """A session on 20 November is after Quarter 1 (ends 10 November): it does not count."""
    record(set_target(personas.measure), [(D(2026, 11, 20), 80.0)], personas.assigned_para.pk)
    found = proposal(personas)
    assert found.descriptor == Descriptor.NOT_INTRODUCED
    assert "No session was recorded by the end of the period" in found.words


def test_insufficient_and_said_so_when_the_measure_has_no_target(personas: Personas) -> None:
    record(
        personas.measure,
        [*BASELINE, *zip(FOUR_DAYS, [29.0, 33.0, 31.0, 35.0], strict=True)],
        personas.assigned_para.pk,
    )
    found = proposal(personas)
    assert found.descriptor == Descriptor.INSUFFICIENT
    assert "no target value and date" in found.words


def test_the_teachers_adjusted_aimline_is_the_target_projected_to(personas: Personas) -> None:
    """The teacher aims at 60 by 16 December from 25 on 7 October: 0.5 a day, 27.5, 28, 28.5, 29 on
    12-15 October. 27, 29, 28, 30 straddle it (continue); mean 28.5, slope 4 / 5 = 0.8:
    28.5 + 0.8 x 63.5 = 79.3, which reaches 60 (against the plan's 95 it would not)."""
    with_four(personas, [27, 29, 28, 30])
    AimlineAdjustment.objects.create(
        district=personas.district,
        measure=personas.measure,
        start_date=D(2026, 10, 7),
        start_value=25,
        target_date=TARGET_DATE,
        target_value=60,
        created_by=personas.case_manager,
        created_at=datetime.datetime(2026, 10, 16, 15, tzinfo=datetime.UTC),
    )
    line = line_of(reports.report_for(personas.plan, quarter(personas.plan)), personas.measure)
    assert line.proposal.descriptor == Descriptor.SUFFICIENT
    assert "reaches 79.3%: the target is 60%" in line.proposal.words
    assert "adjusted aimline" in line.target_text


def test_current_level_is_the_median_of_the_last_three_sessions(personas: Personas) -> None:
    """29, 33, 31, 35: the last three are 33, 31, 35, median 33. Baseline: the data's, 25."""
    with_four(personas, [29, 33, 31, 35])
    line = line_of(reports.report_for(personas.plan, quarter(personas.plan)), personas.measure)
    assert line.current.value == 33
    assert line.current.value_text == "33%"
    assert line.current.words.startswith("median of the last 3 sessions")
    assert (line.baseline.value, line.baseline.words) == (25, "median of the first 3 sessions")


def test_the_plans_written_baseline_comes_first(personas: Personas) -> None:
    personas.measure.baseline_value = Decimal("22.5")
    personas.measure.save(update_fields=["baseline_value"])
    line = line_of(reports.report_for(personas.plan, quarter(personas.plan)), personas.measure)
    assert (line.baseline.value_text, line.baseline.words) == ("22.5%", "as written in the plan")
    assert line.current.value is None


def test_behavior_plan_measures_are_reported_too(personas: Personas) -> None:
    report = reports.report_for(personas.plan, quarter(personas.plan))
    headings = [section.heading for section in report.sections]
    assert headings == ["Reading", "Behavior: Elopement"]
    assert [line.measure.name for line in report.lines] == ["Sight words read correctly", "Elopement count"]


# ---- entries and the teacher's decision -----------------------------------------------------------------


def test_opening_makes_one_entry_per_measure_with_the_proposal_and_no_decision(personas: Personas) -> None:
    with_four(personas, [29, 33, 31, 35])
    period = quarter(personas.plan)
    reports.report_for(personas.plan, period)
    reports.report_for(personas.plan, period)
    entries = ProgressEntry.objects.filter(period=period)
    assert entries.count() == 2
    entry = entries.get(measure=personas.measure)
    assert (entry.proposed, entry.descriptor, entry.decided_by) == (Descriptor.SUFFICIENT, "", None)


def test_the_decided_descriptor_is_the_teachers_and_later_data_does_not_change_it(personas: Personas) -> None:
    with_four(personas, [29, 33, 31, 35])
    period = quarter(personas.plan)
    line = line_of(reports.report_for(personas.plan, period), personas.measure)
    reports.decide(
        actor=personas.case_manager,
        student_id=personas.student.pk,
        decisions=[reports.Decision(line.entry, Descriptor.INSUFFICIENT, "Reads more each week.")],
    )
    # Late records (synced after the fact) turn the data's proposal to mastered.
    record(
        personas.measure,
        [(D(2026, 10, 16), 95.0), (D(2026, 10, 19), 96.0), (D(2026, 10, 20), 97.0)],
        personas.assigned_para.pk,
    )
    line = line_of(reports.report_for(personas.plan, period), personas.measure)
    entry = ProgressEntry.objects.get(pk=line.entry.pk)
    assert entry.proposed == Descriptor.MASTERED
    assert entry.descriptor == Descriptor.INSUFFICIENT
    assert entry.decided_by == personas.case_manager
    assert entry.decided_at is not None
    assert entry.narrative == "Reads more each week."


def form_data(report: reports.Report, **chosen: str) -> dict[str, str]:
    """The report page's form: each line's descriptor (the proposal unless chosen) and narrative."""
    data = {}
    for line in report.lines:
        prefix = f"entry-{line.entry.pk}"
        data[f"{prefix}-descriptor"] = chosen.get(line.measure.name, line.entry.proposed)
        data[f"{prefix}-narrative"] = f"Narrative for {line.measure.name}."
    return data


def test_the_case_manager_saves_the_report_and_it_is_audited(client: Client, personas: Personas) -> None:
    with_four(personas, [29, 33, 31, 35])
    period = quarter(personas.plan)
    report = reports.report_for(personas.plan, period)
    data = form_data(report, **{"Sight words read correctly": Descriptor.INSUFFICIENT})
    response = signed_in(personas.case_manager, client).post(report_url(personas.plan, period), data)
    assert response.status_code == 302
    decided = ProgressEntry.objects.get(period=period, measure=personas.measure)
    assert (decided.proposed, decided.descriptor) == (Descriptor.SUFFICIENT, Descriptor.INSUFFICIENT)
    assert decided.decided_by == personas.case_manager
    assert decided.narrative == "Narrative for Sight words read correctly."
    # The behavior measure's proposal, preselected and saved, is now the teacher's decision.
    behavior = ProgressEntry.objects.exclude(measure=personas.measure).get(period=period)
    assert behavior.descriptor == Descriptor.NOT_INTRODUCED
    assert behavior.decided_by == personas.case_manager
    updates = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="progress.progressentry")
    assert updates.count() == 2
    assert set(updates.values_list("student_id", flat=True)) == {personas.student.pk}


def test_the_page_preselects_the_proposal_until_decided(client: Client, personas: Personas) -> None:
    with_four(personas, [29, 33, 31, 35])
    period = quarter(personas.plan)
    response = signed_in(personas.provider, client).get(report_url(personas.plan, period))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<option value="sufficient" selected>' in body
    assert "Proposed from the data:" in body
    assert "reaches 133.6%" in body
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, student_id=personas.student.pk).exists()


def test_a_bad_choice_changes_nothing_and_says_so(client: Client, personas: Personas) -> None:
    period = quarter(personas.plan)
    report = reports.report_for(personas.plan, period)
    data = form_data(report) | {f"entry-{report.lines[0].entry.pk}-descriptor": "brilliant"}
    response = signed_in(personas.case_manager, client).post(report_url(personas.plan, period), data)
    assert response.status_code == 422
    assert "Nothing was saved" in response.content.decode()
    assert not ProgressEntry.objects.filter(period=period).exclude(descriptor="").exists()


# ---- who may ----------------------------------------------------------------------------------------------


def test_a_para_reads_the_report_without_a_form(client: Client, personas: Personas) -> None:
    period = quarter(personas.plan)
    response = signed_in(personas.assigned_para, client).get(report_url(personas.plan, period))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<select" not in body
    assert "not yet decided" in body


def test_a_para_cannot_decide(client: Client, personas: Personas) -> None:
    period = quarter(personas.plan)
    report = reports.report_for(personas.plan, period)
    response = signed_in(personas.assigned_para, client).post(
        report_url(personas.plan, period), form_data(report)
    )
    assert response.status_code == 403
    assert not ProgressEntry.objects.filter(period=period).exclude(descriptor="").exists()


def test_a_para_downloads_the_pdf_audited_as_an_export(client: Client, personas: Personas) -> None:
    period = quarter(personas.plan)
    response = signed_in(personas.assigned_para, client).get(report_url(personas.plan, period, pdf=True))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert personas.student.last_name not in response["Content-Disposition"]
    assert AuditEntry.objects.filter(
        action=AuditAction.EXPORT, actor=personas.assigned_para, student_id=personas.student.pk
    ).exists()


@pytest.mark.parametrize("persona", ["unassigned_para", "other_school_admin", "other_district_admin"])
@pytest.mark.parametrize("pdf", [False, True])
def test_strangers_find_nothing(client: Client, personas: Personas, persona: str, pdf: bool) -> None:
    period = quarter(personas.plan)
    response = signed_in(personas.all()[persona], client).get(report_url(personas.plan, period, pdf=pdf))
    assert response.status_code == 404


def test_the_general_education_teacher_may_not_read_it(client: Client, personas: Personas) -> None:
    response = signed_in(personas.gen_ed_teacher, client).get(
        report_url(personas.plan, quarter(personas.plan))
    )
    assert response.status_code == 403


def test_another_plans_period_is_not_found(client: Client, personas: Personas) -> None:
    other = ReportingPeriod.objects.create(
        district=personas.district,
        plan=Plan.objects.create(
            district=personas.district,
            student=personas.student,
            kind="bip",
            start_date=D(2026, 9, 1),
            end_date=D(2027, 6, 1),
            created_by=personas.case_manager,
        ),
        name="Elsewhere",
        start_date=D(2026, 9, 1),
        end_date=D(2026, 11, 1),
    )
    response = signed_in(personas.case_manager, client).get(report_url(personas.plan, other))
    assert response.status_code == 404


def test_the_plan_page_links_each_periods_report(client: Client, personas: Personas) -> None:
    period = quarter(personas.plan)
    page = signed_in(personas.assigned_para, client).get(reverse("plan_detail", args=[personas.plan.pk]))
    assert report_url(personas.plan, period) in page.content.decode()


def test_a_report_reads_only_what_was_known_at_the_periods_end(personas: Personas) -> None:
    """The same aimline as above, but drawn after the quarter ended: the quarter's report projects to
    the plan's target (95), as it did when the quarter closed, and says nothing of the adjustment; a
    phase change added after the quarter, dated inside it, is not in the report either."""
    measure = with_four(personas, [27, 29, 28, 30])
    period = quarter(personas.plan)
    after = datetime.datetime.combine(period.end_date, datetime.time(12), tzinfo=datetime.UTC)
    after += datetime.timedelta(days=3)
    AimlineAdjustment.objects.create(
        district=personas.district,
        measure=measure,
        start_date=D(2026, 10, 7),
        start_value=25,
        target_date=TARGET_DATE,
        target_value=60,
        created_by=personas.case_manager,
        created_at=after,
    )
    PhaseChange.objects.create(
        district=personas.district,
        measure=measure,
        starts_on=D(2026, 10, 13),
        kind="intervention",
        label="Token board",
        created_by=personas.case_manager,
        created_at=after,
    )
    line = line_of(reports.report_for(personas.plan, period), measure)
    assert line.progress.adjustment is None and line.progress.changes == []
    assert "adjusted aimline" not in line.target_text
    assert line.proposal.descriptor == Descriptor.INSUFFICIENT
    today = series.progress_of([measure])[measure.pk]
    assert today.adjustment is not None and len(today.changes) == 1
