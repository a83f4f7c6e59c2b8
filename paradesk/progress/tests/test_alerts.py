"""Each alert of the team dashboard, raised and not raised, with known answers worked by hand from
docs/progress.md#team-dashboard-alerts and a school calendar (Thursday 12 November 2026 is "today"; Wednesday
11 November is a closure; the school year runs 17 August 2026 to 4 June 2027)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from paradesk.plans.models import Measure, MeasureStatus, PlanStatus, ScheduleKind
from paradesk.progress import alerts, series
from paradesk.progress.alerts import Alert, Reason
from paradesk.progress.models import AgreementCheck, AimlineAdjustment, PhaseChange
from paradesk.progress.summaries import summaries_of
from paradesk.recording.models import Observation
from paradesk.recording.tests.raw_records import observation
from paradesk.testing import Personas, bell_schedule_for, calendar_day, paired_check

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 12)  # a Thursday
VETERANS_DAY = datetime.date(2026, 11, 11)
LAST_WEEK = [datetime.date(2026, 11, 2) + datetime.timedelta(days=n) for n in range(5)]  # Mon-Fri
TRIALS_HALF_INDEPENDENT = {
    "trials": [
        {"response": "correct", "prompt": "independent"},
        {"response": "correct", "prompt": "verbal"},
        {"response": "incorrect", "prompt": "independent"},
        {"response": "no_response", "prompt": "model"},
    ]
}


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def weekdays(start: datetime.date, count: int) -> list[datetime.date]:
    """`count` weekdays from `start` on (start included if it is one)."""
    found: list[datetime.date] = []
    current = start
    while len(found) < count:
        if current.weekday() < 5:
            found.append(current)
        current += datetime.timedelta(days=1)
    return found


def record(
    personas: Personas, on: datetime.date, value: float, *, measure: Measure | None = None, **extra: Any
) -> Observation:
    """An observation at 10:00 school time (16:00 UTC, Chicago) on the day."""
    at = datetime.datetime.combine(on, datetime.time(16, 0), tzinfo=datetime.UTC)
    return observation(personas, at=at, measure=measure, value=value, **extra)


def series_of(personas: Personas, values: list[tuple[datetime.date, float]], **extra: Any) -> None:
    for on, value in values:
        record(personas, on, value, **extra)


def alerts_on(measure: Measure, today: datetime.date = TODAY, **options: Any) -> list[Alert]:
    loaded = Measure.objects.select_related("plan__student__school").get(pk=measure.pk)
    found = summaries_of([loaded])
    calendars = alerts.load_calendars(list(found.values()), today)
    return alerts.alerts_for(found.values(), today=today, calendars=calendars, **options)


def words_for(found: list[Alert], reason: Reason) -> list[str]:
    return [alert.words for alert in found if alert.reason is reason]


def reasons(found: list[Alert]) -> set[Reason]:
    return {alert.reason for alert in found}


@pytest.fixture
def school_year(personas: Personas) -> None:
    """The persona school's bell schedule, with Veterans Day closed."""
    bell_schedule_for(personas.school)
    calendar_day(personas.school, VETERANS_DAY, closed="Veterans Day")


def flat_aimline(personas: Personas, value: float = 50.0) -> None:
    """The teacher's aimline, flat at `value`: above it is above, below is below."""
    AimlineAdjustment.objects.create(
        district=personas.district,
        measure=personas.measure,
        start_date=day("2026-10-01"),
        start_value=value,
        target_date=day("2026-12-31"),
        target_value=value,
        created_by=personas.case_manager,
    )


def set_measure(personas: Personas, **fields: Any) -> None:
    Measure.objects.filter(pk=personas.measure.pk).update(**fields)
    personas.measure.refresh_from_db()


# ---- decision rules --------------------------------------------------------------------------------


