"""Known answers for every formula in paradesk.progress.analysis, each worked by hand from
docs/field.md and docs/progress.md (the working is in the comments beside the numbers). Agreement
and fidelity (docs/field.md#agreement, #fidelity) are in test_agreement.py."""

from __future__ import annotations

import datetime
import math

import pytest

from paradesk.progress import analysis
from paradesk.progress.analysis import (
    Direction,
    Estimator,
    Fading,
    Goal,
    Line,
    MasteryRule,
    MasteryStatus,
    PhaseChange,
    PhaseKind,
    Point,
    Verdict,
)


def series(*values: float, start: float = 1, step: float = 1) -> list[Point]:
    """One session a day (or every ``step`` days) from day ``start``."""
    return [Point(start + index * step, value) for index, value in enumerate(values)]


def on_days(pairs: list[tuple[float, float]]) -> list[Point]:
    return [Point(day, value) for day, value in pairs]


# ---- days ------------------------------------------------------------------------------------------


def test_day_number_and_day_date_round_trip() -> None:
    day = datetime.date(2026, 11, 22)
    assert analysis.day_number(day) == float(day.toordinal())
    assert analysis.day_date(analysis.day_number(day) + 0.5) == day
    assert analysis.day_number(7) == 7.0


# ---- baseline and aimline -------------------------------------------------------------------------


def test_baseline_is_the_median_of_the_first_three_points() -> None:
    found = analysis.baseline(series(10, 30, 20))
    assert found == analysis.Baseline(value=20, day=3, points=3)


def test_baseline_of_four_points_averages_the_middle_two() -> None:
    # 10, 40, 20, 30 sorted: 10 20 30 40; median (20 + 30) / 2 = 25.
    assert analysis.baseline(series(10, 40, 20, 30)) == analysis.Baseline(25, 4, 4)


def test_baseline_uses_at_most_the_first_five_points() -> None:
    # First five: 10 50 20 40 30 -> median 30; the sixth (1000) is not baseline.
    assert analysis.baseline(series(10, 50, 20, 40, 30, 1000)) == analysis.Baseline(30, 5, 5)
    assert analysis.baseline(series(10, 50, 20, 40, 30, 1000), most=3) == analysis.Baseline(20, 3, 3)


def test_baseline_reads_points_in_day_order() -> None:
    shuffled = on_days([(3, 20), (1, 10), (2, 30), (9, 99), (8, 98), (7, 97)])
    # In day order the first five are days 1 2 3 7 8: values 10 30 20 97 98, median 30, last day 8.
    assert analysis.baseline(shuffled) == analysis.Baseline(30, 8, 5)


def test_no_baseline_under_three_points() -> None:
    assert analysis.baseline(series(10, 20)) is None
    assert analysis.baseline([]) is None
    assert analysis.baseline([*series(10, 20), Point(3, math.nan), Point(math.inf, 4)]) is None


def test_weekly_growth_needed_matches_domain_example() -> None:
    # docs/field.md#baseline-and-aimline: (125 - 25) / 30 = 3.33 per week.
    assert analysis.weekly_growth_needed(25, 125, 30) == pytest.approx(3.3333333, abs=1e-6)
    assert analysis.weekly_growth_needed(25, 125, 0) is None
    assert analysis.weekly_growth_needed(25, math.nan, 30) is None


def test_aimline_over_thirty_weeks_grows_three_and_a_third_a_week() -> None:
    start = analysis.day_number(datetime.date(2026, 1, 5))
    target = analysis.day_number(datetime.date(2026, 1, 5) + datetime.timedelta(weeks=30))
    line = analysis.aimline(start, 25, target, 125)
    assert line is not None
    assert line.per_week == pytest.approx(100 / 30)
    assert line.at(start) == 25
    assert line.at(target) == pytest.approx(125)
    assert line.at(start + 15 * 7) == pytest.approx(75)  # halfway


def test_no_aimline_without_a_later_target_or_with_a_missing_value() -> None:
    assert analysis.aimline(10, 25, 10, 125) is None
    assert analysis.aimline(10, 25, 5, 125) is None
    assert analysis.aimline(10, math.nan, 50, 125) is None


# ---- trend estimators ----------------------------------------------------------------------------

# Days 1..9, values on y = 2x except the last (18 measured as 50: an outlier).
OUTLIER = series(2, 4, 6, 8, 10, 12, 14, 16, 50)


