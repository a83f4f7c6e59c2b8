"""The graph's decisions in plain words, both directions and the too-few cases (docs/field.md#decision-rules
and #mastery), worked by hand.

Every series starts with the baseline 20, 30, 25 on 5-7 October (median 25) or, for the behavior to
decrease, 10, 12, 11 (median 11), then a phase change on 12 October. Increase: target 95 by 16
December, so the aimline rises 1 a day (30 on 12 October, 33 on 15 October). Decrease: target 4
by 16 December, so the aimline falls 0.1 a day (10.5 on 12 October, 10.2 on 15 October).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from paradesk.plans.models import Measure, MeasureStatus
from paradesk.progress import analysis, words
from paradesk.progress.tests.test_graphs import KNOWN, known_series, phase_change, progress, record, set_goal
from paradesk.recording.tests.raw_records import observation
from paradesk.testing import Personas

pytestmark = pytest.mark.django_db

D = datetime.date
AFTER = [D(2026, 10, 12), D(2026, 10, 13), D(2026, 10, 14), D(2026, 10, 15)]
TARGET_DAY = D(2026, 12, 16)


def increasing(personas: Personas, values: list[float]) -> list[str]:
    measure = set_goal(personas.measure, 95, TARGET_DAY)
    record(personas, measure, KNOWN[:3] + list(zip(AFTER, values, strict=False)))
    phase_change(personas, measure, AFTER[0], "Token board")
    return words.decision_words(progress(measure.pk))


def decreasing(personas: Personas, values: list[float]) -> list[str]:
    measure = Measure.objects.get(plan=personas.plan, name="Elopement count")
    set_goal(measure, 4, TARGET_DAY)
    baseline = [(D(2026, 10, 5), 10.0), (D(2026, 10, 6), 12.0), (D(2026, 10, 7), 11.0)]
    record(personas, measure, baseline + list(zip(AFTER, values, strict=False)))
    phase_change(personas, measure, AFTER[0], "Visual schedule")
    return words.decision_words(progress(measure.pk))


def test_above_the_aimline_raises_the_goal(personas: Personas) -> None:
    said = words.decision_words(known_series(personas))
    assert said[0] == "The last 4 points are above the aimline since October 12: consider raising the goal."
    assert said[1] == (
        "The trend since October 12 rises faster than the aimline: consider raising the goal. "
        "Fewer than 8 points (4 so far): read the trend with care."
    )
    assert "Mastery: 0 of 3 consecutive sessions meet the criterion so far." in said
    assert said[-1] == "Too few sessions with prompt levels to tell whether support is fading (4 of 5)."


def test_below_the_aimline_changes_instruction(personas: Personas) -> None:
    """26, 26, 27, 27 are all under the aimline (30-33); their trend, 0.4 a day, is flatter than 1."""
    said = increasing(personas, [26, 26, 27, 27])
    assert (
        said[0] == "The last 4 points are below the aimline since October 12: consider changing instruction."
    )
    assert said[1].startswith(
        "The trend since October 12 does not rise as fast as the aimline: consider changing instruction."
    )


def test_points_on_both_sides_continue(personas: Personas) -> None:
    said = increasing(personas, [35, 25, 36, 26])
    assert said[0] == "The last 4 points are on both sides of the aimline: continue the current instruction."


def test_a_behavior_to_decrease_below_the_aimline_is_ahead(personas: Personas) -> None:
    """6, 5, 4, 3 are under the falling aimline (10.5 to 10.2) and fall 1 a day, faster than 0.1."""
    said = decreasing(personas, [6, 5, 4, 3])
    assert said[0] == (
        "The last 4 points are below the aimline since October 12, ahead of the goal for a behavior to "
        "decrease: consider a more ambitious goal."
    )
    assert said[1].startswith(
        "The trend since October 12 falls faster than the aimline: consider a more ambitious goal."
    )
    assert len(said) == 2  # a count has no mastery rule and no prompt levels


def test_a_behavior_to_decrease_above_the_aimline_is_behind(personas: Personas) -> None:
    """12, 13, 12, 13 are over the aimline and rise 0.2 a day, where the aimline falls."""
    said = decreasing(personas, [12, 13, 12, 13])
    assert said[0] == (
        "The last 4 points are above the aimline since October 12, behind the goal for a behavior to "
        "decrease: consider changing instruction."
    )
    assert said[1].startswith(
        "The trend since October 12 does not fall as fast as the aimline: consider changing instruction."
    )


def test_too_few_points_since_the_phase_change(personas: Personas) -> None:
    said = increasing(personas, [55, 60])
    assert said[0] == "Too few points since the last phase change for the four-point rule (2 of 4)."
    assert said[1] == "Too few points since the last phase change for a trend (2 of 3)."


def test_no_aimline_without_a_target(personas: Personas) -> None:
    measure = personas.measure
    record(personas, measure, KNOWN)
    said = words.decision_words(progress(measure.pk))
    assert said[0].startswith("No aimline yet")
    assert not any("trend" in sentence for sentence in said)


def test_mastery_met_is_flagged_for_the_teacher_to_confirm(personas: Personas) -> None:
    measure = set_goal(personas.measure, 95, TARGET_DAY)
    record(personas, measure, KNOWN[:3] + list(zip(AFTER, [80, 92, 95, 100], strict=True)))
    said = words.decision_words(progress(measure.pk))
    assert (
        "Mastery criterion met on 3 consecutive sessions since October 13: confirm mastery to move it to "
        "maintenance."
    ) in said
    measure.status = MeasureStatus.MAINTENANCE
    measure.save(update_fields=["status"])
    assert "Mastery is confirmed: maintenance probes are graphed apart." in words.decision_words(
        progress(measure.pk)
    )


def test_mastery_needs_different_staff(personas: Personas) -> None:
    measure = set_goal(personas.measure, 95, TARGET_DAY)
    measure.mastery_min_staff = 2
    measure.save(update_fields=["mastery_min_staff"])
    record(personas, measure, KNOWN[:3] + list(zip(AFTER, [80, 92, 95, 100], strict=True)))
    said = words.decision_words(progress(measure.pk))
    assert "Mastery: 3 of 3 consecutive sessions meet the criterion so far." in said
    assert "Mastery also needs 2 different staff in the run (1 so far)." in said


def test_support_fading(personas: Personas) -> None:
    """Independent trials 1, 2, 3, 3 and 3 of 4 on five days in a row: 25, 50, 75, 75, 75%
    independent, a least-squares rise of 125 / 10 = 12.5 points a day, 87.5 a week."""
    measure = set_goal(personas.measure, 95, TARGET_DAY)
    trial = {"response": "correct", "prompt": "independent"}
    helped = {"response": "correct", "prompt": "verbal"}
    days = [D(2026, 10, 12), D(2026, 10, 13), D(2026, 10, 14), D(2026, 10, 15), D(2026, 10, 16)]
    record(personas, measure, KNOWN[:3])
    phase_change(personas, measure, days[0], "Fading prompts")
    for index, day in enumerate(days):
        independent = min(index + 1, 3)
        facts = {"trials": [trial] * independent + [helped] * (4 - independent)}
        at = datetime.datetime(day.year, day.month, day.day, 15, tzinfo=datetime.UTC)
        observation(personas, measure=measure, at=at, facts=facts, value=100.0)
    said = words.decision_words(progress(measure.pk))
    assert said[-1] == "Support is fading: independent responses rise by 87.5 percentage points a week."


def test_maintenance_rests_the_rules(personas: Personas) -> None:
    measure = set_goal(personas.measure, 95, TARGET_DAY)
    record(personas, measure, KNOWN)
    phase_change(personas, measure, D(2026, 10, 14), "", kind="maintenance")
    said = words.decision_words(progress(measure.pk))
    assert said[0] == "Maintenance probes: the decision rules rest until a new phase starts."


def test_dates_follow_the_locale(personas: Personas) -> None:
    found = known_series(personas)
    with translation.override("es"):
        said = words.decision_words(found)
    assert "12 de octubre" in said[0]


def test_verdict_labels() -> None:
    assert words.verdict_label(analysis.Verdict.RAISE_GOAL) == "Consider raising the goal"
    assert words.verdict_label(analysis.Verdict.CHANGE_INSTRUCTION) == "Consider changing instruction"
    assert words.verdict_label(analysis.Verdict.TOO_FEW) == "Too few points"
    assert {words.verdict_label(verdict) for verdict in analysis.Verdict} == {
        "Consider raising the goal",
        "Consider changing instruction",
        "Continue",
        "Too few points",
        "No aimline",
    }


def test_decimal_target_is_read(personas: Personas) -> None:
    """The target is a Decimal on the measure; the aimline reads it as a number."""
    found = known_series(personas)
    assert found.measure.target_value == Decimal("95")
    assert found.result.aimline is not None
    assert found.result.aimline.per_week == pytest.approx(7.0)
