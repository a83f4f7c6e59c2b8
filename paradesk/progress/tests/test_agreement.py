"""Inter-observer agreement and fidelity (paradesk.progress.agreement): known answers for every
formula, each worked by hand from docs/field.md#agreement and #fidelity (the working is in the
comments beside the numbers), and properties: nothing raises on odd facts, and every percentage
stays within 0..100 (or None)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from paradesk.progress import agreement
from paradesk.progress.agreement import AgreementKind
from paradesk.progress.tests.test_analysis_properties import any_number, facts, is_percent

# ---- agreement: known answers ------------------------------------------------------------------------


def test_total_count_agreement() -> None:
    assert agreement.total_count_agreement(8, 10) == 80
    assert agreement.total_count_agreement(10, 8) == 80
    assert agreement.total_count_agreement(0, 0) == 100
    assert agreement.total_count_agreement(0, 5) == 0
    assert math.isnan(agreement.total_count_agreement(math.nan, 5))


# docs/field.md#agreement: 10.5 over 15 intervals = 70%. Seven (1, 1) and two (0, 0) intervals give 1 each
# (9), three (1, 2) give 0.5 each (1.5), three (0, 2) give 0: 10.5 / 15.
FIRST_COUNTS = [1] * 7 + [0] * 2 + [1] * 3 + [0] * 3
SECOND_COUNTS = [1] * 7 + [0] * 2 + [2] * 3 + [2] * 3


def test_mean_count_per_interval_agreement_matches_domain_example() -> None:
    assert agreement.mean_count_per_interval_agreement(FIRST_COUNTS, SECOND_COUNTS) == pytest.approx(70)
    assert agreement.mean_count_per_interval_agreement([0, 0], [0, 0]) == 100


def test_exact_count_per_interval_agreement() -> None:
    # Identical counts in the first 9 of 15 intervals.
    assert agreement.exact_count_per_interval_agreement(FIRST_COUNTS, SECOND_COUNTS) == pytest.approx(60)


def test_trial_by_trial_agreement() -> None:
    assert agreement.trial_by_trial_agreement(["c", "c", "i", "c"], ["c", "i", "i", "c"]) == 75


A_INTERVALS = [True, True, False, False, True]
B_INTERVALS = [True, False, False, True, True]


def test_interval_by_interval_agreement() -> None:
    assert agreement.interval_by_interval_agreement(A_INTERVALS, B_INTERVALS) == 60  # intervals 1, 3, 5


def test_scored_interval_agreement() -> None:
    # Both scored: 1 and 5; either: 1, 2, 4, 5 -> 2 / 4.
    assert agreement.scored_interval_agreement(A_INTERVALS, B_INTERVALS) == 50
    assert agreement.scored_interval_agreement([False] * 3, [False] * 3) is None


def test_unscored_interval_agreement() -> None:
    # Both unscored: 3; either left unscored: 2, 3, 4 -> 1 / 3.
    assert agreement.unscored_interval_agreement(A_INTERVALS, B_INTERVALS) == pytest.approx(100 / 3)
    assert agreement.unscored_interval_agreement([True] * 3, [True] * 3) is None
    assert agreement.unscored_interval_agreement([False] * 3, [False] * 3) == 100


def test_total_duration_agreement() -> None:
    assert agreement.total_duration_agreement(45, 60) == 75
    assert agreement.total_duration_agreement(0, 0) == 100


def test_mean_duration_per_occurrence_agreement_matches_domain_example() -> None:
    # docs/field.md#agreement: (0.75 + 1.0 + 0.8) / 3 = 85%: 3 of 4 s, 5 of 5 s, 4 of 5 s.
    assert agreement.mean_duration_per_occurrence_agreement([3, 5, 4], [4, 5, 5]) == pytest.approx(85)


def test_two_observers_who_saw_nothing_agree_fully() -> None:
    # Both zero: 100 for every formula with a denominator; scored-interval has none (None).
    assert agreement.total_count_agreement(0, 0) == 100
    assert agreement.mean_count_per_interval_agreement([0, 0, 0], [0, 0, 0]) == 100
    assert agreement.exact_count_per_interval_agreement([0, 0, 0], [0, 0, 0]) == 100
    assert agreement.interval_by_interval_agreement([False] * 4, [False] * 4) == 100
    assert agreement.unscored_interval_agreement([False] * 4, [False] * 4) == 100
    assert agreement.scored_interval_agreement([False] * 4, [False] * 4) is None
    assert agreement.total_duration_agreement(0, 0) == 100
    assert agreement.mean_duration_per_occurrence_agreement([0, 4], [0, 2]) == 75  # (1 + 0.5) / 2


@pytest.mark.parametrize(
    "formula",
    [
        agreement.mean_count_per_interval_agreement,
        agreement.exact_count_per_interval_agreement,
        agreement.trial_by_trial_agreement,
        agreement.interval_by_interval_agreement,
        agreement.scored_interval_agreement,
        agreement.unscored_interval_agreement,
        agreement.mean_duration_per_occurrence_agreement,
    ],
)
def test_paired_formulas_need_as_many_entries_from_each_observer(formula: object) -> None:
    assert callable(formula)
    assert formula([1, 1, 0], [1, 1]) is None
    assert formula([], []) is None


def test_session_agreement_of_a_count() -> None:
    # 30 s in 10 s windows: first [2, 1, 1] events, second [1, 2, 1].
    found = agreement.session_agreement("count", {"events": [1, 2, 15, 25]}, {"events": [1, 15, 16, 27]}, 30)
    assert found == {
        AgreementKind.TOTAL_COUNT: 100,
        AgreementKind.MEAN_COUNT_PER_INTERVAL: pytest.approx(100 * (0.5 + 0.5 + 1) / 3),
        AgreementKind.EXACT_COUNT_PER_INTERVAL: pytest.approx(100 / 3),
    }


def test_session_agreement_of_a_count_without_a_usable_length() -> None:
    for seconds in (0, math.nan, math.inf, 1e12):
        found = agreement.session_agreement("count", {"events": [1]}, {"events": [1, 2]}, seconds)
        assert found[AgreementKind.TOTAL_COUNT] == 50
        assert found[AgreementKind.MEAN_COUNT_PER_INTERVAL] is None


def test_session_agreement_of_intervals() -> None:
    found = agreement.session_agreement(
        "partial_interval", {"intervals": A_INTERVALS}, {"intervals": B_INTERVALS}, 50
    )
    assert found == {
        AgreementKind.INTERVAL_BY_INTERVAL: 60,
        AgreementKind.SCORED_INTERVAL: 50,
        AgreementKind.UNSCORED_INTERVAL: pytest.approx(100 / 3),
    }


def test_session_agreement_of_trials_compares_response_and_prompt() -> None:
    first = {
        "trials": [
            {"response": "correct", "prompt": "independent"},
            {"response": "incorrect", "prompt": "verbal"},
        ]
    }
    second = {
        "trials": [
            {"response": "correct", "prompt": "independent"},
            {"response": "incorrect", "prompt": "model"},
        ]
    }
    assert agreement.session_agreement("trials", first, second, 60) == {AgreementKind.TRIAL_BY_TRIAL: 50}


def test_session_agreement_of_durations() -> None:
    # Episodes 3, 5, 4 s against 4, 5, 5 s: totals 12 / 14; per occurrence 85% (docs/field.md#agreement).
    first = {"episodes": [[0, 3], [10, 15], [20, 24]]}
    second = {"episodes": [[0, 4], [10, 15], [19, 24]]}
    assert agreement.session_agreement("duration", first, second, 30) == {
        AgreementKind.TOTAL_DURATION: pytest.approx(1200 / 14),
        AgreementKind.MEAN_DURATION_PER_OCCURRENCE: pytest.approx(85),
    }


def test_latency_agreement_pairs_the_observers_trials_cue_by_cue() -> None:
    # Latencies 2, none, 4 s against 2.5, none, 5 s: per trial 2/2.5 = 0.8, no response on both = 1,
    # 4/5 = 0.8; mean 2.6 / 3. Totals of the answered trials: 6 / 7.5.
    first = {"trials": [[0, 2], [10, None], [20, 24]]}
    second = {"trials": [[0, 2.5], [10, None], [20, 25]]}
    assert agreement.session_agreement("latency", first, second, 30) == {
        AgreementKind.TOTAL_DURATION: pytest.approx(80),
        AgreementKind.MEAN_DURATION_PER_OCCURRENCE: pytest.approx(260 / 3),
    }


def test_a_response_only_one_observer_saw_is_a_disagreement_and_shifts_nothing() -> None:
    # Latencies 2, none, 4 against 2, 3, 4: 1 + 0 + 1 over 3 trials. Paired by position after
    # leaving out the missed response, the third trial would have been compared with the second.
    first = {"trials": [[0, 2], [10, None], [20, 24]]}
    second = {"trials": [[0, 2], [10, 13], [20, 24]]}
    found = agreement.session_agreement("latency", first, second, 30)
    assert found[AgreementKind.MEAN_DURATION_PER_OCCURRENCE] == pytest.approx(200 / 3)
    assert agreement.latency_per_trial_agreement([None], [None]) == 100
    assert agreement.latency_per_trial_agreement([2.0], [2.0, 3.0]) is None  # not the same cues
    assert agreement.latency_per_trial_agreement([], []) is None


def test_every_method_with_observers_has_a_primary_agreement_it_computes() -> None:
    facts = {"events": [], "intervals": [True], "trials": [], "steps": ["independent"], "episodes": []}
    for method, kind in agreement.PRIMARY_AGREEMENT.items():
        assert kind in agreement.session_agreement(method, facts, facts, 10)


def test_agreement_standing_across_a_phase() -> None:
    standing = agreement.agreement_standing([90, 75, None], sessions=20)
    assert (standing.checks, standing.lowest, standing.share_checked) == (3, 75, 15)
    assert standing.below_standard and standing.too_few_checked
    good = agreement.agreement_standing([90, 85], sessions=10)
    assert not good.below_standard and not good.too_few_checked
    assert agreement.agreement_standing([], 0).share_checked is None


# ---- fidelity: known answers -------------------------------------------------------------------------


def test_fidelity_leaves_out_steps_not_applicable() -> None:
    some = agreement.fidelity(["yes", "yes", "no", "na"])
    assert (some.percent, some.all_or_nothing, some.observed) == (pytest.approx(200 / 3), False, 3)
    assert agreement.fidelity(["yes", "na"]) == agreement.Fidelity(100, True, 1)
    assert agreement.fidelity(["na"]) == agreement.Fidelity(None, None, 0)


def test_fidelity_by_step_across_checks() -> None:
    checks = [["yes", "no", "na"], ["yes", "yes", "no"], ["no"]]
    # Step 1: yes yes no -> 2/3; step 2: no yes -> 1/2; step 3: na no -> 0.
    assert agreement.fidelity_by_step(checks) == [pytest.approx(200 / 3), 50, 0]
    assert agreement.fidelity_by_step([]) == []


# ---- properties ------------------------------------------------------------------------------------


numbers = st.lists(any_number, max_size=12)
marks = st.lists(st.booleans(), max_size=12)


@given(first=numbers, second=numbers)
def test_count_and_duration_formulas_stay_within_percent(first: list[float], second: list[float]) -> None:
    assert is_percent(agreement.mean_count_per_interval_agreement(first, second))
    assert is_percent(agreement.exact_count_per_interval_agreement(first, second))
    assert is_percent(agreement.mean_duration_per_occurrence_agreement(first, second))
    assert is_percent(agreement.trial_by_trial_agreement(first, second))
    same = first[: len(second)], second[: len(first)]
    assert is_percent(agreement.mean_count_per_interval_agreement(*same))
    assert is_percent(agreement.exact_count_per_interval_agreement(*same))


@given(first=any_number, second=any_number)
def test_total_formulas_stay_within_percent_or_say_not_a_number(first: float, second: float) -> None:
    for formula in (agreement.total_count_agreement, agreement.total_duration_agreement):
        found = formula(first, second)
        if math.isfinite(first) and math.isfinite(second):
            assert 0 <= found <= 100
        else:
            assert math.isnan(found)


@given(first=marks, second=marks)
def test_interval_formulas_stay_within_percent(first: list[bool], second: list[bool]) -> None:
    same = first[: len(second)], second[: len(first)]
    for pair in ((first, second), same):
        assert is_percent(agreement.interval_by_interval_agreement(*pair))
        assert is_percent(agreement.scored_interval_agreement(*pair))
        assert is_percent(agreement.unscored_interval_agreement(*pair))


methods = st.sampled_from(sorted(agreement.PRIMARY_AGREEMENT)) | st.text(max_size=6)


@settings(max_examples=300)
@given(method=methods, first=facts, second=facts, seconds=any_number, interval=any_number)
@example(method="count", first={"events": [1e300]}, second={}, seconds=9e270, interval=5e-38)
def test_session_agreement_never_raises_and_stays_within_percent(
    method: str, first: dict[str, Any], second: dict[str, Any], seconds: float, interval: float
) -> None:
    for value in agreement.session_agreement(method, first, second, seconds, interval).values():
        assert is_percent(value)


step_results = st.lists(st.sampled_from(["yes", "no", "na"]) | st.text(max_size=3), max_size=10)


@given(checks=st.lists(step_results, max_size=6))
def test_fidelity_stays_within_percent(checks: list[list[str]]) -> None:
    for check in checks:
        assert is_percent(agreement.fidelity(check).percent)
    assert all(is_percent(value) for value in agreement.fidelity_by_step(checks))
