"""The raw facts of each measurement method, how to check them and the session value they give
(docs/field.md#measurement-methods). Pure Python: plain data in, plain data out, no Django import.

Times inside facts are seconds since the observation started; observed seconds are the observation's
end minus its start. The facts of each method (the contract with the recording devices):

- count, irt: ``{"events": [t, ...]}``
- rate: ``{"events": [t, ...], "incorrect_events": [t, ...]}`` (incorrect_events optional)
- duration: ``{"episodes": [[onset, offset], ...]}``
- count, rate, irt and duration may carry ``"timed": [[start, stop], ...]``: the stretches the
  observer timed with Start, Pause and Stop. The observed time is then their sum (the time on the
  observer's stopwatch, not the time the sheet was open), and every event or episode lies in one.
- latency: ``{"trials": [[cue, response or null], ...]}``
- partial_interval, whole_interval, momentary: ``{"intervals": [true/false, ...]}``, entry i is
  interval i, 1 to interval_count entries
- trials: ``{"trials": [{"response": "correct"|"incorrect"|"no_response", "prompt": level,
  "target": "..."}, ...]}`` (target optional)
- task_analysis: ``{"steps": [level or "not_done", ...]}``, one entry per step of the measure
- rating: ``{"rating": number}`` within the measure's scale
- permanent_product: ``{"attempted": int, "correct": int, "minutes": number or null}``
- abc: no observation; ABC data are incidents (AbcIncident records).

``check`` never raises, whatever a device sent; ``session_value`` expects facts that passed ``check``.
Values are returned unrounded (rounding is for display only), in the unit the measure declares
(paradesk.plans.units): times are worked in seconds and rates per minute, then expressed in it.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from paradesk.plans import units

# Copy of paradesk.plans.models.DEFAULT_PROMPT_HIERARCHY (this module cannot import Django); a test
# keeps the two equal.
DEFAULT_PROMPT_HIERARCHY: tuple[str, ...] = (
    "independent",
    "gestural",
    "verbal",
    "model",
    "partial_physical",
    "full_physical",
)
NOT_DONE = "not_done"
TRIAL_RESPONSES = ("correct", "incorrect", "no_response")
# A device clock ticks on while the para taps "Done": a time up to a second past the end is the
# same moment, not an error.
TIME_TOLERANCE_SECONDS = 1.0
# No real session has more entries than this; the cap bounds the work a malformed batch can cause.
MAX_ENTRIES = 10_000
MAX_ITEMS = 1_000_000
# Enough to show a person what is wrong; more would only bury the first ones.
MAX_PROBLEMS = 100
SHOWN_TEXT_LENGTH = 40

INTERVAL_METHODS = frozenset({"partial_interval", "whole_interval", "momentary"})
TIME_BASED_METHODS = frozenset({"count", "rate", "duration", "latency", "irt"}) | INTERVAL_METHODS
PERCENT_DETAILS = frozenset(
    {"percent", "percent_of_session", "percent_correct", "percent_independent", "percent_success"}
)


@dataclass(frozen=True)
class MeasureSpec:
    """What the methods need to know about a measure."""

    method: str
    prompt_hierarchy: tuple[str, ...] = ()
    goal_support_level: str = ""
    interval_count: int | None = None
    interval_seconds: int | None = None
    task_step_count: int = 0
    chaining: str = ""
    rating_min: float | None = None
    rating_max: float | None = None
    trials_per_session: int | None = None
    unit: str = ""  # the declared unit of the session value (paradesk.plans.units); "" the method's own

    @property
    def hierarchy(self) -> tuple[str, ...]:
        """The measure's prompt levels, least to most intrusive; the default when none is set."""
        return self.prompt_hierarchy or DEFAULT_PROMPT_HIERARCHY


@dataclass(frozen=True)
class Problem:
    """Why facts do not fit their method. ``field`` is a path like ``facts.trials.3.prompt``; params
    hold only short values (numbers, codes, type names), never free text a person typed."""

    code: str
    field: str
    params: dict[str, object] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class SessionValue:
    value: float | None
    details: dict[str, float | int | str | None]


Limit = float | None  # latest time allowed inside the facts, None when observed time is unusable
Validator = Callable[[MeasureSpec, Any, str, Limit], list[Problem]]


# ---- small checks -----------------------------------------------------------------------------