def test_ols_is_pulled_by_the_outlier() -> None:
    # Mean day 5, mean value 122 / 9. dx = -4..4, sum dx^2 = 2 (16 + 9 + 4 + 1) = 60.
    # sum dx * y = -8 - 12 - 12 - 8 + 0 + 12 + 28 + 48 + 200 = 248, slope 248 / 60 = 62 / 15 = 4.133.
    line = analysis.ols(OUTLIER)
    assert line is not None
    assert line.slope == pytest.approx(62 / 15)
    assert line.at(5) == pytest.approx(122 / 9)


def test_theil_sen_ignores_the_outlier() -> None:
    # 36 pairs: the 28 without the outlier all have slope 2, the 8 with it are steeper; the median
    # (18th and 19th of 36) is 2. Intercept: median of y - 2 (x - 1) = eight 2s and 34 -> 2.
    line = analysis.theil_sen(OUTLIER)
    assert line is not None
    assert line.slope == pytest.approx(2)
    assert line.at(1) == pytest.approx(2)
    assert line.at(9) == pytest.approx(18)


def test_tri_split_ignores_the_outlier() -> None:
    # Thirds of 3: first days 1 2 3 (median 2, values 2 4 6 -> 4), last days 7 8 9 (median 8,
    # values 14 16 50 -> 16). Slope (16 - 4) / (8 - 2) = 2, through (2, 4).
    line = analysis.tri_split(OUTLIER)
    assert line == Line(2, 4, 2)


def test_tri_split_thirds_of_four_and_five_points() -> None:
    # 4 points: thirds 1, 2, 1 -> the line through the first and last points.
    assert analysis.tri_split(series(1, 9, 0, 7)) == Line(1, 1, 2)
    # 5 points: thirds 2, 1, 2: medians (1.5, 2) and (4.5, 8) -> slope 6 / 3 = 2.
    assert analysis.tri_split(series(1, 3, 100, 6, 10)) == Line(1.5, 2, 2)


def test_tri_split_keeps_one_days_sessions_in_one_third() -> None:
    # Days 0, seven sessions on day 1, 2. Thirds of three by position would be days (0, 1, 1) and
    # (1, 1, 2), both with median day 1: no line. Keeping day 1 in the middle third leaves
    # (0, 0) and (2, 4): slope 2.
    points = on_days([(0, 0), *[(1, 10)] * 7, (2, 4)])
    assert analysis.tri_split(points) == Line(0, 0, 2)
    # When the first day fills the first third, the third takes all of that day's sessions.
    assert analysis.tri_split(on_days([(0, 1), (0, 3), (0, 2), (5, 12)])) == Line(0, 2, 2)


def test_estimators_need_two_days() -> None:
    same_day = on_days([(4, 1), (4, 2), (4, 3)])
    for estimator in Estimator:
        assert analysis.ESTIMATORS[estimator](same_day) is None
        assert analysis.trend(same_day, estimator) is None
    assert analysis.ols(series(1, 3)) == Line(1.5, 2, 2)
    assert analysis.trend(series(1, 3)) is None  # a trend is drawn from 3 points
    assert analysis.tri_split(series(1, 3)) is None


# ---- four-point rule -------------------------------------------------------------------------------

AIM = Line(0, 10, 1)  # y = 10 + day


def test_four_points_above_the_aimline_raise_the_goal() -> None:
    # Days 3-6: aimline 13 14 15 16; values all above. Days 1-2 (far below) are not among the 4.
    points = on_days([(1, 0), (2, 0), (3, 14.5), (4, 15), (5, 16), (6, 17)])
    assert analysis.four_point_rule(points, AIM, Direction.INCREASE) == analysis.Decision(
        Verdict.RAISE_GOAL, 4, 3
    )


def test_four_points_below_the_aimline_change_instruction() -> None:
    points = on_days([(1, 50), (3, 12), (4, 13), (5, 14), (6, 15.9)])
    assert analysis.four_point_rule(points, AIM, Direction.INCREASE).verdict is Verdict.CHANGE_INSTRUCTION


def test_four_points_on_both_sides_continue() -> None:
    points = on_days([(3, 14), (4, 13), (5, 16), (6, 17)])
    assert analysis.four_point_rule(points, AIM, Direction.INCREASE).verdict is Verdict.CONTINUE


