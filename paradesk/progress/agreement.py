"""Inter-observer agreement (docs/field.md#agreement) and implementation fidelity (docs/field.md#fidelity).

Agreement: the nine formulas of the field (Reed & Azulay 2011), ``session_agreement`` to apply every
one that fits two observers' facts of one session (the ``paradesk.recording.methods`` formats), the
formula each method is judged by (``PRIMARY_AGREEMENT``), and the standing of a phase against the
usual standard (at least 80% agreement on at least 20% of sessions). Fidelity: plan steps carried out
correctly / steps observed, each step "yes", "no" or "na", overall and per step.

Pure Python: plain data in, plain data out, no Django import. Nothing here raises on odd facts: a
formula with nothing to compare gives None (or NaN for the two totals, which ``session_agreement``
turns into None).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from paradesk.progress.analysis import as_sequence, finite

# The usual standard (docs/field.md#agreement): at least 80% agreement, on at least 20% of the sessions
# of each phase.
AGREEMENT_STANDARD = 80.0
AGREEMENT_SHARE_STANDARD = 20.0


# ---- facts --------------------------------------------------------------------------------------------


# ---- agreement (docs/field.md#agreement) --------------------------------------------------------------


def _ratio(smaller: float, larger: float) -> float:
    """smaller / larger of two non-negative amounts; 1 when both are 0; NaN when either is not a
    finite number (there is nothing to compare)."""
    if not (finite(smaller) and finite(larger)):
        return math.nan
    low, high = sorted((abs(float(smaller)), abs(float(larger))))
    return 1.0 if high == 0 else low / high


def total_count_agreement(first: float, second: float) -> float:
    """Smaller total / larger total x 100 (100 when both are 0; NaN when either is not a finite
    number: ``session_agreement`` turns that into None)."""
    return 100 * _ratio(first, second)


def _paired(first: Sequence[Any], second: Sequence[Any]) -> bool:
    return len(first) == len(second) and len(first) > 0


def mean_count_per_interval_agreement(first: Sequence[float], second: Sequence[float]) -> float | None:
    """Mean over intervals of smaller/larger (1 when both are 0) x 100: docs/field.md#agreement's 10.5 over
    15 intervals = 70%. None unless both observers have the same number of intervals, or when an
    amount is not a finite number."""
    if not _paired(first, second):
        return None
    ratios = [_ratio(a, b) for a, b in zip(first, second, strict=True)]
    if not all(math.isfinite(ratio) for ratio in ratios):
        return None
    return 100 * math.fsum(ratios) / len(ratios)


def exact_count_per_interval_agreement(first: Sequence[float], second: Sequence[float]) -> float | None:
    """Intervals with identical counts / all intervals x 100; None unless both observers have the
    same number of intervals."""
    if not _paired(first, second):
        return None
    return 100 * sum(1 for a, b in zip(first, second, strict=True) if a == b) / len(first)


def trial_by_trial_agreement(first: Sequence[object], second: Sequence[object]) -> float | None:
    """Trials scored the same / all trials x 100."""
    if not _paired(first, second):
        return None
    return 100 * sum(1 for a, b in zip(first, second, strict=True) if a == b) / len(first)


def interval_by_interval_agreement(first: Sequence[bool], second: Sequence[bool]) -> float | None:
    """Intervals agreed (both scored or both unscored) / all intervals x 100."""
    return trial_by_trial_agreement([bool(a) for a in first], [bool(b) for b in second])


def scored_interval_agreement(first: Sequence[bool], second: Sequence[bool]) -> float | None:
    """Intervals both scored / intervals either scored x 100 (for low-rate behavior); None when
    neither scored any (the formula has no denominator)."""
    if not _paired(first, second):
        return None
    either = sum(1 for a, b in zip(first, second, strict=True) if a or b)
    both = sum(1 for a, b in zip(first, second, strict=True) if a and b)
    return None if either == 0 else 100 * both / either


def unscored_interval_agreement(first: Sequence[bool], second: Sequence[bool]) -> float | None:
    """Intervals both unscored / intervals either left unscored x 100 (for high-rate behavior)."""
    return scored_interval_agreement([not a for a in first], [not b for b in second])


def total_duration_agreement(first_seconds: float, second_seconds: float) -> float:
    """Shorter total / longer total x 100 (100 when both are 0; NaN when either is not a finite
    number)."""
    return 100 * _ratio(first_seconds, second_seconds)


def mean_duration_per_occurrence_agreement(first: Sequence[float], second: Sequence[float]) -> float | None:
    """Mean over paired occurrences of shorter/longer x 100; docs/field.md#agreement: (0.75 + 1.0 + 0.8) / 3 =
    85%. None unless both observers saw the same number of occurrences."""
    return mean_count_per_interval_agreement(first, second)


class AgreementKind(enum.StrEnum):
    TOTAL_COUNT = "total_count"
    MEAN_COUNT_PER_INTERVAL = "mean_count_per_interval"
    EXACT_COUNT_PER_INTERVAL = "exact_count_per_interval"
    TRIAL_BY_TRIAL = "trial_by_trial"
    INTERVAL_BY_INTERVAL = "interval_by_interval"
    SCORED_INTERVAL = "scored_interval"
    UNSCORED_INTERVAL = "unscored_interval"
    TOTAL_DURATION = "total_duration"
    MEAN_DURATION_PER_OCCURRENCE = "mean_duration_per_occurrence"


# A per-interval comparison of more windows than this says nothing useful and could exhaust memory
# (a whole school day in 10-second windows is 2,520).
MAX_AGREEMENT_INTERVALS = 100_000


def _events_per_interval(events: Sequence[object], seconds: float, interval: float) -> list[int] | None:
    """Events per ``interval``-second window of an observation of ``seconds``; None when the windows
    cannot be drawn (a length that is not a positive number, or too many windows). Events before the
    start or after the end count in the first or last window; times that are not numbers are left
    out."""
    if not (finite(seconds) and finite(interval)) or seconds <= 0 or interval <= 0:
        return None
    windows = seconds / interval
    if not windows <= MAX_AGREEMENT_INTERVALS:
        return None
    bins = max(1, math.ceil(windows))
    counts = [0] * bins
    for moment in events:
        if finite(moment):
            window = float(moment) // interval  # type: ignore[arg-type]
            counts[int(min(bins - 1, max(0.0, window)))] += 1
    return counts


def _durations(pairs: object) -> list[float]:
    """Lengths of [start, end] pairs whose two ends are numbers (an open end is left out)."""
    if not isinstance(pairs, Sequence):
        return []
    return [
        float(pair[1]) - float(pair[0])
        for pair in pairs
        if isinstance(pair, Sequence) and len(pair) == 2 and finite(pair[0]) and finite(pair[1])
    ]


def _latencies(trials: object) -> list[float | None]:
    """Each latency trial's seconds from cue to response, None when no response came (the trial
    keeps its place, so the observers' trials stay paired cue by cue). A malformed trial is None."""
    if not isinstance(trials, Sequence):
        return []
    found: list[float | None] = []
    for pair in trials:
        answered = isinstance(pair, Sequence) and len(pair) == 2 and finite(pair[0]) and finite(pair[1])
        found.append(float(pair[1]) - float(pair[0]) if answered else None)
    return found


