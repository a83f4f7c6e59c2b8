"""A measure's progress graph: one plain, JSON-safe description (``graph_data``) that the browser
draws with uPlot (progress/static/progress/graph.js) and that ``svg`` draws with matplotlib for the
PDF report, so both show the same thing.

x values are day numbers (``date.toordinal()``, as in paradesk.progress.analysis). Several sessions
on one day stay separate points: they are spread a little around their day, in the order they
were recorded. Reading only; who may see a graph is decided by paradesk.access before this runs.
"""

from __future__ import annotations

import datetime
import io
import math
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on a server; the PDF needs only the SVG text

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from matplotlib import dates as mdates
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

from paradesk.plans import figures
from paradesk.plans.figures import level_label
from paradesk.plans.models import DEFAULT_PROMPT_HIERARCHY, Method
from paradesk.progress import analysis
from paradesk.progress.series import PERCENT_METHODS, MeasureProgress, Session

# Sessions sharing a day spread over this share of the day, so each keeps its own point.
SAME_DAY_SPREAD = 0.6
# The days before the first and after the last thing drawn, so no point sits on the frame.
X_PADDING_DAYS = 1.0
# The readable graph runs this far past the last session: at least two weeks, or a fifth of the
# sessions' span; the aimline's end beyond that is reached by "Show up to the goal date".
READABLE_AHEAD_DAYS = 14.0
READABLE_AHEAD_SHARE = 0.2
# Headroom over the highest value on open-ended scales (counts, rates, seconds).
Y_HEADROOM = 1.1
SUPPORT_METHODS = frozenset({Method.TRIALS, Method.TASK_ANALYSIS})
# matplotlib dates count days from 1970-01-01; analysis days count from 0001-01-01.
EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()

PHASE_NAMES: dict[analysis.PhaseKind, Promise] = {
    analysis.PhaseKind.BASELINE: gettext_lazy("Baseline"),
    analysis.PhaseKind.INTERVENTION: gettext_lazy("Intervention"),
    analysis.PhaseKind.MAINTENANCE: gettext_lazy("Maintenance probes"),
}
ESTIMATOR_NAMES: dict[analysis.Estimator, Promise] = {
    analysis.Estimator.OLS: gettext_lazy("Least squares"),
    analysis.Estimator.THEIL_SEN: gettext_lazy("Theil-Sen (robust to outliers)"),
    analysis.Estimator.TRI_SPLIT: gettext_lazy("Tri-split (medians of the first and last thirds)"),
}


def hierarchy_of(progress: MeasureProgress) -> list[str]:
    return [str(level) for level in (progress.measure.prompt_hierarchy or DEFAULT_PROMPT_HIERARCHY)]


def unit_of(progress: MeasureProgress) -> tuple[str, str]:
    """The declared unit's code and the y axis label: the session value's name (plans.figures)."""
    measure = progress.measure
    unit = figures.declared_unit(measure)
    return str(unit or ""), figures.figure_of(measure)


def finite_or_none(value: object) -> float | None:
    return float(value) if analysis.finite(value) else None  # type: ignore[arg-type]


def rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, digits)


def date_text(day: float) -> str:
    return formats.date_format(analysis.day_date(day), "DATE_FORMAT")


def graphed_sessions(progress: MeasureProgress) -> list[Session]:
    """The sessions the analysis reads, in its order (values that are not numbers are left out)."""
    return [session for session in progress.sessions if analysis.finite(session.value)]


def spread_days(sessions: Sequence[Session]) -> list[float]:
    """Each session's x: its day, moved a little when other sessions share the day."""
    per_day: dict[datetime.date, int] = {}
    for session in sessions:
        per_day[session.day] = per_day.get(session.day, 0) + 1
    seen: dict[datetime.date, int] = {}
    xs = []
    for session in sessions:
        count, index = per_day[session.day], seen.get(session.day, 0)
        seen[session.day] = index + 1
        offset = 0.0 if count == 1 else SAME_DAY_SPREAD * ((index + 0.5) / count - 0.5)
        xs.append(analysis.day_number(session.day) + offset)
    return xs