def number(value: object) -> float | None:
    """A finite JSON number as a float; None for booleans, NaN, infinities and anything else."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        result = float(value)
    except OverflowError:  # an integer too large for a float
        return None
    return result if math.isfinite(result) else None


def shown(value: object) -> object:
    """A value safe to name in a message: short text, a number, or the name of its type."""
    if isinstance(value, str):
        return value[:SHOWN_TEXT_LENGTH]
    if value is None or isinstance(value, bool | float):
        return value
    if isinstance(value, int):
        return value if abs(value) < 10**15 else "integer"
    return type(value).__name__


def _entries(value: object, path: str, limit: int = MAX_ENTRIES) -> tuple[list[Any], list[Problem]]:
    if not isinstance(value, list):
        return [], [Problem("not_a_list", path, {"value": shown(value)})]
    if len(value) > limit:
        return [], [Problem("too_many", path, {"count": len(value), "limit": limit})]
    return value, []


def _time(value: object, path: str, limit: Limit) -> list[Problem]:
    moment = number(value)
    if moment is None:
        return [Problem("not_a_number", path, {"value": shown(value)})]
    if moment < 0:
        return [Problem("negative_time", path, {"value": moment})]
    if limit is not None and moment > limit:
        return [Problem("after_end", path, {"value": moment, "limit": limit})]
    return []


def _fields(
    spec: MeasureSpec,
    value: Mapping[Any, Any],
    path: str,
    limit: Limit,
    rules: Mapping[str, tuple[bool, Validator]],
) -> list[Problem]:
    """Required keys present, no unknown key, and each key's own rule."""
    problems = [
        Problem("unknown_key", f"{path}.{shown(str(key))}", {"key": shown(str(key))})
        for key in value
        if key not in rules
    ]
    for key, (required, validate) in rules.items():
        if key in value:
            problems += validate(spec, value[key], f"{path}.{key}", limit)
        elif required:
            problems.append(Problem("missing", f"{path}.{key}", {"key": key}))
    return problems


# ---- per-key validators -----------------------------------------------------------------------


def _event_times(spec: MeasureSpec, value: object, path: str, limit: Limit) -> list[Problem]:
    events, problems = _entries(value, path)
    for index, moment in enumerate(events):
        problems += _time(moment, f"{path}.{index}", limit)
    return problems


def _pair(value: object, path: str) -> list[Problem]:
    if isinstance(value, list) and len(value) == 2:
        return []
    return [Problem("not_a_pair", path, {"value": shown(value)})]


def _episode(onset_offset: Any, path: str, limit: Limit) -> list[Problem]:
    problems = _pair(onset_offset, path)
    if problems:
        return problems
    onset, offset = onset_offset
    problems = _time(onset, f"{path}.0", limit) + _time(offset, f"{path}.1", limit)
    if not problems and offset < onset:
        problems.append(Problem("offset_before_onset", f"{path}.1", {"onset": onset, "offset": offset}))
    return problems


def _overlaps(episodes: list[list[float]], path: str) -> list[Problem]:
    """Episodes of one behavior cannot overlap: the behavior is either going on or not."""
    order = sorted(range(len(episodes)), key=lambda index: (episodes[index][0], episodes[index][1]))
    problems, furthest = [], None  # furthest: the episode seen so far that ends last
    for index in order:
        if furthest is not None and episodes[index][0] < episodes[furthest][1]:
            problems.append(Problem("episodes_overlap", f"{path}.{index}", {"other": furthest}))
        if furthest is None or episodes[index][1] > episodes[furthest][1]:
            furthest = index
    return problems


def _episodes(spec: MeasureSpec, value: object, path: str, limit: Limit) -> list[Problem]:
    episodes, problems = _entries(value, path)
    for index, episode in enumerate(episodes):
        problems += _episode(episode, f"{path}.{index}", limit)
    return problems or _overlaps(episodes, path)


def _timing(spec: MeasureSpec, value: object, path: str, limit: Limit) -> list[Problem]:
    """The stretches the observer timed: each a [start, stop] pair, in order, none overlapping."""
    windows, problems = _entries(value, path)
    for index, window in enumerate(windows):
        problems += _episode(window, f"{path}.{index}", limit)
    if problems:
        return problems
    for index, (earlier, later) in enumerate(itertools.pairwise(windows), start=1):
        if later[0] < earlier[1]:
            problems.append(Problem("timing_out_of_order", f"{path}.{index}", {"other": index - 1}))
    return problems