def test_four_points_below_the_aimline_say_change_instruction(personas: Personas, school_year: None) -> None:
    flat_aimline(personas)
    # 3 baseline points (2-4 November), then 4 intervention points all below 50 (from 5 November).
    days = weekdays(day("2026-11-02"), 7)
    series_of(personas, list(zip(days, [50, 50, 50, 40, 45, 30, 49], strict=True)))
    found = alerts_on(personas.measure)
    assert words_for(found, Reason.CHANGE_INSTRUCTION) == [
        "The last 4 points (since November 5) are all below the aimline. Change instruction."
    ]
    assert Reason.RAISE_GOAL not in reasons(found)


def test_four_points_above_the_aimline_of_a_behavior_to_decrease_say_change_instruction(
    personas: Personas, school_year: None
) -> None:
    set_measure(personas, direction="decrease")
    flat_aimline(personas)
    days = weekdays(day("2026-11-02"), 7)
    series_of(personas, list(zip(days, [50, 50, 50, 60, 55, 70, 51], strict=True)))
    assert words_for(alerts_on(personas.measure), Reason.CHANGE_INSTRUCTION) == [
        "The last 4 points (since November 5) are all above the aimline. The behavior should go down. "
        "Change instruction."
    ]


def test_four_points_on_both_sides_of_the_aimline_raise_no_decision(
    personas: Personas, school_year: None
) -> None:
    flat_aimline(personas)
    days = weekdays(day("2026-11-02"), 7)
    # 50 is on the line: neither above nor below.
    series_of(personas, list(zip(days, [50, 50, 50, 60, 40, 55, 50], strict=True)))
    found = reasons(alerts_on(personas.measure))
    assert not found & {Reason.CHANGE_INSTRUCTION, Reason.RAISE_GOAL}


def test_reliable_trend_steeper_than_the_aimline_says_raise_the_goal(
    personas: Personas, school_year: None
) -> None:
    flat_aimline(personas)
    # 3 baseline points, then 8 rising points whose last 4 straddle the flat aimline (four-point rule:
    # continue); the least-squares trend rises, steeper than the flat aimline.
    days = weekdays(day("2026-10-26"), 11)
    series_of(personas, list(zip(days, [50, 50, 50, 30, 35, 40, 45, 48, 52, 49, 51], strict=True)))
    found = alerts_on(personas.measure)
    assert words_for(found, Reason.RAISE_GOAL) == [
        "The trend over 8 points is moving toward the goal faster than the aimline. "
        "Consider raising the goal."
    ]


def test_rules_that_agree_share_one_alert(personas: Personas, school_year: None) -> None:
    """8 falling intervention points under a flat aimline: the last 4 (from 4 November) are below
    it and the trend falls where the aimline is flat."""
    flat_aimline(personas)
    days = weekdays(day("2026-10-26"), 11)
    series_of(personas, list(zip(days, [50, 50, 50, 48, 46, 44, 42, 40, 38, 36, 34], strict=True)))
    assert words_for(alerts_on(personas.measure), Reason.CHANGE_INSTRUCTION) == [
        "The last 4 points (since November 4) are all below the aimline. The trend over 8 points is not "
        "keeping pace with the aimline. Change instruction."
    ]


def test_trend_from_too_few_points_raises_nothing(personas: Personas, school_year: None) -> None:
    """The same rising series with 7 intervention points: the trend rule answers, but is not
    trusted under 8 points, and the four-point rule says continue."""
    flat_aimline(personas)
    days = weekdays(day("2026-10-27"), 10)
    series_of(personas, list(zip(days, [50, 50, 50, 35, 40, 45, 48, 52, 49, 51], strict=True)))
    found = reasons(alerts_on(personas.measure))
    assert not found & {Reason.CHANGE_INSTRUCTION, Reason.RAISE_GOAL}


