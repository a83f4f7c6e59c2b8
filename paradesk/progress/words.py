"""What a measure's graph says, in plain sentences a para or teacher reads beside it
(docs/field.md#decision-rules): the four-point rule, the trend rule, mastery and whether support is fading.

Each sentence respects the measure's direction: for a behavior to decrease, points below the
aimline are ahead of the goal. Dates follow the reader's locale. The sentences suggest; the
teacher decides.
"""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from paradesk.plans import figures
from paradesk.plans.models import MeasureStatus
from paradesk.progress import analysis
from paradesk.progress.series import MeasureProgress

V = analysis.Verdict
VERDICT_LABELS = {
    V.RAISE_GOAL: gettext_lazy("Consider raising the goal"),
    V.CHANGE_INSTRUCTION: gettext_lazy("Consider changing instruction"),
    V.CONTINUE: gettext_lazy("Continue"),
    V.TOO_FEW: gettext_lazy("Too few points"),
    V.NO_AIMLINE: gettext_lazy("No aimline"),
}
# The trend rule's sentence by verdict and by whether the goal is for the measure to increase.
TREND_SENTENCES = {
    (V.CONTINUE, True): gettext_lazy(
        "The trend since %(date)s runs with the aimline: continue the current instruction."
    ),
    (V.CONTINUE, False): gettext_lazy(
        "The trend since %(date)s runs with the aimline: continue the current instruction."
    ),
    (V.RAISE_GOAL, True): gettext_lazy(
        "The trend since %(date)s rises faster than the aimline: consider raising the goal."
    ),
    (V.CHANGE_INSTRUCTION, True): gettext_lazy(
        "The trend since %(date)s does not rise as fast as the aimline: consider changing instruction."
    ),
    (V.RAISE_GOAL, False): gettext_lazy(
        "The trend since %(date)s falls faster than the aimline: consider a more ambitious goal."
    ),
    (V.CHANGE_INSTRUCTION, False): gettext_lazy(
        "The trend since %(date)s does not fall as fast as the aimline: consider changing instruction."
    ),
}
CONFIRMED = frozenset({MeasureStatus.MAINTENANCE, MeasureStatus.MASTERED})


def verdict_label(verdict: analysis.Verdict) -> str:
    """A decision rule's verdict in a few words (a badge, a table cell)."""
    return str(VERDICT_LABELS[verdict])


def day_text(day: float) -> str:
    """A day as the reader's locale writes a month and day ("November 3")."""
    return formats.date_format(analysis.day_date(day), "MONTH_DAY_FORMAT")


def increasing(progress: MeasureProgress) -> bool:
    return progress.measure.direction != analysis.Direction.DECREASE


def against_goal_words(progress: MeasureProgress) -> str:
    """Why no aimline is drawn when the data's baseline is already past the target."""
    measure = progress.measure
    found = progress.result.baseline
    return _(
        "No aimline: the baseline from the data (%(baseline)s) is already past the target "
        "(%(target)s), so a line between them would run against the goal. Review the target, or "
        "redraw the aimline."
    ) % {
        "baseline": figures.measure_value_text(measure, found.value if found else None),
        "target": figures.measure_value_text(
            measure, None if measure.target_value is None else float(measure.target_value)
        ),
    }


def four_point_words(progress: MeasureProgress) -> str:
    decision = progress.result.four_point
    verdict = decision.verdict
    if verdict is V.NO_AIMLINE and progress.result.against_goal:
        return against_goal_words(progress)
    if verdict is V.NO_AIMLINE:
        return _(
            "No aimline yet: the decision rules need a baseline (3 sessions) and the goal's target "
            "value and date."
        )
    if verdict is V.TOO_FEW:
        return _(
            "Too few points since the last phase change for the four-point rule (%(points)d of %(needed)d)."
        ) % {
            "points": decision.points,
            "needed": analysis.FOUR_POINT_RULE_POINTS,
        }
    if verdict is V.CONTINUE:
        return _("The last 4 points are on both sides of the aimline: continue the current instruction.")
    since = {"date": day_text(decision.since_day or 0.0)}
    if increasing(progress):
        if verdict is V.RAISE_GOAL:
            return (
                _("The last 4 points are above the aimline since %(date)s: consider raising the goal.")
                % since
            )
        return (
            _("The last 4 points are below the aimline since %(date)s: consider changing instruction.")
            % since
        )
    if verdict is V.RAISE_GOAL:
        return (
            _(
                "The last 4 points are below the aimline since %(date)s, ahead of the goal for a behavior "
                "to decrease: consider a more ambitious goal."
            )
            % since
        )
    return (
        _(
            "The last 4 points are above the aimline since %(date)s, behind the goal for a behavior to "
            "decrease: consider changing instruction."
        )
        % since
    )


