"""analyze_arrays (a whole district at once) gives, row by row, what the per-measure functions give:
the OLS trend, the four-point and trend verdicts, and the threshold-and-consecutive mastery run."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from paradesk.progress import analysis
from paradesk.progress.analysis import Direction, Estimator, Line, MasteryRule, MasteryStatus, Point

FIRST_DAY = 739_500.0  # an ordinal in 2025


@dataclass
class Rows:
    days: np.ndarray
    values: np.ndarray
    aim_start_day: np.ndarray
    aim_start_value: np.ndarray
    aim_slope: np.ndarray
    sign: np.ndarray
    threshold: np.ndarray
    consecutive: np.ndarray

    def batch(self) -> analysis.Batch:
        return analysis.analyze_arrays(
            self.days,
            self.values,
            self.aim_start_day,
            self.aim_start_value,
            self.aim_slope,
            self.sign,
            self.threshold,
            self.consecutive,
        )

    def points(self, row: int) -> list[Point]:
        """The row as sessions, padding included (the scalar functions leave NaN out themselves)."""
        return [Point(float(d), float(v)) for d, v in zip(self.days[row], self.values[row], strict=True)]

    def aimline(self, row: int) -> Line | None:
        parts = self.aim_start_day[row], self.aim_start_value[row], self.aim_slope[row]
        return Line(*map(float, parts)) if all(math.isfinite(part) for part in parts) else None

    def direction(self, row: int) -> Direction:
        return Direction.INCREASE if self.sign[row] > 0 else Direction.DECREASE


def random_rows(seed: int, rows: int, width: int) -> Rows:
    """Rows of every kind the district has: empty, short (under 3, 4 or 8 sessions) and full rows,
    one or several sessions a day, NaN (sometimes infinity) after the last session, percentages in
    steps of 10 (so sessions land exactly on the mastery threshold) and noisy counts, rising and
    falling, constant rows, measures to increase and to decrease, with and without an aimline."""
    rng = np.random.default_rng(seed)
    length = np.where(rng.random(rows) < 0.3, rng.integers(0, 9, rows), rng.integers(0, width + 1, rows))
    spread = np.where(rng.random(rows) < 0.5, 3 * width, width // 3 + 1)  # crowded rows share days
    days = FIRST_DAY + np.sort(rng.integers(0, spread[:, None], (rows, width)), axis=1).astype(float)
    kind = rng.integers(0, 3, rows)
    percent = np.clip(np.round(rng.normal(70, 20, (rows, width)), -1), 0, 100)
    counts = np.maximum(
        0.0, 20 + rng.normal(0, 1, (rows, 1)) * (days - FIRST_DAY) / 10 + rng.normal(0, 3, (rows, width))
    )
    constant = np.repeat(rng.integers(0, 10, (rows, 1)).astype(float), width, axis=1)
    values = np.where(kind[:, None] == 0, percent, np.where(kind[:, None] == 1, counts, constant))
    padding = np.arange(width)[None, :] >= length[:, None]
    values[padding] = np.where(rng.random(padding.sum()) < 0.1, np.inf, np.nan)
    days[padding & (rng.random((rows, width)) < 0.5)] = np.nan

    aim_start_day = FIRST_DAY + rng.integers(-5, 10, rows)
    aim_start_value = rng.normal(40, 20, rows)
    aim_slope = rng.normal(0, 1, rows)
    aim_slope[kind == 2] = 0.0  # a flat aimline beside a constant row: "continue"
    for part in (aim_start_day, aim_start_value, aim_slope):
        part[rng.random(rows) < 0.08] = np.nan
    sign = np.where(rng.random(rows) < 0.5, 1.0, -1.0)
    threshold = rng.choice([20.0, 50.0, 70.0, 80.0, 90.0, np.nan], rows, p=[0.2, 0.2, 0.2, 0.2, 0.15, 0.05])
    consecutive = rng.integers(0, 6, rows)
    return Rows(days, values, aim_start_day, aim_start_value, aim_slope, sign, threshold, consecutive)


def disagreements(rows: Rows) -> list[str]:
    batch = rows.batch()
    found = []
    for row in range(len(rows.values)):
        points, line, direction = rows.points(row), rows.aimline(row), rows.direction(row)
        expected_points = len(analysis.clean(points))
        fitted = analysis.trend(points, Estimator.OLS)
        four = analysis.four_point_rule(points, line, direction)
        decision = analysis.trend_rule(points, line, direction, Estimator.OLS)
        rule = MasteryRule(float(rows.threshold[row]), int(rows.consecutive[row]), direction=direction)
        held = analysis.mastery(points, rule)
        slope, intercept = float(batch.slope[row]), float(batch.intercept[row])
        checks = {
            "points": batch.points[row] == expected_points,
            "slope": (fitted is None and math.isnan(slope))
            or (fitted is not None and math.isclose(slope, fitted.slope, rel_tol=1e-9, abs_tol=1e-10)),
            "intercept": fitted is None
            or math.isclose(
                intercept, fitted.at(0), rel_tol=1e-7, abs_tol=1e-6 * (1 + abs(fitted.slope) * FIRST_DAY)
            ),
            "four_point": analysis.VERDICT_CODES[batch.four_point[row]] is four.verdict,
            "trend": analysis.VERDICT_CODES[batch.trend[row]] is decision.verdict,
            "trend_reliable": bool(batch.trend_reliable[row]) == decision.reliable,
            "mastery_run": batch.mastery_run[row] == held.run,
            "mastery_met": bool(batch.mastery_met[row]) == (held.status is MasteryStatus.MET),
        }
        found += [f"row {row}: {name}" for name, agreed in checks.items() if not agreed]
    return found


@pytest.mark.parametrize("seed", range(6))
def test_analyze_arrays_agrees_with_the_per_measure_functions(seed: int) -> None:
    rows = random_rows(seed, rows=80, width=30)
    assert disagreements(rows) == []


def test_analyze_arrays_agrees_on_school_year_rows() -> None:
    rows = random_rows(99, rows=60, width=120)
    assert disagreements(rows) == []


def test_the_random_rows_reach_every_verdict_and_both_mastery_outcomes() -> None:
    """The comparison above is only worth something if the rows reach every branch."""
    batches = [random_rows(seed, rows=80, width=30).batch() for seed in range(6)]
    four = set(np.concatenate([b.four_point for b in batches]).tolist())
    trend = set(np.concatenate([b.trend for b in batches]).tolist())
    met = set(np.concatenate([b.mastery_met for b in batches]).tolist())
    assert four == trend == set(range(len(analysis.VERDICT_CODES)))
    assert met == {True, False}


def test_analyze_arrays_of_no_sessions_and_no_measures() -> None:
    nothing = np.zeros(0)
    empty = analysis.analyze_arrays(
        np.zeros((0, 5)), np.zeros((0, 5)), nothing, nothing, nothing, nothing, nothing, nothing
    )
    assert len(empty.slope) == 0
    one = np.ones(2)
    no_sessions = analysis.analyze_arrays(
        np.zeros((2, 0)), np.zeros((2, 0)), one, one, one, one, one * 80, one
    )
    assert no_sessions.points.tolist() == [0, 0]
    assert [analysis.VERDICT_CODES[code] for code in no_sessions.four_point] == [analysis.Verdict.TOO_FEW] * 2
    assert no_sessions.mastery_run.tolist() == [0, 0]
    assert no_sessions.mastery_met.tolist() == [False, False]


def test_analyze_arrays_known_rows() -> None:
    # Row 0: 2 a day from day 1 (aimline 1 a day from (0, 10)): days 3-6 are 6 8 10 12 against
    # 13 14 15 16: all below -> change instruction; trend 2 > 1 -> raise the goal, from 6 points.
    # Row 1: a behavior to decrease, 5 4 2 1 0 0 with a threshold of 1 for 3 sessions: mastered.
    nan = math.nan
    days = np.array([[1, 2, 3, 4, 5, 6.0], [1, 1, 2, 3, 4, 5]])
    values = np.array([[2, 4, 6, 8, 10, 12.0], [5, 4, 2, 1, 0, 0]])
    batch = analysis.analyze_arrays(
        days,
        values,
        aim_start_day=np.array([0.0, nan]),
        aim_start_value=np.array([10.0, nan]),
        aim_slope=np.array([1.0, nan]),
        sign=np.array([1.0, -1.0]),
        threshold=np.array([90.0, 1.0]),
        consecutive=np.array([3, 3]),
    )
    assert batch.slope[0] == pytest.approx(2)
    assert batch.intercept[0] == pytest.approx(0)
    assert [analysis.VERDICT_CODES[code] for code in batch.four_point] == [
        analysis.Verdict.CHANGE_INSTRUCTION,
        analysis.Verdict.NO_AIMLINE,
    ]
    assert analysis.VERDICT_CODES[batch.trend[0]] is analysis.Verdict.RAISE_GOAL
    assert batch.trend_reliable.tolist() == [False, False]
    assert batch.mastery_run.tolist() == [0, 3]
    assert batch.mastery_met.tolist() == [False, True]
