"""What a measure's session value is called and how it reads, in the person's language: one name
and one way of writing each figure for the data sheet, the graph, the dashboard and the report
(docs/measurement.md, "Figures"). The value itself is worked out by paradesk.recording.methods, in
the unit of paradesk.plans.units.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from paradesk.plans import units
from paradesk.plans.models import DEFAULT_PROMPT_HIERARCHY, Measure, Method, Unit

PROMPT_LEVELS: dict[str, Promise] = {
    "independent": gettext_lazy("Independent"),
    "gestural": gettext_lazy("Gestural"),
    "verbal": gettext_lazy("Verbal"),
    "model": gettext_lazy("Model"),
    "partial_physical": gettext_lazy("Partial physical"),
    "full_physical": gettext_lazy("Full physical"),
    "not_done": gettext_lazy("Not done"),
}
INTERVAL_NAMES: dict[str, Promise] = {
    Method.PARTIAL_INTERVAL: gettext_lazy("% of intervals scored"),
    Method.WHOLE_INTERVAL: gettext_lazy("% of intervals scored"),
    Method.MOMENTARY_TIME_SAMPLING: gettext_lazy("% of samples scored"),
}
TIME_NAMES: dict[str, Promise] = {
    Method.DURATION: gettext_lazy("Total duration"),
    Method.LATENCY: gettext_lazy("Mean latency"),
    Method.INTER_RESPONSE_TIME: gettext_lazy("Mean time between responses"),
}


def level_label(level: str) -> str:
    """A prompt level in plain words (a team's own level is shown as the team wrote it)."""
    known = PROMPT_LEVELS.get(level)
    return str(known) if known is not None else level.replace("_", " ").capitalize()


def declared_unit(measure: Measure) -> units.Unit | None:
    return units.unit_of(measure.method, measure.unit)


def unit_label(method: str, unit: str) -> str:
    """The unit in words, as the graph's axis reads it: "Minutes", "Per minute", "Percent"."""
    found = units.unit_of(method, unit)
    return str(Unit(found).label) if found is not None else _("Value")


def trials_name(support_level: str, hierarchy: Sequence[str]) -> str:
    """Trials count toward the goal at or below its support level (docs/measurement.md): the name
    says which, so "% correct" never names a figure that left prompted trials out."""
    levels = list(hierarchy) or DEFAULT_PROMPT_HIERARCHY
    if support_level not in levels or support_level == levels[-1]:
        return _("% correct")
    if support_level == levels[0]:
        return _("% correct independently")
    return _("%% correct with %(level)s prompts or less") % {"level": level_label(support_level).lower()}


def steps_name(support_level: str, hierarchy: Sequence[str]) -> str:
    levels = list(hierarchy) or DEFAULT_PROMPT_HIERARCHY
    if support_level not in levels or support_level == levels[0]:
        return _("% of steps independent")
    return _("%% of steps with %(level)s prompts or less") % {"level": level_label(support_level).lower()}


def figure_name(method: str, unit: str = "", support_level: str = "", hierarchy: Sequence[str] = ()) -> str:
    """The name of the session value, the same on the sheet, the graph, the dashboard and the report."""
    found = units.unit_of(method, unit)
    if method == Method.TRIALS:
        return trials_name(support_level, hierarchy)
    if method == Method.TASK_ANALYSIS:
        return steps_name(support_level, hierarchy)
    if method == Method.PERMANENT_PRODUCT:
        return _("% of items correct")
    if method in INTERVAL_NAMES:
        return str(INTERVAL_NAMES[method])
    if method in TIME_NAMES:
        return _("%(figure)s (%(unit)s)") % {
            "figure": TIME_NAMES[method],
            "unit": unit_label(method, unit).lower(),
        }
    if method == Method.RATE:
        return _("Correct per hour") if found == units.Unit.PER_HOUR else _("Correct per minute")
    if method == Method.RATING:
        return _("Rating")
    return _("Count")


def figure_of(measure: Measure) -> str:
    hierarchy = [str(level) for level in (measure.prompt_hierarchy or DEFAULT_PROMPT_HIERARCHY)]
    return figure_name(measure.method, measure.unit, measure.goal_support_level, hierarchy)


def rounded(value: float, digits: int = 1) -> Decimal:
    """To ``digits`` decimals, halves up, as a person rounds by hand (2.25 minutes reads 2.3)."""
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def number_text(value: float, digits: int = 1) -> str:
    """At most ``digits`` decimals (no trailing zeros), in the person's locale."""
    shown = rounded(value, digits).normalize()
    whole = shown == shown.to_integral_value()
    places = 0 if whole else -shown.as_tuple().exponent  # type: ignore[operator]
    return str(formats.number_format(int(shown) if whole else shown, decimal_pos=None if whole else places))


def value_text(method: str, unit: str, value: float | None, digits: int = 1) -> str:
    """A session value with its unit, as a family reads it: "85%", "2.3 minutes", "38 per minute".
    A value the teacher wrote in the plan keeps its two decimals (``digits=2``: 1.25 minutes)."""
    if value is None:
        return "—"
    number = number_text(value, digits)
    found = units.unit_of(method, unit)
    one = 1 if rounded(value) == 1 else 2  # "1 minute", "1.5 minutes"
    words = {
        units.Unit.PERCENT: "%(n)s%%",
        units.Unit.SECONDS: ngettext("%(n)s second", "%(n)s seconds", one),
        units.Unit.MINUTES: ngettext("%(n)s minute", "%(n)s minutes", one),
        units.Unit.PER_MINUTE: _("%(n)s per minute"),
        units.Unit.PER_HOUR: _("%(n)s per hour"),
    }
    pattern = words.get(found) if found is not None else None
    return pattern % {"n": number} if pattern is not None else number


def measure_value_text(measure: Measure, value: float | None) -> str:
    return value_text(measure.method, measure.unit, value)


def written_value_text(measure: Measure, value: float | None) -> str:
    """A baseline or target as the plan writes it, to its two decimals."""
    return value_text(measure.method, measure.unit, value, digits=2)
