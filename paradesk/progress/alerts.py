"""What needs a licensed teacher's attention on a measure, and why, in plain words with the dates and
figures behind it (docs/progress.md#team-dashboard-alerts).

``alerts_for`` reads measures' progress summaries (paradesk.progress.summaries) and the schools'
calendars (paradesk.schedules.school_calendar) already loaded, so a whole caseload costs no query
here. Reading only: who may see which measures is decided by paradesk.access before anything here
is called.

A measure raises nothing when it is discontinued or mastered, when its plan version is not the
active one, or when it is an ABC measure (incidents have no session values and no schedule: a week
without incidents is good news, not missing data).
"""

from __future__ import annotations

import datetime
import enum
import math
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from paradesk.plans.models import MeasureStatus, Method, PlanStatus, ScheduleKind
from paradesk.progress import agreement, analysis
from paradesk.progress.summaries import Summary
from paradesk.schedules.school_calendar import SchoolCalendars

# The default: a measure with no data for this many school days needs a look.
NO_DATA_SCHOOL_DAYS = 5
# A new phase is not nagged about agreement before it has this many sessions.
AGREEMENT_MIN_SESSIONS = 5
# Counting school days without data looks back at most this far (one calendar load per page).
LOOKBACK_DAYS = 366
# A full school week, for prorating a "times per week" schedule in a week with closures.
SCHOOL_WEEK_DAYS = 5

QUIET_STATUSES = frozenset({MeasureStatus.DISCONTINUED, MeasureStatus.MASTERED})
# Maintenance probes are graphed but kept out of acquisition decisions (docs/field.md#maintenance).
NO_DECISION_STATUSES = frozenset({MeasureStatus.MAINTENANCE})
NO_MASTERY_FLAG_STATUSES = frozenset({MeasureStatus.MAINTENANCE, MeasureStatus.MASTERED})


class Reason(enum.StrEnum):
    """Why a measure needs attention, most urgent first: declaration order is urgency order."""

    CHANGE_INSTRUCTION = "change_instruction"  # the student is not on track to meet the goal
    NO_DATA = "no_data"  # nobody knows how the student is doing
    MASTERY = "mastery"  # the student waits for a teacher to confirm and move on
    RAISE_GOAL = "raise_goal"
    AGREEMENT_LOW = "agreement_low"  # the data may not be trustworthy
    SUPPORT_NOT_FADING = "support_not_fading"
    BEHIND_SCHEDULE = "behind_schedule"
    AGREEMENT_FEW_CHECKS = "agreement_few_checks"


URGENCY = {reason: rank for rank, reason in enumerate(Reason)}

LABELS: dict[Reason, Promise] = {
    Reason.CHANGE_INSTRUCTION: gettext_lazy("Change instruction"),
    Reason.NO_DATA: gettext_lazy("No recent data"),
    Reason.MASTERY: gettext_lazy("Mastery to confirm"),
    Reason.RAISE_GOAL: gettext_lazy("Raise the goal"),
    Reason.AGREEMENT_LOW: gettext_lazy("Low agreement"),
    Reason.SUPPORT_NOT_FADING: gettext_lazy("Support not fading"),
    Reason.BEHIND_SCHEDULE: gettext_lazy("Behind schedule"),
    Reason.AGREEMENT_FEW_CHECKS: gettext_lazy("Agreement rarely checked"),
}


@dataclass(frozen=True)
class Alert:
    measure_id: uuid.UUID
    student_id: uuid.UUID
    reason: Reason
    words: str

    @property
    def urgency(self) -> int:
        return URGENCY[self.reason]

    @property
    def label(self) -> str:
        return str(LABELS[self.reason])


def month_day(day: datetime.date) -> str:
    """A date as the person's language writes a day of the month ("November 3")."""
    return date_format(day, "MONTH_DAY_FORMAT")


def whole(value: float) -> str:
    return number_format(round(value), 0)


# ---- which measures and which dates ------------------------------------------------------------------


def watched(summary: Summary) -> bool:
    """Whether a measure can raise alerts at all (see the module docstring)."""
    measure = summary.measure
    return (
        measure.status not in QUIET_STATUSES
        and measure.plan.status == PlanStatus.ACTIVE
        and measure.method != Method.ABC
    )


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def schedule_start(summary: Summary) -> datetime.date:
    """From when data is expected: the plan version's start, or earlier data of the measure's
    lineage (an amended plan carries the measure on without a gap)."""
    start = summary.measure.plan.start_date
    if summary.days:
        return min(start, summary.days[0])
    return start


