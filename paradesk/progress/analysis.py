"""Progress analysis (docs/field.md, docs/progress.md): baseline, aimline, trend, decision rules, mastery, the
independence trend, phases, celeration and service-minute compliance. Inter-observer agreement and
fidelity (docs/field.md#agreement, #fidelity) are in ``paradesk.progress.agreement``.

Pure Python and numpy: plain data in, plain data out, no Django import, so it can be tested by hand
and run over a whole district at once (``analyze_arrays``).

Days are numbers: ``datetime.date.toordinal()`` (so a week is 7), as floats. Several sessions may
share a day. Values are session values (``session_values``). Nothing here raises on odd data: empty,
single-point, constant, unsorted or duplicate-day series give results that say there is too little
data instead of guessing.
"""

from __future__ import annotations

import bisect
import datetime
import enum
import functools
import math
import numbers
import operator
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

# Session values for every method are computed where the facts are checked; re-exported here.
from paradesk.recording.methods import MeasureSpec as MeasureSpec
from paradesk.recording.methods import SessionValue as SessionValue
from paradesk.recording.methods import session_value as session_value

# docs/field.md#baseline-and-aimline and #decision-rules.
BASELINE_MIN_POINTS = 3
BASELINE_MAX_POINTS = 5
FOUR_POINT_RULE_POINTS = 4
# Trend is shown from this many points, and trusted from TREND_RELIABLE_POINTS.
TREND_MIN_POINTS = 3
TREND_RELIABLE_POINTS = 8
# Support fading is judged on this many sessions at least.
FADING_MIN_POINTS = 5
# Slopes closer than this (per day) are equal: a flat trend beside a flat aimline is "continue".
SLOPE_TOLERANCE = 1e-9
VALUE_TOLERANCE = 1e-9
FLOAT_LOG10_MAX = math.log10(np.finfo(float).max)