def test_a_point_on_the_aimline_is_neither_above_nor_below() -> None:
    points = on_days([(3, 14), (4, 15), (5, 16), (6, 16)])  # day 6: on the line (16)
    assert analysis.four_point_rule(points, AIM, Direction.INCREASE).verdict is Verdict.CONTINUE


def test_four_point_rule_for_a_behavior_to_decrease_swaps_above_and_below() -> None:
    above = on_days([(3, 14), (4, 15), (5, 16), (6, 17)])
    below = on_days([(3, 12), (4, 13), (5, 14), (6, 15)])
    assert analysis.four_point_rule(above, AIM, Direction.DECREASE).verdict is Verdict.CHANGE_INSTRUCTION
    assert analysis.four_point_rule(below, AIM, Direction.DECREASE).verdict is Verdict.RAISE_GOAL


def test_four_point_rule_needs_four_points_and_an_aimline() -> None:
    three = on_days([(4, 15), (5, 16), (6, 17)])
    assert analysis.four_point_rule(three, AIM, Direction.INCREASE) == analysis.Decision(Verdict.TOO_FEW, 3)
    four = [Point(3, 14), *three]
    assert analysis.four_point_rule(four, None, Direction.INCREASE) == analysis.Decision(
        Verdict.NO_AIMLINE, 4
    )


# ---- trend rule ------------------------------------------------------------------------------------


def test_trend_steeper_than_the_aimline_raises_the_goal() -> None:
    points = series(*(2 * day for day in range(1, 9)))  # slope 2 a day, 8 points
    decision = analysis.trend_rule(points, AIM, Direction.INCREASE)
    assert decision == analysis.Decision(Verdict.RAISE_GOAL, 8, 1, reliable=True)


def test_trend_flatter_than_the_aimline_changes_instruction() -> None:
    points = series(*(0.5 * day for day in range(1, 9)))
    assert analysis.trend_rule(points, AIM, Direction.INCREASE).verdict is Verdict.CHANGE_INSTRUCTION


def test_trend_as_steep_as_the_aimline_continues() -> None:
    points = series(*(5 + day for day in range(1, 9)))
    assert analysis.trend_rule(points, AIM, Direction.INCREASE).verdict is Verdict.CONTINUE


def test_trend_rule_for_a_behavior_to_decrease() -> None:
    aim_down = Line(0, 40, -1)
    steeper_down = series(*(40 - 2 * day for day in range(1, 9)))
    flatter_down = series(*(40 - 0.5 * day for day in range(1, 9)))
    rising = series(*(10 + day for day in range(1, 9)))
    assert analysis.trend_rule(steeper_down, aim_down, Direction.DECREASE).verdict is Verdict.RAISE_GOAL
    assert (
        analysis.trend_rule(flatter_down, aim_down, Direction.DECREASE).verdict is Verdict.CHANGE_INSTRUCTION
    )
    assert analysis.trend_rule(rising, aim_down, Direction.DECREASE).verdict is Verdict.CHANGE_INSTRUCTION


def test_trend_under_eight_points_is_given_but_unreliable() -> None:
    seven = series(*(2 * day for day in range(1, 8)))
    assert analysis.trend_rule(seven, AIM, Direction.INCREASE) == analysis.Decision(
        Verdict.RAISE_GOAL, 7, 1, reliable=False
    )
    assert analysis.trend_rule(seven[:2], AIM, Direction.INCREASE) == analysis.Decision(
        Verdict.TOO_FEW, 2, reliable=False
    )
    assert analysis.trend_rule(seven, None, Direction.INCREASE).verdict is Verdict.NO_AIMLINE


def test_trend_rule_reads_the_chosen_estimator() -> None:
    # Aimline slope 3: OLS says 62/15 = 4.13 (raise), Theil-Sen and tri-split say 2 (change).
    aim = Line(1, 2, 3)
    verdicts = {e: analysis.trend_rule(OUTLIER, aim, Direction.INCREASE, e).verdict for e in Estimator}
    assert verdicts == {
        Estimator.OLS: Verdict.RAISE_GOAL,
        Estimator.THEIL_SEN: Verdict.CHANGE_INSTRUCTION,
        Estimator.TRI_SPLIT: Verdict.CHANGE_INSTRUCTION,
    }


# ---- mastery ---------------------------------------------------------------------------------------

RULE = MasteryRule(threshold=80, consecutive=3)