def latency_per_trial_agreement(
    first: Sequence[float | None], second: Sequence[float | None]
) -> float | None:
    """Mean duration-per-occurrence agreement for latency, trial by trial (docs/field.md#agreement, each
    cue an occurrence): shorter/longer latency when both observers saw a response, 1 when neither
    did, 0 when only one did. None unless both observers recorded the same number of trials."""
    if len(first) != len(second) or not first:
        return None
    ratios = []
    for a, b in zip(first, second, strict=True):
        if a is None or b is None:
            ratios.append(1.0 if a is None and b is None else 0.0)
        else:
            ratios.append(_ratio(a, b))
    return 100 * math.fsum(ratios) / len(ratios)


def _trial_scores(trials: object) -> list[tuple[object, object]]:
    if not isinstance(trials, Sequence):
        return []
    return [(t.get("response"), t.get("prompt")) if isinstance(t, Mapping) else (t, None) for t in trials]


def session_agreement(
    method: str,
    first: Mapping[str, Any],
    second: Mapping[str, Any],
    observed_seconds: float,
    interval_seconds: float = 10.0,
) -> dict[AgreementKind, float | None]:
    """Every agreement formula that fits two observers' facts of one session (recording.methods
    formats). Event counts are compared per ``interval_seconds`` window of the shorter observation.
    Every value is a percentage 0..100, or None when the formula has nothing to compare."""
    found: dict[AgreementKind, float | None] = {}
    if method in {"count", "rate", "irt"}:
        a, b = as_sequence(first.get("events")), as_sequence(second.get("events"))
        found[AgreementKind.TOTAL_COUNT] = total_count_agreement(len(a), len(b))
        per_a = _events_per_interval(a, observed_seconds, interval_seconds)
        per_b = _events_per_interval(b, observed_seconds, interval_seconds)
        windows = per_a is not None and per_b is not None
        found[AgreementKind.MEAN_COUNT_PER_INTERVAL] = (
            mean_count_per_interval_agreement(per_a or [], per_b or []) if windows else None
        )
        found[AgreementKind.EXACT_COUNT_PER_INTERVAL] = (
            exact_count_per_interval_agreement(per_a or [], per_b or []) if windows else None
        )
    elif method in {"partial_interval", "whole_interval", "momentary"}:
        a, b = as_sequence(first.get("intervals")), as_sequence(second.get("intervals"))
        found[AgreementKind.INTERVAL_BY_INTERVAL] = interval_by_interval_agreement(a, b)
        found[AgreementKind.SCORED_INTERVAL] = scored_interval_agreement(a, b)
        found[AgreementKind.UNSCORED_INTERVAL] = unscored_interval_agreement(a, b)
    elif method == "trials":
        found[AgreementKind.TRIAL_BY_TRIAL] = trial_by_trial_agreement(
            _trial_scores(first.get("trials")), _trial_scores(second.get("trials"))
        )
    elif method == "task_analysis":
        found[AgreementKind.TRIAL_BY_TRIAL] = trial_by_trial_agreement(
            as_sequence(first.get("steps")), as_sequence(second.get("steps"))
        )
    elif method == "duration":
        a_lengths, b_lengths = _durations(first.get("episodes")), _durations(second.get("episodes"))
        found[AgreementKind.TOTAL_DURATION] = total_duration_agreement(
            math.fsum(a_lengths), math.fsum(b_lengths)
        )
        found[AgreementKind.MEAN_DURATION_PER_OCCURRENCE] = mean_duration_per_occurrence_agreement(
            a_lengths, b_lengths
        )
    elif method == "latency":
        a_times, b_times = _latencies(first.get("trials")), _latencies(second.get("trials"))
        found[AgreementKind.TOTAL_DURATION] = total_duration_agreement(
            math.fsum(t for t in a_times if t is not None), math.fsum(t for t in b_times if t is not None)
        )
        found[AgreementKind.MEAN_DURATION_PER_OCCURRENCE] = latency_per_trial_agreement(a_times, b_times)
    return {kind: None if value is None or math.isnan(value) else value for kind, value in found.items()}