def phase_of_each(phases: Sequence[analysis.Phase], count: int) -> list[int]:
    """The phase index of each graphed session: the phases split the day-ordered points in order."""
    found = [index for index, phase in enumerate(phases) for _point in phase.points]
    return found if len(found) == count else [0] * count


def phase_label(phase: analysis.Phase) -> str:
    return phase.label or str(PHASE_NAMES[phase.kind])


def phase_marks(
    phases: Sequence[analysis.Phase], xs: Sequence[float], owner: Sequence[int]
) -> list[dict[str, Any]]:
    """Each phase's label and where its line goes: halfway between the last session before it and
    its first session (a line never touches a point); the first phase has no line. Without
    sessions there is nothing to mark."""
    marks: list[dict[str, Any]] = []
    if not xs:
        return marks
    for index, phase in enumerate(phases):
        inside = [x for x, own in zip(xs, owner, strict=True) if own == index]
        before = [x for x, own in zip(xs, owner, strict=True) if own < index]
        start = inside[0] if inside else phase.start_day
        if not index:
            line_x = None
        elif before and inside:
            line_x = (before[-1] + inside[0]) / 2
        else:
            line_x = phase.start_day - 0.5
        marks.append(
            {
                "kind": str(phase.kind),
                "label": phase_label(phase),
                "date": analysis.day_date(phase.start_day).isoformat(),
                "x": rounded(start),
                "line_x": rounded(line_x),
                "implicit": phase.implicit,
            }
        )
    return marks


def end(day: float, value: float) -> dict[str, Any]:
    return {"x": rounded(day), "date": analysis.day_date(day).isoformat(), "value": rounded(value)}


def segment(line: analysis.Line | None, start: float, stop: float) -> dict[str, Any] | None:
    if line is None:
        return None
    return {
        "from": end(start, line.at(start)),
        "to": end(stop, line.at(stop)),
        "per_week": rounded(line.per_week),
    }


def baseline_mark(progress: MeasureProgress) -> dict[str, Any] | None:
    """The baseline median as a level line over the points it came from."""
    found = progress.result.baseline
    phases = [p for p in progress.result.phases if p.kind is analysis.PhaseKind.BASELINE and p.points]
    if found is None or not phases:
        return None
    first = phases[-1].points[0].day
    return {
        "value": rounded(found.value),
        "points": found.points,
        "from": end(first, found.value),
        "to": end(found.day, found.value),
    }


def aimline_end_day(progress: MeasureProgress, line: analysis.Line) -> float:
    """The aimline runs to the adjusted target date, else the measure's target date."""
    if progress.adjustment is not None:
        return analysis.day_number(progress.adjustment.target_date)
    if progress.measure.target_date is not None:
        return analysis.day_number(progress.measure.target_date)
    return max([line.anchor_day + 7] + [analysis.day_number(s.day) for s in progress.sessions])


def aimline_mark(progress: MeasureProgress) -> dict[str, Any] | None:
    line = progress.result.aimline
    if line is None:
        return None
    return segment(line, line.anchor_day, aimline_end_day(progress, line))


def trend_marks(progress: MeasureProgress) -> dict[str, dict[str, Any] | None]:
    """Each estimator's trend across the current phase's sessions (None: too few points)."""
    current = progress.result.current
    if not current:
        return {str(estimator): None for estimator in analysis.Estimator}
    first, last = current[0].day, current[-1].day
    found = {}
    for estimator, line in progress.result.trends.items():
        drawn = segment(line, first, last)
        if drawn is not None:
            drawn["name"] = str(ESTIMATOR_NAMES[estimator])
        found[str(estimator)] = drawn
    return found