def test_measure_in_maintenance_raises_no_decision(personas: Personas, school_year: None) -> None:
    set_measure(personas, status=MeasureStatus.MAINTENANCE)
    flat_aimline(personas)
    days = weekdays(day("2026-11-02"), 7)
    series_of(personas, list(zip(days, [50, 50, 50, 40, 45, 30, 49], strict=True)))
    assert Reason.CHANGE_INSTRUCTION not in reasons(alerts_on(personas.measure))


# ---- mastery -----------------------------------------------------------------------------------------


def test_three_sessions_at_the_threshold_flag_mastery(personas: Personas, school_year: None) -> None:
    """Threshold 90%, 3 consecutive sessions (the measure's defaults)."""
    days = weekdays(day("2026-11-03"), 6)
    series_of(personas, list(zip(days, [60, 70, 85, 90, 100, 95], strict=True)))
    assert words_for(alerts_on(personas.measure), Reason.MASTERY) == [
        "Mastery criterion met: 3 sessions in a row at 90% or more (since November 6). "
        "Confirm mastery or keep teaching."
    ]


def test_a_session_under_the_threshold_breaks_the_run(personas: Personas, school_year: None) -> None:
    days = weekdays(day("2026-11-03"), 6)
    series_of(personas, list(zip(days, [60, 95, 95, 90, 85, 95], strict=True)))
    assert Reason.MASTERY not in reasons(alerts_on(personas.measure))


@pytest.mark.parametrize("status", [MeasureStatus.MAINTENANCE, MeasureStatus.MASTERED])
def test_mastery_already_in_maintenance_or_mastered_is_not_flagged(
    personas: Personas, school_year: None, status: MeasureStatus
) -> None:
    set_measure(personas, status=status)
    days = weekdays(day("2026-11-03"), 6)
    series_of(personas, list(zip(days, [60, 70, 85, 90, 100, 95], strict=True)))
    assert Reason.MASTERY not in reasons(alerts_on(personas.measure))


# ---- no data -------------------------------------------------------------------------------------------


def test_no_data_counts_school_days_skipping_the_weekend_and_a_closure(
    personas: Personas, school_year: None
) -> None:
    """Last data Tuesday 3 November. School days since: Wed 4, Thu 5, Fri 6, Mon 9, Tue 10 and
    Thu 12 (the weekend and Veterans Day, Wed 11, do not count): 6."""
    record(personas, day("2026-11-03"), 50)
    assert words_for(alerts_on(personas.measure), Reason.NO_DATA) == [
        "No data for 6 school days (last on November 3)."
    ]


def test_no_data_threshold_is_reached_only_with_the_closure_not_counting(
    personas: Personas, school_year: None
) -> None:
    """Last data Wednesday 4 November: Thu 5, Fri 6, Mon 9, Tue 10, Thu 12 = 5 school days, the
    default threshold; with 6 asked for, nothing yet."""
    record(personas, day("2026-11-04"), 50)
    assert words_for(alerts_on(personas.measure), Reason.NO_DATA) == [
        "No data for 5 school days (last on November 4)."
    ]
    assert Reason.NO_DATA not in reasons(alerts_on(personas.measure, quiet_days=6))


def test_recent_data_raises_no_no_data_alert(personas: Personas, school_year: None) -> None:
    """Last data Friday 6 November: Mon 9, Tue 10, Thu 12 = 3 school days."""
    record(personas, day("2026-11-06"), 50)
    assert Reason.NO_DATA not in reasons(alerts_on(personas.measure))


def test_a_measure_never_recorded_counts_from_the_plan_start(personas: Personas, school_year: None) -> None:
    """Plan from Tuesday 1 September: 22 school days in September, 22 in October, 9 in November
    to the 12th, less Veterans Day: 52."""
    assert words_for(alerts_on(personas.measure), Reason.NO_DATA) == [
        "No data yet: 52 school days since the plan started on September 1."
    ]