def _latency_trial(cue_response: Any, path: str, limit: Limit) -> list[Problem]:
    problems = _pair(cue_response, path)
    if problems:
        return problems
    cue, response = cue_response
    problems = _time(cue, f"{path}.0", limit)
    if response is not None:
        problems += _time(response, f"{path}.1", limit)
        if not problems and response < cue:
            problems.append(Problem("response_before_cue", f"{path}.1", {"cue": cue, "response": response}))
    return problems


def _latency_trials(spec: MeasureSpec, value: object, path: str, limit: Limit) -> list[Problem]:
    trials, problems = _entries(value, path)
    for index, trial in enumerate(trials):
        problems += _latency_trial(trial, f"{path}.{index}", limit)
    return problems


def _intervals(spec: MeasureSpec, value: object, path: str, limit: Limit) -> list[Problem]:
    intervals, problems = _entries(value, path)
    if problems:
        return problems
    if not intervals:
        return [Problem("no_intervals", path)]
    if spec.interval_count is not None and len(intervals) > spec.interval_count:
        return [Problem("too_many_intervals", path, {"count": len(intervals), "limit": spec.interval_count})]
    return [
        Problem("not_a_boolean", f"{path}.{index}", {"value": shown(scored)})
        for index, scored in enumerate(intervals)
        if not isinstance(scored, bool)
    ]


def _response(spec: MeasureSpec, value: object, path: str, limit: Limit) -> list[Problem]:
    if isinstance(value, str) and value in TRIAL_RESPONSES:
        return []
    return [Problem("unknown_response", path, {"value": shown(value)})]


def _prompt_level(spec: MeasureSpec, value: object, path: str, limit: Limit) -> list[Problem]:
    if isinstance(value, str) and value in spec.hierarchy:
        return []
    return [Problem("unknown_prompt_level", path, {"value": shown(value)})]


def _target(spec: MeasureSpec, value: object, path: str, limit: Limit) -> list[Problem]:
    # The target may be what the student said or wrote: never echoed back.
    return [] if isinstance(value, str) else [Problem("not_text", path)]


TRIAL_RULES: dict[str, tuple[bool, Validator]] = {
    "response": (True, _response),
    "prompt": (True, _prompt_level),
    "target": (False, _target),
}


def _trials(spec: MeasureSpec, value: object, path: str, limit: Limit) -> list[Problem]:
    trials, problems = _entries(value, path)
    for index, trial in enumerate(trials):
        where = f"{path}.{index}"
        if isinstance(trial, dict):
            problems += _fields(spec, trial, where, limit, TRIAL_RULES)
        else:
            problems.append(Problem("not_an_object", where, {"value": shown(trial)}))
    return problems


def _steps(spec: MeasureSpec, value: object, path: str, limit: Limit) -> list[Problem]:
    steps, problems = _entries(value, path)
    if problems:
        return problems
    if len(steps) != spec.task_step_count:
        problems.append(
            Problem("wrong_step_count", path, {"count": len(steps), "expected": spec.task_step_count})
        )
    scores = (*spec.hierarchy, NOT_DONE)
    for index, score in enumerate(steps):
        if not (isinstance(score, str) and score in scores):
            problems.append(Problem("unknown_step_score", f"{path}.{index}", {"value": shown(score)}))
    return problems


def _rating(spec: MeasureSpec, value: object, path: str, limit: Limit) -> list[Problem]:
    rating = number(value)
    if rating is None:
        return [Problem("not_a_number", path, {"value": shown(value)})]
    below = spec.rating_min is not None and rating < spec.rating_min
    above = spec.rating_max is not None and rating > spec.rating_max
    if below or above:
        return [
            Problem(
                "rating_out_of_range", path, {"value": rating, "min": spec.rating_min, "max": spec.rating_max}
            )
        ]
    return []


def _item_count(spec: MeasureSpec, value: object, path: str, limit: Limit) -> list[Problem]:
    if isinstance(value, bool) or not isinstance(value, int):
        return [Problem("not_an_integer", path, {"value": shown(value)})]
    if value < 0:
        return [Problem("negative", path, {"value": shown(value)})]
    if value > MAX_ITEMS:
        return [Problem("too_many", path, {"count": shown(value), "limit": MAX_ITEMS})]
    return []


def _minutes(spec: MeasureSpec, value: object, path: str, limit: Limit) -> list[Problem]:
    if value is None:
        return []
    minutes = number(value)
    if minutes is None:
        return [Problem("not_a_number", path, {"value": shown(value)})]
    return [] if minutes > 0 else [Problem("minutes_not_positive", path, {"value": minutes})]