def test_three_sessions_at_or_past_the_threshold_meet_mastery() -> None:
    found = analysis.mastery(series(50, 85, 90, 80), RULE)  # 80 is "at" the threshold
    assert found.status is MasteryStatus.MET
    assert (found.run, found.since_day, found.missing) == (3, 2, ())


def test_a_broken_run_does_not_meet_mastery() -> None:
    found = analysis.mastery(series(85, 90, 70, 95, 100), RULE)
    assert (found.status, found.run, found.since_day, found.missing) == (
        MasteryStatus.NOT_MET,
        2,
        4,
        ("sessions",),
    )
    assert analysis.mastery(series(85, 90, 70), RULE).run == 0


def test_mastery_under_the_consecutive_count_is_too_few_but_keeps_its_run() -> None:
    found = analysis.mastery(series(85, 90), RULE)
    assert (found.status, found.run, found.missing) == (MasteryStatus.TOO_FEW, 2, ("sessions",))


def test_mastery_minimum_trials() -> None:
    rule = MasteryRule(threshold=80, consecutive=2, min_trials=10)
    met = [Point(1, 90, trials=10), Point(2, 90, trials=12)]
    short = [Point(1, 90, trials=10), Point(2, 90, trials=12), Point(3, 100, trials=9)]
    unknown = [Point(1, 90, trials=10), Point(2, 90)]
    assert analysis.mastery(met, rule).status is MasteryStatus.MET
    assert (analysis.mastery(short, rule).status, analysis.mastery(short, rule).run) == (
        MasteryStatus.NOT_MET,
        0,
    )
    assert analysis.mastery(unknown, rule).run == 0


def test_mastery_different_staff() -> None:
    rule = MasteryRule(threshold=80, consecutive=3, min_staff=2)
    one = [Point(day, 90, staff="a") for day in (1, 2, 3)]
    two = [Point(1, 90, staff="a"), Point(2, 90, staff="b"), Point(3, 90, staff="a")]
    # Staff b's session before a failing one is not part of the run.
    before = [Point(1, 90, staff="b"), Point(2, 10, staff="a"), *[Point(d, 90, staff="a") for d in (3, 4, 5)]]
    unrecorded = [Point(1, 90, staff=""), Point(2, 90, staff="a"), Point(3, 90, staff="a")]
    assert analysis.mastery(one, rule) == analysis.Mastery(MasteryStatus.NOT_MET, 3, 1, ("staff",), 1, 0)
    assert analysis.mastery(two, rule) == analysis.Mastery(MasteryStatus.MET, 3, 1, (), 2, 0)
    assert analysis.mastery(before, rule).missing == ("staff",)
    assert analysis.mastery(unrecorded, rule).missing == ("staff",)  # "" is no one


def test_mastery_different_settings_and_everything_missing_at_once() -> None:
    rule = MasteryRule(threshold=80, consecutive=3, min_staff=2, min_settings=2)
    run = [
        Point(1, 90, staff="a", setting="room"),
        Point(2, 95, staff="b", setting="gym"),
        Point(3, 99, staff="b"),
    ]
    assert analysis.mastery(run, rule).status is MasteryStatus.MET
    one_setting = [Point(d, 90, staff="ab"[d % 2], setting="room") for d in (1, 2, 3)]
    assert analysis.mastery(one_setting, rule).missing == ("settings",)
    short = [Point(1, 90, staff="a", setting="room"), Point(2, 50), Point(3, 90, staff="a", setting="room")]
    assert analysis.mastery(short, rule).missing == ("sessions", "staff", "settings")


def test_a_minimum_of_one_staff_or_setting_asks_for_nothing() -> None:
    assert analysis.mastery(series(90, 90, 90), RULE) == analysis.Mastery(MasteryStatus.MET, 3, 1, (), 0, 0)


def test_mastery_highest_prompt_allowed() -> None:
    rule = MasteryRule(threshold=80, consecutive=2, max_prompt_rank=1)  # gestural or less
    assert analysis.mastery(
        [Point(1, 90, max_prompt_rank=0), Point(2, 90, max_prompt_rank=1)], rule
    ).status is (MasteryStatus.MET)
    assert analysis.mastery([Point(1, 90, max_prompt_rank=0), Point(2, 90, max_prompt_rank=2)], rule).run == 0
    assert analysis.mastery([Point(1, 90, max_prompt_rank=0), Point(2, 90)], rule).run == 0  # not known