def test_without_a_bell_schedule_every_weekday_is_a_school_day(personas: Personas) -> None:
    record(personas, day("2026-11-03"), 50)
    assert words_for(alerts_on(personas.measure), Reason.NO_DATA) == [
        "No data for 7 school days (last on November 3)."
    ]


@pytest.mark.parametrize("status", [MeasureStatus.DISCONTINUED, MeasureStatus.MASTERED])
def test_discontinued_or_mastered_measure_raises_nothing(
    personas: Personas, school_year: None, status: MeasureStatus
) -> None:
    set_measure(personas, status=status)
    record(personas, day("2026-10-05"), 50)
    assert alerts_on(personas.measure) == []


def test_measure_of_a_plan_that_is_not_active_raises_nothing(personas: Personas, school_year: None) -> None:
    personas.plan.status = PlanStatus.ENDED
    personas.plan.save(update_fields=["status"])
    record(personas, day("2026-10-05"), 50)
    assert alerts_on(personas.measure) == []


# ---- behind schedule ----------------------------------------------------------------------------------


def test_daily_measure_with_data_on_3_of_5_days_last_week_is_behind(
    personas: Personas, school_year: None
) -> None:
    series_of(personas, [(LAST_WEEK[0], 50), (LAST_WEEK[2], 50), (LAST_WEEK[4], 50), (LAST_WEEK[4], 60)])
    assert words_for(alerts_on(personas.measure), Reason.BEHIND_SCHEDULE) == [
        "Data on 3 of 5 school days last week (week of November 2)."
    ]


def test_daily_measure_with_data_every_school_day_is_on_schedule(
    personas: Personas, school_year: None
) -> None:
    series_of(personas, [(on, 50) for on in LAST_WEEK])
    assert Reason.BEHIND_SCHEDULE not in reasons(alerts_on(personas.measure))


def test_a_closure_last_week_is_not_a_day_data_was_due(personas: Personas, school_year: None) -> None:
    calendar_day(personas.school, LAST_WEEK[1], closed="Election day")
    series_of(personas, [(on, 50) for on in LAST_WEEK if on != LAST_WEEK[1]])
    assert Reason.BEHIND_SCHEDULE not in reasons(alerts_on(personas.measure))


def test_three_a_week_measure_with_two_sessions_is_behind(personas: Personas, school_year: None) -> None:
    set_measure(personas, schedule_kind=ScheduleKind.PER_WEEK, sessions_per_week=3)
    series_of(personas, [(LAST_WEEK[0], 50), (LAST_WEEK[3], 50)])
    assert words_for(alerts_on(personas.measure), Reason.BEHIND_SCHEDULE) == [
        "2 of 3 sessions last week (week of November 2); the schedule asks for 3 a week."
    ]


def test_three_a_week_in_a_four_day_week_asks_for_two(personas: Personas, school_year: None) -> None:
    """3 a week prorated to 4 school days: 3 x 4 / 5 = 2.4, rounded down to 2."""
    set_measure(personas, schedule_kind=ScheduleKind.PER_WEEK, sessions_per_week=3)
    calendar_day(personas.school, LAST_WEEK[1], closed="Election day")
    series_of(personas, [(LAST_WEEK[0], 50), (LAST_WEEK[3], 50)])
    assert Reason.BEHIND_SCHEDULE not in reasons(alerts_on(personas.measure))


def test_three_a_week_met_is_on_schedule(personas: Personas, school_year: None) -> None:
    set_measure(personas, schedule_kind=ScheduleKind.PER_WEEK, sessions_per_week=3)
    series_of(personas, [(LAST_WEEK[0], 50), (LAST_WEEK[2], 50), (LAST_WEEK[4], 50)])
    assert Reason.BEHIND_SCHEDULE not in reasons(alerts_on(personas.measure))


def test_a_measure_with_no_data_for_days_is_not_also_called_behind(
    personas: Personas, school_year: None
) -> None:
    record(personas, day("2026-10-05"), 50)
    found = reasons(alerts_on(personas.measure))
    assert Reason.NO_DATA in found
    assert Reason.BEHIND_SCHEDULE not in found