def _correct_within_attempted(facts: Mapping[str, Any]) -> list[Problem]:
    attempted, correct = facts.get("attempted"), facts.get("correct")
    if not (isinstance(attempted, int) and isinstance(correct, int)) or correct <= attempted:
        return []
    return [
        Problem(
            "correct_above_attempted",
            "facts.correct",
            {"correct": shown(correct), "attempted": shown(attempted)},
        )
    ]


TIMED: dict[str, tuple[bool, Validator]] = {"timed": (False, _timing)}
EVENTS: dict[str, tuple[bool, Validator]] = {"events": (True, _event_times), **TIMED}
INTERVALS: dict[str, tuple[bool, Validator]] = {"intervals": (True, _intervals)}
FACT_RULES: dict[str, dict[str, tuple[bool, Validator]]] = {
    "count": EVENTS,
    "rate": {**EVENTS, "incorrect_events": (False, _event_times)},
    "duration": {"episodes": (True, _episodes), **TIMED},
    "latency": {"trials": (True, _latency_trials)},
    "irt": EVENTS,
    "partial_interval": INTERVALS,
    "whole_interval": INTERVALS,
    "momentary": INTERVALS,
    "trials": {"trials": (True, _trials)},
    "task_analysis": {"steps": (True, _steps)},
    "rating": {"rating": (True, _rating)},
    "permanent_product": {
        "attempted": (True, _item_count),
        "correct": (True, _item_count),
        "minutes": (False, _minutes),
    },
}


def _inside(moment: float, windows: Sequence[Sequence[float]]) -> bool:
    return any(
        start - TIME_TOLERANCE_SECONDS <= moment <= stop + TIME_TOLERANCE_SECONDS for start, stop in windows
    )


def _within_timing(facts: Mapping[str, Any]) -> list[Problem]:
    """Events and episodes happen while the stopwatch runs: a tap while paused is not observed time."""
    windows = facts.get("timed")
    if windows is None:
        return []
    if not windows or math.fsum(stop - start for start, stop in windows) <= 0:
        return [Problem("nothing_timed", "facts.timed")]
    problems = [
        Problem("outside_timing", f"facts.{key}.{index}", {"value": moment})
        for key in ("events", "incorrect_events")
        for index, moment in enumerate(facts.get(key, []))
        if not _inside(moment, windows)
    ]
    problems += [
        Problem("outside_timing", f"facts.episodes.{index}", {"value": onset})
        for index, (onset, offset) in enumerate(facts.get("episodes", []))
        if not any(
            start - TIME_TOLERANCE_SECONDS <= onset and offset <= stop + TIME_TOLERANCE_SECONDS
            for start, stop in windows
        )
    ]
    return problems


ACROSS_FIELDS: dict[str, Callable[[Mapping[str, Any]], list[Problem]]] = {
    "permanent_product": _correct_within_attempted,
    "count": _within_timing,
    "rate": _within_timing,
    "irt": _within_timing,
    "duration": _within_timing,
}


# ---- check ------------------------------------------------------------------------------------


def _time_limit(spec: MeasureSpec, observed_seconds: object) -> tuple[Limit, list[Problem]]:
    observed = number(observed_seconds)
    if spec.method not in TIME_BASED_METHODS:
        return None, []
    if observed is None or observed <= 0:
        return None, [Problem("no_observed_time", "observed_seconds", {"value": shown(observed_seconds)})]
    return observed + TIME_TOLERANCE_SECONDS, []


def check(spec: MeasureSpec, facts: object, observed_seconds: float) -> list[Problem]:
    """Why the facts do not fit the measure's method; [] when they fit. Never raises."""
    if spec.method == "abc":
        return [Problem("abc_not_an_observation", "facts")]
    rules = FACT_RULES.get(spec.method)
    if rules is None:
        return [Problem("unknown_method", "method", {"value": shown(spec.method)})]
    if not isinstance(facts, dict):
        return [Problem("not_an_object", "facts", {"value": shown(facts)})]
    limit, problems = _time_limit(spec, observed_seconds)
    problems += _fields(spec, facts, "facts", limit, rules)
    if not problems and spec.method in ACROSS_FIELDS:
        problems += ACROSS_FIELDS[spec.method](facts)
    return problems[:MAX_PROBLEMS]


# ---- session values ---------------------------------------------------------------------------


def percent(part: int, whole: int) -> float | None:
    """part of whole, in percent; None when there is no whole."""
    return 100 * part / whole if whole else None