def test_mastery_of_a_behavior_to_decrease() -> None:
    rule = MasteryRule(threshold=2, consecutive=3, direction=Direction.DECREASE)  # at most 2 a session
    assert analysis.mastery(series(5, 2, 1, 0), rule).status is MasteryStatus.MET
    assert analysis.mastery(series(0, 1, 3), rule).run == 0


def test_a_threshold_that_is_not_a_number_lets_no_session_count() -> None:
    assert analysis.mastery(series(90, 90, 90), MasteryRule(threshold=math.nan)).run == 0


# ---- independence ----------------------------------------------------------------------------------


def supported(day: float, independent: float, rank: float) -> Point:
    return Point(day, independent, percent_independent=independent, mean_prompt_rank=rank)


def test_support_fading() -> None:
    # Weekly: independence 20 30 40 50 60 (10 points a week), mean prompt 3 2.5 2 1.5 1 (-0.5).
    points = [supported(7 * w, 20 + 10 * w, 3 - 0.5 * w) for w in range(5)]
    found = analysis.independence(points)
    assert found.status is Fading.FADING
    assert found.independent_per_week == pytest.approx(10)
    assert found.prompt_rank_per_week == pytest.approx(-0.5)
    assert found.points == 5


def test_support_not_fading() -> None:
    points = [supported(7 * w, 50, 2) for w in range(5)]
    found = analysis.independence(points)
    assert (found.status, found.independent_per_week, found.prompt_rank_per_week) == (Fading.NOT_FADING, 0, 0)
    heavier = [supported(7 * w, 50 - w, 2 + 0.1 * w) for w in range(5)]
    assert analysis.independence(heavier).status is Fading.NOT_FADING


def test_support_already_independent() -> None:
    points = [supported(w, v, 0 if v == 100 else 1) for w, v in enumerate([40, 60, 100, 100, 100])]
    assert analysis.independence(points).status is Fading.INDEPENDENT


def test_support_needs_five_sessions_with_prompts_recorded() -> None:
    four = [supported(w, 20 + w, 2) for w in range(4)]
    assert analysis.independence([*four, Point(9, 50)]) == analysis.Independence(Fading.TOO_FEW, points=4)


def test_support_of_trials_and_task_steps() -> None:
    trials = analysis.MeasureSpec(method="trials")
    facts = {"trials": [{"prompt": "independent"}, {"prompt": "verbal"}, {"prompt": "independent"}, {}]}
    # Ranks 0, 2, 0 (the trial without a prompt is left out): 2 of 3 independent, mean 2/3, highest 2.
    assert analysis.support_of(trials, facts) == {
        "percent_independent": pytest.approx(200 / 3),
        "mean_prompt_rank": pytest.approx(2 / 3),
        "max_prompt_rank": 2,
        "trials": 3,
    }
    steps = analysis.MeasureSpec(method="task_analysis")
    # not_done ranks past full physical (6 levels -> 6).
    assert analysis.support_of(steps, {"steps": ["independent", "not_done"]})["max_prompt_rank"] == 6
    assert analysis.support_of(analysis.MeasureSpec(method="count"), {"events": []})["trials"] is None


# ---- phases and the whole analysis -----------------------------------------------------------------


def test_explicit_phase_changes_split_the_series() -> None:
    changes = [PhaseChange(4, PhaseKind.INTERVENTION, "prompting"), PhaseChange(9, PhaseKind.MAINTENANCE)]
    found = analysis.phases(series(*range(10)), changes)
    assert [(p.kind, p.start_day, p.label, [q.day for q in p.points]) for p in found] == [
        (PhaseKind.BASELINE, 1, "", [1, 2, 3]),
        (PhaseKind.INTERVENTION, 4, "prompting", [4, 5, 6, 7, 8]),
        (PhaseKind.MAINTENANCE, 9, "", [9, 10]),
    ]
    assert not any(p.implicit for p in found)


def test_a_baseline_of_five_points_that_a_change_ends_stays_whole() -> None:
    found = analysis.phases(series(*range(8)), [PhaseChange(6, PhaseKind.INTERVENTION, "teaching")])
    assert [(p.kind, p.implicit, [q.day for q in p.points]) for p in found] == [
        (PhaseKind.BASELINE, False, [1, 2, 3, 4, 5]),
        (PhaseKind.INTERVENTION, False, [6, 7, 8]),
    ]


