"""The iCalendar feed: RFC 5545 folding and escaping, parsed back; school days only; never a
student's name or any student data; a private token stored hashed."""

from __future__ import annotations

import datetime
import hashlib
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from paradesk.access.models import AuditEntry
from paradesk.schedules.calendar_feed import calendar_text, escape_text, feed_for, fold
from paradesk.schedules.models import CalendarFeed, SupportType
from paradesk.schedules.occurrences import DayBlock
from paradesk.testing import (
    ParaBlockFactory,
    Personas,
    StudentFactory,
    bell_schedule_for,
    calendar_day,
    persona_block,
)

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 10, 5)
NOW = datetime.datetime(2026, 10, 4, 12, 0, tzinfo=datetime.UTC)


def unfold(text: str) -> list[str]:
    assert text.endswith("\r\n")
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append("\n" if following in "nN" else following)
        else:
            out.append(char)
    return "".join(out)


def events(text: str) -> list[dict[str, str]]:
    """The VEVENTs of a calendar, each as {property: unescaped value}."""
    found: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in unfold(text):
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            found.append(current)
            current = None
        elif current is not None:
            current[name] = unescape(value)
    return found


def test_long_lines_fold_at_75_octets_without_splitting_a_character() -> None:
    line = "SUMMARY:" + "Apoyo 1:1 — Sala de música " * 6
    folded = fold(line)
    physical = folded.split("\r\n")
    assert len(physical) > 1
    assert all(len(part.encode("utf-8")) <= 75 for part in physical)
    assert all(part.startswith(" ") for part in physical[1:])
    assert folded.replace("\r\n ", "") == line


def test_text_values_escape_backslash_semicolon_comma_and_newline() -> None:
    assert (
        escape_text("Room 12; north, wing\\annex\nby the gym")
        == "Room 12\\; north\\, wing\\\\annex\\nby the gym"
    )
    assert unescape(escape_text("a;b,c\\d\ne")) == "a;b,c\\d\ne"


def run(**fields: object) -> DayBlock:
    values: dict[str, object] = {
        "block_id": uuid.uuid4(),
        "school_id": uuid.uuid4(),
        "para_id": uuid.uuid4(),
        "start": datetime.datetime(2026, 10, 5, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
        "end": datetime.datetime(2026, 10, 5, 9, 50, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
        "support_type": SupportType.PULL_OUT,
        "duty_kind": "",
        "student_ids": (),
        "teacher_id": None,
        "teacher_name": "",
        "room": "Room 12; north, wing",
        "period_name": "",
        "class_name": "",
    }
    values.update(fields)
    return DayBlock(**values)  # type: ignore[arg-type]


def test_calendar_round_trips_through_a_parser_with_utc_times() -> None:
    text = calendar_text([run()], NOW)
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    [event] = events(text)
    assert event["DTSTART"] == "20261005T140000Z"
    assert event["DTEND"] == "20261005T145000Z"
    assert event["SUMMARY"] == "Pull-out — Room 12; north, wing"
    assert event["LOCATION"] == "Room 12; north, wing"
    assert event["DTSTAMP"] == "20261004T120000Z"


def test_feed_has_the_paras_blocks_on_school_days_for_eight_weeks_closures_skipped(
    personas: Personas,
) -> None:
    block = persona_block(personas)  # Monday Period 2, 1:1, Room 12
    calendar_day(personas.school, MONDAY + datetime.timedelta(weeks=2), closed="holiday")
    calendar_day(personas.school, MONDAY + datetime.timedelta(weeks=3), day_type="Early release")

    found = events(feed_for(personas.assigned_para, MONDAY, NOW))

    assert len(found) == 7  # 8 Mondays, one closed
    starts = [event["DTSTART"] for event in found]
    assert starts[0] == "20261005T140000Z"  # 9:00 in Chicago (CDT, UTC-5)
    assert "20261019T140000Z" not in starts  # the holiday
    assert starts[2] == "20261026T134000Z"  # Period 2 of an early release day: 8:40
    assert starts[-1] == "20261123T150000Z"  # 9:00 CST (UTC-6) after the clocks change
    assert {event["SUMMARY"] for event in found} == {"1:1 support — Room 12"}
    assert found[0]["UID"] == f"{block.id}-20261005@paradesk"
    assert len({event["UID"] for event in found}) == 7
    again = events(feed_for(personas.assigned_para, MONDAY, NOW + datetime.timedelta(hours=1)))
    assert [event["UID"] for event in again] == [event["UID"] for event in found]


def test_feed_never_carries_student_data(personas: Personas) -> None:
    student = personas.student
    student.preferred_name = "Zeb"
    student.save()
    persona_block(personas)
    group = StudentFactory.create(school=personas.school, first_name="Ottoline", last_name="Marchbanks")
    ParaBlockFactory.create(
        school=personas.school,
        para=personas.assigned_para,
        weekday=2,
        students=[student, group],
        teacher=personas.gen_ed_teacher,
    )

    text = feed_for(personas.assigned_para, MONDAY, NOW)

    assert len(events(text)) == 16
    unfolded = "".join(unfold(text))
    for secret in (
        "Zebulon",
        "Quillfeather",
        "Zeb",
        "Ottoline",
        "Marchbanks",
        student.local_id,
        group.local_id,
    ):
        assert secret not in unfolded
    for student_id in (student.id, group.id):
        assert str(student_id) not in unfolded and student_id.hex not in unfolded
    assert "Gene Teacher" in unfolded  # the directing teacher is not student data


def test_feed_url_works_without_sign_in_and_stores_only_a_hash(personas: Personas, client: Client) -> None:
    bell_schedule_for(personas.school)
    persona_block(personas)
    feed, raw = CalendarFeed.issue(personas.assigned_para)

    response = client.get(reverse("calendar_feed_ics", args=[raw]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content.decode().startswith("BEGIN:VCALENDAR\r\n")
    assert len(raw) >= 43  # 32 random bytes, base64url
    assert feed.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert not CalendarFeed.objects.filter(token_hash=raw).exists()
    feed.refresh_from_db()
    assert feed.last_used_at is not None


def test_unknown_and_revoked_tokens_are_not_found(personas: Personas, client: Client) -> None:
    feed, raw = CalendarFeed.issue(personas.assigned_para)
    assert client.get(reverse("calendar_feed_ics", args=["x" * 43])).status_code == 404
    client.force_login(personas.assigned_para)
    assert client.post(reverse("calendar_feed_revoke", args=[feed.id])).status_code == 302
    client.logout()
    assert client.get(reverse("calendar_feed_ics", args=[raw])).status_code == 404


def test_para_creates_a_link_shown_once_and_cannot_revoke_someone_elses(
    personas: Personas, client: Client
) -> None:
    client.force_login(personas.assigned_para)

    response = client.post(reverse("calendar_feeds"))

    feed = CalendarFeed.objects.get(staff=personas.assigned_para)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    assert "/calendar/" in response.content.decode()
    assert AuditEntry.objects.filter(object_type="schedules.calendarfeed", object_id=str(feed.id)).exists()
    assert "/calendar/" not in client.get(reverse("calendar_feeds")).content.decode()
    theirs, _raw = CalendarFeed.issue(personas.unassigned_para)
    assert client.post(reverse("calendar_feed_revoke", args=[theirs.id])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