def trend_words(progress: MeasureProgress) -> str | None:
    decision = progress.result.trend_decision
    verdict = decision.verdict
    if verdict is V.NO_AIMLINE:
        return None  # the four-point sentence already says there is no aimline
    if verdict is V.TOO_FEW:
        return _("Too few points since the last phase change for a trend (%(points)d of %(needed)d).") % {
            "points": decision.points,
            "needed": analysis.TREND_MIN_POINTS,
        }
    sentence = TREND_SENTENCES[verdict, increasing(progress)] % {"date": day_text(decision.since_day or 0.0)}
    if decision.reliable:
        return sentence
    caution = _("Fewer than %(needed)d points (%(points)d so far): read the trend with care.") % {
        "needed": analysis.TREND_RELIABLE_POINTS,
        "points": decision.points,
    }
    return f"{sentence} {caution}"


def mastery_words(progress: MeasureProgress) -> list[str]:
    found = progress.result.mastery
    if found is None:
        return []
    measure = progress.measure
    needed = max(1, measure.mastery_consecutive_sessions)
    if found.status is analysis.MasteryStatus.MET:
        if measure.status in CONFIRMED:
            return [_("Mastery is confirmed: maintenance probes are graphed apart.")]
        return [
            ngettext(
                "Mastery criterion met on %(run)d consecutive session since %(date)s: confirm mastery to "
                "move it to maintenance.",
                "Mastery criterion met on %(run)d consecutive sessions since %(date)s: confirm mastery to "
                "move it to maintenance.",
                found.run,
            )
            % {"run": found.run, "date": day_text(found.since_day or 0.0)}
        ]
    said = [
        _("Mastery: %(run)d of %(needed)d consecutive sessions meet the criterion so far.")
        % {"run": min(found.run, needed), "needed": needed}
    ]
    if "staff" in found.missing:
        said.append(
            _("Mastery also needs %(needed)d different staff in the run (%(staff)d so far).")
            % {"needed": measure.mastery_min_staff, "staff": found.staff}
        )
    if "settings" in found.missing:
        said.append(
            _("Mastery also needs %(needed)d different settings in the run (%(settings)d so far).")
            % {"needed": measure.mastery_min_settings, "settings": found.settings}
        )
    return said


def support_words(progress: MeasureProgress) -> str | None:
    found = progress.result.independence
    if found.status is analysis.Fading.INDEPENDENT:
        return _("Support: the latest sessions were fully independent.")
    if found.status is analysis.Fading.FADING:
        rise = found.independent_per_week or 0.0
        if rise > 0:
            return _(
                "Support is fading: independent responses rise by %(points)s percentage points a week."
            ) % {"points": formats.number_format(rise, 1)}
        return _("Support is fading: prompts are getting lighter.")
    if found.status is analysis.Fading.NOT_FADING:
        return _("Support is not fading yet: prompts are not getting lighter. Plan how to fade them.")
    if progress.measure.method not in {"trials", "task_analysis"}:
        return None
    return _(
        "Too few sessions with prompt levels to tell whether support is fading (%(points)d of %(needed)d)."
    ) % {
        "points": found.points,
        "needed": analysis.FADING_MIN_POINTS,
    }


def in_maintenance(progress: MeasureProgress) -> bool:
    phases = progress.result.phases
    return bool(phases) and phases[-1].kind is analysis.PhaseKind.MAINTENANCE


def decision_words(progress: MeasureProgress) -> list[str]:
    """The graph's decisions as sentences, most pressing first."""
    if in_maintenance(progress):
        said = [_("Maintenance probes: the decision rules rest until a new phase starts.")]
        return said + mastery_words(progress)
    said = [four_point_words(progress)]
    trend = trend_words(progress)
    if trend:
        said.append(trend)
    said += mastery_words(progress)
    support = support_words(progress)
    if support:
        said.append(support)
    return said
