"""The Django side of paradesk.recording.methods: a measure's MeasureSpec, and each Problem in words a
para can act on, in their language. Messages name the place (item numbers count from 1) and the
offending value, never what the student said or did."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.utils import formats
from django.utils.translation import gettext as _

from paradesk.plans.models import DEFAULT_PROMPT_HIERARCHY, Measure
from paradesk.recording.methods import MeasureSpec, Problem


def spec_of(measure: Measure) -> MeasureSpec:
    """What the measurement methods need to know about a measure."""
    hierarchy = measure.prompt_hierarchy or DEFAULT_PROMPT_HIERARCHY
    return MeasureSpec(
        method=measure.method,
        prompt_hierarchy=tuple(str(level) for level in hierarchy),
        goal_support_level=measure.goal_support_level,
        interval_count=measure.interval_count,
        interval_seconds=measure.interval_seconds,
        task_step_count=len(measure.task_steps or []),
        chaining=measure.chaining,
        rating_min=None if measure.rating_min is None else float(measure.rating_min),
        rating_max=None if measure.rating_max is None else float(measure.rating_max),
        trials_per_session=measure.trials_per_session,
        unit=measure.unit,
    )


def _list_name(key: str) -> str | None:
    names = {
        "events": _("Events"),
        "incorrect_events": _("Incorrect events"),
        "episodes": _("Episodes"),
        "trials": _("Trials"),
        "intervals": _("Intervals"),
        "steps": _("Steps"),
        "rating": _("Rating"),
        "attempted": _("Items attempted"),
        "correct": _("Items correct"),
        "minutes": _("Minutes"),
        "timed": _("Timed stretches"),
    }
    return names.get(key)


def _item_name(key: str, number: int) -> str | None:
    names = {
        "events": _("Event %(number)d"),
        "incorrect_events": _("Incorrect event %(number)d"),
        "episodes": _("Episode %(number)d"),
        "trials": _("Trial %(number)d"),
        "intervals": _("Interval %(number)d"),
        "steps": _("Step %(number)d"),
        "timed": _("Timed stretch %(number)d"),
    }
    name = names.get(key)
    return None if name is None else name % {"number": number}


def place(path: str) -> str:
    """Where a problem is, in words: ``facts.trials.3.prompt`` is "Trial 4"."""
    parts = path.split(".")
    if parts[0] == "observed_seconds":
        return _("Observation")
    if parts[0] == "method":
        return _("Measure")
    if len(parts) >= 3 and parts[2].isdigit():
        return _item_name(parts[1], int(parts[2]) + 1) or _("Recorded data")
    if len(parts) == 2:
        return _list_name(parts[1]) or _("Recorded data")
    return _("Recorded data")


def shown(value: object) -> str:
    """A value as a person reads it; numbers rounded for display only."""
    if isinstance(value, bool) or value is None:
        return str(value).lower() if value is not None else "null"
    if isinstance(value, float):
        return str(formats.number_format(int(value) if value.is_integer() else round(value, 2)))
    if isinstance(value, int):
        return str(formats.number_format(value))
    return f"“{value}”"


Params = Mapping[str, object]
MESSAGES: dict[str, Callable[[Params], str]] = {
    "not_an_object": lambda p: (
        _("expected a set of named values, got %(value)s.") % {"value": shown(p.get("value"))}
    ),
    "missing": lambda p: _("“%(key)s” is missing.") % {"key": p.get("key")},
    "unknown_key": lambda p: _("“%(key)s” is not part of this kind of data.") % {"key": p.get("key")},
    "not_a_list": lambda p: _("expected a list, got %(value)s.") % {"value": shown(p.get("value"))},
    "too_many": lambda p: (
        _("%(count)s is more than the %(limit)s allowed.")
        % {"count": shown(p.get("count")), "limit": shown(p.get("limit"))}
    ),
    "not_a_number": lambda p: _("%(value)s is not a number.") % {"value": shown(p.get("value"))},
    "negative_time": lambda p: (
        _("the time %(value)s s is before the observation started.") % {"value": shown(p.get("value"))}
    ),
    "after_end": lambda p: (
        _("the time %(value)s s is after the observation ended (%(limit)s s).")
        % {"value": shown(p.get("value")), "limit": shown(p.get("limit"))}
    ),
    "not_a_pair": lambda p: _("expected two times, got %(value)s.") % {"value": shown(p.get("value"))},
    "offset_before_onset": lambda p: (
        _("it ends (%(offset)s s) before it starts (%(onset)s s).")
        % {"offset": shown(p.get("offset")), "onset": shown(p.get("onset"))}
    ),
    "episodes_overlap": lambda p: _("it overlaps episode %(other)s.") % {"other": _one_based(p.get("other"))},
    "response_before_cue": lambda p: (
        _("the response (%(response)s s) is before the cue (%(cue)s s).")
        % {"response": shown(p.get("response")), "cue": shown(p.get("cue"))}
    ),
    "timing_out_of_order": lambda p: (
        _("it starts before timed stretch %(other)s ends.") % {"other": _one_based(p.get("other"))}
    ),
    "nothing_timed": lambda p: _("the stopwatch was never run: press Start before recording."),
    "outside_timing": lambda p: (
        _("the time %(value)s s falls while the stopwatch was paused or stopped.")
        % {"value": shown(p.get("value"))}
    ),
    "no_intervals": lambda p: _("no interval was recorded."),
    "too_many_intervals": lambda p: (
        _("%(count)s intervals, more than the %(limit)s this measure has.")
        % {"count": shown(p.get("count")), "limit": shown(p.get("limit"))}
    ),
    "not_a_boolean": lambda p: _("expected yes or no, got %(value)s.") % {"value": shown(p.get("value"))},
    "unknown_response": lambda p: (
        _("%(value)s is not a response (correct, incorrect or no response).")
        % {"value": shown(p.get("value"))}
    ),
    "unknown_prompt_level": lambda p: (
        _("the prompt level %(value)s is not in this measure's prompt hierarchy.")
        % {"value": shown(p.get("value"))}
    ),
    "not_text": lambda p: _("the target must be text."),
    "wrong_step_count": lambda p: (
        _("%(count)s steps recorded, this task has %(expected)s.")
        % {"count": shown(p.get("count")), "expected": shown(p.get("expected"))}
    ),
    "unknown_step_score": lambda p: (
        _("%(value)s is neither a prompt level of this measure nor “not done”.")
        % {"value": shown(p.get("value"))}
    ),
    "rating_out_of_range": lambda p: (
        _("the rating %(value)s is outside the scale (%(min)s to %(max)s).")
        % {"value": shown(p.get("value")), "min": shown(p.get("min")), "max": shown(p.get("max"))}
    ),
    "not_an_integer": lambda p: _("%(value)s is not a whole number.") % {"value": shown(p.get("value"))},
    "negative": lambda p: _("%(value)s is below zero.") % {"value": shown(p.get("value"))},
    "minutes_not_positive": lambda p: (
        _("the time taken must be more than 0 minutes, got %(value)s.") % {"value": shown(p.get("value"))}
    ),
    "correct_above_attempted": lambda p: (
        _("%(correct)s items correct out of only %(attempted)s attempted.")
        % {"correct": shown(p.get("correct")), "attempted": shown(p.get("attempted"))}
    ),
    "abc_not_an_observation": lambda p: _("ABC data are recorded as incidents, not as observations."),
    "no_observed_time": lambda p: _("this method needs an observation that lasts longer than 0 seconds."),
    "unknown_method": lambda p: (
        _("the measurement method %(value)s is not known.") % {"value": shown(p.get("value"))}
    ),
}


def _one_based(index: object) -> str:
    return str(index + 1) if isinstance(index, int) else "?"


def problem_message(problem: Problem) -> str:
    """One sentence saying where the problem is and what is wrong, in the person's language."""
    describe = MESSAGES.get(problem.code)
    what = describe(problem.params) if describe else _("this value does not fit the measure.")
    return _("%(place)s: %(problem)s") % {"place": place(problem.field), "problem": what}