PRIMARY_AGREEMENT = {
    "count": AgreementKind.MEAN_COUNT_PER_INTERVAL,
    "rate": AgreementKind.MEAN_COUNT_PER_INTERVAL,
    "irt": AgreementKind.MEAN_COUNT_PER_INTERVAL,
    "partial_interval": AgreementKind.INTERVAL_BY_INTERVAL,
    "whole_interval": AgreementKind.INTERVAL_BY_INTERVAL,
    "momentary": AgreementKind.INTERVAL_BY_INTERVAL,
    "trials": AgreementKind.TRIAL_BY_TRIAL,
    "task_analysis": AgreementKind.TRIAL_BY_TRIAL,
    "duration": AgreementKind.MEAN_DURATION_PER_OCCURRENCE,
    "latency": AgreementKind.MEAN_DURATION_PER_OCCURRENCE,
}


@dataclass(frozen=True)
class AgreementStanding:
    """Agreement across a phase: the lowest check, and the share of sessions checked."""

    checks: int
    sessions: int
    lowest: float | None
    share_checked: float | None

    @property
    def below_standard(self) -> bool:
        return self.lowest is not None and self.lowest < AGREEMENT_STANDARD

    @property
    def too_few_checked(self) -> bool:
        return self.sessions > 0 and (self.share_checked or 0) < AGREEMENT_SHARE_STANDARD


def agreement_standing(percents: Sequence[float | None], sessions: int) -> AgreementStanding:
    """The standing of a phase from the percents of its checks (None: a check with nothing to
    compare, counted as a check but not as a lowest) and the number of its sessions."""
    known = [value for value in percents if value is not None and math.isfinite(value)]
    share = 100 * len(percents) / sessions if sessions else None
    return AgreementStanding(len(percents), sessions, min(known) if known else None, share)


# ---- fidelity (docs/field.md#fidelity) ----------------------------------------------------------------


@dataclass(frozen=True)
class Fidelity:
    percent: float | None  # steps done correctly / steps observed (not applicable left out)
    all_or_nothing: bool | None  # every observed step done correctly
    observed: int


def fidelity(steps: Sequence[str]) -> Fidelity:
    """Each step "yes", "no" or "na" (docs/field.md#fidelity)."""
    yes = sum(1 for step in steps if step == "yes")
    no = sum(1 for step in steps if step == "no")
    observed = yes + no
    if not observed:
        return Fidelity(None, None, 0)
    return Fidelity(100 * yes / observed, no == 0, observed)


def fidelity_by_step(checks: Sequence[Sequence[str]]) -> list[float | None]:
    """Per plan step, across checks: percent of the times it was observed that it was done."""
    width = max((len(check) for check in checks), default=0)
    return [
        fidelity([check[index] for check in checks if index < len(check)]).percent for index in range(width)
    ]