def test_a_change_after_unmarked_teaching_keeps_the_three_point_baseline() -> None:
    """Teaching never marked: days 1-3 are the baseline, 4-9 the implicit intervention phase, both
    before and after the teacher adds "token board" on day 10."""
    before = analysis.phases(series(*range(9)))
    after = analysis.phases(series(*range(12)), [PhaseChange(10, PhaseKind.INTERVENTION, "token board")])
    shape = [(PhaseKind.BASELINE, False, [1, 2, 3]), (PhaseKind.INTERVENTION, True, [4, 5, 6, 7, 8, 9])]
    assert [(p.kind, p.implicit, [q.day for q in p.points]) for p in before] == shape
    assert [(p.kind, p.implicit, [q.day for q in p.points]) for p in after] == [
        *shape,
        (PhaseKind.INTERVENTION, False, [10, 11, 12]),
    ]


def test_two_changes_on_one_day_the_later_stands() -> None:
    changes = [PhaseChange(4, PhaseKind.INTERVENTION, "A"), PhaseChange(4, PhaseKind.INTERVENTION, "B")]
    found = analysis.phases(series(*range(6)), changes)
    assert [(p.kind, p.label, len(p.points)) for p in found] == [
        (PhaseKind.BASELINE, "", 3),
        (PhaseKind.INTERVENTION, "B", 3),
    ]


def test_an_unended_baseline_splits_after_three_points() -> None:
    found = analysis.phases(series(*range(7)))
    assert [(p.kind, p.implicit, [q.day for q in p.points]) for p in found] == [
        (PhaseKind.BASELINE, False, [1, 2, 3]),
        (PhaseKind.INTERVENTION, True, [4, 5, 6, 7]),
    ]
    assert len(analysis.phases(series(1, 2, 3))) == 1


def test_a_change_on_the_first_day_starts_in_intervention() -> None:
    found = analysis.phases(series(1, 2, 3, 4), [PhaseChange(1, PhaseKind.INTERVENTION)])
    assert [(p.kind, len(p.points)) for p in found] == [(PhaseKind.INTERVENTION, 4)]


DAY0 = analysis.day_number(datetime.date(2026, 9, 7))


def test_analyze_draws_the_aimline_from_the_baseline_median() -> None:
    # Baseline 20, 25, 30 on days 0-2: median 25 at day 2. Target 125, 30 weeks after day 2.
    points = [Point(DAY0 + d, v) for d, v in enumerate([20, 25, 30, 40, 42, 44, 46])]
    goal = Goal(target_value=125, target_day=DAY0 + 2 + 210, mastery=RULE)
    result = analysis.analyze(points, goal)
    assert result.baseline == analysis.Baseline(25, DAY0 + 2, 3)
    assert result.aimline == Line(DAY0 + 2, 25, 100 / 210)
    assert result.aimline is not None and result.aimline.per_week == pytest.approx(3.33, abs=0.01)
    assert [p.value for p in result.current] == [40, 42, 44, 46]
    # Day 3 aimline 25 + 100/210 = 25.48; every one of the last 4 is far above it.
    assert result.four_point.verdict is Verdict.RAISE_GOAL
    # Trend 2 a day against 0.48 a day: steeper, but from 4 points only.
    assert result.trend_decision == analysis.Decision(Verdict.RAISE_GOAL, 4, DAY0 + 3, reliable=False)
    assert result.trends[Estimator.OLS] == Line(DAY0 + 4.5, 43, 2)
    assert result.mastery is not None and result.mastery.status is MasteryStatus.NOT_MET


def test_analyze_uses_the_written_present_level_without_baseline_data() -> None:
    goal = Goal(target_value=50, target_day=DAY0 + 70, plan_baseline=10, plan_start_day=DAY0)
    result = analysis.analyze(
        series(20, 22, 24, 26, start=DAY0 + 7), goal, [PhaseChange(DAY0, PhaseKind.INTERVENTION)]
    )
    assert result.baseline is None
    assert result.aimline == Line(DAY0, 10, 40 / 70)


def test_analyze_prefers_the_teachers_adjusted_aimline() -> None:
    adjusted = Line(DAY0, 0, 10)
    result = analysis.analyze(
        series(1, 2, 3, 4, 5, start=DAY0), Goal(target_value=9, target_day=DAY0 + 9, aimline=adjusted)
    )
    assert result.aimline == adjusted


