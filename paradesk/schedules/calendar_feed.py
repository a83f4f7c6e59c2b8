"""A para's schedule as an iCalendar feed (RFC 5545), written by hand: it is a small format.

PRIVACY: a calendar feed leaves the district's systems. Phone and web calendar services fetch it,
store it and show it on lock screens, so it must NEVER carry a student's name or anything else about
a student (FERPA 34 CFR 99.31: no disclosure without a legitimate educational interest). An event
says only the kind of support, the room or class, the period and the directing teacher; who the
student is stays in Paradesk, behind sign-in and need-to-know. The tests check this.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext as _

from paradesk.people.models import Staff
from paradesk.schedules.models import DutyKind, ParaBlock, SupportType
from paradesk.schedules.occurrences import DayBlock, blocks_with_details, occurrences
from paradesk.schedules.school_calendar import SchoolCalendars, dates_between

FEED_WEEKS = 8
PRODID = "-//Paradesk//Para schedule//EN"
MAX_LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, newlines as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """A content line folded to at most 75 octets per physical line (RFC 5545 3.1), never inside a
    multi-octet UTF-8 character; each continuation begins with one space."""
    parts: list[str] = []
    current, size = "", 0
    limit = MAX_LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


def utc_stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def summary_of(run: DayBlock) -> str:
    """ "1:1 support — Room 12": the kind of support and where, never who."""
    what = (
        str(DutyKind(run.duty_kind).label)
        if run.support_type == SupportType.DUTY and run.duty_kind
        else str(SupportType(run.support_type).label)
    )
    where = run.room or run.class_name
    return f"{what} — {where}" if where else what


def description_of(run: DayBlock) -> str:
    lines = []
    if run.period_name:
        lines.append(_("Period: %(period)s") % {"period": run.period_name})
    if run.class_name:
        lines.append(_("Class: %(class)s") % {"class": run.class_name})
    if run.teacher_name:
        lines.append(_("Directing teacher: %(teacher)s") % {"teacher": run.teacher_name})
    return "\n".join(lines)


def event_lines(run: DayBlock, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{run.block_id}-{run.start:%Y%m%d}@paradesk",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{utc_stamp(run.start)}",
        f"DTEND:{utc_stamp(run.end)}",
        f"SUMMARY:{escape_text(summary_of(run))}",
    ]
    if run.room or run.class_name:
        lines.append(f"LOCATION:{escape_text(run.room or run.class_name)}")
    description = description_of(run)
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    lines.append("END:VEVENT")
    return lines


def calendar_text(runs: Iterable[DayBlock], now: datetime.datetime) -> str:
    stamp = utc_stamp(now)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(_('Paradesk schedule'))}",
    ]
    for run in runs:
        lines.extend(event_lines(run, stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def feed_runs(staff: Staff, first: datetime.date, weeks: int = FEED_WEEKS) -> list[DayBlock]:
    """The staff member's blocks on each school day from `first` for `weeks` weeks."""
    last = first + datetime.timedelta(days=7 * weeks - 1)
    blocks: list[ParaBlock] = list(blocks_with_details().in_force_between(first, last).filter(para=staff))
    if not blocks:
        return []
    calendars = SchoolCalendars.load({block.school_id for block in blocks}, first, last)
    return occurrences(blocks, dates_between(first, last), calendars)


def feed_for(staff: Staff, first: datetime.date, now: datetime.datetime) -> str:
    return calendar_text(feed_runs(staff, first), now)
