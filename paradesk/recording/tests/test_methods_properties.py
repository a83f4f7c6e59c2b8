"""Properties of the measurement methods: check never raises on anything a device may send, facts
built to fit their method pass check, and their session values never raise and keep percentages
within 0..100."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from paradesk.recording import methods
from paradesk.recording.messages import problem_message
from paradesk.recording.methods import MeasureSpec, check, session_value

METHODS = sorted(methods.FACT_RULES)
FACT_KEYS = sorted({key for rules in methods.FACT_RULES.values() for key in rules} | {"response", "prompt"})

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=10), children, max_size=6)
    ),
    max_leaves=30,
)
# Facts with the right keys but anything inside reach deeper into each check than arbitrary JSON.
near_facts = st.dictionaries(
    st.sampled_from(FACT_KEYS), json_values | st.lists(json_values, max_size=8), max_size=3
)
levels = st.text(min_size=1, max_size=12)

any_spec = st.builds(
    MeasureSpec,
    method=st.sampled_from([*METHODS, "abc"]) | st.text(max_size=8),
    prompt_hierarchy=st.lists(levels, max_size=5, unique=True).map(tuple),
    goal_support_level=st.text(max_size=12),
    interval_count=st.none() | st.integers(),
    task_step_count=st.integers(min_value=0, max_value=50),
    chaining=st.sampled_from(["forward", "backward", "total_task", ""]),
    rating_min=st.none() | st.floats(),
    rating_max=st.none() | st.floats(),
)
observed_seconds: st.SearchStrategy[Any] = st.floats() | st.integers() | st.booleans() | st.none()


@settings(max_examples=400)
@given(spec=any_spec, facts=json_values | near_facts, observed=observed_seconds)
def test_check_never_raises_and_every_problem_has_a_message(
    spec: MeasureSpec, facts: object, observed: Any
) -> None:
    problems = check(spec, facts, observed)
    assert len(problems) <= methods.MAX_PROBLEMS
    with translation.override("en"):
        for problem in problems:
            assert problem.field.split(".")[0] in {"facts", "observed_seconds", "method"}
            assert problem_message(problem)


# ---- facts built to fit their method ----------------------------------------------------------


def times(observed: float) -> st.SearchStrategy[float]:
    return st.floats(min_value=0, max_value=observed + methods.TIME_TOLERANCE_SECONDS)


@st.composite
def episodes(draw: st.DrawFn, observed: float) -> list[list[float]]:
    # Sorted moments taken two by two never overlap (touching is allowed); the device may send them
    # in any order.
    moments = sorted(draw(st.lists(times(observed), max_size=20)))
    pairs = [[moments[index], moments[index + 1]] for index in range(0, len(moments) - 1, 2)]
    return draw(st.permutations(pairs))


@st.composite
def latency_trials(draw: st.DrawFn, observed: float) -> list[list[float | None]]:
    pairs = draw(st.lists(st.tuples(times(observed), times(observed) | st.none()), max_size=20))
    return [
        [cue, None] if response is None else [min(cue, response), max(cue, response)]
        for cue, response in pairs
    ]


@st.composite
def hierarchies(draw: st.DrawFn) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A measure's own list (maybe empty), and the levels that list means."""
    own = tuple(
        draw(st.lists(levels.filter(lambda level: level != methods.NOT_DONE), max_size=6, unique=True))
    )
    return own, own or methods.DEFAULT_PROMPT_HIERARCHY


@st.composite
def trials_case(draw: st.DrawFn) -> tuple[MeasureSpec, dict[str, Any]]:
    own, hierarchy = draw(hierarchies())
    goal = draw(st.sampled_from(["", *hierarchy]))
    trial = st.fixed_dictionaries(
        {"response": st.sampled_from(methods.TRIAL_RESPONSES), "prompt": st.sampled_from(hierarchy)},
        optional={"target": st.text(max_size=10)},
    )
    spec = MeasureSpec("trials", prompt_hierarchy=own, goal_support_level=goal)
    return spec, {"trials": draw(st.lists(trial, max_size=30))}