def _per_minute(count: int, seconds: float) -> float:
    return count / (seconds / 60)


def timed_seconds(facts: Mapping[str, Any], observed: float) -> float:
    """The observed time: what the observer timed when the facts say so, else the whole span."""
    windows = facts.get("timed")
    if not windows:
        return observed
    return math.fsum(float(stop) - float(start) for start, stop in windows)


def on_stopwatch(moment: float, windows: Sequence[Sequence[float]] | None) -> float:
    """Where a moment falls on the observer's stopwatch: the timed seconds before it."""
    if not windows:
        return moment
    return math.fsum(max(0.0, min(moment, float(stop)) - float(start)) for start, stop in windows)


def in_declared_unit(spec: MeasureSpec, value: float | None) -> float | None:
    return units.in_unit(value, spec.method, spec.unit)


def _count(spec: MeasureSpec, facts: Mapping[str, Any], observed: float) -> SessionValue:
    events = len(facts["events"])
    timed = timed_seconds(facts, observed)
    return SessionValue(float(events), {"events": events, "observed_minutes": timed / 60})


def _rate(spec: MeasureSpec, facts: Mapping[str, Any], observed: float) -> SessionValue:
    observed = timed_seconds(facts, observed)
    correct = len(facts["events"])
    incorrect = len(facts["incorrect_events"]) if "incorrect_events" in facts else None
    per_minute = _per_minute(correct, observed)
    incorrect_per_minute = None if incorrect is None else _per_minute(incorrect, observed)
    details: dict[str, float | int | str | None] = {
        "correct": correct,
        "incorrect": incorrect,
        "correct_per_minute": per_minute,
        "correct_per_hour": per_minute * 60,
        "incorrect_per_minute": incorrect_per_minute,
        "incorrect_per_hour": None if incorrect_per_minute is None else incorrect_per_minute * 60,
        "observed_minutes": observed / 60,
    }
    return SessionValue(in_declared_unit(spec, per_minute), details)


def _duration(spec: MeasureSpec, facts: Mapping[str, Any], observed: float) -> SessionValue:
    observed = timed_seconds(facts, observed)
    lengths = [float(offset) - float(onset) for onset, offset in facts["episodes"]]
    total = math.fsum(lengths)
    # Episodes may run into the one-second tolerance past the end; a session is never more than 100%.
    of_session = min(100.0, 100 * total / observed)
    details: dict[str, float | int | str | None] = {
        "total_seconds": total,
        "episodes": len(lengths),
        "mean_seconds": total / len(lengths) if lengths else None,
        "percent_of_session": of_session,
        "observed_seconds": observed,
    }
    return SessionValue(in_declared_unit(spec, total), details)


def _mean_median(values: Sequence[float]) -> dict[str, float | int | str | None]:
    if not values:
        return {"mean_seconds": None, "median_seconds": None}
    return {"mean_seconds": math.fsum(values) / len(values), "median_seconds": statistics.median(values)}


def _latency(spec: MeasureSpec, facts: Mapping[str, Any], observed: float) -> SessionValue:
    trials = facts["trials"]
    latencies = [float(response) - float(cue) for cue, response in trials if response is not None]
    details = {**_mean_median(latencies), "trials": len(trials), "responses": len(latencies)}
    return SessionValue(in_declared_unit(spec, details["mean_seconds"]), details)  # type: ignore[arg-type]


def _irt(spec: MeasureSpec, facts: Mapping[str, Any], observed: float) -> SessionValue:
    # A pause stops the clock: the gap between two responses is the timed time between them.
    windows = facts.get("timed")
    events = sorted(on_stopwatch(float(moment), windows) for moment in facts["events"])
    gaps = [later - earlier for earlier, later in itertools.pairwise(events)]
    details = {**_mean_median(gaps), "events": len(events)}
    return SessionValue(in_declared_unit(spec, details["mean_seconds"]), details)  # type: ignore[arg-type]


def _intervals_scored(spec: MeasureSpec, facts: Mapping[str, Any], observed: float) -> SessionValue:
    intervals = facts["intervals"]
    scored = sum(1 for entry in intervals if entry is True)
    share = percent(scored, len(intervals))
    return SessionValue(share, {"scored": scored, "observed": len(intervals), "percent": share})


