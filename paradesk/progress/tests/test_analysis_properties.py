"""Properties of paradesk.progress.analysis: nothing raises on odd series (empty, one point, constant,
unsorted, several sessions a day, NaN and infinite values) or odd recorded facts, and the three trend
estimators draw the same line through points that lie on one. Agreement and fidelity properties are
in test_agreement.py."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from paradesk.progress import analysis
from paradesk.progress.analysis import (
    Direction,
    Estimator,
    Goal,
    Line,
    MasteryRule,
    PhaseChange,
    PhaseKind,
    Point,
    Verdict,
)

any_number = st.floats(allow_nan=True, allow_infinity=True) | st.integers(-(10**6), 10**6)
# A school year of days, so several sessions often fall on one day.
near_days = st.integers(739_000, 739_030).map(float) | any_number
labels = st.sampled_from(["", "a", "b", "c"])
maybe_rank = st.none() | st.integers(-1, 7)

points = st.builds(
    Point,
    day=near_days,
    value=any_number,
    trials=st.none() | st.integers(-2, 30),
    staff=labels,
    setting=labels,
    max_prompt_rank=maybe_rank,
    percent_independent=st.none() | any_number,
    mean_prompt_rank=st.none() | any_number,
)
point_lists = st.lists(points, max_size=25)
constant_series = st.builds(
    lambda value, days: [Point(float(day), value) for day in days],
    any_number,
    st.lists(st.integers(739_000, 739_030), max_size=12),
)
series = point_lists | constant_series
lines = st.none() | st.builds(Line, any_number, any_number, any_number)
directions = st.sampled_from(Direction)
rules = st.builds(
    MasteryRule,
    threshold=any_number,
    consecutive=st.integers(-1, 6),
    min_trials=st.integers(0, 12),
    min_staff=st.integers(0, 3),
    min_settings=st.integers(0, 3),
    max_prompt_rank=maybe_rank,
    direction=directions,
)
maybe_number = st.none() | any_number
goals = st.builds(
    Goal,
    direction=directions,
    target_value=maybe_number,
    target_day=st.none() | near_days,
    plan_baseline=maybe_number,
    plan_start_day=st.none() | near_days,
    aimline=lines,
    mastery=st.none() | rules,
    estimator=st.sampled_from(Estimator),
)
changes = st.lists(
    st.builds(PhaseChange, near_days, st.sampled_from(PhaseKind), st.text(max_size=3)), max_size=5
)


def clean_count(found: list[Point]) -> int:
    return len(analysis.clean(found))


@settings(max_examples=300, deadline=None)
@given(found=series, goal=goals, marks=changes)
def test_analyze_never_raises_and_keeps_every_point_in_one_phase(
    found: list[Point], goal: Goal, marks: list[PhaseChange]
) -> None:
    result = analysis.analyze(found, goal, marks)
    assert [p for phase in result.phases for p in phase.points] == list(analysis.clean(found))
    assert set(result.current) <= set(result.points)
    assert result.four_point.verdict in Verdict
    assert result.trend_decision.verdict in Verdict
    assert (
        not result.trend_decision.reliable or result.trend_decision.points >= analysis.TREND_RELIABLE_POINTS
    )
    if result.mastery is not None:
        assert 0 <= result.mastery.run <= clean_count(found)


@settings(max_examples=300, deadline=None)
@given(found=series, goal=goals, marks=changes)
def test_analyze_decides_as_the_rules_do_on_its_own_parts(
    found: list[Point], goal: Goal, marks: list[PhaseChange]
) -> None:
    # analyze reuses its trends and its clean phases instead of asking the rules to redo them.
    result = analysis.analyze(found, goal, marks)
    alone = analysis.trend_rule(result.current, result.aimline, goal.direction, goal.estimator)
    assert result.trend_decision == alone
    if goal.mastery is not None:
        assert result.mastery == analysis.mastery(analysis.acquisition_points(result.phases), goal.mastery)


@settings(max_examples=300, deadline=None)
@given(found=point_lists)
def test_independence_is_the_least_squares_trend_of_each_support_figure(found: list[Point]) -> None:
    # The plain way to say it: ols of the supported points carrying each figure as their value.
    supported = [
        p
        for p in analysis.clean(found)
        if analysis.finite(p.percent_independent) and analysis.finite(p.mean_prompt_rank)
    ]
    independent = analysis.ols([replace(p, value=p.percent_independent) for p in supported])  # type: ignore[arg-type]
    prompts = analysis.ols([replace(p, value=p.mean_prompt_rank) for p in supported])  # type: ignore[arg-type]
    found_independence = analysis.independence(found)
    if len(supported) < analysis.FADING_MIN_POINTS or independent is None or prompts is None:
        assert found_independence.status is analysis.Fading.TOO_FEW
        return
    # repr: the same NaN (from values near the float limit) on both sides.
    weekly = (found_independence.independent_per_week, found_independence.prompt_rank_per_week)
    assert repr(weekly) == repr((independent.per_week, prompts.per_week))


@settings(max_examples=300, deadline=None)
@given(found=series, line=lines, direction=directions, rule=rules)
def test_every_estimator_and_rule_never_raises(
    found: list[Point], line: Line | None, direction: Direction, rule: MasteryRule
) -> None:
    count = clean_count(found)
    found_baseline = analysis.baseline(found)
    assert found_baseline is None or 3 <= found_baseline.points <= 5
    for estimator in Estimator:
        analysis.ESTIMATORS[estimator](found)
        assert analysis.trend(found, estimator) is None or count >= analysis.TREND_MIN_POINTS
        decision = analysis.trend_rule(found, line, direction, estimator)
        assert decision.points == count
        assert (decision.verdict is Verdict.NO_AIMLINE) == (line is None)
    four = analysis.four_point_rule(found, line, direction)
    assert four.verdict is not Verdict.TOO_FEW or count < analysis.FOUR_POINT_RULE_POINTS
    held = analysis.mastery(found, rule)
    assert held.status is not analysis.MasteryStatus.MET or held.run >= max(1, rule.consecutive)
    assert held.run <= count
    analysis.independence(found)
    analysis.phases(found)
    factor = analysis.celeration(found).factor
    assert factor is None or factor >= 0


@given(start=any_number, start_value=any_number, end=any_number, end_value=any_number)
def test_aimline_and_growth_never_raise(
    start: float, start_value: float, end: float, end_value: float
) -> None:
    line = analysis.aimline(start, start_value, end, end_value)
    assert line is None or end > start
    analysis.weekly_growth_needed(start_value, end_value, end)


# ---- points on one line ---------------------------------------------------------------------------

slopes = st.floats(-50, 50, allow_nan=False) | st.integers(-5, 5)
intercepts = st.floats(-1000, 1000, allow_nan=False)


def on_line(slope: float, intercept: float, days: list[int]) -> list[Point]:
    return [Point(float(day), intercept + slope * day) for day in days]


def assert_same_line(found: Line | None, slope: float, intercept: float, days: list[int]) -> None:
    assert found is not None
    scale = 1 + abs(intercept) + abs(slope) * 400
    assert math.isclose(found.slope, slope, rel_tol=1e-9, abs_tol=1e-9 * scale)
    for day in (min(days), max(days), -7, 0, 365):
        assert math.isclose(found.at(day), intercept + slope * day, rel_tol=1e-9, abs_tol=1e-9 * scale)


distinct_days = st.lists(st.integers(0, 365), min_size=3, max_size=40, unique=True)
# Several sessions on some days; at least two different days.
repeated_days = st.lists(st.integers(0, 20), min_size=3, max_size=40).filter(lambda days: len(set(days)) >= 2)
# Mostly one day between two others: the thirds of a tri-split fall inside that day.
crowded_days = st.lists(st.sampled_from([0, 1, 1, 1, 1, 2]), min_size=3, max_size=15).filter(
    lambda days: len(set(days)) >= 2
)


@settings(max_examples=300)
@given(
    slope=slopes, intercept=intercepts, days=distinct_days | repeated_days | crowded_days, order=st.randoms()
)
@example(slope=2, intercept=3, days=[0, 1, 1, 1, 1, 1, 1, 1, 2], order=random.Random(0))
def test_estimators_agree_on_points_on_a_line(
    slope: float, intercept: float, days: list[int], order: Any
) -> None:
    order.shuffle(days)  # unsorted input
    found = on_line(slope, intercept, days)
    for estimator in Estimator:
        assert_same_line(analysis.trend(found, estimator), slope, intercept, days)


@settings(max_examples=200)
@given(
    slope=slopes, intercept=intercepts, days=distinct_days | repeated_days | crowded_days, order=st.randoms()
)
def test_trend_rule_on_a_line_compares_its_slope_with_the_aimline(
    slope: float, intercept: float, days: list[int], order: Any
) -> None:
    order.shuffle(days)
    found = on_line(slope, intercept, days)
    steeper, flatter = Line(0, intercept, slope - 0.5), Line(0, intercept, slope + 0.5)
    for estimator in Estimator:
        assert (
            analysis.trend_rule(found, steeper, Direction.INCREASE, estimator).verdict is Verdict.RAISE_GOAL
        )
        assert analysis.trend_rule(found, flatter, Direction.INCREASE, estimator).verdict is (
            Verdict.CHANGE_INSTRUCTION
        )
        assert (
            analysis.trend_rule(found, flatter, Direction.DECREASE, estimator).verdict is Verdict.RAISE_GOAL
        )


@settings(max_examples=200)
@given(
    found=st.lists(st.builds(Point, st.integers(0, 30).map(float), st.floats(-100, 100)), max_size=20),
    order=st.randoms(),
)
def test_estimators_do_not_depend_on_the_order_points_arrive_in(found: list[Point], order: Any) -> None:
    shuffled = list(found)
    order.shuffle(shuffled)
    for estimator in Estimator:
        first, second = analysis.trend(found, estimator), analysis.trend(shuffled, estimator)
        assert (first is None) == (second is None)
        if first is not None and second is not None:
            assert math.isclose(first.slope, second.slope, rel_tol=1e-9, abs_tol=1e-9)
            assert math.isclose(first.at(15), second.at(15), rel_tol=1e-9, abs_tol=1e-7)


# ---- recorded facts -------------------------------------------------------------------------------


def is_percent(value: float | None) -> bool:
    return value is None or 0 <= value <= 100


junk = (
    st.none()
    | st.booleans()
    | any_number
    | st.text(max_size=3)
    | st.dictionaries(st.text(max_size=3), any_number)
)
prompts = st.sampled_from(["independent", "verbal", "model", "not_done"])
# Facts in the recording.methods formats, odd ones included; test_agreement.py draws from them too.
facts = st.fixed_dictionaries(
    {},
    optional={
        "events": st.lists(any_number | junk, max_size=12) | junk,
        "intervals": st.lists(st.booleans() | junk, max_size=12) | junk,
        "trials": st.lists(
            st.fixed_dictionaries(
                {"response": st.sampled_from(["correct", "incorrect"]) | junk, "prompt": prompts}
            )
            | st.lists(any_number | st.none(), max_size=3)
            | junk,
            max_size=8,
        )
        | junk,
        "steps": st.lists(prompts | junk, max_size=8) | junk,
        "episodes": st.lists(st.lists(any_number | st.none(), max_size=3) | junk, max_size=8) | junk,
    },
)


@given(method=st.sampled_from(["trials", "task_analysis", "count"]), found=facts)
def test_support_of_never_raises(method: str, found: dict[str, Any]) -> None:
    support = analysis.support_of(analysis.MeasureSpec(method=method), found)
    assert is_percent(support["percent_independent"])


@given(required=any_number, delivered=any_number)
def test_service_compliance_never_raises(required: float, delivered: float) -> None:
    found = analysis.service_compliance(required, delivered)
    assert found.shortfall >= 0
    assert found.percent is None or found.percent >= 0