class Direction(enum.StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"

    @property
    def sign(self) -> int:
        return 1 if self is Direction.INCREASE else -1


class Verdict(enum.StrEnum):
    """What a decision rule says (docs/field.md#decision-rules)."""

    RAISE_GOAL = "raise_goal"
    CHANGE_INSTRUCTION = "change_instruction"
    CONTINUE = "continue"
    TOO_FEW = "too_few"  # not enough points: the rule says nothing
    NO_AIMLINE = "no_aimline"  # no target or baseline to draw an aimline from


class PhaseKind(enum.StrEnum):
    BASELINE = "baseline"
    INTERVENTION = "intervention"
    MAINTENANCE = "maintenance"  # maintenance probes: graphed, kept out of acquisition summaries


def day_number(day: datetime.date | float | int) -> float:
    if isinstance(day, datetime.date):
        return float(day.toordinal())
    return float(day)


def day_date(day: float) -> datetime.date:
    return datetime.date.fromordinal(math.floor(day))


# ---- series ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One session value. ``staff`` and ``setting`` are opaque labels (ids), used only to count
    distinct ones for mastery; ``trials`` is the number of trials or opportunities when the method
    has them; ``max_prompt_rank`` is the most intrusive prompt used (0 = independent)."""

    day: float
    value: float
    trials: int | None = None
    staff: str = ""
    setting: str = ""
    max_prompt_rank: int | None = None
    percent_independent: float | None = None
    mean_prompt_rank: float | None = None


def finite(value: object) -> bool:
    """A real number that is not NaN or infinite (numpy scalars included; a bool is not a number)."""
    # Plain floats and ints first: this runs for every point of every analysis.
    kind = type(value)
    if kind is float:
        return math.isfinite(value)  # type: ignore[arg-type]
    if kind is int:
        return True
    if value is None:  # the support of a session without prompts: half of a dashboard's points
        return False
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def as_sequence(value: object) -> Sequence[Any]:
    """A list from facts, or an empty one when the facts hold something else there."""
    return value if isinstance(value, Sequence) and not isinstance(value, str) else []


# The day of a point or a phase change, as a sort key.
_day = operator.attrgetter("day")


class Cleaned(tuple[Point, ...]):
    """Points that ``clean`` has already checked and sorted: cleaning them again costs nothing (one
    analysis reads the same points through a dozen functions)."""

    __slots__ = ()


def clean(points: Iterable[Point]) -> Cleaned:
    """Points with a finite day and value, in day order (stable: same-day sessions keep their
    order)."""
    if type(points) is Cleaned:
        return points
    kept = [point for point in points if finite(point.day) and finite(point.value)]
    return Cleaned(sorted(kept, key=_day))


@dataclass(frozen=True)
class Line:
    """y = anchor_value + slope * (x - anchor_day); slope per day."""

    anchor_day: float
    anchor_value: float
    slope: float

    def at(self, day: float) -> float:
        return self.anchor_value + self.slope * (day - self.anchor_day)

    @property
    def per_week(self) -> float:
        return self.slope * 7


# ---- baseline and aimline ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    value: float
    day: float  # the day of the last point used: the aimline starts here
    points: int


def baseline(points: Sequence[Point], most: int = BASELINE_MAX_POINTS) -> Baseline | None:
    """The median of the first 3-5 points (up to ``most``); None with fewer than 3."""
    ordered = clean(points)
    most = max(BASELINE_MIN_POINTS, min(BASELINE_MAX_POINTS, most))
    used = ordered[:most]
    if len(used) < BASELINE_MIN_POINTS:
        return None
    return Baseline(statistics.median(point.value for point in used), used[-1].day, len(used))


def aimline(start_day: float, start_value: float, target_day: float, target_value: float) -> Line | None:
    """The goal line from the baseline (or an adjusted start) to the target; None when the target
    date is not after the start or a value is missing."""
    if not all(finite(number) for number in (start_day, start_value, target_day, target_value)):
        return None
    if target_day <= start_day:
        return None
    return Line(start_day, start_value, (target_value - start_value) / (target_day - start_day))


def weekly_growth_needed(baseline_value: float, target_value: float, weeks: float) -> float | None:
    """(target - baseline) / weeks: (125 - 25) / 30 = 3.33 per week (docs/field.md#baseline-and-aimline)."""
    if not all(finite(number) for number in (baseline_value, target_value, weeks)) or weeks <= 0:
        return None
    return (target_value - baseline_value) / weeks


# ---- trend ----------------------------------------------------------------------------------------


class Estimator(enum.StrEnum):
    OLS = "ols"
    THEIL_SEN = "theil_sen"
    TRI_SPLIT = "tri_split"


def _xy(points: Sequence[Point]) -> tuple[np.ndarray, np.ndarray]:
    ordered = clean(points)
    return (
        np.array([point.day for point in ordered], dtype=float),
        np.array([point.value for point in ordered], dtype=float),
    )


def ols(points: Sequence[Point]) -> Line | None:
    """Ordinary least squares; None with fewer than 2 points or all on one day."""
    return _least_squares(*_xy(points))


def _least_squares(x: np.ndarray, y: np.ndarray) -> Line | None:
    """``ols`` of days ``x`` (in order) and values ``y``, both finite."""
    if len(x) < 2 or np.ptp(x) == 0:
        return None
    with np.errstate(all="ignore"):  # values near the float limit give inf or NaN, not a warning
        mean_x, mean_y = float(x.mean()), float(y.mean())
        dx = x - mean_x
        slope = float((dx * (y - mean_y)).sum() / (dx * dx).sum())
    return Line(mean_x, mean_y, slope)


@functools.lru_cache(maxsize=32)
def _pairs(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (first, second) of every pair of ``count`` points, first < second: the same few
    lengths come back measure after measure, and drawing them anew was a sixth of ``theil_sen``."""
    first, second = np.triu_indices(count, k=1)
    first.flags.writeable = second.flags.writeable = False
    return first, second


def theil_sen(points: Sequence[Point]) -> Line | None:
    """Median of the slopes between every pair of points on different days; the line passes
    through the median of y - slope * x. None with no such pair."""
    x, y = _xy(points)
    if len(x) < 2:
        return None
    first, second = _pairs(len(x))
    run = x[second] - x[first]
    apart = run != 0
    if not apart.any():
        return None
    with np.errstate(all="ignore"):
        slope = float(np.median((y[second] - y[first])[apart] / run[apart]))
        origin = float(x[0])
        intercept = float(np.median(y - slope * (x - origin)))
    return Line(origin, intercept, slope)


def _outer_third(x: np.ndarray, size: int) -> int:
    """How many of the first points (days in order) form the first third: ``size`` points, moved to
    the edge of a run of sessions on one day so that a day is never split between two thirds (Tukey's
    rule for ties); the third shrinks to leave the day to the middle, or grows to take all of it when
    shrinking would leave the third empty."""
    if size >= len(x) or x[size - 1] != x[size]:
        return size
    shrunk = int(np.searchsorted(x, x[size - 1], side="left"))
    return shrunk if shrunk > 0 else int(np.searchsorted(x, x[size - 1], side="right"))


def tri_split(points: Sequence[Point]) -> Line | None:
    """Tukey's tri-split: the line through the medians (day and value) of the first and last thirds.
    Thirds are as equal as possible: with one extra point the middle third takes it, with two the
    outer thirds take one each; sessions of one day stay in the same third (see ``_outer_third``),
    so the two medians fall on different days whenever the points span two days or more. None with
    fewer than 3 points or all of them on one day."""
    x, y = _xy(points)
    n = len(x)
    if n < 3:
        return None
    outer = n // 3 + (1 if n % 3 == 2 else 0)
    left = _outer_third(x, outer)
    right = n - _outer_third(-x[::-1], outer)
    left_x, left_y = float(np.median(x[:left])), float(np.median(y[:left]))
    right_x, right_y = float(np.median(x[right:])), float(np.median(y[right:]))
    if right_x <= left_x:
        return None
    return Line(left_x, left_y, (right_y - left_y) / (right_x - left_x))


ESTIMATORS = {Estimator.OLS: ols, Estimator.THEIL_SEN: theil_sen, Estimator.TRI_SPLIT: tri_split}


def trend(points: Sequence[Point], estimator: Estimator = Estimator.OLS) -> Line | None:
    if len(clean(points)) < TREND_MIN_POINTS:
        return None
    return ESTIMATORS[estimator](points)


# ---- decision rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    points: int  # points the rule looked at
    since_day: float | None = None  # the first of the points that decided it
    reliable: bool = True  # False for a trend drawn from fewer than TREND_RELIABLE_POINTS points


def four_point_rule(points: Sequence[Point], line: Line | None, direction: Direction) -> Decision:
    """With at least 4 points since the last phase change: the 4 most recent all above the aimline
    means raise the goal, all below means change instruction, otherwise continue. For a behavior to
    decrease, above and below swap. A point on the line is neither above nor below."""
    ordered = clean(points)
    if line is None:
        return Decision(Verdict.NO_AIMLINE, len(ordered))
    if len(ordered) < FOUR_POINT_RULE_POINTS:
        return Decision(Verdict.TOO_FEW, len(ordered))
    recent = ordered[-FOUR_POINT_RULE_POINTS:]
    gaps = [direction.sign * (point.value - line.at(point.day)) for point in recent]
    since = recent[0].day
    if all(gap > VALUE_TOLERANCE for gap in gaps):
        return Decision(Verdict.RAISE_GOAL, FOUR_POINT_RULE_POINTS, since)
    if all(gap < -VALUE_TOLERANCE for gap in gaps):
        return Decision(Verdict.CHANGE_INSTRUCTION, FOUR_POINT_RULE_POINTS, since)
    return Decision(Verdict.CONTINUE, FOUR_POINT_RULE_POINTS, since)


def trend_rule(
    points: Sequence[Point],
    line: Line | None,
    direction: Direction,
    estimator: Estimator = Estimator.OLS,
) -> Decision:
    """Trend steeper than the aimline (in the goal's direction) means raise the goal; flatter means
    change instruction. Under 8 points the verdict is given but marked unreliable. ``reliable``
    is about the trend alone: True when there is one, from 8 points or more (with or without an
    aimline)."""
    ordered = clean(points)
    return _trend_verdict(ordered, trend(ordered, estimator), line, direction)


def _trend_verdict(
    ordered: Sequence[Point], fitted: Line | None, line: Line | None, direction: Direction
) -> Decision:
    """``trend_rule`` of points already clean and the trend already fitted to them."""
    reliable = fitted is not None and len(ordered) >= TREND_RELIABLE_POINTS
    if line is None:
        return Decision(Verdict.NO_AIMLINE, len(ordered), reliable=reliable)
    if fitted is None:
        return Decision(Verdict.TOO_FEW, len(ordered), reliable=False)
    since = ordered[0].day
    difference = direction.sign * (fitted.slope - line.slope)
    if difference > SLOPE_TOLERANCE:
        return Decision(Verdict.RAISE_GOAL, len(ordered), since, reliable)
    if difference < -SLOPE_TOLERANCE:
        return Decision(Verdict.CHANGE_INSTRUCTION, len(ordered), since, reliable)
    return Decision(Verdict.CONTINUE, len(ordered), since, reliable)


# ---- mastery ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MasteryRule:
    """docs/field.md#mastery. ``max_prompt_rank`` is the most intrusive prompt allowed (index in the
    measure's hierarchy, 0 = independent); None allows any."""

    threshold: float
    consecutive: int = 3
    min_trials: int = 0
    min_staff: int = 1
    min_settings: int = 1
    max_prompt_rank: int | None = None
    direction: Direction = Direction.INCREASE


class MasteryStatus(enum.StrEnum):
    MET = "met"  # flagged for the teacher to confirm
    NOT_MET = "not_met"
    TOO_FEW = "too_few"


@dataclass(frozen=True)
class Mastery:
    status: MasteryStatus
    run: int = 0  # consecutive qualifying sessions ending at the latest one
    since_day: float | None = None
    missing: tuple[str, ...] = ()  # "sessions", "staff", "settings": what the current run lacks
    staff: int = 0  # different staff (recorded labels) across the run
    settings: int = 0  # different settings (recorded labels) across the run


def qualifies(point: Point, rule: MasteryRule) -> bool:
    """A session counts toward mastery: at or past the threshold in the goal's direction, with
    enough trials, at or below the highest prompt allowed. A threshold that is not a number lets no
    session count."""
    if not rule.direction.sign * (point.value - rule.threshold) >= -VALUE_TOLERANCE:
        return False
    if rule.min_trials and (point.trials is None or point.trials < rule.min_trials):
        return False
    return rule.max_prompt_rank is None or (
        point.max_prompt_rank is not None and point.max_prompt_rank <= rule.max_prompt_rank
    )


def mastery(points: Sequence[Point], rule: MasteryRule) -> Mastery:
    """The run of qualifying sessions that ends at the latest session must be at least ``consecutive``
    long and, across it, reach ``min_staff`` different staff and ``min_settings`` settings. Staff and
    settings are counted by their labels; an empty label (not recorded) is not a staff member or a
    setting, so it never helps reach a minimum above 1 (a minimum of 1 asks for nothing)."""
    ordered = clean(points)
    needed = max(1, rule.consecutive)
    run: list[Point] = []
    for point in reversed(ordered):
        if not qualifies(point, rule):
            break
        run.append(point)
    staff = len({point.staff for point in run if point.staff})
    settings = len({point.setting for point in run if point.setting})
    since = run[-1].day if run else None
    if len(ordered) < needed:
        return Mastery(MasteryStatus.TOO_FEW, len(run), since, ("sessions",), staff, settings)
    missing = tuple(
        name
        for name, short in (
            ("sessions", len(run) < needed),
            ("staff", rule.min_staff > 1 and staff < rule.min_staff),
            ("settings", rule.min_settings > 1 and settings < rule.min_settings),
        )
        if short
    )
    status = MasteryStatus.NOT_MET if missing else MasteryStatus.MET
    return Mastery(status, len(run), since, missing, staff, settings)


# ---- independence (is support fading?) --------------------------------------------------------------


@functools.cache
def _ranks(hierarchy: tuple[str, ...]) -> dict[str, int]:
    ranks = {level: index for index, level in enumerate(hierarchy)}
    ranks["not_done"] = len(hierarchy)
    return ranks


def prompt_ranks(spec: MeasureSpec, facts: Mapping[str, Any]) -> list[int]:
    """The prompt rank (index in the hierarchy, 0 = independent) of each trial or task step; a step
    not done ranks past the most intrusive prompt. Unknown levels are left out."""
    ranks = _ranks(spec.hierarchy)
    if spec.method == "trials":
        trials = as_sequence(facts.get("trials"))
        levels = [
            trial.get("prompt") for trial in trials if type(trial) is dict or isinstance(trial, Mapping)
        ]
    elif spec.method == "task_analysis":
        levels = list(as_sequence(facts.get("steps")))
    else:
        return []
    return [ranks[level] for level in levels if isinstance(level, str) and level in ranks]


def support_of(spec: MeasureSpec, facts: Mapping[str, Any]) -> dict[str, float | int | None]:
    """Per session: percent independent, mean and highest prompt rank, trials or steps."""
    ranks = prompt_ranks(spec, facts)
    if not ranks:
        return {
            "percent_independent": None,
            "mean_prompt_rank": None,
            "max_prompt_rank": None,
            "trials": None,
        }
    return {
        "percent_independent": 100 * sum(1 for rank in ranks if rank == 0) / len(ranks),
        "mean_prompt_rank": sum(ranks) / len(ranks),
        "max_prompt_rank": max(ranks),
        "trials": len(ranks),
    }


class Fading(enum.StrEnum):
    FADING = "fading"  # more independent, or lighter prompts, over time
    NOT_FADING = "not_fading"
    INDEPENDENT = "independent"  # the latest sessions are already fully independent
    TOO_FEW = "too_few"


@dataclass(frozen=True)
class Independence:
    status: Fading
    independent_per_week: float | None = None  # percentage points per week
    prompt_rank_per_week: float | None = None  # prompt ranks per week (negative is fading)
    points: int = 0


def independence(points: Sequence[Point]) -> Independence:
    """Is support fading? The least-squares trend of percent independent and of the mean prompt
    rank: fading when independence rises or prompts get lighter."""
    with_support = [p for p in clean(points) if finite(p.percent_independent) and finite(p.mean_prompt_rank)]
    if len(with_support) < FADING_MIN_POINTS:
        return Independence(Fading.TOO_FEW, points=len(with_support))
    # Straight from arrays: the points are clean and in day order already, so ``ols`` of copies of
    # them carrying these values gave the same lines, slower (a sixth of a 240-measure dashboard).
    days = np.array([p.day for p in with_support], dtype=float)
    independent = _least_squares(days, np.array([p.percent_independent for p in with_support], dtype=float))
    prompts = _least_squares(days, np.array([p.mean_prompt_rank for p in with_support], dtype=float))
    if independent is None or prompts is None:
        return Independence(Fading.TOO_FEW, points=len(with_support))
    per_week = independent.per_week, prompts.per_week
    if all(p.percent_independent == 100 for p in with_support[-3:]):
        return Independence(Fading.INDEPENDENT, *per_week, len(with_support))
    fading = per_week[0] > SLOPE_TOLERANCE or per_week[1] < -SLOPE_TOLERANCE
    return Independence(Fading.FADING if fading else Fading.NOT_FADING, *per_week, len(with_support))


# ---- phases and the whole analysis of one measure ---------------------------------------------------


@dataclass(frozen=True)
class PhaseChange:
    day: float
    kind: PhaseKind = PhaseKind.INTERVENTION
    label: str = ""


@dataclass(frozen=True)
class Phase:
    kind: PhaseKind
    start_day: float
    label: str
    points: tuple[Point, ...]
    implicit: bool = False  # the baseline/intervention line drawn after the first 3 baseline points


def phases(points: Sequence[Point], changes: Sequence[PhaseChange] = ()) -> list[Phase]:
    """Split the series at the phase changes (a change on a day takes that day's points). The series
    starts in baseline. A baseline is 3-5 points: a baseline phase that nothing ends yet, and one
    longer than 5 points that a later change ends, keep their first 3 points as the baseline, and an
    implicit intervention phase holds the rest. So a teacher who never marked the start of teaching
    and adds a change later keeps the baseline the graph already showed."""
    ordered = clean(points)
    marks = sorted((c for c in changes if finite(c.day)), key=_day)
    start = ordered[0].day if ordered else (marks[0].day if marks else 0.0)
    bounds = [PhaseChange(min(start, marks[0].day) if marks else start, PhaseKind.BASELINE, "")]
    bounds += marks
    days = [point.day for point in ordered]
    explicit: list[Phase] = []
    for index, bound in enumerate(bounds):
        end = bounds[index + 1].day if index + 1 < len(bounds) else math.inf
        # The points with bound.day <= day < end, found by halving: the days are in order.
        inside = Cleaned(ordered[bisect.bisect_left(days, bound.day) : bisect.bisect_left(days, end)])
        if index and bound.day == bounds[index - 1].day and explicit:
            explicit.pop()  # two changes on one day: the later one stands
        explicit.append(Phase(bound.kind, bound.day, bound.label, inside))
    found: list[Phase] = []
    for index, phase in enumerate(explicit):
        longest = BASELINE_MAX_POINTS if index + 1 < len(explicit) else BASELINE_MIN_POINTS
        if phase.kind is not PhaseKind.BASELINE or len(phase.points) <= longest:
            found.append(phase)
            continue
        head = Cleaned(phase.points[:BASELINE_MIN_POINTS])
        tail = Cleaned(phase.points[BASELINE_MIN_POINTS:])
        found.append(replace(phase, points=head))
        found.append(Phase(PhaseKind.INTERVENTION, tail[0].day, "", tail, implicit=True))
    return found


@dataclass(frozen=True)
class Goal:
    """What the analysis of one measure needs from its plan and the teacher's actions."""

    direction: Direction = Direction.INCREASE
    target_value: float | None = None
    target_day: float | None = None
    plan_baseline: float | None = None  # the written present level, used when data gives none
    plan_start_day: float | None = None
    aimline: Line | None = None  # the teacher's adjusted aimline, which replaces the drawn one
    mastery: MasteryRule | None = None
    estimator: Estimator = Estimator.OLS


@dataclass(frozen=True)
class Analysis:
    points: tuple[Point, ...]
    phases: tuple[Phase, ...]
    baseline: Baseline | None
    aimline: Line | None
    # The points the decision rules read: the latest phase when it is an intervention phase (explicit
    # or implicit); empty while the series is in baseline or maintenance.
    current: tuple[Point, ...]
    trends: dict[Estimator, Line | None] = field(default_factory=dict)
    four_point: Decision = Decision(Verdict.TOO_FEW, 0)
    trend_decision: Decision = Decision(Verdict.TOO_FEW, 0, reliable=False)
    mastery: Mastery | None = None
    independence: Independence = Independence(Fading.TOO_FEW)
    # A drawn aimline that would run against the goal (the baseline already past the target) is not
    # drawn: the rules would otherwise call growth toward the goal a reason to change instruction.
    against_goal: bool = False


def goes_the_goals_way(line: Line, direction: Direction) -> bool:
    """An aimline rises for a goal to increase and falls for one to decrease (flat is neither)."""
    return line.slope >= 0 if direction is Direction.INCREASE else line.slope <= 0


def acquisition_points(split: Sequence[Phase]) -> tuple[Point, ...]:
    """The sessions mastery reads: those of the baseline and intervention phases since the latest
    maintenance phase. Maintenance probes are kept out (docs/field.md#maintenance), and a run of sessions
    never reaches back across a maintenance phase (teaching again after failed probes starts a new
    run). While the series is in maintenance, the stretch that led to it."""
    kept = list(split)
    while kept and kept[-1].kind is PhaseKind.MAINTENANCE:
        kept.pop()
    start = max(
        (index + 1 for index, phase in enumerate(kept) if phase.kind is PhaseKind.MAINTENANCE), default=0
    )
    return tuple(point for phase in kept[start:] for point in phase.points)


def analyze(points: Sequence[Point], goal: Goal, changes: Sequence[PhaseChange] = ()) -> Analysis:
    ordered = clean(points)
    split = phases(ordered, changes)
    baselines = [phase for phase in split if phase.kind is PhaseKind.BASELINE and phase.points]
    found = baseline(baselines[-1].points) if baselines else None
    line = goal.aimline
    if line is None and goal.target_value is not None and goal.target_day is not None:
        if found is not None:
            line = aimline(found.day, found.value, goal.target_day, goal.target_value)
        elif goal.plan_baseline is not None and goal.plan_start_day is not None:
            line = aimline(goal.plan_start_day, goal.plan_baseline, goal.target_day, goal.target_value)
    against = line is not None and not goes_the_goals_way(line, goal.direction)
    if against:
        line = None
    acquisition = [phase for phase in split if phase.kind is PhaseKind.INTERVENTION]
    current = (
        acquisition[-1].points if acquisition and split[-1].kind is PhaseKind.INTERVENTION else Cleaned()
    )
    trends = {estimator: trend(current, estimator) for estimator in Estimator}
    # The phases hold clean points, in day order from one phase to the next: nothing to clean again.
    acquired = Cleaned(acquisition_points(split))
    return Analysis(
        points=tuple(ordered),
        phases=tuple(split),
        baseline=found,
        aimline=line,
        current=current,
        trends=trends,
        four_point=four_point_rule(current, line, goal.direction),
        trend_decision=_trend_verdict(current, trends[goal.estimator], line, goal.direction),
        mastery=mastery(acquired, goal.mastery) if goal.mastery else None,
        independence=independence(current),
        against_goal=against,
    )


# ---- a whole district at once -----------------------------------------------------------------------


@dataclass(frozen=True)
class Batch:
    """Results for M measures (arrays of length M). Verdict codes index VERDICT_CODES."""

    slope: np.ndarray  # least-squares trend per day; NaN where ``trend`` gives None
    intercept: np.ndarray  # the trend at day number 0: value = intercept + slope * day
    points: np.ndarray  # sessions in the row
    four_point: np.ndarray  # verdict code of ``four_point_rule``
    trend: np.ndarray  # verdict code of ``trend_rule`` (OLS)
    trend_reliable: np.ndarray  # a trend from TREND_RELIABLE_POINTS sessions or more
    mastery_run: np.ndarray  # ``Mastery.run`` (threshold and consecutive sessions only)
    mastery_met: np.ndarray  # ``Mastery.status`` is MET


VERDICT_CODES = (
    Verdict.TOO_FEW,
    Verdict.CONTINUE,
    Verdict.RAISE_GOAL,
    Verdict.CHANGE_INSTRUCTION,
    Verdict.NO_AIMLINE,
)


def analyze_arrays(
    days: np.ndarray,
    values: np.ndarray,
    aim_start_day: np.ndarray,
    aim_start_value: np.ndarray,
    aim_slope: np.ndarray,
    sign: np.ndarray,
    threshold: np.ndarray,
    consecutive: np.ndarray,
) -> Batch:
    """The least-squares trend, the four-point and trend rules and the threshold-and-consecutive
    part of the mastery rule for M measures of up to N sessions, in a few vectorized passes.

    ``days`` and ``values`` are (M, N) float arrays, each row in day order with its sessions packed to
    the left and NaN after its last session (a value that is not a finite number counts as missing,
    and may only appear there). ``aim_*`` describe each aimline (any of them NaN: none); ``sign`` is
    +1 to increase, -1 to decrease; ``threshold`` and ``consecutive`` are the mastery rule.

    Row by row it gives what ``trend`` (OLS), ``four_point_rule``, ``trend_rule`` and ``mastery``
    (threshold and consecutive sessions only) give for the same points and aimline: a test compares
    them on random rows. Speed (benchmarks/district_analysis.py): the least squares is the plain
    closed form on days counted from each row's first day, the same passes as the cheapest numpy OLS;
    the rules add gathers of four columns and one pass of comparisons for mastery."""
    if values.shape[1] == 0:  # no sessions at all: one missing column gives the same answers
        days, values = np.full((len(values), 1), np.nan), np.full((len(values), 1), np.nan)
    rows, width = values.shape
    present = np.isfinite(values)
    count = np.count_nonzero(present, axis=1)
    index = np.arange(rows)
    last = np.maximum(count - 1, 0)
    first_day = np.where(count > 0, days[:, 0], 0.0)
    last_day = np.where(count > 0, days[index, last], 0.0)

    # Least squares on days counted from the row's first day: the sums stay small and exact for
    # whole days, so the closed form loses nothing against the centered one.
    x = np.subtract(days, first_day[:, None])
    np.copyto(x, 0.0, where=~present)
    y = np.where(present, values, 0.0)
    n = count.astype(float)
    sum_x, sum_y = x.sum(axis=1), y.sum(axis=1)
    with np.errstate(all="ignore"):
        sxx = np.einsum("ij,ij->i", x, x) - sum_x * sum_x / n
        sxy = np.einsum("ij,ij->i", x, y) - sum_x * sum_y / n
        has_trend = (count >= TREND_MIN_POINTS) & (last_day > first_day) & (sxx > 0)
        slope = np.where(has_trend, sxy / np.where(has_trend, sxx, 1.0), np.nan)
        intercept = (sum_y - slope * sum_x) / n - slope * first_day

    has_aim = np.isfinite(aim_start_day) & np.isfinite(aim_start_value) & np.isfinite(aim_slope)

    # Four-point rule: the last four sessions of each row.
    picked = np.clip(last[:, None] - np.arange(FOUR_POINT_RULE_POINTS - 1, -1, -1), 0, width - 1)
    recent_days, recent_values = days[index[:, None], picked], values[index[:, None], picked]
    with np.errstate(all="ignore"):
        expected = aim_start_value[:, None] + aim_slope[:, None] * (recent_days - aim_start_day[:, None])
        gap = sign[:, None] * (recent_values - expected)
    four = np.full(rows, 1, dtype=np.int8)
    four[(gap > VALUE_TOLERANCE).all(axis=1)] = 2
    four[(gap < -VALUE_TOLERANCE).all(axis=1)] = 3
    four[count < FOUR_POINT_RULE_POINTS] = 0
    four[~has_aim] = 4

    with np.errstate(all="ignore"):
        difference = sign * (slope - aim_slope)
    trend_code = np.full(rows, 1, dtype=np.int8)
    trend_code[difference > SLOPE_TOLERANCE] = 2
    trend_code[difference < -SLOPE_TOLERANCE] = 3
    trend_code[~has_trend] = 0
    trend_code[~has_aim] = 4

    # Mastery run: sessions after the row's last failing session (``qualifies``' comparison, so a
    # NaN threshold fails every session). present > qualifying is "a session that fails".
    with np.errstate(all="ignore"):
        margin = np.subtract(values, threshold[:, None])
        np.multiply(margin, sign[:, None], out=margin)
    failing = present > (margin >= -VALUE_TOLERANCE)
    from_end = np.argmax(failing[:, ::-1], axis=1)
    last_fail = np.where(failing[index, width - 1 - from_end], width - 1 - from_end, -1)
    run = count - 1 - last_fail
    needed = np.maximum(consecutive, 1)
    return Batch(
        slope=slope,
        intercept=intercept,
        points=count,
        four_point=four,
        trend=trend_code,
        trend_reliable=has_trend & (count >= TREND_RELIABLE_POINTS),
        mastery_run=run,
        mastery_met=(run >= needed) & (count >= needed),
    )


# ---- celeration, service minutes ----------------------------------------------------------------------


@dataclass(frozen=True)
class Celeration:
    factor: float | None  # weekly multiplication factor: x1.25 means 25% more each week
    points: int  # positive rates used (a zero rate has no logarithm and is left out)


def celeration(points: Sequence[Point]) -> Celeration:
    """10 ** (7 x the least-squares slope per day of log10(rate))."""
    positive = [replace(p, value=math.log10(p.value)) for p in clean(points) if p.value > 0]
    line = ols(positive)
    # Rates a moment apart can give a slope whose weekly factor is past the largest float: no factor.
    if line is None or not math.isfinite(line.slope) or 7 * line.slope > FLOAT_LOG10_MAX:
        return Celeration(None, len(positive))
    return Celeration(10 ** (7 * line.slope), len(positive))


@dataclass(frozen=True)
class Compliance:
    required: float
    delivered: float
    percent: float | None  # delivered / required x 100; None when nothing is required
    shortfall: float  # minutes still owed (0 when met)


def service_compliance(required_minutes: float, delivered_minutes: float) -> Compliance:
    required = max(0.0, float(required_minutes)) if finite(required_minutes) else 0.0
    delivered = max(0.0, float(delivered_minutes)) if finite(delivered_minutes) else 0.0
    percent = 100 * delivered / required if required else None
    return Compliance(required, delivered, percent, max(0.0, required - delivered))
