"""Measurement methods (docs/field.md#measurement-methods): known answers by hand, the goal-support-level
and chaining rules, one test per problem code, and the Django side (spec_of, problem_message)."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.utils import translation

from paradesk.plans.models import DEFAULT_PROMPT_HIERARCHY, Chaining, Measure, Method
from paradesk.recording import methods
from paradesk.recording.messages import MESSAGES, problem_message, spec_of
from paradesk.recording.methods import MeasureSpec, Problem, check, current_training_step, session_value
from paradesk.testing import MeasureFactory

FOUR_LEVELS = ("independent", "gestural", "verbal", "model")


def value_of(spec: MeasureSpec, facts: dict[str, Any], observed: float) -> methods.SessionValue:
    """The session value of facts that must fit their method."""
    assert check(spec, facts, observed) == []
    return session_value(spec, facts, observed)


def test_default_prompt_hierarchy_is_the_plans_one() -> None:
    assert list(methods.DEFAULT_PROMPT_HIERARCHY) == DEFAULT_PROMPT_HIERARCHY


def test_every_method_of_a_measure_is_known() -> None:
    known = set(methods.FACT_RULES) | {"abc"}
    assert known == set(Method.values)
    assert set(methods.SESSION_VALUES) == set(methods.FACT_RULES)


# ---- known answers ----------------------------------------------------------------------------


def test_count_is_the_number_of_events() -> None:
    # 5 events in a 300 s observation: value 5.
    result = value_of(MeasureSpec("count"), {"events": [3.0, 50, 51.5, 200, 299]}, 300)
    assert result.value == 5
    assert result.details["events"] == 5


def test_rate_is_events_per_minute_with_incorrect_kept_apart() -> None:
    # 12 correct in 20 minutes (1200 s) = 12 / 20 = 0.6 per minute = 0.6 x 60 = 36 per hour;
    # 3 incorrect = 3 / 20 = 0.15 per minute = 9 per hour.
    facts = {"events": [float(t) for t in range(0, 1200, 100)], "incorrect_events": [10, 500, 1100]}
    result = value_of(MeasureSpec("rate"), facts, 1200)
    assert result.value == pytest.approx(0.6)
    assert result.details["correct_per_minute"] == pytest.approx(0.6)
    assert result.details["correct_per_hour"] == pytest.approx(36)
    assert result.details["incorrect_per_minute"] == pytest.approx(0.15)
    assert result.details["incorrect_per_hour"] == pytest.approx(9)


def test_rate_without_incorrect_events_has_no_incorrect_rate() -> None:
    result = value_of(MeasureSpec("rate"), {"events": [1, 2, 3]}, 60)
    assert result.value == pytest.approx(3)
    assert result.details["incorrect_per_minute"] is None


def test_duration_totals_episodes() -> None:
    # Episodes of 30 s, 45 s and 15 s in a 600 s session: total 90 s, mean 90 / 3 = 30 s,
    # 90 / 600 = 15% of the session.
    facts = {"episodes": [[100, 145], [0, 30], [300, 315]]}
    result = value_of(MeasureSpec("duration"), facts, 600)
    assert result.value == pytest.approx(90)
    assert result.details["episodes"] == 3
    assert result.details["mean_seconds"] == pytest.approx(30)
    assert result.details["percent_of_session"] == pytest.approx(15)


def test_duration_within_the_tolerance_is_never_more_than_the_whole_session() -> None:
    result = value_of(MeasureSpec("duration"), {"episodes": [[0, 600.5]]}, 600)
    assert result.value == pytest.approx(600.5)
    assert result.details["percent_of_session"] == 100


def test_latency_is_mean_and_median_over_trials_with_a_response() -> None:
    # Latencies 4 - 0 = 4, 12 - 10 = 2, 29 - 20 = 9, the fourth trial has no response:
    # mean (4 + 2 + 9) / 3 = 5, median of 2, 4, 9 = 4.
    facts = {"trials": [[0, 4], [10, 12], [20, 29], [30, None]]}
    result = value_of(MeasureSpec("latency"), facts, 60)
    assert result.value == pytest.approx(5)
    assert result.details["median_seconds"] == pytest.approx(4)
    assert result.details["trials"] == 4
    assert result.details["responses"] == 3


def test_latency_without_any_response_has_no_value() -> None:
    assert value_of(MeasureSpec("latency"), {"trials": [[0, None]]}, 60).value is None


def test_inter_response_time_is_the_gap_between_successive_events() -> None:
    # Events at 10, 40, 50, 90 s (sent out of order): gaps 30, 10, 40; mean 80 / 3 = 26.67, median 30.
    result = value_of(MeasureSpec("irt"), {"events": [50, 10, 90, 40]}, 120)
    assert result.value == pytest.approx(80 / 3)
    assert result.details["median_seconds"] == pytest.approx(30)


def test_inter_response_time_needs_two_events() -> None:
    assert value_of(MeasureSpec("irt"), {"events": [5]}, 120).value is None


@pytest.mark.parametrize("method", ["partial_interval", "whole_interval", "momentary"])
def test_interval_methods_give_the_percent_of_intervals_scored(method: str) -> None:
    # 4 of 10 intervals scored = 40%.
    intervals = [True, False, True, True, False, False, False, True, False, False]
    spec = MeasureSpec(method, interval_count=12, interval_seconds=10)
    result = value_of(spec, {"intervals": intervals}, 120)
    assert result.value == pytest.approx(40)
    assert (result.details["scored"], result.details["observed"]) == (4, 10)


def ten_trials() -> list[dict[str, Any]]:
    prompts_and_responses = [
        ("independent", "correct"),
        ("independent", "correct"),
        ("gestural", "correct"),
        ("verbal", "correct"),
        ("model", "correct"),
        ("independent", "incorrect"),
        ("independent", "no_response"),
        ("independent", "correct"),
        ("verbal", "incorrect"),
        ("model", "correct"),
    ]
    return [
        {"prompt": prompt, "response": response, "target": "cat"}
        for prompt, response in prompts_and_responses
    ]


def test_trials_count_success_at_or_below_the_goal_support_level() -> None:
    # Hierarchy independent < gestural < verbal < model, goal support level verbal. Correct: trials
    # 1, 2, 3, 4, 5, 8, 10 = 7 of 10 = 70%. Independent (correct at "independent"): 1, 2, 8 = 30%.
    # Success (correct at independent, gestural or verbal): 1, 2, 3, 4, 8 = 50%; the correct trials at
    # "model" (5 and 10) do not count.
    spec = MeasureSpec(
        "trials", prompt_hierarchy=FOUR_LEVELS, goal_support_level="verbal", trials_per_session=10
    )
    result = value_of(spec, {"trials": ten_trials()}, 0)
    assert result.value == pytest.approx(50)
    assert result.details["percent_correct"] == pytest.approx(70)
    assert result.details["percent_independent"] == pytest.approx(30)
    assert result.details["percent_success"] == pytest.approx(50)
    assert (result.details["trials"], result.details["correct"]) == (10, 7)


def test_trials_without_a_goal_support_level_count_every_correct_trial() -> None:
    spec = MeasureSpec("trials", prompt_hierarchy=FOUR_LEVELS)
    assert value_of(spec, {"trials": ten_trials()}, 0).value == pytest.approx(70)


def test_goal_support_level_rule() -> None:
    spec = MeasureSpec("trials", prompt_hierarchy=FOUR_LEVELS, goal_support_level="verbal")
    assert methods.counts_as_success(spec, "correct", "verbal")
    assert methods.counts_as_success(spec, "correct", "independent")
    assert not methods.counts_as_success(spec, "correct", "model")
    assert not methods.counts_as_success(spec, "incorrect", "independent")


def test_trials_follow_the_measures_own_order_of_prompts() -> None:
    # Some teams put verbal before gestural: with goal "verbal", a correct gestural trial is above it.
    spec = MeasureSpec(
        "trials", prompt_hierarchy=("independent", "verbal", "gestural", "model"), goal_support_level="verbal"
    )
    facts = {
        "trials": [{"prompt": "gestural", "response": "correct"}, {"prompt": "verbal", "response": "correct"}]
    }
    assert value_of(spec, facts, 0).value == pytest.approx(50)


def test_no_trials_give_no_value() -> None:
    assert value_of(MeasureSpec("trials"), {"trials": []}, 0).value is None


STEPS = ["independent", "verbal", "independent", "not_done", "independent"]


@pytest.mark.parametrize(
    ("chaining", "current_step"),
    [(Chaining.FORWARD, 1), (Chaining.BACKWARD, 3), (Chaining.TOTAL_TASK, None)],
)
def test_task_analysis_percent_independent_and_current_step(chaining: str, current_step: int | None) -> None:
    # Steps 1, 3 and 5 of 5 independent = 60%. Forward chaining teaches the first step not independent
    # (step 2, index 1); backward chaining the last (step 4, index 3); total task teaches them all.
    spec = MeasureSpec("task_analysis", task_step_count=5, chaining=chaining)
    result = value_of(spec, {"steps": STEPS}, 0)
    assert result.value == pytest.approx(60)
    assert result.details["independent_steps"] == 3
    assert result.details["current_step"] == current_step


def test_a_task_done_independently_has_no_training_step() -> None:
    assert current_training_step("forward", [True, True]) is None
    assert current_training_step("backward", [True, False, True, False, True]) == 3
    assert current_training_step("forward", [True, False, True, False, True]) == 1


def test_rating_is_the_rating() -> None:
    spec = MeasureSpec("rating", rating_min=1, rating_max=5)
    assert value_of(spec, {"rating": 3}, 0).value == 3
    assert value_of(spec, {"rating": 5}, 0).value == 5


def test_permanent_product_gives_percent_correct_and_correct_per_minute() -> None:
    # 17 correct of 20 attempted = 85%; 17 correct in 10 minutes = 1.7 per minute.
    result = value_of(MeasureSpec("permanent_product"), {"attempted": 20, "correct": 17, "minutes": 10}, 0)
    assert result.value == pytest.approx(85)
    assert result.details["correct_per_minute"] == pytest.approx(1.7)


def test_permanent_product_without_minutes_or_attempts() -> None:
    result = value_of(MeasureSpec("permanent_product"), {"attempted": 0, "correct": 0, "minutes": None}, 0)
    assert result.value is None
    assert result.details["correct_per_minute"] is None


def test_abc_has_no_session_value() -> None:
    assert session_value(MeasureSpec("abc"), {}, 60) == methods.SessionValue(None, {})


def test_a_time_up_to_a_second_past_the_end_fits() -> None:
    assert check(MeasureSpec("count"), {"events": [601.0]}, 600) == []


def test_episodes_that_touch_do_not_overlap() -> None:
    assert check(MeasureSpec("duration"), {"episodes": [[30, 40], [0, 30]]}, 600) == []


# ---- one test per problem code ----------------------------------------------------------------

TRIALS = MeasureSpec("trials", prompt_hierarchy=FOUR_LEVELS)
INTERVALS = MeasureSpec("partial_interval", interval_count=3, interval_seconds=10)
TASK = MeasureSpec("task_analysis", task_step_count=3, chaining="forward")
RATING = MeasureSpec("rating", rating_min=1, rating_max=5)
PRODUCT = MeasureSpec("permanent_product")
COUNT = MeasureSpec("count")


def trial(**changes: object) -> dict[str, object]:
    return {"response": "correct", "prompt": "independent", **changes}


PROBLEM_CASES: list[tuple[str, MeasureSpec, object, float, str]] = [
    ("not_an_object", COUNT, [1, 2], 60, "facts"),
    ("timing_out_of_order", COUNT, {"events": [], "timed": [[0, 30], [20, 40]]}, 60, "facts.timed.1"),
    ("nothing_timed", COUNT, {"events": [], "timed": [[5, 5]]}, 60, "facts.timed"),
    ("outside_timing", COUNT, {"events": [10, 45], "timed": [[0, 20], [30, 40]]}, 60, "facts.events.1"),
    ("not_an_object", TRIALS, {"trials": ["correct"]}, 0, "facts.trials.0"),
    ("missing", COUNT, {}, 60, "facts.events"),
    ("missing", TRIALS, {"trials": [{"response": "correct"}]}, 0, "facts.trials.0.prompt"),
    ("unknown_key", COUNT, {"events": [], "mood": "happy"}, 60, "facts.mood"),
    ("unknown_key", TRIALS, {"trials": [trial(note="x")]}, 0, "facts.trials.0.note"),
    ("not_a_list", COUNT, {"events": 3}, 60, "facts.events"),
    ("too_many", COUNT, {"events": [1.0] * 10_001}, 60, "facts.events"),
    ("too_many", PRODUCT, {"attempted": 2_000_000, "correct": 1}, 0, "facts.attempted"),
    ("not_a_number", COUNT, {"events": [1, True]}, 60, "facts.events.1"),
    ("not_a_number", COUNT, {"events": [float("nan")]}, 60, "facts.events.0"),
    ("not_a_number", COUNT, {"events": [float("inf")]}, 60, "facts.events.0"),
    ("not_a_number", COUNT, {"events": [10**400]}, 60, "facts.events.0"),
    ("not_a_number", RATING, {"rating": "4"}, 0, "facts.rating"),
    ("negative_time", COUNT, {"events": [-0.5]}, 60, "facts.events.0"),
    ("after_end", COUNT, {"events": [61.5]}, 60, "facts.events.0"),
    ("not_a_pair", MeasureSpec("duration"), {"episodes": [[1]]}, 60, "facts.episodes.0"),
    ("offset_before_onset", MeasureSpec("duration"), {"episodes": [[50, 40]]}, 60, "facts.episodes.0.1"),
    ("episodes_overlap", MeasureSpec("duration"), {"episodes": [[0, 30], [20, 40]]}, 60, "facts.episodes.1"),
    ("response_before_cue", MeasureSpec("latency"), {"trials": [[10, 5]]}, 60, "facts.trials.0.1"),
    ("no_intervals", INTERVALS, {"intervals": []}, 30, "facts.intervals"),
    ("too_many_intervals", INTERVALS, {"intervals": [True] * 4}, 30, "facts.intervals"),
    ("not_a_boolean", INTERVALS, {"intervals": [True, 1]}, 30, "facts.intervals.1"),
    ("unknown_response", TRIALS, {"trials": [trial(response="maybe")]}, 0, "facts.trials.0.response"),
    ("unknown_prompt_level", TRIALS, {"trials": [trial(prompt="full_physical")]}, 0, "facts.trials.0.prompt"),
    ("not_text", TRIALS, {"trials": [trial(target=5)]}, 0, "facts.trials.0.target"),
    ("wrong_step_count", TASK, {"steps": ["independent"] * 2}, 0, "facts.steps"),
    ("unknown_step_score", TASK, {"steps": ["independent", "skipped", "not_done"]}, 0, "facts.steps.1"),
    ("rating_out_of_range", RATING, {"rating": 6}, 0, "facts.rating"),
    ("rating_out_of_range", RATING, {"rating": 0.5}, 0, "facts.rating"),
    ("not_an_integer", PRODUCT, {"attempted": 2.5, "correct": 1}, 0, "facts.attempted"),
    ("not_an_integer", PRODUCT, {"attempted": 3, "correct": True}, 0, "facts.correct"),
    ("negative", PRODUCT, {"attempted": 3, "correct": -1}, 0, "facts.correct"),
    ("minutes_not_positive", PRODUCT, {"attempted": 3, "correct": 1, "minutes": 0}, 0, "facts.minutes"),
    ("correct_above_attempted", PRODUCT, {"attempted": 3, "correct": 5}, 0, "facts.correct"),
    ("abc_not_an_observation", MeasureSpec("abc"), {}, 60, "facts"),
    ("no_observed_time", COUNT, {"events": []}, 0, "observed_seconds"),
    (
        "no_observed_time",
        MeasureSpec("momentary", interval_count=3),
        {"intervals": [True]},
        -5,
        "observed_seconds",
    ),
    ("unknown_method", MeasureSpec("telepathy"), {}, 60, "method"),
]


@pytest.mark.parametrize(("code", "spec", "facts", "observed", "field"), PROBLEM_CASES)
def test_problem(code: str, spec: MeasureSpec, facts: object, observed: float, field: str) -> None:
    assert [(problem.code, problem.field) for problem in check(spec, facts, observed)] == [(code, field)]


def test_every_problem_code_has_a_test_and_a_message() -> None:
    assert {case[0] for case in PROBLEM_CASES} == set(MESSAGES)


def test_problems_name_the_offending_value() -> None:
    [problem] = check(COUNT, {"events": [61.5]}, 60)
    assert problem.params == {"value": 61.5, "limit": 61.0}
    [overlap] = check(MeasureSpec("duration"), {"episodes": [[0, 100], [10, 20], [30, 40]]}, 600)[:1]
    assert overlap == Problem("episodes_overlap", "facts.episodes.1", {"other": 0})


def test_a_later_episode_inside_a_long_one_overlaps_it() -> None:
    problems = check(MeasureSpec("duration"), {"episodes": [[0, 100], [10, 20], [30, 40]]}, 600)
    assert [(problem.field, problem.params) for problem in problems] == [
        ("facts.episodes.1", {"other": 0}),
        ("facts.episodes.2", {"other": 0}),
    ]


def test_a_prompt_level_is_checked_against_the_default_hierarchy_when_the_measure_has_none() -> None:
    facts = {"trials": [trial(prompt="full_physical")]}
    assert check(MeasureSpec("trials"), facts, 0) == []


def test_a_flood_of_bad_entries_gives_a_bounded_list_of_problems() -> None:
    assert len(check(COUNT, {"events": ["x"] * 10_000}, 60)) == methods.MAX_PROBLEMS


# ---- the Django side --------------------------------------------------------------------------


def measure(**fields: object) -> Measure:
    return cast(Measure, MeasureFactory(**fields))


@pytest.mark.django_db
def test_spec_of_a_measure_uses_its_settings() -> None:
    task = measure(
        method=Method.TASK_ANALYSIS,
        task_steps=["Take the tray", "Choose food", "Pay"],
        chaining=Chaining.BACKWARD,
        prompt_hierarchy=list(FOUR_LEVELS),
        goal_support_level="gestural",
    )
    assert spec_of(task) == MeasureSpec(
        method="task_analysis",
        prompt_hierarchy=FOUR_LEVELS,
        goal_support_level="gestural",
        task_step_count=3,
        chaining="backward",
        trials_per_session=10,
    )


@pytest.mark.django_db
def test_spec_of_an_interval_measure_keeps_its_intervals() -> None:
    spec = spec_of(measure(method=Method.MOMENTARY_TIME_SAMPLING, interval_seconds=15, interval_count=40))
    assert (spec.method, spec.interval_seconds, spec.interval_count) == ("momentary", 15, 40)


@pytest.mark.django_db
def test_spec_of_a_measure_without_a_hierarchy_uses_the_default() -> None:
    spec = spec_of(measure(method=Method.RATING, prompt_hierarchy=[], rating_min=1, rating_max=4))
    assert spec.prompt_hierarchy == tuple(DEFAULT_PROMPT_HIERARCHY)
    assert (spec.rating_min, spec.rating_max) == (1.0, 4.0)


@pytest.mark.django_db
def test_problem_message_names_the_trial_and_level_but_not_the_target() -> None:
    facts = {"trials": [trial(), trial(prompt="hand_over_hand", target="Dylan's word: tiger")]}
    [problem] = check(spec_of(measure(prompt_hierarchy=list(FOUR_LEVELS))), facts, 0)
    with translation.override("en"):
        message = problem_message(problem)
    assert message == "Trial 2: the prompt level “hand_over_hand” is not in this measure's prompt hierarchy."
    assert "tiger" not in message


def test_problem_messages_round_numbers_for_display_only() -> None:
    [problem] = check(COUNT, {"events": [61.23456]}, 60)
    assert problem.params["value"] == 61.23456
    with translation.override("en"):
        assert problem_message(problem) == (
            "Event 1: the time 61.23 s is after the observation ended (61 s)."
        )


@pytest.mark.parametrize(("code", "spec", "facts", "observed", "field"), PROBLEM_CASES)
def test_every_problem_has_its_own_message(
    code: str, spec: MeasureSpec, facts: object, observed: float, field: str
) -> None:
    with translation.override("en"):
        messages = [problem_message(problem) for problem in check(spec, facts, observed)]
    assert messages
    assert all("does not fit the measure" not in message for message in messages)


# ---- units and the observer's stopwatch (docs/measurement.md) ------------------------------------


def test_irt_declared_in_minutes_is_the_mean_gap_in_minutes() -> None:
    """The worked example: events at 0, 90 and 270 s give gaps of 90 and 180 s, mean 135 s = 2.25
    minutes for a measure declared in minutes (and 135 in seconds)."""
    facts = {"events": [0, 90, 270]}
    assert session_value(MeasureSpec("irt", unit="minutes"), facts, 300).value == 2.25
    assert session_value(MeasureSpec("irt", unit="seconds"), facts, 300).value == 135
    assert session_value(MeasureSpec("irt"), facts, 300).value == 135


def test_duration_and_latency_declared_in_minutes() -> None:
    """Episodes of 60 s and 120 s: 180 s = 3 minutes. Latencies 30 s and 90 s: mean 60 s = 1 minute."""
    episodes = {"episodes": [[0, 60], [100, 220]]}
    assert session_value(MeasureSpec("duration", unit="minutes"), episodes, 600).value == 3
    latencies = {"trials": [[0, 30], [100, 190]]}
    assert session_value(MeasureSpec("latency", unit="minutes"), latencies, 600).value == 1


def test_rate_per_hour_is_sixty_times_per_minute() -> None:
    """6 events in 120 s: 3 per minute, 180 per hour."""
    facts = {"events": [10, 20, 30, 40, 50, 60]}
    assert session_value(MeasureSpec("rate"), facts, 120).value == 3
    assert session_value(MeasureSpec("rate", unit="per_hour"), facts, 120).value == 180


def test_a_rate_reads_the_time_on_the_stopwatch_not_the_time_the_sheet_was_open() -> None:
    """The sheet was open 10 minutes; the para timed 0:30-1:30 (one minute) and read 38 words in it:
    38 per minute, not 3.8."""
    facts = {"events": [31 + index for index in range(38)], "timed": [[30, 90]]}
    assert check(MeasureSpec("rate"), facts, 600) == []
    value = session_value(MeasureSpec("rate"), facts, 600)
    assert value.value == 38
    assert value.details["observed_minutes"] == 1


def test_a_pause_is_left_out_of_the_observed_time_and_of_the_gaps() -> None:
    """Timed 0-60 and 120-180 (a one-minute pause): 120 s observed. Events at 50 and 130 are 20
    timed seconds apart (10 before the pause, 10 after)."""
    facts = {"events": [50, 130], "timed": [[0, 60], [120, 180]]}
    assert session_value(MeasureSpec("rate"), facts, 200).details["observed_minutes"] == 2
    assert session_value(MeasureSpec("irt"), facts, 200).value == 20
    episodes = {"episodes": [[0, 30]], "timed": [[0, 60], [120, 180]]}
    assert session_value(MeasureSpec("duration"), episodes, 200).details["percent_of_session"] == 25


def test_an_episode_across_a_pause_is_outside_the_timing() -> None:
    facts = {"episodes": [[50, 130]], "timed": [[0, 60], [120, 180]]}
    assert [p.code for p in check(MeasureSpec("duration"), facts, 200)] == ["outside_timing"]


def test_task_analysis_counts_the_steps_at_or_below_the_goal_support_level() -> None:
    """Independent, gestural, verbal, not done: 1 of 4 independent (25%); with the support level
    gestural 2 of 4 (50%) is the value, and percent independent stays 25."""
    facts = {"steps": ["independent", "gestural", "verbal", "not_done"]}
    plain = session_value(MeasureSpec("task_analysis", task_step_count=4), facts, 0)
    assert plain.value == 25
    supported = session_value(
        MeasureSpec("task_analysis", task_step_count=4, goal_support_level="gestural"), facts, 0
    )
    assert supported.value == 50
    assert supported.details["percent_independent"] == 25
