"""A school's (and a district's) own clock: the local date of a moment and the bounds of a local
day, worked by hand for Chicago (UTC-5 in summer time, UTC-6 in winter) and Honolulu (UTC-10)."""

from __future__ import annotations

import datetime
import zoneinfo

from paradesk.people.models import District, School

UTC = datetime.UTC


def test_the_zone_is_the_schools_own() -> None:
    assert School(time_zone="Pacific/Honolulu").zone == zoneinfo.ZoneInfo("Pacific/Honolulu")
    assert District(time_zone="America/Chicago").zone.key == "America/Chicago"


def test_the_local_date_of_a_moment_follows_the_schools_zone() -> None:
    moment = datetime.datetime(2026, 10, 6, 3, 30, tzinfo=UTC)  # Monday 22:30 in Chicago
    assert School(time_zone="America/Chicago").local_date(moment) == datetime.date(2026, 10, 5)
    assert School(time_zone="Europe/Berlin").local_date(moment) == datetime.date(2026, 10, 6)


def test_a_local_clock_time_is_an_aware_moment() -> None:
    start = School(time_zone="Pacific/Honolulu").at(datetime.date(2026, 10, 5), datetime.time(8, 15))
    assert start.astimezone(UTC) == datetime.datetime(2026, 10, 5, 18, 15, tzinfo=UTC)


def test_a_local_day_runs_from_midnight_to_midnight() -> None:
    school = School(time_zone="America/Chicago")
    day = datetime.date(2026, 10, 5)
    assert school.day_start(day).astimezone(UTC) == datetime.datetime(2026, 10, 5, 5, 0, tzinfo=UTC)
    assert school.day_end(day).astimezone(UTC) == datetime.datetime(2026, 10, 6, 5, 0, tzinfo=UTC)


def test_the_day_the_clocks_go_back_has_25_hours() -> None:
    school = School(time_zone="America/Chicago")
    day = datetime.date(2026, 11, 1)  # summer time ends at 2:00
    # In UTC: aware moments of one zone subtract by their wall clocks, which says 24.
    elapsed = school.day_end(day).astimezone(UTC) - school.day_start(day).astimezone(UTC)
    assert elapsed == datetime.timedelta(hours=25)
