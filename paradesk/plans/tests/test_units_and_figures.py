"""Units and figure names (docs/measurement.md): the vocabulary per method, the one conversion,
what a baseline or target may be, and how a value reads, worked by hand."""

from __future__ import annotations

import pytest

from paradesk.plans import figures, units
from paradesk.plans.models import Method, Unit


def test_the_model_choices_are_the_pure_vocabulary() -> None:
    assert {choice.value for choice in Unit} == {unit.value for unit in units.Unit}
    assert set(units.METHOD_UNITS) == {method.value for method in Method}


def test_each_method_reads_in_its_own_unit_unless_it_declares_another_it_allows() -> None:
    assert units.unit_of("irt", "") == units.Unit.SECONDS
    assert units.unit_of("irt", "minutes") == units.Unit.MINUTES
    assert units.unit_of("irt", "per_hour") == units.Unit.SECONDS  # not an IRT unit: its own
    assert units.unit_of("rate", "per_hour") == units.Unit.PER_HOUR
    assert units.unit_of("trials", "minutes") == units.Unit.PERCENT


def test_conversion_within_a_kind_only() -> None:
    """135 s = 2.25 min; 3 per minute = 180 per hour; a percent never becomes a time."""
    assert units.in_unit(135, "irt", "minutes") == 2.25
    assert units.in_unit(3, "rate", "per_hour") == 180
    assert units.convert(2.25, "minutes", "seconds") == pytest.approx(135)
    assert units.convert(180, "per_hour", "per_minute") == pytest.approx(3)
    assert not units.convertible("percent", "seconds")
    assert units.convert(50, "percent", "seconds") == 50


@pytest.mark.parametrize(
    ("value", "unit", "fits"),
    [
        (100, "percent", True),
        (99_999, "percent", False),
        (-1, "count", False),
        (720, "minutes", True),
        (721, "minutes", False),
        (43_200, "seconds", True),
        (600, "per_minute", True),
        (601, "per_minute", False),
    ],
)
def test_what_a_baseline_or_target_may_be(value: float, unit: str, fits: bool) -> None:
    assert units.plausible(value, unit) is fits


@pytest.mark.parametrize(
    ("method", "unit", "value", "text"),
    [
        ("irt", "minutes", 2.25, "2.3 minutes"),
        ("latency", "minutes", 1.0, "1 minute"),
        ("duration", "seconds", 180.0, "180 seconds"),
        ("rate", "per_hour", 180.0, "180 per hour"),
        ("rate", "", 38.04, "38 per minute"),
        ("momentary", "", 200 / 3, "66.7%"),
        ("count", "", 3.0, "3"),
        ("rating", "", 4.0, "4"),
    ],
)
def test_a_value_reads_with_its_unit(method: str, unit: str, value: float, text: str) -> None:
    assert figures.value_text(method, unit, value) == text


def test_a_value_written_in_the_plan_keeps_its_two_decimals() -> None:
    assert figures.value_text("irt", "minutes", 1.25, digits=2) == "1.25 minutes"
    assert figures.value_text("irt", "minutes", 5.0, digits=2) == "5 minutes"


@pytest.mark.parametrize(
    ("method", "unit", "support", "name"),
    [
        ("trials", "", "independent", "% correct independently"),
        ("trials", "", "verbal", "% correct with verbal prompts or less"),
        ("trials", "", "", "% correct"),
        ("trials", "", "full_physical", "% correct"),
        ("task_analysis", "", "gestural", "% of steps with gestural prompts or less"),
        ("irt", "minutes", "", "Mean time between responses (minutes)"),
        ("rate", "per_hour", "", "Correct per hour"),
    ],
)
def test_each_figure_has_one_name(method: str, unit: str, support: str, name: str) -> None:
    assert figures.figure_name(method, unit, support, []) == name