def counts_as_success(spec: MeasureSpec, response: str, prompt: str) -> bool:
    """A correct trial counts toward success at or below the goal support level when one is set
    (docs/field.md#prompt-levels); without one (or with one not in the hierarchy) any correct trial counts."""
    if response != "correct":
        return False
    hierarchy = spec.hierarchy
    if spec.goal_support_level not in hierarchy:
        return True
    return prompt in hierarchy and hierarchy.index(prompt) <= hierarchy.index(spec.goal_support_level)


def _trials_scored(spec: MeasureSpec, facts: Mapping[str, Any], observed: float) -> SessionValue:
    trials = facts["trials"]
    independent_level = spec.hierarchy[0]
    correct = [trial for trial in trials if trial["response"] == "correct"]
    independent = sum(1 for trial in correct if trial["prompt"] == independent_level)
    success = sum(1 for trial in trials if counts_as_success(spec, trial["response"], trial["prompt"]))
    details: dict[str, float | int | str | None] = {
        "trials": len(trials),
        "correct": len(correct),
        "independent": independent,
        "successes": success,
        "percent_correct": percent(len(correct), len(trials)),
        "percent_independent": percent(independent, len(trials)),
        "percent_success": percent(success, len(trials)),
    }
    return SessionValue(details["percent_success"], details)  # type: ignore[arg-type]


def current_training_step(chaining: str, independent: Sequence[bool]) -> int | None:
    """The step being taught (0-based): forward chaining teaches the first step not yet independent,
    backward chaining the last; total task teaches every step, so there is none; None when all are
    independent."""
    open_steps = [index for index, done in enumerate(independent) if not done]
    if not open_steps or chaining not in {"forward", "backward"}:
        return None
    return open_steps[0] if chaining == "forward" else open_steps[-1]


def within_support(spec: MeasureSpec, level: str) -> bool:
    """A prompt level at or below the goal's support level; without one, only independent."""
    hierarchy = spec.hierarchy
    goal = spec.goal_support_level if spec.goal_support_level in hierarchy else hierarchy[0]
    return level in hierarchy and hierarchy.index(level) <= hierarchy.index(goal)


def _task_analysis(spec: MeasureSpec, facts: Mapping[str, Any], observed: float) -> SessionValue:
    """% of steps done at or below the goal's support level (independently when none is set, the
    field's "% of steps independent"); the training step follows the independent steps."""
    independent = [score == spec.hierarchy[0] for score in facts["steps"]]
    supported = sum(1 for score in facts["steps"] if within_support(spec, score))
    share = percent(supported, len(independent))
    details: dict[str, float | int | str | None] = {
        "steps": len(independent),
        "independent_steps": sum(independent),
        "supported_steps": supported,
        "percent_independent": percent(sum(independent), len(independent)),
        "percent_success": share,
        "chaining": spec.chaining,
        "current_step": current_training_step(spec.chaining, independent),
    }
    return SessionValue(share, details)


def _rating_value(spec: MeasureSpec, facts: Mapping[str, Any], observed: float) -> SessionValue:
    rating = float(facts["rating"])
    return SessionValue(rating, {"rating": rating, "min": spec.rating_min, "max": spec.rating_max})


def _permanent_product(spec: MeasureSpec, facts: Mapping[str, Any], observed: float) -> SessionValue:
    attempted, correct, minutes = facts["attempted"], facts["correct"], facts.get("minutes")
    share = percent(correct, attempted)
    details: dict[str, float | int | str | None] = {
        "attempted": attempted,
        "correct": correct,
        "minutes": None if minutes is None else float(minutes),
        "percent_correct": share,
        "correct_per_minute": None if minutes is None else correct / float(minutes),
    }
    return SessionValue(share, details)


SESSION_VALUES: dict[str, Callable[[MeasureSpec, Mapping[str, Any], float], SessionValue]] = {
    "count": _count,
    "rate": _rate,
    "duration": _duration,
    "latency": _latency,
    "irt": _irt,
    "partial_interval": _intervals_scored,
    "whole_interval": _intervals_scored,
    "momentary": _intervals_scored,
    "trials": _trials_scored,
    "task_analysis": _task_analysis,
    "rating": _rating_value,
    "permanent_product": _permanent_product,
}


def session_value(spec: MeasureSpec, facts: Mapping[str, Any], observed_seconds: float) -> SessionValue:
    """The method's session value and its secondary figures, from facts that passed ``check``."""
    compute = SESSION_VALUES.get(spec.method)
    if compute is None:  # abc and unknown methods have no observation value
        return SessionValue(None, {})
    return compute(spec, facts, observed_seconds)