def trend_note(progress: MeasureProgress) -> str:
    result = progress.result
    if result.trends.get(analysis.Estimator.OLS) is not None:
        return ""
    if result.phases and result.phases[-1].kind is analysis.PhaseKind.MAINTENANCE:
        return _("No trend line during maintenance probes.")
    return _("Too few points for a trend line (%(points)d of %(needed)d).") % {
        "points": len(progress.result.current),
        "needed": analysis.TREND_MIN_POINTS,
    }


def mastery_indices(progress: MeasureProgress, probes: Sequence[bool]) -> list[int]:
    """The sessions of the qualifying run when the mastery criterion is met."""
    found = progress.result.mastery
    if found is None or found.status is not analysis.MasteryStatus.MET:
        return []
    acquisition = [index for index, probe in enumerate(probes) if not probe]
    return acquisition[-found.run :] if found.run else []


def level_y(rank: float, levels: int) -> float:
    """A prompt rank on the percent scale: independent (rank 0) at 100, the most intrusive level at
    0, so the support line rises as support fades, like percent independent. A task step not done
    ranks past the last level and stays at 0."""
    return round(max(0.0, 100 * (1 - rank / max(1, levels - 1))), 4)


def prompt_y(rank: float | None, levels: int) -> float | None:
    return None if rank is None else level_y(rank, levels)


def session_row(session: Session, x: float, phase: int, probe: bool, levels: Sequence[str]) -> dict[str, Any]:
    support = session.support
    most = support.get("max_prompt_rank")
    most_level = levels[most] if isinstance(most, int) and 0 <= most < len(levels) else None
    if isinstance(most, int) and most == len(levels):
        most_level = "not_done"
    return {
        "x": rounded(x),
        "date": session.day.isoformat(),
        "date_label": formats.date_format(session.day, "DATE_FORMAT"),
        "value": rounded(session.value),
        "phase": phase,
        "probe": probe,
        "mastery": False,
        "percent_independent": rounded(finite_or_none(support.get("percent_independent"))),
        "mean_prompt_rank": rounded(finite_or_none(support.get("mean_prompt_rank"))),
        "prompt_y": prompt_y(finite_or_none(support.get("mean_prompt_rank")), len(levels)),
        "most_prompt": level_label(most_level) if most_level else None,
    }


def y_range(progress: MeasureProgress, values: Sequence[float]) -> list[float]:
    measure = progress.measure
    if measure.method in PERCENT_METHODS:
        return [0.0, 100.0]
    if measure.method == Method.RATING and measure.rating_min is not None and measure.rating_max is not None:
        return [float(measure.rating_min), float(measure.rating_max)]
    highest = max([*values, 1.0])
    return [0.0, round(highest * Y_HEADROOM, 4)]


def x_range(
    sessions: Sequence[dict[str, Any]], phases: Sequence[dict[str, Any]], *segments: dict[str, Any] | None
) -> list[float] | None:
    """From the first to the last thing drawn (a session, a phase line, a line's end), a day wider
    on each side; None without sessions (the graph then says so and draws nothing)."""
    if not sessions:
        return None
    xs = [row["x"] for row in sessions] + [p["line_x"] for p in phases if p["line_x"] is not None]
    for drawn in segments:
        if drawn is not None:
            xs += [drawn["from"]["x"], drawn["to"]["x"]]
    return [min(xs) - X_PADDING_DAYS, max(xs) + X_PADDING_DAYS]


def readable_x_range(
    sessions: Sequence[dict[str, Any]], phases: Sequence[dict[str, Any]], aimline: dict[str, Any] | None
) -> list[float] | None:
    """The days the sessions fill: from the first session (or the aimline's start) to a little past
    the last one. An aimline running months on to the goal date would otherwise squeeze every
    session into the left edge; it is drawn to the edge, and the whole run is ``x_range``."""
    shown = x_range(sessions, phases)
    if shown is None or aimline is None:
        return shown
    low, high = min(shown[0], aimline["from"]["x"] - X_PADDING_DAYS), shown[1]
    ahead = max(READABLE_AHEAD_DAYS, READABLE_AHEAD_SHARE * (high - low))
    return [low, max(high, min(aimline["to"]["x"] + X_PADDING_DAYS, high + ahead))]