@st.composite
def task_analysis_case(draw: st.DrawFn) -> tuple[MeasureSpec, dict[str, Any]]:
    own, hierarchy = draw(hierarchies())
    steps = draw(st.lists(st.sampled_from([*hierarchy, methods.NOT_DONE]), max_size=30))
    chaining = draw(st.sampled_from(["forward", "backward", "total_task"]))
    spec = MeasureSpec("task_analysis", prompt_hierarchy=own, task_step_count=len(steps), chaining=chaining)
    return spec, {"steps": steps}


@st.composite
def interval_case(draw: st.DrawFn) -> tuple[MeasureSpec, dict[str, Any]]:
    count = draw(st.integers(min_value=1, max_value=120))
    spec = MeasureSpec(draw(st.sampled_from(sorted(methods.INTERVAL_METHODS))), interval_count=count)
    return spec, {"intervals": draw(st.lists(st.booleans(), min_size=1, max_size=count))}


@st.composite
def rating_case(draw: st.DrawFn) -> tuple[MeasureSpec, dict[str, Any]]:
    low, high = sorted(draw(st.lists(st.integers(-100, 100), min_size=2, max_size=2)))
    rating = draw(st.integers(low, high) | st.floats(low, high))
    return MeasureSpec("rating", rating_min=low, rating_max=high), {"rating": rating}


@st.composite
def permanent_product_case(draw: st.DrawFn) -> tuple[MeasureSpec, dict[str, Any]]:
    attempted = draw(st.integers(0, methods.MAX_ITEMS))
    minutes = draw(st.none() | st.floats(min_value=0, exclude_min=True, allow_infinity=False))
    facts = {"attempted": attempted, "correct": draw(st.integers(0, attempted)), "minutes": minutes}
    return MeasureSpec("permanent_product"), facts


@st.composite
def timed_case(draw: st.DrawFn, observed: float) -> tuple[MeasureSpec, dict[str, Any]]:
    events = st.lists(times(observed), max_size=40)
    facts_by_method: dict[str, st.SearchStrategy[dict[str, Any]]] = {
        "count": st.fixed_dictionaries({"events": events}),
        "irt": st.fixed_dictionaries({"events": events}),
        "rate": st.fixed_dictionaries({"events": events}, optional={"incorrect_events": events}),
        "duration": st.fixed_dictionaries({"episodes": episodes(observed)}),
        "latency": st.fixed_dictionaries({"trials": latency_trials(observed)}),
    }
    method = draw(st.sampled_from(sorted(facts_by_method)))
    return MeasureSpec(method), draw(facts_by_method[method])


@st.composite
def fitting_case(draw: st.DrawFn) -> tuple[MeasureSpec, dict[str, Any], float]:
    # Short sessions make the one-second tolerance past the end matter.
    observed = draw(st.sampled_from([0.25, 1.0, 60.0]) | st.floats(min_value=0.001, max_value=1e7))
    spec, facts = draw(
        timed_case(observed)
        | interval_case()
        | trials_case()
        | task_analysis_case()
        | rating_case()
        | permanent_product_case()
    )
    return spec, facts, observed


def percentages(result: methods.SessionValue) -> list[float]:
    shares = [result.details[key] for key in methods.PERCENT_DETAILS if key in result.details]
    return [float(share) for share in shares if isinstance(share, float | int)]


@settings(max_examples=400)
@given(case=fitting_case())
def test_fitting_facts_pass_check_and_give_a_value_with_percentages_within_0_to_100(
    case: tuple[MeasureSpec, dict[str, Any], float],
) -> None:
    spec, facts, observed = case
    assert check(spec, facts, observed) == []
    result = session_value(spec, facts, observed)
    assert all(0 <= share <= 100 for share in percentages(result))
    if spec.method in methods.INTERVAL_METHODS | {"trials", "task_analysis", "permanent_product"}:
        assert result.value is None or 0 <= result.value <= 100