def test_a_later_baseline_phase_restarts_the_baseline_and_the_aimline() -> None:
    values = [10, 10, 10, 30, 40, 50, 60, 70, 80, 5, 15, 10, 20, 30, 40]  # days 1-15
    changes = [PhaseChange(4, PhaseKind.INTERVENTION), PhaseChange(10, PhaseKind.BASELINE, "new target")]
    result = analysis.analyze(series(*values), Goal(target_value=100, target_day=112), changes)
    assert [(p.kind, p.implicit, len(p.points)) for p in result.phases] == [
        (PhaseKind.BASELINE, False, 3),
        (PhaseKind.INTERVENTION, False, 6),
        (PhaseKind.BASELINE, False, 3),
        (PhaseKind.INTERVENTION, True, 3),
    ]
    # Second baseline 5, 15, 10 on days 10-12: median 10 at day 12; aimline to 100 at day 112.
    assert result.baseline == analysis.Baseline(10, 12, 3)
    assert result.aimline == Line(12, 10, 0.9)
    assert [p.day for p in result.current] == [13, 14, 15]
    assert result.four_point.verdict is Verdict.TOO_FEW


def test_maintenance_probes_are_kept_out_of_mastery() -> None:
    # Intervention days 4-6 all 90 (mastered); maintenance probes on days 7-8 fail (40, 50).
    values = [10, 10, 10, 90, 90, 90, 40, 50]
    changes = [PhaseChange(4, PhaseKind.INTERVENTION), PhaseChange(7, PhaseKind.MAINTENANCE)]
    result = analysis.analyze(series(*values), Goal(mastery=RULE), changes)
    assert result.mastery == analysis.Mastery(MasteryStatus.MET, 3, 4, (), 0, 0)
    assert result.current == ()  # no decision is read from probes
    assert result.four_point.verdict is Verdict.NO_AIMLINE


def test_a_mastery_run_does_not_reach_back_across_maintenance() -> None:
    # Mastered (days 4-6), probes failed (7-8), taught again: one session of 95 on day 9 is a run of 1,
    # not 4.
    values = [10, 10, 10, 90, 90, 90, 40, 50, 95]
    changes = [
        PhaseChange(4, PhaseKind.INTERVENTION),
        PhaseChange(7, PhaseKind.MAINTENANCE),
        PhaseChange(9, PhaseKind.INTERVENTION, "reteach"),
    ]
    result = analysis.analyze(series(*values), Goal(mastery=RULE), changes)
    assert result.mastery is not None
    assert (result.mastery.status, result.mastery.run) == (MasteryStatus.TOO_FEW, 1)
    assert [p.day for p in result.current] == [9]


def test_analyze_of_nothing() -> None:
    result = analysis.analyze([], Goal(target_value=10, target_day=DAY0, mastery=RULE))
    assert (result.baseline, result.aimline, result.current) == (None, None, ())
    assert result.four_point.verdict is Verdict.NO_AIMLINE
    assert result.mastery is not None and result.mastery.status is MasteryStatus.TOO_FEW


# ---- celeration, service minutes ------------------------------------------------------------------


def test_celeration_of_rates_doubling_each_week() -> None:
    rates = [Point(7 * week, 2.0**week) for week in range(4)]
    assert analysis.celeration(rates).factor == pytest.approx(2.0)
    with_zeros = [*rates, Point(3, 0), Point(10, 0)]  # a zero rate has no logarithm
    found = analysis.celeration(with_zeros)
    assert (found.factor, found.points) == (pytest.approx(2.0), 4)
    halving = [Point(7 * week, 8 / 2.0**week) for week in range(4)]
    assert analysis.celeration(halving).factor == pytest.approx(0.5)


def test_no_celeration_from_one_rate_or_an_impossible_slope() -> None:
    assert analysis.celeration([Point(1, 5), Point(2, 0)]) == analysis.Celeration(None, 1)
    assert analysis.celeration([Point(0, 1e-300), Point(1e-9, 1e300)]).factor is None


def test_service_compliance() -> None:
    assert analysis.service_compliance(600, 450) == analysis.Compliance(600, 450, 75, 150)
    over = analysis.service_compliance(600, 700)
    assert (over.percent, over.shortfall) == (pytest.approx(700 / 6), 0)
    assert analysis.service_compliance(0, 30) == analysis.Compliance(0, 30, None, 0)
    assert analysis.service_compliance(math.nan, -5) == analysis.Compliance(0, 0, None, 0)