def aim_words(progress: MeasureProgress, aimline: dict[str, Any] | None) -> str:
    """Where the aimline is going, in words, so the goal stays in sight when its date is off the graph."""
    if aimline is None:
        return ""
    end = aimline["to"]
    return _("Aim: %(value)s by %(date)s.") % {
        "value": figures.measure_value_text(progress.measure, end["value"]),
        "date": date_text(end["x"]),
    }


def labels() -> dict[str, str]:
    """The words the graph shows, in the reader's language."""
    return {
        "date": _("Date"),
        "sessions": _("Sessions"),
        "probes": _("Maintenance probes"),
        "baseline": _("Baseline"),
        "aimline": _("Aimline"),
        "trend": _("Trend"),
        "mastery": _("Mastery run"),
        "independent": _("Independent (%)"),
        "prompt": _("Mean prompt level"),
        "nothing": _("No sessions recorded yet."),
        "show_goal": _("Show up to the goal date"),
        "show_sessions": _("Show the sessions"),
    }


def graph_data(progress: MeasureProgress) -> dict[str, Any]:
    """Everything the measure's graph shows, as plain JSON-safe data (no student name)."""
    result = progress.result
    sessions = graphed_sessions(progress)
    xs = spread_days(sessions)
    owner = phase_of_each(result.phases, len(sessions))
    probes = [
        result.phases[own].kind is analysis.PhaseKind.MAINTENANCE if result.phases else False for own in owner
    ]
    levels = hierarchy_of(progress)
    rows = [
        session_row(session, x, own, probe, levels)
        for session, x, own, probe in zip(sessions, xs, owner, probes, strict=True)
    ]
    for index in mastery_indices(progress, probes):
        rows[index]["mastery"] = True
    unit, axis_label = unit_of(progress)
    baseline, aimline = baseline_mark(progress), aimline_mark(progress)
    trends = trend_marks(progress)
    mastery = result.mastery
    phases = phase_marks(result.phases, xs, owner)
    return {
        "unit": unit,
        "axis_label": axis_label,
        "direction": progress.measure.direction,
        "y_range": y_range(progress, [row["value"] for row in rows]),
        "x_range": readable_x_range(rows, phases, aimline),
        "full_x_range": x_range(rows, phases, baseline, aimline),
        "aim": aim_words(progress, aimline),
        "sessions": rows,
        "phases": phases,
        "baseline": baseline,
        "aimline": aimline,
        "trend": trends[analysis.Estimator.OLS],
        "trends": trends,
        "trend_note": trend_note(progress),
        "mastery": None
        if mastery is None
        else {
            "status": str(mastery.status),
            "run": mastery.run,
            "since": None if mastery.since_day is None else analysis.day_date(mastery.since_day).isoformat(),
        },
        "support": {
            "shown": progress.measure.method in SUPPORT_METHODS
            and any(row["percent_independent"] is not None for row in rows),
            "levels": [level_label(level) for level in levels],
        },
        "labels": labels(),
    }


# ---- the same graph as SVG, for the PDF ---------------------------------------------------------------

COLORS = {
    "data": "#1b1f24",
    "probe": "#6b4fa0",
    "baseline": "#8a5300",
    "aimline": "#0b5cad",
    "trend": "#a4161a",
    "mastery": "#1e6b35",
    "phase": "#4a5360",
    "independent": "#1e6b35",
    "prompt": "#8a5300",
}
SVG_STYLE: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "svg.fonttype": "none",  # text stays text: WeasyPrint sets it in DejaVu, readers can search it
    "svg.hashsalt": "paradesk",  # the same graph gives the same SVG
    "axes.spines.top": False,
    "axes.spines.right": False,
}