# ---- agreement -----------------------------------------------------------------------------------------


def phase_of(personas: Personas, count: int, start: datetime.date = LAST_WEEK[0]) -> list[Observation]:
    """A change of instruction on `start` and `count` sessions from it, one a school day."""
    PhaseChange.objects.create(
        district=personas.district,
        measure=personas.measure,
        starts_on=start,
        label="New prompting",
        created_by=personas.case_manager,
    )
    return [record(personas, on, 50) for on in weekdays(start, count)]


def check_agreement(personas: Personas, primary: Observation, percent: float) -> AgreementCheck:
    """A second observer's observation of the same session, paired with the primary one."""
    second = record(personas, primary.started_at.date(), 50, recorded_by=personas.provider)
    return paired_check(personas, primary, second, percent)


def test_agreement_below_80_percent_is_raised(personas: Personas, school_year: None) -> None:
    sessions = phase_of(personas, 5)
    check_agreement(personas, sessions[1], 70.0)
    found = alerts_on(personas.measure)
    assert words_for(found, Reason.AGREEMENT_LOW) == [
        "Agreement as low as 70% in this phase (the standard is at least 80%)."
    ]
    # 1 check on 5 sessions is 20%: enough.
    assert Reason.AGREEMENT_FEW_CHECKS not in reasons(found)


def test_agreement_checked_on_1_of_6_sessions_is_too_rarely(personas: Personas, school_year: None) -> None:
    """1 / 6 = 16.7%, under 20%."""
    sessions = phase_of(personas, 6)
    check_agreement(personas, sessions[0], 95.0)
    found = alerts_on(personas.measure)
    assert words_for(found, Reason.AGREEMENT_FEW_CHECKS) == [
        "Agreement checked on 1 of 6 sessions in this phase (17%; the standard is at least 20%)."
    ]
    assert Reason.AGREEMENT_LOW not in reasons(found)


def test_agreement_never_checked_in_a_phase_of_5_sessions(personas: Personas, school_year: None) -> None:
    phase_of(personas, 5)
    assert words_for(alerts_on(personas.measure), Reason.AGREEMENT_FEW_CHECKS) == [
        "Agreement not yet checked in this phase (5 sessions; the standard is at least 20% of sessions)."
    ]


def test_a_new_phase_of_4_sessions_is_not_nagged_about_agreement(
    personas: Personas, school_year: None
) -> None:
    # Plenty of unchecked sessions before the phase change: only the current phase counts.
    series_of(personas, [(on, 50) for on in weekdays(day("2026-10-19"), 10)])
    phase_of(personas, 4, start=day("2026-11-06"))
    assert not reasons(alerts_on(personas.measure)) & {Reason.AGREEMENT_FEW_CHECKS, Reason.AGREEMENT_LOW}


def test_agreement_at_the_standard_raises_nothing(personas: Personas, school_year: None) -> None:
    sessions = phase_of(personas, 5)
    check_agreement(personas, sessions[2], 80.0)
    assert not reasons(alerts_on(personas.measure)) & {Reason.AGREEMENT_FEW_CHECKS, Reason.AGREEMENT_LOW}


# ---- support fading -------------------------------------------------------------------------------------


def prompted(independent: int, of: int = 4) -> dict[str, object]:
    """Trials with `independent` of `of` independent, the rest with a verbal prompt."""
    trials = [{"response": "correct", "prompt": "independent"}] * independent
    trials += [{"response": "correct", "prompt": "verbal"}] * (of - independent)
    return {"trials": trials}