def calendar_window(
    summaries: Iterable[Summary], today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The dates the alerts read from the calendars: from the earliest day a "no data" count may
    start (at most LOOKBACK_DAYS back), and at least the previous full week, to today."""
    earliest = week_start(today) - datetime.timedelta(days=7)
    for summary in summaries:
        last = summary.last_day
        start = last + datetime.timedelta(days=1) if last is not None else summary.measure.plan.start_date
        earliest = min(earliest, start)
    return max(earliest, today - datetime.timedelta(days=LOOKBACK_DAYS)), today


def load_calendars(summaries: Sequence[Summary], today: datetime.date) -> SchoolCalendars:
    """The calendars of every school of the measures' students, in one load whatever their number."""
    start, end = calendar_window(summaries, today)
    schools = {summary.measure.plan.student.school_id for summary in summaries}
    return SchoolCalendars.load(schools, start, end)


def school_days(
    calendars: SchoolCalendars, school_id: uuid.UUID, start: datetime.date, end: datetime.date
) -> list[datetime.date]:
    """The school's days with school between two dates, clipped to the loaded calendar."""
    start, end = max(start, calendars.start), min(end, calendars.end)
    if start > end:
        return []
    return calendars.school_days(school_id, start, end)


# ---- each reason -------------------------------------------------------------------------------------


def decision_alerts(summary: Summary) -> list[tuple[Reason, str]]:
    """The four-point rule, and the trend rule when its trend is reliable (8 points or more), when
    either says change instruction or raise the goal. Rules that agree share one alert: what each
    saw, then what to do; disagreeing rules give one alert each."""
    if summary.measure.status in NO_DECISION_STATUSES:
        return []
    decrease = summary.measure.direction == analysis.Direction.DECREASE
    said: dict[Reason, list[str]] = {}
    four = summary.four_point
    if four.verdict in VERDICT_REASONS and four.since_day is not None:
        reason = VERDICT_REASONS[four.verdict]
        since = month_day(analysis.day_date(four.since_day))
        said.setdefault(reason, []).append(four_point_words(reason, decrease, since))
    trend = summary.trend_decision
    if trend.verdict in VERDICT_REASONS and trend.reliable:
        reason = VERDICT_REASONS[trend.verdict]
        said.setdefault(reason, []).append(trend_words(reason, trend.points))
    return [(reason, " ".join([*seen, str(ADVICE[reason])])) for reason, seen in said.items()]


VERDICT_REASONS = {
    analysis.Verdict.CHANGE_INSTRUCTION: Reason.CHANGE_INSTRUCTION,
    analysis.Verdict.RAISE_GOAL: Reason.RAISE_GOAL,
}
ADVICE: dict[Reason, Promise] = {
    Reason.CHANGE_INSTRUCTION: gettext_lazy("Change instruction."),
    Reason.RAISE_GOAL: gettext_lazy("Consider raising the goal."),
}


def four_point_words(reason: Reason, decrease: bool, since: str) -> str:
    """What the four-point rule saw. For a behavior to decrease, above and below swap."""
    below = (reason is Reason.CHANGE_INSTRUCTION) != decrease
    if below:
        words = _("The last 4 points (since %(since)s) are all below the aimline.")
    else:
        words = _("The last 4 points (since %(since)s) are all above the aimline.")
    if decrease:
        words += " " + _("The behavior should go down.")
    return words % {"since": since}


def trend_words(reason: Reason, points: int) -> str:
    """What the trend rule saw: flatter than the aimline in the goal's direction, or steeper."""
    if reason is Reason.CHANGE_INSTRUCTION:
        return _("The trend over %(points)s points is not keeping pace with the aimline.") % {
            "points": points
        }
    return _("The trend over %(points)s points is moving toward the goal faster than the aimline.") % {
        "points": points
    }


def mastery_alert(summary: Summary) -> str | None:
    """The mastery rule is met: flagged for a licensed teacher to confirm (docs/field.md#mastery)."""
    found = summary.mastery
    if found is None or found.status is not analysis.MasteryStatus.MET:
        return None
    if summary.measure.status in NO_MASTERY_FLAG_STATUSES:
        return None
    threshold = number_format(float(summary.measure.mastery_threshold), 0)
    since = month_day(analysis.day_date(found.since_day)) if found.since_day is not None else ""
    return ngettext(
        "Mastery criterion met: %(run)s session at %(threshold)s%% or more (since %(since)s). "
        "Confirm mastery or keep teaching.",
        "Mastery criterion met: %(run)s sessions in a row at %(threshold)s%% or more (since %(since)s). "
        "Confirm mastery or keep teaching.",
        found.run,
    ) % {"run": found.run, "threshold": threshold, "since": since}


def no_data_alert(
    summary: Summary, today: datetime.date, calendars: SchoolCalendars, quiet_days: int
) -> str | None:
    """No data for ``quiet_days`` school days or more: school days (closures, weekends and days
    outside the school year do not count) after the last data, up to and including today."""
    school_id = summary.measure.plan.student.school_id
    last = summary.last_day
    start = last + datetime.timedelta(days=1) if last is not None else summary.measure.plan.start_date
    missed = len(school_days(calendars, school_id, start, today))
    if missed < quiet_days:
        return None
    more = start < calendars.start  # counted only as far back as the calendar was loaded
    if last is None:
        return ngettext(
            "No data yet: %(days)s%(more)s school day since the plan started on %(start)s.",
            "No data yet: %(days)s%(more)s school days since the plan started on %(start)s.",
            missed,
        ) % {"days": missed, "more": "+" if more else "", "start": month_day(start)}
    return ngettext(
        "No data for %(days)s%(more)s school day (last on %(last)s).",
        "No data for %(days)s%(more)s school days (last on %(last)s).",
        missed,
    ) % {"days": missed, "more": "+" if more else "", "last": month_day(last)}


def behind_schedule_alert(summary: Summary, today: datetime.date, calendars: SchoolCalendars) -> str | None:
    """Last full week (Monday to Sunday before this one) against the measure's data schedule:
    daily, data on every school day; per week, the sessions asked for, prorated down when closures
    left fewer than five school days. School days before the data was first expected don't count."""
    measure = summary.measure
    monday = week_start(today) - datetime.timedelta(days=7)
    sunday = monday + datetime.timedelta(days=6)
    start = max(monday, schedule_start(summary))
    days = school_days(calendars, measure.plan.student.school_id, start, sunday)
    in_week = [day for day in summary.days if monday <= day <= sunday]
    week = month_day(monday)
    if measure.schedule_kind == ScheduleKind.DAILY:
        with_data = len(set(in_week) & set(days))
        if with_data >= len(days):
            return None
        return ngettext(
            "Data on %(done)s of %(days)s school day last week (week of %(week)s).",
            "Data on %(done)s of %(days)s school days last week (week of %(week)s).",
            len(days),
        ) % {"done": with_data, "days": len(days), "week": week}
    per_week = measure.sessions_per_week or 0
    expected = (
        per_week if len(days) >= SCHOOL_WEEK_DAYS else math.floor(per_week * len(days) / SCHOOL_WEEK_DAYS)
    )
    if len(in_week) >= expected:
        return None
    return ngettext(
        "%(done)s of %(expected)s session last week (week of %(week)s); the schedule asks for "
        "%(per_week)s a week.",
        "%(done)s of %(expected)s sessions last week (week of %(week)s); the schedule asks for "
        "%(per_week)s a week.",
        expected,
    ) % {"done": len(in_week), "expected": expected, "week": week, "per_week": per_week}


def agreement_alerts(summary: Summary) -> list[tuple[Reason, str]]:
    """At least 80% agreement on at least 20% of the sessions of the current phase
    (docs/field.md#agreement), once the phase has AGREEMENT_MIN_SESSIONS sessions."""
    standing = summary.agreement
    if standing.sessions < AGREEMENT_MIN_SESSIONS:
        return []
    found: list[tuple[Reason, str]] = []
    if standing.below_standard and standing.lowest is not None:
        found.append(
            (
                Reason.AGREEMENT_LOW,
                _("Agreement as low as %(lowest)s%% in this phase (the standard is at least %(standard)s%%).")
                % {"lowest": whole(standing.lowest), "standard": whole(agreement.AGREEMENT_STANDARD)},
            )
        )
    if standing.too_few_checked:
        found.append((Reason.AGREEMENT_FEW_CHECKS, few_checks_words(standing)))
    return found


def few_checks_words(standing: agreement.AgreementStanding) -> str:
    standard = whole(agreement.AGREEMENT_SHARE_STANDARD)
    if not standing.checks:
        return _(
            "Agreement not yet checked in this phase (%(sessions)s sessions; the standard is at least "
            "%(standard)s%% of sessions)."
        ) % {"sessions": standing.sessions, "standard": standard}
    return ngettext(
        "Agreement checked on %(checks)s of %(sessions)s session in this phase (%(share)s%%; the "
        "standard is at least %(standard)s%%).",
        "Agreement checked on %(checks)s of %(sessions)s sessions in this phase (%(share)s%%; the "
        "standard is at least %(standard)s%%).",
        standing.sessions,
    ) % {
        "checks": standing.checks,
        "sessions": standing.sessions,
        "share": whole(standing.share_checked or 0),
        "standard": standard,
    }


def fading_alert(summary: Summary) -> str | None:
    found = summary.independence
    if found.status is not analysis.Fading.NOT_FADING:
        return None
    return _(
        "Support is not fading: over %(points)s sessions, independent responses changed by %(change)s "
        "percentage points a week and prompts did not get lighter."
    ) % {
        "points": found.points,
        "change": number_format(found.independent_per_week or 0.0, 1, force_grouping=False),
    }


# ---- all of them -------------------------------------------------------------------------------------


def alerts_of(
    summary: Summary, *, today: datetime.date, calendars: SchoolCalendars, quiet_days: int
) -> list[Alert]:
    """One measure's alerts, most urgent first."""
    if not watched(summary):
        return []
    found = decision_alerts(summary)
    mastery = mastery_alert(summary)
    if mastery:
        found.append((Reason.MASTERY, mastery))
    no_data = no_data_alert(summary, today, calendars, quiet_days)
    if no_data:
        found.append((Reason.NO_DATA, no_data))
    else:  # a measure with no data for days is behind its schedule too: say it once
        behind = behind_schedule_alert(summary, today, calendars)
        if behind:
            found.append((Reason.BEHIND_SCHEDULE, behind))
    found += agreement_alerts(summary)
    fading = fading_alert(summary)
    if fading:
        found.append((Reason.SUPPORT_NOT_FADING, fading))
    measure = summary.measure
    alerts = [Alert(measure.pk, measure.plan.student_id, reason, words) for reason, words in found]
    return sorted(alerts, key=lambda alert: alert.urgency)


def alerts_for(
    summaries: Iterable[Summary],
    *,
    today: datetime.date,
    calendars: SchoolCalendars,
    quiet_days: int = NO_DATA_SCHOOL_DAYS,
) -> list[Alert]:
    """Every alert of the measures, most urgent first (stable: measures keep their order within a
    reason). ``calendars`` must cover ``calendar_window`` (``load_calendars`` loads it)."""
    found = [
        alert
        for summary in summaries
        for alert in alerts_of(summary, today=today, calendars=calendars, quiet_days=quiet_days)
    ]
    return sorted(found, key=lambda alert: alert.urgency)


# ---- what the dashboard shows beside the alerts --------------------------------------------------------

VERDICT_WORDS: dict[analysis.Verdict, Promise] = {
    analysis.Verdict.RAISE_GOAL: gettext_lazy("raise the goal"),
    analysis.Verdict.CHANGE_INSTRUCTION: gettext_lazy("change instruction"),
    analysis.Verdict.CONTINUE: gettext_lazy("continue"),
    analysis.Verdict.TOO_FEW: gettext_lazy("too few points since the last phase change"),
    analysis.Verdict.NO_AIMLINE: gettext_lazy("no aimline (the measure needs a target value and date)"),
}


class Decided(Protocol):
    """What the decision rules said: an analysis, or a measure's summary of one."""

    @property
    def four_point(self) -> analysis.Decision: ...

    @property
    def trend_decision(self) -> analysis.Decision: ...


def decision_summary(result: Decided) -> str:
    """The decision rules in a line: the four-point rule, and the trend rule marked when its trend
    rests on too few points to trust."""
    four = _("Four-point rule: %(verdict)s.") % {"verdict": VERDICT_WORDS[result.four_point.verdict]}
    trend = result.trend_decision
    if trend.verdict in {analysis.Verdict.TOO_FEW, analysis.Verdict.NO_AIMLINE}:
        return four
    if not trend.reliable:
        return (
            four
            + " "
            + _("Trend: %(verdict)s (only %(points)s points: not reliable yet).")
            % {
                "verdict": VERDICT_WORDS[trend.verdict],
                "points": trend.points,
            }
        )
    return four + " " + _("Trend: %(verdict)s.") % {"verdict": VERDICT_WORDS[trend.verdict]}


def sessions_this_week(summary: Summary, today: datetime.date) -> int:
    """Sessions from this week's Monday to today."""
    monday = week_start(today)
    return sum(1 for day in summary.days if monday <= day <= today)