# Phase labels: DejaVu Sans at 7 pt averages under 4.3 pt a character; rows 9 pt apart.
LABEL_CHAR_PT = 4.3
LABEL_GAP_PT = 3.0
LABEL_ROW_PT = 9.0
MARGINS = {"left": 0.09, "right": 0.98, "top": 0.84, "bottom": 0.1}
SUPPORT_RIGHT = 0.87  # room for the prompt level names


def plain(text: str) -> str:
    """A teacher's label shown as written: matplotlib would read $...$ as mathematics."""
    return text.replace("$", r"\$")


def when(x: float) -> float:
    """An analysis day number as a matplotlib date number."""
    return x - EPOCH_ORDINAL


def date_formatter() -> ticker.FuncFormatter:
    # The locale's month-and-day format with the short month name, so the axis stays narrow.
    pattern = str(formats.get_format("MONTH_DAY_FORMAT")).replace("F", "M")

    def label(value: float, _position: int | None = None) -> str:
        return formats.date_format(mdates.num2date(value).date(), pattern)

    return ticker.FuncFormatter(label)


def draw_segment(ax: Axes, drawn: dict[str, Any] | None, color: str, style: str, label: str) -> None:
    if drawn is None:
        return
    xs = [when(drawn["from"]["x"]), when(drawn["to"]["x"])]
    ax.plot(
        xs,
        [drawn["from"]["value"], drawn["to"]["value"]],
        color=color,
        linestyle=style,
        linewidth=1.2,
        label=label,
    )


def draw_sessions(ax: Axes, data: dict[str, Any]) -> None:
    """The data path, broken at every phase line; probes as open squares with no path."""
    rows, words = data["sessions"], data["labels"]
    shown = set()
    for phase in range(len(data["phases"])):
        inside = [row for row in rows if row["phase"] == phase]
        if not inside:
            continue
        probe = inside[0]["probe"]
        kind = "probes" if probe else "sessions"
        ax.plot(
            [when(row["x"]) for row in inside],
            [row["value"] for row in inside],
            color=COLORS["probe" if probe else "data"],
            linestyle="none" if probe else "-",
            marker="s" if probe else "o",
            markersize=4,
            markerfacecolor="white" if probe else COLORS["data"],
            linewidth=1.2,
            zorder=3,
            label=None if kind in shown else words[kind],
        )
        shown.add(kind)
    mastered = [row for row in rows if row["mastery"]]
    if mastered:
        ax.plot(
            [when(row["x"]) for row in mastered],
            [row["value"] for row in mastered],
            linestyle="none",
            marker="*",
            markersize=9,
            color=COLORS["mastery"],
            zorder=4,
            label=words["mastery"],
        )


def label_rows(lefts: Sequence[float], widths: Sequence[float]) -> list[int]:
    """The row of each phase label (0 at the top): a label that would run into the one before it
    on a row goes down a row, so labels of short phases never overlap."""
    ends: list[float] = []
    rows = []
    for left, width in zip(lefts, widths, strict=True):
        row = next((index for index, stop in enumerate(ends) if stop <= left), len(ends))
        if row == len(ends):
            ends.append(0.0)
        ends[row] = left + width
        rows.append(row)
    return rows