def test_the_same_prompting_over_5_sessions_is_support_not_fading(
    personas: Personas, school_year: None
) -> None:
    for on in weekdays(LAST_WEEK[0], 5):
        record(personas, on, 50, facts=TRIALS_HALF_INDEPENDENT)
    PhaseChange.objects.create(
        district=personas.district,
        measure=personas.measure,
        starts_on=LAST_WEEK[0],
        label="Intervention",
        created_by=personas.case_manager,
    )
    assert words_for(alerts_on(personas.measure), Reason.SUPPORT_NOT_FADING) == [
        "Support is not fading: over 5 sessions, independent responses changed by 0.0 percentage "
        "points a week and prompts did not get lighter."
    ]


def test_more_independent_responses_each_session_is_fading(personas: Personas, school_year: None) -> None:
    PhaseChange.objects.create(
        district=personas.district,
        measure=personas.measure,
        starts_on=LAST_WEEK[0],
        label="Intervention",
        created_by=personas.case_manager,
    )
    for independent, on in enumerate(weekdays(LAST_WEEK[0], 5)):
        record(personas, on, 50, facts=prompted(min(independent, 3)))
    assert Reason.SUPPORT_NOT_FADING not in reasons(alerts_on(personas.measure))


# ---- together ----------------------------------------------------------------------------------------


def test_alerts_come_most_urgent_first_and_name_the_measure_and_student(
    personas: Personas, school_year: None
) -> None:
    flat_aimline(personas)
    days = weekdays(day("2026-10-05"), 7)
    series_of(personas, list(zip(days, [50, 50, 50, 40, 45, 30, 49], strict=True)))
    found = alerts_on(personas.measure)
    assert [alert.reason for alert in found][:2] == [Reason.CHANGE_INSTRUCTION, Reason.NO_DATA]
    assert [alert.urgency for alert in found] == sorted(alert.urgency for alert in found)
    assert {(alert.measure_id, alert.student_id) for alert in found} == {
        (personas.measure.pk, personas.student.pk)
    }


def test_abc_measures_raise_nothing(personas: Personas, school_year: None) -> None:
    abc = Measure.objects.create(
        district=personas.district,
        plan=personas.plan,
        goal=personas.goal,
        name="Incidents",
        method="abc",
    )
    assert alerts_on(abc) == []


def test_alerts_read_no_database(
    personas: Personas, school_year: None, django_assert_num_queries: Any
) -> None:
    record(personas, day("2026-11-03"), 50)
    loaded = Measure.objects.select_related("plan__student__school").get(pk=personas.measure.pk)
    summaries = summaries_of([loaded])
    calendars = alerts.load_calendars(list(summaries.values()), TODAY)
    with django_assert_num_queries(0):
        found = alerts.alerts_for(summaries.values(), today=TODAY, calendars=calendars)
    assert found


def test_decision_summary_marks_an_unreliable_trend(personas: Personas, school_year: None) -> None:
    flat_aimline(personas)
    days = weekdays(day("2026-11-02"), 7)
    series_of(personas, list(zip(days, [50, 50, 50, 40, 45, 30, 49], strict=True)))
    loaded = Measure.objects.select_related("plan__student__school").get(pk=personas.measure.pk)
    result = series.progress_of([loaded])[loaded.pk].result
    # Intervention points 40, 45, 30, 49 on days 5, 6, 9, 10 of November: mean day 7.5, mean value
    # 41, sum of (day - 7.5)(value - 41) = 2.5 - 6 - 16.5 + 20 = 0: a flat trend beside a flat aimline.
    assert alerts.decision_summary(result) == (
        "Four-point rule: change instruction. Trend: continue (only 4 points: not reliable yet)."
    )


def test_sessions_this_week_counts_from_monday(personas: Personas, school_year: None) -> None:
    for on in [day("2026-11-06"), day("2026-11-09"), day("2026-11-10"), day("2026-11-12")]:
        record(personas, on, 50)
    loaded = Measure.objects.select_related("plan__student__school").get(pk=personas.measure.pk)
    summary = summaries_of([loaded])[loaded.pk]
    assert alerts.sessions_this_week(summary, TODAY) == 3