def draw_phases(ax: Axes, data: dict[str, Any], axis_width_pt: float) -> None:
    """Phase-change lines, each phase's label at the top of its stretch."""
    low, high = ax.get_xlim()
    days_per_pt = (high - low) / axis_width_pt
    phases = data["phases"]
    lefts = [when(p["line_x"] if p["line_x"] is not None else p["x"] - 0.5) for p in phases]
    widths = [(LABEL_CHAR_PT * len(p["label"]) + 2 * LABEL_GAP_PT) * days_per_pt for p in phases]
    for phase, left, row in zip(phases, lefts, label_rows(lefts, widths), strict=True):
        if phase["line_x"] is not None:
            ax.axvline(left, color=COLORS["phase"], linestyle="--", linewidth=1)
        ax.annotate(
            phase["label"],
            (left, 1),
            xycoords=("data", "axes fraction"),
            xytext=(LABEL_GAP_PT, -2 - LABEL_ROW_PT * row),
            textcoords="offset points",
            va="top",
            fontsize=7,
            color=COLORS["phase"],
            parse_math=False,
        )


def draw_support(ax: Axes, data: dict[str, Any]) -> None:
    """Percent independent, and the mean prompt level on a second axis at the right named by the
    measure's prompt levels (independent at the top, as 100% independent is). The second axis is
    drawn as text: a twin Axes would double the time an SVG takes."""
    rows = [row for row in data["sessions"] if row["prompt_y"] is not None and not row["probe"]]
    words, levels = data["labels"], data["support"]["levels"]
    xs = [when(row["x"]) for row in rows]
    for key, color, marker in (("percent_independent", "independent", "^"), ("prompt_y", "prompt", "v")):
        ax.plot(
            xs,
            [row[key] for row in rows],
            color=COLORS[color],
            linestyle=":",
            marker=marker,
            markersize=3,
            linewidth=1,
            label=words["independent" if color == "independent" else "prompt"],
        )
    edge = ax.get_yaxis_transform()
    for rank, level in enumerate(levels):
        y = level_y(rank, len(levels))
        ax.text(
            1.01, y, level, transform=edge, va="center", fontsize=6, color=COLORS["prompt"], parse_math=False
        )


def svg(progress: MeasureProgress, width_in: float = 7.0, height_in: float = 3.0) -> str:
    """The measure's graph as an SVG document for the PDF report: dates on x, a legend, phase
    lines with their labels; no student name."""
    return svg_of(graph_data(progress), width_in, height_in)


def svg_of(data: dict[str, Any], width_in: float = 7.0, height_in: float = 3.0) -> str:
    with matplotlib.rc_context(SVG_STYLE):
        figure = Figure(figsize=(width_in, height_in))
        ax = figure.add_subplot()
        ax.set_ylim(*data["y_range"])
        if data["x_range"] is not None:
            ax.set_xlim(when(data["x_range"][0]), when(data["x_range"][1]))
            ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=8))
            ax.xaxis.set_major_formatter(date_formatter())
        else:
            ax.set_xticks([])
            ax.text(
                0.5, 0.5, data["labels"]["nothing"], transform=ax.transAxes, ha="center", parse_math=False
            )
        draw_segment(ax, data["baseline"], COLORS["baseline"], "-", data["labels"]["baseline"])
        draw_segment(ax, data["aimline"], COLORS["aimline"], "--", data["labels"]["aimline"])
        draw_segment(ax, data["trend"], COLORS["trend"], "-.", data["labels"]["trend"])
        draw_sessions(ax, data)
        support = data["support"]["shown"]
        margins = MARGINS | ({"right": SUPPORT_RIGHT} if support else {})
        figure.subplots_adjust(**margins)
        draw_phases(ax, data, width_in * 72 * (margins["right"] - margins["left"]))
        ax.set_ylabel(plain(data["axis_label"]))
        if data["trend_note"] and data["sessions"]:
            ax.text(
                0.99,
                0.02,
                data["trend_note"],
                transform=ax.transAxes,
                ha="right",
                fontsize=7,
                parse_math=False,
            )
        if support:
            draw_support(ax, data)
        if ax.get_legend_handles_labels()[0]:
            figure.legend(loc="upper center", ncol=5, frameon=False, fontsize=7)
        out = io.StringIO()
        FigureCanvasSVG(figure).print_svg(out, metadata={"Date": None})
    return out.getvalue()
